"""Idempotent writes: find a row by its natural key and save it only if it is new or differs."""

from django.db.models import Model


def differs(obj: Model, name: str, value) -> bool:
    """Whether a field differs from `value`, comparing a foreign key by id (no query)."""
    if isinstance(value, Model):
        return getattr(obj, obj._meta.get_field(name).attname) != value.pk
    return getattr(obj, name) != value


def validate(obj: Model) -> None:
    """Run the model's own rules (`clean()` and field validation) before saving.

    Foreign keys, unique and check constraints are left to the database, which enforces them
    anyway; checking them here would cost a query each for some 300 progress updates.
    """
    relations = [field.name for field in obj._meta.concrete_fields if field.is_relation]
    obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def upsert(model: type[Model], *, defaults: dict | None = None, **lookup) -> Model:
    """Find a row by its natural key and make its other fields match, saving only on a change.

    Unlike `update_or_create`, an unchanged row is not saved again, so a second run adds no audit
    history. New and changed rows are validated before they are saved.
    """
    defaults = defaults or {}
    try:
        obj = model._default_manager.get(**lookup)
    except model.DoesNotExist:
        obj = model(**lookup, **defaults)
    else:
        changed = [name for name, value in defaults.items() if differs(obj, name, value)]
        if not changed:
            return obj
        for name in changed:
            setattr(obj, name, defaults[name])
    validate(obj)
    obj.save()
    return obj


def m2m_set(manager, objects: list) -> None:
    """Set a many-to-many relation only if it differs, so that no history is written needlessly."""
    if set(manager.all()) != set(objects):
        manager.set(objects)
