"""Numbers out of range answer a field error or 404, never a 500, and change nothing.

One walk over the project, as a partnership administrator, with three values that break naive code:
a 5,000-digit number (more digits than Python's `int()` reads from text), -1, and 2**63 (one more than
a database integer holds). They go into:
1. every numeric part of every URL (`<int:pk>`, `<int:ambition_pk>` …);
2. every query parameter a page reads (`?period=`, `?meeting=`, `?organisation=`, `?page=`, the
   delivery plan's filters …), on every page;
3. every numeric field of every form a page shows (IntegerFields, % complete, ModelChoiceFields'
   ids, the day, month and year of dates), and the buttons that post an id (`remove=`, `order=`).
The database is compared before and after: a refusal changes nothing.
"""

import contextlib

import pytest
from django import forms
from django.apps import apps
from django.http import QueryDict
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from core.forms import LoadedChoiceField
from core.limits import whole_number
from tests.urls import url_patterns
from tests.world import PROJECT_APPS, one_of_everything, sample_kwargs

HUGE = "9" * 5000
BAD_NUMBERS = [HUGE, "-1", str(2**63)]
# Posted buttons that carry a number without a form field of their own, by the URLs that read them.
BUTTONS = {
    "delivery:action_delegates": lambda bad: {"remove": bad},
    "delivery:action_move": lambda bad: {"direction": "up", "order": bad},
    "priorities:priority_move": lambda bad: {"direction": "up", "order": bad},
    "priorities:ambition_move": lambda bad: {"direction": "up", "order": bad},
    "meetings:agenda_item_move": lambda bad: {"direction": "up", "order": bad},
}
# Fields that read a number; ModelChoiceField (and ModelMultipleChoiceField) and LoadedChoiceField
# (the attendance rows' organisations) read records' ids.
NUMERIC_FIELDS = (
    forms.IntegerField,
    forms.DecimalField,
    forms.FloatField,
    forms.ModelChoiceField,
    LoadedChoiceField,
)
SKIPPED = {"logout"}  # signing out changes the session, not the data; it takes no number


@pytest.fixture
def world(db):
    """One of everything in one partnership, and its administrator signed in."""
    return one_of_everything()


# Files made from what a page shows, kept so that asking again costs nothing: not data a request changes.
KEPT_RENDERINGS = {"reports.DraftPaperFile"}


def snapshot() -> dict:
    """Every row of every model of the project's apps, history included, in a comparable form."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS and model._meta.label not in KEPT_RENDERINGS:
            fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
            rows[model._meta.label] = list(model.objects.order_by("pk").values_list(*fields))
    return rows


def numeric_fields(form: forms.BaseForm) -> dict[str, list[str]]:
    """The form's fields that read a number, each with the names its inputs are posted under."""
    found = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.MultiValueField):  # a GOV.UK date: day, month and year
            found[name] = [f"{key}_{i}" for i in range(len(field.fields))]
        elif isinstance(field, NUMERIC_FIELDS):
            found[name] = [key]
        elif isinstance(field, forms.CharField) and isinstance(field.widget, forms.HiddenInput):
            found[name] = [key]  # versions and ids carried by the page
    return found


@contextlib.contextmanager
def reading_recorded():
    """The names a request reads from its query string, as a set filled in as it goes."""
    read = set()
    originals = {
        name: getattr(MultiValueDict, name) for name in ("__getitem__", "get", "getlist", "__contains__")
    }

    def recording(original):
        def method(self, key, *args, **kwargs):
            if isinstance(self, QueryDict) and isinstance(key, str):
                read.add(key)
            return original(self, key, *args, **kwargs)

        return method

    for name, original in originals.items():
        setattr(MultiValueDict, name, recording(original))
    try:
        yield read
    finally:
        for name, original in originals.items():
            setattr(MultiValueDict, name, original)


def forms_of(response) -> list[forms.BaseForm]:
    if response.context is None:
        return []
    seen = {}
    for context in response.context:
        for value in (context.flatten() if hasattr(context, "flatten") else context).values():
            if isinstance(value, forms.BaseForm):
                seen[id(value)] = value
    return list(seen.values())


def assert_no_server_error(response, what):
    assert response.status_code < 500, f"{response.status_code} for {what}"


def test_whole_number_refuses_what_names_no_record():
    assert whole_number("42") == 42
    assert whole_number("0") == 0
    assert whole_number(str(2**63 - 1)) == 2**63 - 1
    for value in [HUGE, "-1", str(2**63), "", " 1", "1.0", "١٢", "²", None, "0x10"]:
        assert whole_number(value) is None, value


def test_out_of_range_numbers_never_cause_a_server_error_or_a_change(client, world):
    client.force_login(world["admin"])
    before = snapshot()
    exercised = set()

    for name, parameters, _ in url_patterns():
        if name in SKIPPED or "slug" not in parameters:
            continue
        kwargs = sample_kwargs(world, name, parameters)
        url = reverse(name, kwargs=kwargs)

        # 1. Every numeric part of the address.
        for parameter in parameters:
            if parameter in ("slug", "extension", "token"):
                continue
            for bad in BAD_NUMBERS:
                bad_url = url.replace(f"/{kwargs[parameter]}/", f"/{bad}/", 1).replace(
                    f"/{kwargs[parameter]}.", f"/{bad}.", 1
                )
                assert bad_url != url
                assert_no_server_error(client.get(bad_url), f"GET {bad_url[:120]}")
                assert_no_server_error(client.post(bad_url, {}), f"POST {bad_url[:120]}")
                exercised.add(("url", name))

        # 2. Every query parameter the page reads, one at a time.
        base = world["query"] if name == "priorities:sign_off_edit" else {}
        with reading_recorded() as read:
            page = client.get(url, {**base, "bound": "1"})  # any parameter binds a page's filter form
        read.discard("bound")
        assert_no_server_error(page, f"GET {name}")
        for parameter in read:
            for bad in BAD_NUMBERS:
                response = client.get(url, {**base, parameter: bad})
                assert_no_server_error(response, f"GET {name} ?{parameter}={bad[:20]}")
            exercised.add(("query", name, parameter))
        if name in BUTTONS:
            for bad in BAD_NUMBERS:
                assert_no_server_error(client.post(url, BUTTONS[name](bad)), f"POST {name} {bad[:20]}")
            exercised.add(("button", name))
        if page.status_code != 200:
            continue
        exercised.add(("page", name))

        # 3. Every numeric field of every form the page shows, and the numbered buttons.
        target = f"{url}?{'&'.join(f'{k}={v}' for k, v in base.items())}" if base else url
        for form in forms_of(page):
            for field, keys in numeric_fields(form).items():
                for bad in BAD_NUMBERS:
                    response = client.post(target, dict.fromkeys(keys, bad))
                    assert_no_server_error(response, f"POST {name} {field}={bad[:20]}")
                exercised.add((name, field))

    assert snapshot() == before
    # The walk reached the places the findings named, and the forms with numbers in them.
    assert {
        ("delivery:action_delegates", "delegate"),
        ("delivery:progress_update", "percent_complete"),
        ("delivery:progress_update", "version"),
        ("delivery:period_year_create", "year"),
        ("delivery:action_edit", "owner"),
        ("delivery:action_edit", "starts_on"),
        ("delivery:action_edit", "lead_organisation"),
        ("priorities:consultation_edit", "responses_received"),
        ("priorities:sign_off_edit", "decided_on"),
        ("priorities:priority_edit", "lead"),
        ("page", "delivery:action_list"),
        ("page", "reports:exception_report"),
        ("page", "reports:activity"),
        ("url", "reports:published_report_download"),
        ("button", "delivery:action_delegates"),
        ("button", "priorities:priority_move"),
        ("query", "priorities:sign_off_edit", "organisation"),
        ("query", "reports:exception_report", "period"),
        ("query", "reports:exception_report", "meeting"),
        ("query", "reports:activity", "page"),
        ("query", "delivery:action_list", "owner"),
        ("query", "delivery:action_list", "ambition"),
        ("meetings:meeting_edit", "body"),
        ("meetings:meeting_edit", "held_on"),
        ("meetings:meeting_edit", "minutes_approved_at"),
        ("meetings:body_edit", "chair"),
        ("meetings:agenda_item_edit", "action"),
        ("meetings:meeting_attendance", "new-1-organisation"),
        ("meetings:meeting_board_action_create", "owner"),
        ("meetings:board_action_edit", "due_on"),
        ("meetings:board_action_edit", "priority"),
        ("url", "meetings:meeting_board_ask_agenda_item"),
        ("url", "meetings:meeting_agenda_docx"),
        ("url", "meetings:document_download"),
        ("button", "meetings:agenda_item_move"),
    } - exercised == set()
