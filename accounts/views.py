from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts.models import Membership, StatusRating


class PartnershipMixin:
    """Resolve the partnership in the URL through the user's own active membership.

    A partnership the user does not belong to answers 404, so its name never leaks.
    """

    nav_section = None

    def dispatch(self, request, *args, **kwargs):
        self.membership = (
            Membership.objects.filter(user=request.user, partnership__slug=kwargs["slug"], is_active=True)
            .select_related("partnership", "organisation")
            .first()
        )
        if self.membership is None:
            raise Http404("No such partnership")
        self.partnership = request.partnership = self.membership.partnership
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            partnership=self.partnership,
            membership=self.membership,
            nav_section=self.nav_section,
            status_ratings=lambda: StatusRating.wording_for(self.partnership),
            **kwargs,
        )


class HomeView(TemplateView):
    """Take a member of one partnership straight to it; offer a choice to a member of several."""

    template_name = "accounts/home.html"

    def get(self, request, *args, **kwargs):
        self.memberships = list(
            request.user.memberships.filter(is_active=True)
            .select_related("partnership", "organisation")
            .order_by("partnership__name")
        )
        if len(self.memberships) == 1:
            return redirect(self.memberships[0].partnership)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(memberships=self.memberships, **kwargs)
