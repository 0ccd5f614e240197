from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Button, Field, Fluid, Size
from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from accounts.identity import normalise_email
from accounts.models import Membership, Organisation, Partnership, ProtectiveMarking, User
from core.forms import MemberChoiceField, form_helper
from core.limits import PASSWORD_MAX_LENGTH

ROLE_HINTS = {
    Membership.Role.ADMINISTRATOR: (
        "Manages people, organisations, reporting periods, strategies and meetings, "
        "and can update any action."
    ),
    Membership.Role.OFFICER: (
        "Updates progress on the actions they own or are a delegate on, and on the priorities they lead."
    ),
    Membership.Role.BOARD_MEMBER: "Reads the plan, every action and the exception report.",
}
ROLE_CHOICES = [Choice(role.value, role.label, hint=ROLE_HINTS[role]) for role in Membership.Role]


NEW_PASSWORD_HELP = "Use at least 8 characters. Do not use a common password, one that has appeared in a data breach, only numbers, or something like your name or email address."  # noqa: S105 - help text


def password_field(label: str, *, autocomplete: str, **kwargs) -> forms.CharField:
    """A password box: kept exactly as typed, and bounded like every other text the service accepts."""
    return forms.CharField(
        label=label,
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        **kwargs,
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form, laid out in the GOV.UK style."""

    password = password_field("Password", autocomplete="current-password")

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = form_helper(
            Field.text("username", field_width=20),
            Field.text("password", field_width=20),
            Button("submit", "Sign in"),
            fields_only=True,
        )


class PartnershipSettingsForm(forms.ModelForm):
    """What a partnership's administrators set for the whole partnership: its short name, description
    and the protective marking printed on its papers."""

    class Meta:
        model = Partnership
        fields = ["short_name", "description", "protective_marking"]
        labels = {
            "short_name": "Short name (optional)",
            "description": "Description (optional)",
            "protective_marking": "Protective marking",
        }
        widgets = {"protective_marking": forms.RadioSelect}
        error_messages = {
            "protective_marking": {
                "required": "Choose the protective marking for the partnership's papers",
                "invalid_choice": "Choose OFFICIAL or OFFICIAL-SENSITIVE",
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("short_name", field_width=10),
            Field.textarea("description", rows=4),
            Field.radios("protective_marking", legend_size=Size.SMALL),
            Button("save", "Save settings"),
        )


class OrganisationForm(forms.ModelForm):
    """A partner agency's name, short name and whether it is a responsible authority."""

    UNIQUE_MESSAGES = {
        "name": "An organisation with this name is already in the partnership.",
        "short_name": "An organisation with this short name is already in the partnership.",
    }

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "is_responsible_authority", "nominated_contact"]
        field_classes = {"nominated_contact": MemberChoiceField}
        labels = {
            "name": "Name",
            "short_name": "Short name",
            "is_responsible_authority": "Responsible authority",
            "nominated_contact": "Nominated contact (optional)",
        }
        help_texts = {
            "name": "For example, London Borough of Bromley.",
            "is_responsible_authority": (
                "A statutory partner (such as the council, police, fire, probation or health) "
                "whose sign-off the strategy needs."
            ),
        }
        error_messages = {
            "name": {"required": "Enter the organisation's name"},
            "short_name": {"required": "Enter a short name, for example LBB"},
        }

    def __init__(self, *args, partnership, submit_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        contact = self.fields["nominated_contact"]
        contact.queryset = User.objects.members_of(partnership)
        contact.empty_label = "No one"
        contact.error_messages["invalid_choice"] = "Choose an active member of this partnership"
        self.helper = form_helper(
            Field.text("name"),
            Field.text("short_name", field_width=10),
            Field.checkbox("is_responsible_authority"),
            Field.select("nominated_contact"),
            Button("save", submit_label),
        )

    def validate_unique(self):
        """Check the names are unique in the partnership, which is not a field of the form."""
        super().validate_unique()
        try:
            self.instance.validate_constraints(exclude=set(self.errors))
        except ValidationError as error:
            for item in error.error_dict.get(NON_FIELD_ERRORS, []):
                fields = (item.params or {}).get("unique_check", ())
                field = next((f for f in fields if f in self.UNIQUE_MESSAGES), None)
                self.add_error(field, self.UNIQUE_MESSAGES[field] if field else item)


class PersonFieldsMixin:
    """The organisation choice, limited to the partnership's organisations, and the role radios."""

    def limit_to(self, partnership):
        organisation = self.fields["organisation"]
        organisation.queryset = Organisation.objects.filter(partnership=partnership)
        organisation.empty_label = "Choose an organisation"
        organisation.error_messages.update(
            {
                "required": "Choose the organisation they represent",
                "invalid_choice": "Choose an organisation of this partnership",
            }
        )
        role = self.fields["role"]
        role.choices = ROLE_CHOICES
        role.widget = forms.RadioSelect(choices=ROLE_CHOICES)
        role.error_messages["required"] = "Choose a role"


class NormalisedEmailField(forms.EmailField):
    """An email address, normalised as the service stores and compares it (accounts.identity)."""

    def to_python(self, value):
        return normalise_email(super().to_python(value))


class InvitationForm(PersonFieldsMixin, forms.Form):
    """Who to invite to the partnership, and as what."""

    email = NormalisedEmailField(
        label="Email address",
        help_text="The invitation is sent here. Someone new to the service signs in with it as their username.",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter their last name"}
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Organisation",
        help_text="The partner agency they represent in the partnership.",
    )
    role = forms.ChoiceField(label="Role")
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(partnership)
        self.fields["role"].initial = Membership.Role.OFFICER
        self.helper = form_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("first_name", field_width=20),
            Field.text("last_name", field_width=20),
            Field.select("organisation"),
            Field.radios("role", legend_size=Size.SMALL),
            Field.text("job_title", field_width=Fluid.TWO_THIRDS),
            Button("send", "Send invitation"),
        )


class MembershipForm(PersonFieldsMixin, forms.ModelForm):
    """A person's role, organisation and job title in the partnership."""

    class Meta:
        model = Membership
        fields = ["role", "organisation", "job_title"]
        labels = {"job_title": "Job title (optional)"}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to(partnership)
        self.helper = form_helper(
            Field.radios("role", legend_size=Size.SMALL),
            Field.select("organisation"),
            Field.text("job_title", field_width=Fluid.TWO_THIRDS),
            Button("save", "Save changes"),
        )


class NewPasswordForm(forms.Form):
    """A new password and its confirmation, in GOV.UK words, checked by the service's password rules.

    Combined with Django's SetPasswordForm or PasswordChangeForm, whose `self.user` it checks against;
    a weak password's errors are shown beside the new password rather than its confirmation.
    """

    error_messages = {
        **SetPasswordForm.error_messages,
        "password_mismatch": "The passwords do not match. Enter the same password twice.",
    }
    new_password1 = password_field(
        "New password",
        autocomplete="new-password",
        help_text=NEW_PASSWORD_HELP,
        error_messages={"required": "Enter a new password"},
    )
    new_password2 = password_field(
        "Confirm new password",
        autocomplete="new-password",
        error_messages={"required": "Enter the new password again"},
    )

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class InvitationAcceptForm(NewPasswordForm, SetPasswordForm):
    """Choose a password for a new account, to join the partnership."""

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = "Password"
        self.fields["new_password1"].error_messages["required"] = "Enter a password"
        self.fields["new_password2"].label = "Confirm password"
        self.fields["new_password2"].error_messages["required"] = "Enter the password again"
        self.helper = form_helper(
            Field.text("new_password1", field_width=20),
            Field.text("new_password2", field_width=20),
            Button("accept", "Set password and join"),
            fields_only=True,
        )


class PasswordConfirmForm(forms.Form):
    """The person's own password again, before a change to how they sign in or to accept an invitation."""

    password = password_field(
        "Your password", autocomplete="current-password", error_messages={"required": "Enter your password"}
    )

    def __init__(self, *args, button: str, help_text: str = "", user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # checked here when given; else the view checks it (with the sign-in lockout)
        self.fields["password"].help_text = help_text
        self.helper = form_helper(Field.text("password", field_width=20), Button("submit", button))

    def clean_password(self):
        password = self.cleaned_data["password"]
        if self.user is not None and not self.user.check_password(password):
            raise forms.ValidationError("Your password is not right")
        return password


class ConfirmForm(forms.Form):
    """A button to confirm a change that needs no answers."""

    def __init__(self, *args, button: Button, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(button)


class HandOverForm(forms.Form):
    """Who takes over what a person leads and owns in the partnership."""

    to_user = MemberChoiceField(
        queryset=User.objects.none(),
        label="Hand over to",
        help_text="An active member of the partnership.",
        empty_label="Choose a person",
        error_messages={
            "required": "Choose who to hand over to",
            "invalid_choice": "Choose an active member of this partnership",
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = candidates
        self.helper = form_helper(Field.select("to_user"), Button("hand_over", "Hand over"))


class PartnershipSetUpForm(forms.Form):
    """A new partnership and the organisation its first administrator represents."""

    name = forms.CharField(
        label="Name of the partnership",
        max_length=200,
        help_text="For example, Safer Bromley Partnership.",
        error_messages={"required": "Enter the name of the partnership"},
    )
    short_name = forms.CharField(label="Short name (optional)", max_length=30, required=False)
    slug = forms.SlugField(
        label="Web address",
        max_length=60,
        help_text="Lower-case letters, numbers and hyphens, used in the address /p/<web-address>/. "
        "For example, safer-bromley.",
        error_messages={
            "required": "Enter the web address",
            "invalid": "Use only lower-case letters, numbers and hyphens in the web address",
        },
    )
    organisation_name = forms.CharField(
        label="Your organisation",
        max_length=200,
        help_text="The partner agency you represent, for example London Borough of Bromley.",
        error_messages={"required": "Enter the organisation you represent"},
    )
    organisation_short_name = forms.CharField(
        label="Your organisation's short name",
        max_length=30,
        help_text="For example, LBB.",
        error_messages={"required": "Enter your organisation's short name"},
    )
    is_responsible_authority = forms.BooleanField(
        label="Your organisation is a responsible (statutory) authority", required=False
    )
    protective_marking = forms.ChoiceField(
        label="Protective marking of the partnership's papers",
        choices=ProtectiveMarking.choices,
        initial=ProtectiveMarking.OFFICIAL,
        required=False,  # OFFICIAL when not chosen
        help_text="Printed in the header and footer of every page of its board papers.",
        error_messages={"invalid_choice": "Choose OFFICIAL or OFFICIAL-SENSITIVE"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("name"),
            Field.text("short_name", field_width=Fluid.ONE_THIRD),
            Field.text("slug", field_width=Fluid.ONE_HALF),
            Field.text("organisation_name"),
            Field.text("organisation_short_name", field_width=Fluid.ONE_THIRD),
            Field.checkbox("is_responsible_authority"),
            Field.radios("protective_marking", legend_size=Size.SMALL),
            Button("set_up", "Set up the partnership"),
        )
