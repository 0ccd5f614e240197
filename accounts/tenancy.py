"""The one base for every page of a partnership: tenancy first, then the objects, then one permission.

A page under `/p/<slug>/` (decision records 0001 and 0012):
1. resolves the partnership through the person's own active membership, once; any other partnership
   answers 404, so its name never leaks;
2. fetches every object named in its URL through that partnership (`url_objects`: the names of the
   view's cached properties, each a `get_object_or_404` through `self.partnership`), so another
   partnership's object answers 404 whoever asks;
3. only then checks its one declared `permission_required` (a django-rules permission) on the object
   its `permission_object` names: the partnership unless the view says otherwise. Refused is 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Membership, StatusRating


class PartnershipMixin:
    """A page of the partnership in the URL, for its members (see the module docstring)."""

    nav_section = None
    permission_required: str | None = None
    permission_object = "partnership"
    """The name of the attribute the permission is checked on, e.g. "action"."""
    url_objects: tuple[str, ...] = ()
    partnership_joins: tuple[str, ...] = ()
    """Records one to one with the partnership that the page reads, e.g. ("risk_register",): fetched with
    the membership, in its one query."""

    def dispatch(self, request, *args, **kwargs):
        self.membership = (
            Membership.objects.active()
            .filter(user=request.user, partnership__slug=kwargs["slug"])
            .select_related(
                "partnership", "organisation", *(f"partnership__{name}" for name in self.partnership_joins)
            )
            .first()
        )
        if self.membership is None:
            raise Http404("No such partnership")
        self.partnership = request.partnership = self.membership.partnership
        request.user.memberships_seen = {self.partnership.pk: self.membership}
        self.fetch_objects()
        if self.permission_required and not request.user.has_perm(
            self.permission_required, getattr(self, self.permission_object)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def fetch_objects(self) -> None:
        """Fetch the objects the URL names, through `self.partnership`: Http404 for any other."""
        for name in self.url_objects:
            getattr(self, name)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            partnership=self.partnership,
            membership=self.membership,
            nav_section=self.nav_section,
            status_ratings=lambda: StatusRating.wording_for(self.partnership),
            **kwargs,
        )
