"""The indicators' pages (see each module); `indicators.urls` names them from here."""

from indicators.views.editing import IndicatorCreateView, IndicatorEditView, ValueEnterView
from indicators.views.pages import IndicatorDetailView, IndicatorListView
from indicators.views.value_import import ValueImportView

__all__ = [
    "IndicatorCreateView",
    "IndicatorDetailView",
    "IndicatorEditView",
    "IndicatorListView",
    "ValueEnterView",
    "ValueImportView",
]
