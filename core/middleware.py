"""Middleware shared by every app."""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Tell browsers and proxies not to keep any response made for a signed-in person.

    Pages and downloads alike hold partnership data (some of it sensitive), so none may be left in a
    shared computer's cache or the back-button history after signing out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Whoever was signed in when the request came counts, so the response to signing out is covered.
        was_signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if was_signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)  # Cache-Control: max-age=0, no-cache, no-store, ...
            response["Pragma"] = "no-cache"
        return response
