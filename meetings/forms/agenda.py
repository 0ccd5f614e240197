"""Forms for a meeting's agenda items, their minutes and resolutions, and supporting documents."""

from crispy_forms_gds.layout import Field
from django import forms

from core.conflicts import VersionField
from core.forms import form_helper
from core.limits import LONG_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH, too_long_message
from delivery.models import Action
from meetings.forms import ActionChoiceField
from meetings.models import DOCUMENT_EXTENSIONS, DOCUMENT_MAX_BYTES, AgendaItem, SupportingDocument
from meetings.services.agenda import BOTH_MESSAGE, NEITHER_MESSAGE

AGENDA_ITEM_FIELDS = ("title", "presenter", "minutes", "resolution", "action")
DOCUMENT_FIELDS = ("title", "file", "url")


class AgendaItemForm(forms.ModelForm):
    version = VersionField()
    action = ActionChoiceField(
        queryset=Action.objects.none(),
        required=False,
        label="Delivery-plan action (optional)",
        empty_label="None",
        help_text="The delivery-plan action this item decides about, if any.",
        error_messages={"invalid_choice": "Choose a delivery-plan action of this partnership"},
    )

    class Meta:
        model = AgendaItem
        fields = list(AGENDA_ITEM_FIELDS)
        labels = {
            "title": "Title",
            "presenter": "Presenter (optional)",
            "minutes": "Minutes (optional)",
            "resolution": "Resolution (optional)",
        }
        help_texts = {
            "minutes": "What was said and decided, as the minutes record it. Leave a blank line between "
            "paragraphs.",
            "resolution": "As the minutes word it, for example: RESOLVED that the update be noted.",
        }
        error_messages = {
            "title": {
                "required": "Enter the agenda item's title",
                "max_length": "The title must be 300 characters or fewer",
            },
            "presenter": {"max_length": "The presenter must be 200 characters or fewer"},
            "minutes": {"max_length": too_long_message("The minutes", LONG_TEXT_MAX_LENGTH)},
            "resolution": {"max_length": too_long_message("The resolution", TEXT_MAX_LENGTH)},
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = (
            Action.objects.for_partnership(partnership)
            .select_related("ambition__priority__strategy")
            .in_order()
        )
        self.helper = form_helper(
            Field.text("title"),
            Field.text("presenter"),
            Field.textarea("minutes", rows=10),
            Field.textarea("resolution", rows=3),
            Field.select("action"),
            "version",
            fields_only=True,
        )

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_presenter(self):
        return " ".join(self.cleaned_data["presenter"].split())

    @property
    def record_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in AGENDA_ITEM_FIELDS}


class DocumentForm(forms.ModelForm):
    url = forms.URLField(
        label="Or give a link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Where the paper is published, starting https://",
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false", "autocomplete": "url"}),
        error_messages={
            "invalid": "Enter a link starting https://, like https://www.example.org/paper.pdf",
            "max_length": "The link must be 500 characters or fewer",
        },
    )

    class Meta:
        model = SupportingDocument
        fields = list(DOCUMENT_FIELDS)
        labels = {"title": "Title", "file": "Upload a file"}
        help_texts = {
            "file": f"A {', '.join(extension.upper() for extension in DOCUMENT_EXTENSIONS)} file, smaller than "
            f"{DOCUMENT_MAX_BYTES // (1024 * 1024)} MB.",
        }
        error_messages = {
            "title": {
                "required": "Enter the document's title",
                "max_length": "The title must be 200 characters or fewer",
            },
            "file": {
                "invalid_extension": "The file must be a "
                + ", ".join(extension.upper() for extension in DOCUMENT_EXTENSIONS)
                + " file",
                "max_length": "The file name must be 100 characters or fewer",
                "empty": "The file is empty",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.text("title"), Field("file"), Field.text("url"), fields_only=True)

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean(self):
        cleaned = super().clean()
        if "file" in self.errors or "url" in self.errors:
            return cleaned
        has_file, has_url = bool(cleaned.get("file")), bool(cleaned.get("url"))
        if has_file and has_url:
            self.add_error("url", BOTH_MESSAGE)
        elif not (has_file or has_url):
            self.add_error("file", NEITHER_MESSAGE)
        return cleaned

    @property
    def record_data(self) -> dict:
        return {name: self.cleaned_data[name] or "" for name in DOCUMENT_FIELDS}
