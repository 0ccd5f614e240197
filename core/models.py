"""Abstract building blocks shared by every app."""

from django.core.exceptions import ValidationError
from django.db import models

from core.limits import too_long_message


class TimeStampedModel(models.Model):
    """Records when a row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class BoundedTextField(models.TextField):
    """A TextField whose `max_length` is enforced by `full_clean` as well as by forms.

    Django's TextField passes `max_length` to its form field only; services and imports that call
    `full_clean()` need the model to refuse over-long text too. Both say "<Field> must be N
    characters or fewer", naming the form's label where there is one.
    """

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if isinstance(value, str) and len(value) > self.max_length:
            raise ValidationError(
                too_long_message(self.verbose_name, self.max_length),
                code="max_length",
                params={"limit_value": self.max_length, "show_value": len(value)},
            )

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        if field is not None and "max_length" not in (kwargs.get("error_messages") or {}):
            name = field.label if field.label and not str(field.label).endswith("?") else self.verbose_name
            field.error_messages["max_length"] = too_long_message(name, self.max_length)
        return field
