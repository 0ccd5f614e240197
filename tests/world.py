"""One of everything in one partnership, the arguments that fill each URL with it, and a digest of the
database, for tests that go over every page (tests/security/test_huge_numbers.py, tests/test_access_matrix.py,
tests/test_forms_property.py)."""

import datetime
import hashlib

from django.db import connection
from django.utils import timezone

from accounts.models import Membership
from core.conflicts import version_of
from core.ratings import Rating
from delivery.models import ReportingPeriod
from meetings.models import SupportingDocument
from risks.services import register_release
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.delivery.factories import (
    ActionFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
)
from tests.indicators.factories import IndicatorFactory, IndicatorTargetFactory, IndicatorValueFactory
from tests.meetings.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    BoardActionFactory,
    BoardActionNoteFactory,
    MeetingFactory,
)
from tests.priorities.factories import (
    ConsultationFactory,
    PriorityFactory,
    SignOffFactory,
    StrategicAmbitionFactory,
    StrategyFactory,
)
from tests.risks.factories import RiskFactory, RiskReviewFactory

# The project's own apps, whose models the tests over every model go through.
PROJECT_APPS = ("accounts", "priorities", "delivery", "indicators", "risks", "meetings", "reports")
# Tables a refused form may still write: sessions, the sign-in log, and the count of wrong codes that
# django-otp keeps on a device to throttle guessing; and a published report's Word or PDF paper, kept by
# its first download (reports.BoardPaperFile), which renders what the report already holds.
NOT_COMPARED = ("django_session", "axes_", "otp_", "reports_boardpaperfile")


def one_of_everything(title: str = "Community Safety Strategy 2024-27") -> dict:
    """One of everything in one partnership: its administrator, the officer who owns the action, the
    objects, the id each URL's `pk` takes (by URL name prefix) and the query parameters pages read."""
    strategy = StrategyFactory(title=title)
    partnership = strategy.partnership
    admin = MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR)
    authority = OrganisationFactory(partnership=partnership, is_responsible_authority=True)
    officer_membership = MembershipFactory(partnership=partnership, organisation=authority)
    officer = officer_membership.user
    priority = PriorityFactory(strategy=strategy, order=1, lead=officer, lead_organisation=authority)
    ambition = StrategicAmbitionFactory(priority=priority, order=1)
    period = ReportingPeriodFactory(
        partnership=partnership,
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 6, 30),
        update_deadline=datetime.date(2026, 7, 31),
        state=ReportingPeriod.State.OPEN,
    )
    action = ActionFactory(ambition=ambition, order=1, owner=officer)
    action.delegates.add(admin.user)
    milestone = MilestoneFactory(action=action)
    update = ProgressUpdateFactory(
        action=action, period=period, author=officer, rating=Rating.GREEN, board_ask="Agree the funding."
    )
    meeting = MeetingFactory(partnership=partnership)
    agenda_item = AgendaItemFactory(meeting=meeting, action=action)
    document = SupportingDocument.objects.create(
        agenda_item=agenda_item, title="Strategic assessment", url="https://example.org/assessment.pdf"
    )
    AttendanceFactory(meeting=meeting, person=officer, name=str(officer), organisation=authority)
    board_action = BoardActionFactory(meeting=meeting, owner=officer, action=action, agenda_item=agenda_item)
    BoardActionNoteFactory(board_action=board_action, author=officer)
    consultation = ConsultationFactory(strategy=strategy)
    SignOffFactory(strategy=strategy, organisation=authority)
    risk = RiskFactory(
        register__partnership=partnership,
        owner=officer,
        owner_organisation=authority,
        review_on=period.ends_on,
    )
    risk.priorities.add(priority)
    risk.actions.add(action)
    RiskReviewFactory(risk=risk, period=period, reviewed_by=officer)
    release = register_release(
        register=risk.register,
        released_by=admin.user,
        note="For the board.",
        version=version_of(risk.register),
        now=timezone.now(),
        today=period.ends_on,
    )
    indicator = IndicatorFactory(priority=priority, owner=officer, owner_organisation=authority)
    IndicatorTargetFactory(indicator=indicator, financial_year=2026)
    IndicatorValueFactory(indicator=indicator, period=period, entered_by=officer)
    pks = {
        "delivery:action": action.pk,
        "delivery:progress_update": action.pk,
        "delivery:period": period.pk,
        "delivery:milestone": milestone.pk,
        "delivery:strategy": strategy.pk,
        "priorities:strategy": strategy.pk,
        "priorities:sign_off": strategy.pk,
        "priorities:priority_create": strategy.pk,
        "priorities:consultation_create": strategy.pk,
        "priorities:priority": priority.pk,
        "priorities:ambition_create": priority.pk,
        "priorities:ambition": ambition.pk,
        "priorities:consultation": consultation.pk,
        "meetings:meeting": meeting.pk,
        "meetings:body": meeting.body_id,
        "meetings:agenda_item_create": meeting.pk,  # before the agenda item: it names the meeting
        "meetings:agenda_item": agenda_item.pk,
        "meetings:document": document.pk,
        "meetings:board_action": board_action.pk,
        "meetings:person": officer.pk,
        "accounts:person": officer.pk,
        "accounts:organisation": authority.pk,
        "risks:risk": risk.pk,
        "risks:release": release.pk,
        "indicators:indicator": indicator.pk,
        "indicators:value": indicator.pk,
    }
    query = {"organisation": authority.pk, "period": period.pk, "meeting": meeting.pk}
    return {
        "partnership": partnership,
        "admin": admin.user,
        "officer": officer,
        "officer_membership": officer_membership,
        "strategy": strategy,
        "period": period,
        "meeting": meeting,
        "board_action": board_action,
        "update": update,
        "action": action,
        "pks": pks,
        "ambition": ambition,
        "risk": risk,
        "indicator": indicator,
        "query": query,
    }


def sample_kwargs(world: dict, name: str, parameters) -> dict:
    """Real arguments for a URL: the partnership's slug and the id of the object the URL is about."""
    kwargs = {}
    for parameter in parameters:
        if parameter == "slug":
            kwargs["slug"] = world["partnership"].slug
        elif parameter == "extension":
            kwargs["extension"] = "pdf"
        elif parameter == "token":
            kwargs["token"] = "unknown-token"
        elif parameter == "uidb64":
            kwargs["uidb64"] = "MQ"
        elif parameter == "ambition_pk":
            kwargs["ambition_pk"] = world["ambition"].pk
        elif parameter == "update_pk":
            kwargs["update_pk"] = world["update"].pk
        elif parameter == "period_pk":
            kwargs["period_pk"] = world["period"].pk
        elif parameter == "import_pk":
            kwargs["import_pk"] = world["pks"].get("delivery:plan_import_preview", 424242)
        else:  # an id no record has, for a URL the world has no object for
            kwargs[parameter] = next(
                (pk for prefix, pk in world["pks"].items() if name.startswith(prefix)), 424242
            )
    return kwargs


def fingerprint() -> str:
    """A digest of every row of every table a form may write to."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table.startswith(NOT_COMPARED):
                continue
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the schema itself
            digest.update(table.encode())
            # A binary column comes as a memoryview on PostgreSQL, whose repr is its address: its bytes.
            rows = (
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cursor.fetchall()
            )
            for row in sorted(map(repr, rows)):
                digest.update(row.encode())
    return digest.hexdigest()
