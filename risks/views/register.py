"""Placeholder: the register's pages are being built."""

from django.views.generic import View


class RegisterView(View):
    pass


class RegisterReleaseView(View):
    pass


class ReleaseListView(View):
    pass


class ReleaseDetailView(View):
    pass


class RegisterSettingsView(View):
    pass
