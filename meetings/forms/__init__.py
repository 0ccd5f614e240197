"""Choice fields the meetings forms and filters share."""

from django import forms


class MeetingChoiceField(forms.ModelChoiceField):
    """A meeting by its board or group and its title and date (needs `select_related("body")`)."""

    def label_from_instance(self, obj):
        return f"{obj.body.name}: {obj}"


class ActionChoiceField(forms.ModelChoiceField):
    """A delivery-plan action by its reference and title, and the strategy it belongs to (needs
    `select_related("ambition__priority__strategy")`)."""

    def label_from_instance(self, obj):
        return f"{obj.reference} {obj.title} ({obj.ambition.priority.strategy.title})"
