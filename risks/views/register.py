"""The risk register's own pages: the register and its heat map, releasing it to the board, the releases
as the board saw them, and the register's bands and tolerance (decision record 0020).

Whoever sees the register in preparation (administrators, and the chairs and vice-chairs of the
partnership's bodies) sees it as it stands; every other member sees the latest release, frozen. Both are
the same JSON-ready content (`risks.register.register_content`), drawn by the same includes.
"""

import copy
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, ListView, TemplateView

from accounts.models import Partnership
from accounts.tenancy import PartnershipMixin
from core.conflicts import EditConflict, EditConflictMixin, version_of
from core.dates import long_date
from core.forms import add_service_errors
from risks.forms.register import HeatMapCellForm, RegisterReleaseForm, RegisterSettingsForm
from risks.models import Risk, RiskRegister, RiskRegisterRelease
from risks.register import Movement, heat_map, latest_release, register_content, register_set_up
from risks.scoring import IMPACT_WORDS, LIKELIHOOD_WORDS, score_of
from risks.services import register_release, register_settings_save


def empty_content(partnership: Partnership, *, today: date) -> dict:
    """The content of a register not yet set up: no risks, the default bands and tolerance.

    `register_content` needs a saved register, and a page that only shows the register never makes one.
    """
    defaults = RiskRegister(partnership=partnership)
    return {
        "partnership": partnership.name,
        "drawn_on": today.isoformat(),
        "bands": {"low_up_to": defaults.low_up_to, "medium_up_to": defaults.medium_up_to},
        "tolerance": defaults.tolerance,
        "previous_release": None,
        "risks": [],
        "heat_map": heat_map([], defaults.low_up_to, defaults.medium_up_to),
        "counts": {"open": 0, "high": 0, "above_tolerance": 0, "rising": 0, "review_overdue": 0},
    }


class RegisterMixin(PartnershipMixin):
    """A page of the partnership's register: the register (if set up), who sees it as it stands, and
    the viewer's own risks."""

    nav_section = "risks"
    partnership_joins = ("risk_register",)

    @cached_property
    def register(self) -> RiskRegister | None:
        """The partnership's register, or None before anyone has set it up: showing it makes none."""
        return register_set_up(self.partnership)

    @cached_property
    def can_see_live(self) -> bool:
        return self.request.user.has_perm("risks.see_register_in_preparation", self.partnership)

    @cached_property
    def own_risks(self) -> list[Risk]:
        """The risks the viewer answers for (`Risk.accountable`): their own, else their organisation's
        as its nominated contact."""
        user = self.request.user
        return list(
            Risk.objects.for_partnership(self.partnership)
            .filter(Q(owner=user) | Q(owner__isnull=True, owner_organisation__nominated_contact=user))
            .order_by("reference")
        )

    @cached_property
    def linkable(self) -> set[int]:
        """The risks whose page the viewer may open (`risks.view_risk`), so that no link answers 403
        and no link leads to a risk removed since a release: every risk of the register for whoever
        sees it in preparation, else their own."""
        if self.can_see_live:
            return set(Risk.objects.for_partnership(self.partnership).values_list("pk", flat=True))
        return {risk.pk for risk in self.own_risks}

    def shown(self, content: dict | None, page_url: str, *, live: bool = False) -> dict:
        """What the register's includes need to draw `content` on a page at `page_url`: the risks in
        the heat-map cell chosen in the address (`?likelihood=&impact=`), else all of them. `live`:
        the content is the register as it stands, so its risks are every risk there is to link to."""
        cell = HeatMapCellForm(self.request.GET).cell
        risks = (content or {}).get("risks") or []
        linkable = {risk["pk"] for risk in risks} if live else self.linkable
        chosen = None
        if cell is not None:
            likelihood, impact = cell
            risks = [
                risk
                for risk in risks
                if risk.get("status") == Risk.Status.OPEN
                and (risk["residual"]["likelihood"], risk["residual"]["impact"]) == cell
            ]
            chosen = {
                "likelihood": likelihood,
                "likelihood_word": LIKELIHOOD_WORDS[likelihood],
                "impact": impact,
                "impact_word": IMPACT_WORDS[impact],
                "score": score_of(likelihood, impact),
            }
        return {
            "content": content,
            "shown_risks": risks,
            "chosen_cell": chosen,
            "heat_map_url": page_url,
            "linkable": linkable,
            "own_risks": self.own_risks,
            "can_see_live": self.can_see_live,
            "register": self.register,
        }


class RegisterView(RegisterMixin, TemplateView):
    """The risk register and its heat map: as it stands for whoever sees it in preparation, else as it
    was last released to the board."""

    template_name = "risks/register.html"

    def get_context_data(self, **kwargs):
        user, partnership, register = self.request.user, self.partnership, self.register
        today = timezone.localdate()
        release = latest_release(register) if register else None
        if self.can_see_live:
            content = (
                register_content(register, today=today, previous=release, links=False)
                if register
                else empty_content(partnership, today=today)
            )
        else:
            content = release.content if release else None
        return super().get_context_data(
            release=release,
            can_release=self.can_see_live and user.has_perm("risks.release_register", partnership),
            can_manage=user.has_perm("risks.manage_risks", partnership),
            **self.shown(content, self.request.path, live=self.can_see_live),
            **kwargs,
        )


class RegisterReleaseView(EditConflictMixin, RegisterMixin, FormView):
    """Confirm releasing the register to every member as it stands, unless it changed since the page
    was opened: then the page shows it again as it is now, answering 409."""

    permission_required = "risks.release_register"
    form_class = RegisterReleaseForm
    template_name = "risks/register_release.html"

    def edited_record(self) -> RiskRegister | None:
        return self.register

    def form_valid(self, form):
        register, version = self.register, form.cleaned_data["version"]
        if register is None:
            form.add_error(None, "There is no risk register to release yet: add a risk first")
            return self.form_invalid(form)
        if register.is_released and version == version_of(register):
            messages.success(
                self.request, "The board has already seen the risk register as it stands: nothing to release."
            )
            return redirect(register)
        try:
            release = register_release(
                register=register,
                released_by=self.request.user,
                note=form.cleaned_data["note"],
                version=version,
                now=timezone.now(),
                today=timezone.localdate(),
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        messages.success(
            self.request,
            f"Risk register released to the board on {long_date(timezone.localtime(release.released_at).date())}. "
            "Every member now sees it as it stands.",
        )
        return redirect(register)

    def conflict_differences(self, form, saved):
        return []  # what differs is the register itself, shown again in full

    def get_context_data(self, **kwargs):
        register = self.register
        release = latest_release(register) if register else None
        content = (
            register_content(register, today=timezone.localdate(), previous=release, links=False)
            if register
            else None
        )
        changes = [
            risk
            for risk in (content["risks"] if content else [])
            if risk["movement"] != Movement.SAME and risk["status"] == Risk.Status.OPEN
        ]
        return super().get_context_data(
            content=content,
            release=release,
            changes=changes,
            nothing_to_release=register is None or register.is_released,
            **kwargs,
        )


class ReleaseListView(RegisterMixin, ListView):
    """Every release of the register to the board, newest first, each frozen as the board saw it."""

    template_name = "risks/release_list.html"
    context_object_name = "releases"

    def get_queryset(self):
        return (
            RiskRegisterRelease.objects.filter(register__partnership=self.partnership)
            .select_related("released_by")
            .order_by("-released_at")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_see_live=self.can_see_live, **kwargs)


class ReleaseDetailView(RegisterMixin, TemplateView):
    """The register as it was released to the board, frozen: later changes do not alter it."""

    template_name = "risks/release_detail.html"
    url_objects = ("release",)

    @cached_property
    def release(self) -> RiskRegisterRelease:
        return get_object_or_404(
            RiskRegisterRelease.objects.filter(register__partnership=self.partnership).select_related(
                "released_by"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            release=self.release,
            **self.shown(self.release.content, self.request.path),
            **kwargs,
        )


class RegisterSettingsView(EditConflictMixin, RegisterMixin, FormView):
    """The register's bands and tolerance (administrators). Saving them puts the register back in
    preparation: the board sees the new bands only when the register is released again."""

    permission_required = "risks.manage_risks"
    form_class = RegisterSettingsForm
    template_name = "risks/register_settings_form.html"

    def edited_record(self) -> RiskRegister | None:
        return self.register

    def get_form_kwargs(self):
        instance = copy.copy(self.register) if self.register else RiskRegister(partnership=self.partnership)
        return {**super().get_form_kwargs(), "instance": instance}

    def form_valid(self, form):
        back = redirect("risks:register", slug=self.partnership.slug)
        if not form.has_changed():
            messages.success(self.request, "Nothing was changed in the risk register's settings.")
            return back
        values = {name: form.cleaned_data[name] for name in form._meta.fields}
        try:
            register_settings_save(
                partnership=self.partnership, values=values, version=form.cleaned_data["version"]
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            "Risk register settings saved. The register is in preparation until it is released to the "
            "board again.",
        )
        return back
