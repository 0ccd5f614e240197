"""Form fields shared by every app."""

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe

from core.limits import whole_number


def form_helper(*fields, fields_only: bool = False) -> FormHelper:
    """The one way a form is laid out: GOV.UK fields in order, checked by the server alone
    (`novalidate`), so that every error looks the same. `fields_only` renders the fields without the
    form tag and token, for a page whose own form holds more than this form (a username kept for
    password managers, a second form's fields, buttons of its own)."""
    helper = FormHelper()
    helper.layout = Layout(*fields)
    if fields_only:
        helper.form_tag = False
        helper.disable_csrf = True
    else:
        helper.attrs = {"novalidate": ""}
    return helper


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class GovukDateField(DateInputField):
    """A GOV.UK date input whose messages name the date and say which part is missing or wrong."""

    def __init__(self, *, name: str, **kwargs):
        # Each of day, month and year is checked on its own, so the message says which is missing.
        super().__init__(require_all_fields=False, **kwargs)
        self.name = name
        self.error_messages = {**self.error_messages, "required": f"Enter the {name}"}
        for part, field in zip(("day", "month", "year"), self.fields, strict=True):
            field.error_messages = {**field.error_messages, "incomplete": f"The {name} must include a {part}"}
            field.validators = [RegexValidator(r"^[0-9]+$", f"The {name} must be a real date")]

    def compress(self, data_list):
        day, month, year = (str(value or "").strip() for value in data_list or ("", "", ""))
        if not (day or month or year):
            return None
        if len(year) != 4:
            raise ValidationError(f"Enter the year of the {self.name} as 4 digits, for example 2027")
        try:
            return date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise ValidationError(f"The {self.name} must be a real date") from None


class ChoicesReadOnce(ModelChoiceIterator):
    """A model field's choices read in one query each time the field is drawn: a GOV.UK checkbox list
    counts its choices before it draws them, which would otherwise cost a COUNT query first."""

    @cached_property
    def _choices(self) -> list:
        return list(super().__iter__())

    def __iter__(self):
        return iter(self._choices)

    def __len__(self):
        return len(self._choices)

    def __bool__(self):
        return bool(self._choices)


class RecordsChoiceField(ModelMultipleChoiceField):
    """A choice of several records by id that refuses an id no database integer holds before it is queried.

    Django checks each id with an `exact` lookup, which is safe, then fetches them all with `pk__in`,
    which SQLite cannot bind for 2**63 or more: that would be a server error, not a field error.
    """

    iterator = ChoicesReadOnce

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            if whole_number(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


def member_label(person) -> str:
    """A person as every people picker shows them: "Jane Smith (Metropolitan Police)".

    The organisation is the one they represent in the partnership, read from the `organisation_name`
    annotation (`User.objects.members_of`), so listing many people costs no query per person.
    """
    return f"{person} ({person.organisation_name})" if person.organisation_name else str(person)


def read_choices_once(field: ModelChoiceField, records: list | None = None) -> list:
    """Fix a model choice field's choices, drawn from `records` when the page has read them already,
    else from one reading of its queryset, and return the records: a form that needs them itself, or
    draws the field twice, then reads them once. Answers are still checked against the queryset."""
    if records is None:
        records = list(field.queryset)
    empty = [] if field.empty_label is None else [("", field.empty_label)]
    field.choices = [*empty, *((field.prepare_value(r), field.label_from_instance(r)) for r in records)]
    return records


class MemberChoiceField(ModelChoiceField):
    """A choice of one member of the partnership (an owner, a lead, a delegate, whom to hand over to).

    Its queryset comes from `User.objects.members_of(partnership)`, which labels each with their
    organisation."""

    def label_from_instance(self, obj):
        return member_label(obj)


class MembersChoiceField(RecordsChoiceField):
    """A choice of several members of the partnership, labelled as `MemberChoiceField` labels one."""

    def label_from_instance(self, obj):
        return member_label(obj)


class LoadedChoiceField(forms.ChoiceField):
    """A choice of one of `records`, already loaded: a form with many such fields (a row each) reads
    the records once, where a ModelChoiceField a row would query them again for each row it draws.
    Cleans to the chosen record, or None when none is chosen."""

    def __init__(self, *, records, empty_label: str = "---------", **kwargs):
        self.records = {str(record.pk): record for record in records}
        choices = [("", empty_label), *((key, str(record)) for key, record in self.records.items())]
        super().__init__(choices=choices, **kwargs)

    def prepare_value(self, value):
        return getattr(value, "pk", value)

    def clean(self, value):
        return self.records.get(super().clean(value))


class FilterSelect(forms.Select):
    """A list's filter as a GOV.UK select, its options written here rather than by a template each:
    a filter may offer hundreds (every member, every ambition of every plan), and at that size Django's
    template include per option is most of the page's time. The HTML is Django's Select's, whose
    options carry no attribute but `selected`."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = "".join(self._group(*group) for group in widget["optgroups"])
        # Safe: every value, label and group name in `options` is escaped as `_group` writes it
        # (tests/core/test_filter_select.py gives each markup). Writing each option with format_html
        # instead costs the delivery plan about 7 ms at scale 10.
        options = mark_safe(options)  # noqa: S308  # nosec B308 B703
        return format_html(
            '<select name="{}"{}>{}\n</select>', widget["name"], flatatt(widget["attrs"]), options
        )

    @staticmethod
    def _group(group_name, options, index) -> str:
        drawn = "".join(
            f'\n  <option value="{escape(option["value"])}"{" selected" if option["selected"] else ""}>'
            f"{conditional_escape(option['label'])}</option>"
            for option in options
        )
        return f'\n  <optgroup label="{escape(group_name)}">{drawn}\n  </optgroup>' if group_name else drawn


def filter_selects(form: forms.Form) -> None:
    """Draw each plain select of a list's filters as a full-width GOV.UK select (`FilterSelect`), with
    the choices it has been given."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            attrs = {**field.widget.attrs, "class": "govuk-select app-full-width"}
            field.widget = FilterSelect(attrs=attrs, choices=field.widget.choices)
