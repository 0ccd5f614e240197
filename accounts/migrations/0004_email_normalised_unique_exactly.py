"""Store every email address normalised (accounts.identity) and make it unique exactly, not by LOWER()."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import migrations, models

import accounts.models
from accounts.identity import normalise_email


def _normalised(value: str) -> str:
    try:
        return normalise_email(value)
    except ValidationError:
        # An address whose domain cannot be IDNA-encoded cannot receive mail either; it is kept as
        # it was, and a person fixes it in Django admin, which then refuses it until it is corrected.
        return value


def emails_normalise(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Invitation = apps.get_model("accounts", "Invitation")
    people = defaultdict(list)
    changed = []
    for user in User.objects.exclude(email="").only("pk", "email").order_by("pk"):
        email = _normalised(user.email)
        people[email].append(user.pk)
        if email != user.email:
            user.email = email
            changed.append(user)
    clashes = {email: pks for email, pks in people.items() if len(pks) > 1}
    if clashes:
        # Two accounts whose addresses differ only by case folding or Unicode form are the same
        # mailbox: which one is the person's is a decision for a person, not for a migration.
        listed = "; ".join(
            f"{email}: users {', '.join(map(str, pks))}" for email, pks in sorted(clashes.items())
        )
        raise RuntimeError(
            "These accounts have the same email address once normalised. Change or clear the address "
            f"of all but one of each in Django admin, then migrate again: {listed}"
        )
    User.objects.bulk_update(changed, ["email"], batch_size=500)
    invitations = []
    for invitation in Invitation.objects.only("pk", "email").iterator():
        email = _normalised(invitation.email)
        if email != invitation.email:
            invitation.email = email
            invitations.append(invitation)
    Invitation.objects.bulk_update(invitations, ["email"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_partnership_unique_messages"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[
                ("objects", accounts.models.UserManager()),
            ],
        ),
        migrations.RemoveConstraint(
            model_name="user",
            name="user_email_unique_ci",
        ),
        # Normalising can only merge addresses the old LOWER() constraint kept apart, never split
        # one, so the clash check above is all the new constraint needs.
        migrations.RunPython(emails_normalise, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(("email", ""), _negated=True),
                fields=("email",),
                name="user_email_unique",
                violation_error_message="A person with this email address already exists.",
            ),
        ),
    ]
