"""Sign-ins, failed sign-ins and lockouts of a partnership's members, for its administrators.

django-axes records them (AccessLog for successes, AccessFailureLog for failures, AccessAttempt for
the failures counting towards a lockout) by the username as typed; only the exact usernames of the
partnership's active members are shown, so an administrator never sees another partnership's people
or the guesses of strangers.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db.models import BooleanField, CharField, Max, Sum, Value
from django.utils import timezone
from django.views.generic import ListView

from accounts.models import Membership
from accounts.tenancy import PartnershipMixin

FIELDS = ["attempt_time", "username", "ip_address", "user_agent"]


class SignInLogView(PartnershipMixin, ListView):
    """Every sign-in, failure and lockout of the partnership's members, newest first, 50 a page."""

    permission_required = "accounts.administer_partnership"
    nav_section = "manage"
    template_name = "accounts/sign_in_log.html"
    context_object_name = "events"
    paginate_by = 50

    def member_usernames(self):
        return Membership.objects.active().for_partnership(self.partnership).values("user__username")

    def get_queryset(self):
        usernames = self.member_usernames()
        successes = (
            AccessLog.objects.filter(username__in=usernames)
            .annotate(outcome=Value("success", output_field=CharField()))
            .annotate(locked_out=Value(False, output_field=BooleanField()))
            .values(*FIELDS, "outcome", "locked_out")
        )
        failures = (
            AccessFailureLog.objects.filter(username__in=usernames)
            .annotate(outcome=Value("failure", output_field=CharField()))
            .values(*FIELDS, "outcome", "locked_out")
        )
        return successes.union(failures, all=True).order_by("-attempt_time")

    def get_context_data(self, **kwargs):
        # Lockouts in force now: AccessAttempt's time is the last counted failure, and the cool-off
        # runs from it (failures during a lockout are not counted, so do not extend it).
        cool_off = settings.AXES_COOLOFF_TIME
        # Like axes, add up the failures of one username from one address across browsers.
        locked = (
            AccessAttempt.objects.filter(
                username__in=self.member_usernames(), attempt_time__gt=timezone.now() - cool_off
            )
            .values("username", "ip_address")
            .annotate(failures=Sum("failures_since_start"), last_failure_at=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by("-last_failure_at")
        )
        lockouts = [{**lockout, "until": lockout["last_failure_at"] + cool_off} for lockout in locked]
        return super().get_context_data(lockouts=lockouts, **kwargs)
