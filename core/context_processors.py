from django.conf import settings


def service(request):
    """The service's name, for the header and page titles."""
    return {"SERVICE_NAME": settings.SERVICE_NAME}
