"""Every text box has a maximum length that the server enforces: in forms, and in the services' full_clean."""

import datetime

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import get_resolver, reverse

from accounts.models import Membership
from core.limits import LONG_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH
from core.models import BoundedTextField
from delivery.models import Action, ProgressUpdate, ReportingPeriod
from delivery.services.updates import progress_update_save
from meetings.models import AgendaItem
from priorities.models import SignOff, Strategy
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.delivery.factories import ActionFactory, ReportingPeriodFactory
from tests.delivery.test_pages import form_data
from tests.meetings.factories import AgendaItemFactory
from tests.priorities.factories import StrategyFactory
from tests.world import PROJECT_APPS


def test_every_text_field_of_the_project_has_a_limit_that_full_clean_enforces():
    unbounded = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            name = f"{model._meta.label}.{field.name}"
            is_text = isinstance(field, models.TextField)
            if is_text and not (isinstance(field, BoundedTextField) and field.max_length):
                unbounded.append(name)
            if isinstance(field, models.CharField) and not field.max_length:
                unbounded.append(name)
    assert unbounded == []


def project_forms(base=forms.BaseForm):
    """Every form class the project's apps define (the URL conf has imported every views module)."""
    for form_class in base.__subclasses__():
        if form_class.__module__.split(".")[0] in PROJECT_APPS or form_class.__module__.startswith("core."):
            yield form_class
        yield from project_forms(form_class)


def test_every_text_field_of_every_form_has_a_limit():
    get_resolver().url_patterns  # noqa: B018 - imports every views module, and with them every form
    found = set(project_forms())
    unbounded = [
        f"{form_class.__module__}.{form_class.__name__}.{name}"
        for form_class in found
        for name, field in form_class.base_fields.items()
        if type(field) is forms.CharField and field.max_length is None
    ]
    assert {"SignInForm", "AccountPasswordChangeForm", "ProgressUpdateForm"} <= {f.__name__ for f in found}
    assert unbounded == []


@pytest.fixture
def action(db):
    return ActionFactory(title="Run the knife crime awareness sessions")


@pytest.fixture
def period(action):
    return ReportingPeriodFactory(partnership=action.partnership, state=ReportingPeriod.State.OPEN)


@pytest.mark.parametrize("length", [TEXT_MAX_LENGTH + 1, 1_000_000])
def test_issues_and_risks_over_10000_characters_are_refused_on_the_form(client, action, period, length):
    client.force_login(action.owner)
    url = reverse("delivery:progress_update", kwargs={"slug": action.partnership.slug, "pk": action.pk})

    response = client.post(url, form_data(issues_and_risks="x" * length))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "Issues and risks must be 10,000 characters or fewer" in html
    assert not ProgressUpdate.objects.exists()


def test_exactly_10000_characters_are_kept(client, action, period):
    client.force_login(action.owner)
    url = reverse("delivery:progress_update", kwargs={"slug": action.partnership.slug, "pk": action.pk})

    page = client.get(url).content.decode()
    response = client.post(url, form_data(narrative="y" * TEXT_MAX_LENGTH))

    assert f'maxlength="{TEXT_MAX_LENGTH}"' in page
    assert response.status_code == 302
    assert len(ProgressUpdate.objects.get().narrative) == TEXT_MAX_LENGTH


def test_the_service_refuses_too_long_text_written_without_a_form(action, period):
    data = {
        "rating": "green",
        "percent_complete": 40,
        "narrative": "z" * (TEXT_MAX_LENGTH + 1),
        "issues_and_risks": "",
        "mitigation": "",
        "board_ask": "",
        "is_exceptional_performance": False,
        "exceptional_performance_reason": "",
    }

    with pytest.raises(ValidationError) as refused:
        progress_update_save(
            action=action, period=period, author=action.owner, data=data, version="", submit=True
        )

    assert refused.value.message_dict["narrative"] == ["Progress must be 10,000 characters or fewer"]
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("make", "field", "limit", "message"),
    [
        (ActionFactory, "description", TEXT_MAX_LENGTH, "Description must be"),
        (
            lambda: StrategyFactory.build(),
            "strategic_assessment",
            LONG_TEXT_MAX_LENGTH,
            "Strategic assessment",
        ),
        (AgendaItemFactory, "minutes", LONG_TEXT_MAX_LENGTH, "Minutes must be"),
    ],
)
def test_full_clean_names_the_field_and_its_limit(db, make, field, limit, message):
    record = make()
    setattr(record, field, "a" * limit)
    record.clean_fields(exclude=[f.name for f in record._meta.fields if f.name != field])

    setattr(record, field, "a" * (limit + 1))
    with pytest.raises(ValidationError) as refused:
        record.clean_fields(exclude=[f.name for f in record._meta.fields if f.name != field])

    assert refused.value.message_dict[field] == [
        f"{message.split(' must')[0]} must be {limit:,} characters or fewer"
    ]


def test_sign_off_notes_and_a_reopening_reason_are_bounded_on_their_forms(client, db):
    strategy = StrategyFactory(status=Strategy.Status.AWAITING_SIGN_OFF)
    partnership = strategy.partnership
    authority = OrganisationFactory(partnership=partnership, is_responsible_authority=True)
    admin = MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user
    client.force_login(admin)
    sign_off_url = reverse("priorities:sign_off_edit", kwargs={"slug": partnership.slug, "pk": strategy.pk})

    response = client.post(
        f"{sign_off_url}?organisation={authority.pk}",
        {"decision": "pending", "notes": "n" * (TEXT_MAX_LENGTH + 1), "version": ""},
    )

    assert response.status_code == 200
    assert "Notes must be 10,000 characters or fewer" in response.content.decode()
    assert not SignOff.objects.filter(strategy=strategy).exclude(notes="").exists()

    action = ActionFactory(
        ambition__priority__strategy=strategy,
        status=Action.Status.COMPLETED,
        completed_on=datetime.date(2025, 1, 31),
    )
    reopen_url = reverse("delivery:action_reopen", kwargs={"slug": partnership.slug, "pk": action.pk})
    response = client.post(reopen_url, {"reason": "r" * 91})

    assert response.status_code == 200
    assert "The reason must be 90 characters or fewer" in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETED


def test_agenda_item_limits_are_stated_once(db):
    assert AgendaItem._meta.get_field("minutes").max_length == LONG_TEXT_MAX_LENGTH
    assert AgendaItem._meta.get_field("resolution").max_length == TEXT_MAX_LENGTH
