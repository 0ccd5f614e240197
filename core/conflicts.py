"""Edit conflicts: a form never saves over a change made after it was opened (decision record 0015).

One mechanism serves every edit form: progress updates (and the milestones they complete), actions,
milestones, reporting-period deadlines, strategies, priorities, strategic ambitions, consultations and
sign-offs.

- A record's version is `version_of(record)`: when it was last saved (`updated_at`, which every model
  has through `core.models.TimeStampedModel` and which changes at every save), as text; "" for none.
- A form carries the version it was opened on in a hidden `VersionField` named `version`.
- Inside the service's transaction, `lock_unchanged` locks the saved row (`select_for_update`) and raises
  `EditConflict`, carrying the record as saved, when its version is no longer the form's. `save_if_unchanged`
  is the whole save of one record whose new values are set, as a model form leaves it.
- The page's view uses `EditConflictMixin`: on `EditConflict` it answers 409 with the shared "What is
  different" panel (templates/includes/_conflict.html) and the user's answers still in the form, which now
  carries the saved version, so that saving again replaces the other change deliberately.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django import forms
from django.db import models, transaction
from django.utils import dateformat, timezone

from core.history import Names, Shown, shown

VERSION_FIELD = "version"
SOMEONE_ELSE = "Someone else"


def version_of(record: models.Model | None) -> str:
    """The version of a record as saved: when it was last saved, as text; "" for no saved record."""
    if record is None or record.pk is None or record.updated_at is None:
        return ""
    return record.updated_at.isoformat()


class EditConflict(Exception):
    """Someone saved the record after the form was opened, so nothing was changed.

    `saved` is the record as they saved it, or None when it has been removed since.
    """

    def __init__(self, saved: models.Model | None):
        super().__init__("The record was changed by someone else.")
        self.saved = saved


class VersionField(forms.CharField):
    """The version of the record a form was opened on, carried by the page in a hidden input."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=100, **kwargs)


def refuse_if_changed(saved: models.Model | None, version: str) -> None:
    """Raise EditConflict unless the saved record (None for none) is still at `version`."""
    if version_of(saved) != version:
        raise EditConflict(saved)


def lock_unchanged(queryset: models.QuerySet, *, version: str) -> models.Model | None:
    """Lock the one record of `queryset` (None if there is none) if it is still at `version`.

    Call it inside the service's transaction before changing anything: a later save of the record
    waits for the transaction, and a form opened on an older version raises EditConflict.
    """
    saved = queryset.select_for_update().first()
    refuse_if_changed(saved, version)
    return saved


@transaction.atomic
def save_if_unchanged(record: models.Model, *, version: str) -> models.Model:
    """Save a record whose new values are set, unless someone saved it since its form was opened at `version`."""
    lock_unchanged(type(record)._default_manager.filter(pk=record.pk), version=version)
    record.full_clean()
    record.save()
    return record


def saved_by(record: models.Model | None):
    """Who saved the record last, from its history; None when that is not known."""
    history = getattr(record, "history", None)
    latest = history.select_related("history_user").first() if history is not None else None
    return latest.history_user if latest is not None else None


def saved_when(record: models.Model) -> str:
    """When the record was last saved, in words: "2:05pm on 3 March 2027"."""
    return dateformat.format(timezone.localtime(record.updated_at), r"g:ia \o\n j F Y")


@dataclass(frozen=True)
class Difference:
    """One answer of the form that differs from the saved record: the question, the saved value, yours."""

    label: str
    saved: Shown
    yours: Shown


def differences(
    saved: models.Model, answers: Mapping[str, object], labels: Mapping[str, str]
) -> list[Difference]:
    """The `answers` (cleaned form values by field name) that differ from the saved record's fields.

    Values are shown as the change history shows them (`core.history.shown`): names for people and
    organisations, labels for choices, dates in words.
    """
    fields = [saved._meta.get_field(name) for name in answers]
    names = Names({f.related_model: f.related_model._default_manager.all for f in fields if f.is_relation})
    compared = []
    for model_field in fields:
        old, new = _stored(saved, model_field), _as_stored(model_field, answers[model_field.name])
        if old == new:
            continue
        if model_field.is_relation:
            for pk in (*old, *new) if model_field.many_to_many else (old, new):
                names.want(model_field.related_model, pk)
        compared.append((model_field, old, new))
    return [
        Difference(str(labels[f.name]), shown(f, old, names), shown(f, new, names))
        for f, old, new in compared
    ]


def _stored(record: models.Model, model_field: models.Field):
    """The record's value of a field as stored: ids for related records, a set of them for many."""
    if model_field.many_to_many:
        return set(getattr(record, model_field.name).values_list("pk", flat=True))
    return getattr(record, model_field.attname)


def _as_stored(model_field: models.Field, value):
    """A form's cleaned value in the form `_stored` gives."""
    if model_field.many_to_many:
        return {item.pk for item in value or ()}
    if model_field.is_relation:
        return value.pk if value is not None else None
    return value


def form_differences(form: forms.Form, saved: models.Model) -> list[Difference]:
    """The answers of a form's fields that are fields of the record (the version aside) and differ from it."""
    own = {f.name for f in saved._meta.get_fields()}
    names = [n for n in form.fields if n in own and n in form.cleaned_data and n != VERSION_FIELD]
    return differences(saved, {n: form.cleaned_data[n] for n in names}, {n: form[n].label for n in names})


@dataclass(frozen=True)
class Conflict:
    """What the "What is different" panel shows: the record as saved, who saved it, and what differs."""

    saved: models.Model | None
    saved_by: object | None
    differences: list[Difference]


class EditConflictMixin:
    """A form page that refuses to save over a later save, answering 409 with both versions.

    The view names the record its form edits (`edited_record`); the form has a `VersionField` named
    `version`, filled in from it; `form_valid` calls the service and, on EditConflict, returns
    `self.conflict(form, error)`. The page shows `includes/_conflict.html` when `conflict` is set.
    `conflict_message`, when set, is also put at the top of the form's errors, with `{who}` and `{when}`.
    """

    conflict_message = ""
    answers_after_conflict = None

    def edited_record(self) -> models.Model | None:
        raise NotImplementedError

    def get_initial(self):
        return {**super().get_initial(), VERSION_FIELD: version_of(self.edited_record())}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.answers_after_conflict is not None:
            kwargs["data"] = self.answers_after_conflict
        return kwargs

    def versions_now(self, saved: models.Model | None) -> dict[str, str]:
        """The versions the form carries after the conflict: the saved record's, to save over it."""
        return {VERSION_FIELD: version_of(saved)}

    def conflict_differences(self, form, saved: models.Model | None) -> list[Difference]:
        """The user's answers that differ from the saved record."""
        return form_differences(form, saved) if saved is not None else []

    def conflict(self, form, error: EditConflict):
        """Answer 409: the panel, and the user's answers in a form carrying the saved versions."""
        saved = error.saved
        data = self.request.POST.copy()
        for name, version in self.versions_now(saved).items():
            data[name] = version
        self.answers_after_conflict = data
        fresh = self.get_form()
        fresh.is_valid()
        who = saved_by(saved)
        if self.conflict_message and saved is not None:
            fresh.add_error(
                None, self.conflict_message.format(who=who or SOMEONE_ELSE, when=saved_when(saved))
            )
        conflict = Conflict(saved=saved, saved_by=who, differences=self.conflict_differences(form, saved))
        return self.render_to_response(self.get_context_data(form=fresh, conflict=conflict), status=409)
