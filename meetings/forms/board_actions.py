"""The board's action log: raising or changing a board action, and its owner's progress notes."""

from crispy_forms_gds.layout import Button, Field
from django import forms
from django.db.models import Q

from accounts.models import Membership, Organisation, User
from core.conflicts import VersionField
from core.forms import GovukDateField, MemberChoiceField, form_helper
from core.limits import SHORT_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH, too_long_message
from delivery.models import Action
from meetings.forms import ActionChoiceField
from meetings.models import AgendaItem, BoardAction, Meeting
from priorities.models import Priority


class PriorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference}. {obj.title} ({obj.strategy.title})"


class BoardActionForm(forms.ModelForm):
    """What the board asked, who owns it, by when, and what it arose from or relates to; every choice is
    the partnership's (the agenda items the meeting's)."""

    owner = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Owner (optional if an organisation owns it)",
        help_text="The person who reports back: an active member of the partnership.",
        empty_label="No one named",
        error_messages={"invalid_choice": "Choose an active member of this partnership as the owner"},
    )
    owner_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Owning organisation (optional if a person owns it)",
        help_text="The agency asked to act, when the minutes name an agency rather than a person.",
        empty_label="No organisation",
        error_messages={"invalid_choice": "Choose an organisation of this partnership"},
    )
    due_on = GovukDateField(
        name="due date", label="Due date (optional)", required=False, help_text="For example, 30 9 2027."
    )
    agenda_item = forms.ModelChoiceField(
        queryset=AgendaItem.objects.none(),
        required=False,
        label="Agenda item (optional)",
        help_text="The item of the meeting the action arose from.",
        empty_label="None",
        error_messages={"invalid_choice": "Choose an item on this meeting's agenda"},
    )
    action = ActionChoiceField(
        queryset=Action.objects.none(),
        required=False,
        label="Delivery-plan action (optional)",
        help_text="The action of the delivery plan this is about: it will show on that action's page.",
        empty_label="None",
        error_messages={"invalid_choice": "Choose a delivery-plan action of this partnership"},
    )
    priority = PriorityChoiceField(
        queryset=Priority.objects.none(),
        required=False,
        label="Priority (optional)",
        help_text="Or the priority it is about, when it is about no one action.",
        empty_label="None",
        error_messages={"invalid_choice": "Choose a priority of this partnership"},
    )

    class Meta:
        model = BoardAction
        fields = ["description", "owner", "owner_organisation", "due_on", "agenda_item", "action", "priority"]
        labels = {"description": "What the board asked to be done"}
        help_texts = {"description": "As the minutes record it."}
        error_messages = {
            "description": {
                "required": "Enter what the board asked to be done",
                "max_length": too_long_message("What the board asked", TEXT_MAX_LENGTH),
            }
        }

    def __init__(self, *args, meeting: Meeting, button: str = "Save board action", **kwargs):
        super().__init__(*args, **kwargs)
        partnership = meeting.partnership
        members = User.objects.members_of(partnership, active_only=False)
        active = Membership.objects.for_partnership(partnership).active().values("user")
        # The owner already named stays a choice after their membership ends; no one else who has left.
        self.fields["owner"].queryset = members.filter(Q(pk__in=active) | Q(pk=self.instance.owner_id))
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(partnership=partnership)
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(meeting=meeting).order_by("order")
        self.fields["action"].queryset = (
            Action.objects.for_partnership(partnership)
            .select_related("ambition__priority__strategy")
            .order_by(
                "-ambition__priority__strategy__starts_on",
                "ambition__priority__order",
                "ambition__order",
                "order",
            )
        )
        self.fields["priority"].queryset = (
            Priority.objects.filter(strategy__partnership=partnership)
            .select_related("strategy")
            .order_by("-strategy__starts_on", "order")
        )
        self.fields["description"].widget.attrs.pop("maxlength", None)  # the server says it, in words
        fields = [
            Field.textarea("description", rows=4),
            Field.select("owner"),
            Field.select("owner_organisation"),
            Field("due_on"),
            Field.select("agenda_item"),
            Field.select("action"),
            Field.select("priority"),
        ]
        if self.instance.pk is not None:
            self.fields["version"] = VersionField()
            fields.append("version")
        for name in ("owner", "owner_organisation", "agenda_item", "action", "priority"):
            self.fields[name].widget.attrs["class"] = "govuk-select app-full-width"
        self.helper = form_helper(*fields, Button("save", button))

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("owner")
            and not cleaned.get("owner_organisation")
            and "owner" not in self.errors
            and "owner_organisation" not in self.errors
        ):
            self.add_error("owner", "Choose the person or the organisation who owns the action")
        return cleaned

    def _post_clean(self):
        """The service checks the whole record (`board_action_create`, `board_action_update`)."""

    @property
    def board_action_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class BoardActionProgressForm(forms.Form):
    """A progress note on a board action, and whether it is now done, no longer needed or still open."""

    text = forms.CharField(
        label="Progress",
        widget=forms.Textarea,
        help_text="What has been done, and what is still to do.",
        max_length=SHORT_TEXT_MAX_LENGTH,
        error_messages={
            "required": "Enter the progress",
            "max_length": too_long_message("Progress", SHORT_TEXT_MAX_LENGTH),
        },
    )
    status = forms.ChoiceField(
        label="Status",
        choices=BoardAction.Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the action is open, done or no longer needed",
            "invalid_choice": "Choose whether the action is open, done or no longer needed",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs.pop("maxlength", None)
        self.helper = form_helper(
            Field.textarea("text", rows=5),
            Field.radios("status", small=True),
            Button("save", "Add progress"),
        )
