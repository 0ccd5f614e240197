"""The Django admin is the platform superuser's back office: every page of it opens."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.delivery.factories import MilestoneFactory, ProgressUpdateFactory
from tests.meetings.factories import AgendaItemFactory, BoardActionFactory

OUR_APPS = {"accounts", "priorities", "delivery", "meetings", "reports"}
MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in OUR_APPS),
    key=lambda model: model._meta.label,
)


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("platform", "p@example.org", "pw"))
    ProgressUpdateFactory()
    MilestoneFactory()
    AgendaItemFactory()
    BoardActionFactory()
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_admin_list_search_and_add_pages_open(superuser_client, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    assert superuser_client.get(changelist).status_code == 200
    assert superuser_client.get(changelist, {"q": "safer"}).status_code == 200
    assert superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
    instance = model.objects.first()
    if instance is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
        assert superuser_client.get(change).status_code == 200


@pytest.mark.django_db
def test_a_partnership_added_in_the_admin_gets_the_rating_wording(superuser_client):
    from accounts.models import Partnership

    response = superuser_client.post(
        reverse("admin:accounts_partnership_add"),
        {
            "name": "Safer Example Partnership",
            "short_name": "SEP",
            "slug": "safer-example",
            "description": "",
            "protective_marking": "OFFICIAL",
            "status_ratings-TOTAL_FORMS": "0",
            "status_ratings-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert Partnership.objects.get(slug="safer-example").status_ratings.count() == 5
