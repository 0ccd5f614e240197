"""Placeholder: the risks' pages are being built."""

from django.views.generic import View


class RiskCreateView(View):
    pass


class ReviewRemindersSendView(View):
    pass


class RiskDetailView(View):
    pass


class RiskEditView(View):
    pass


class RiskReviewView(View):
    pass
