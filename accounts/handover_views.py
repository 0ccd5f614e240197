"""The hand-over page: an administrator moves everything a person holds in the partnership to another member."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import FormView

from accounts.forms import HandOverForm
from accounts.handover import person_hand_over, person_hand_over_items
from accounts.models import User
from accounts.views import PersonMixin
from core.forms import add_service_errors


class PersonHandOverView(PersonMixin, FormView):
    """What the person holds, kind by kind (accounts.handover), and whom to hand it all over to."""

    form_class = HandOverForm
    template_name = "accounts/person_hand_over.html"

    def get_form_kwargs(self):
        candidates = User.objects.members_of(self.partnership).exclude(pk=self.person.user_id)
        return {**super().get_form_kwargs(), "candidates": candidates}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            items=person_hand_over_items(partnership=self.partnership, from_user=self.person.user), **kwargs
        )

    def form_valid(self, form):
        to_user = form.cleaned_data["to_user"]
        try:
            summary = person_hand_over(
                partnership=self.partnership,
                from_user=self.person.user,
                to_user=to_user,
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"Handed over from {self.person.user} to {to_user}: {summary.describe()}."
        )
        return redirect("accounts:people", slug=self.partnership.slug)
