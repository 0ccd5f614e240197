"""Placeholder: the indicators' pages are being built."""

from django.views.generic import View


class IndicatorListView(View):
    pass


class IndicatorCreateView(View):
    pass


class ValueImportView(View):
    pass


class IndicatorDetailView(View):
    pass


class IndicatorEditView(View):
    pass


class ValueEnterView(View):
    pass
