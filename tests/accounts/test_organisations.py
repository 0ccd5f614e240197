import pytest
from django.urls import reverse

from accounts.forms import OrganisationForm
from accounts.models import Membership, Organisation
from tests.accounts.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership():
    return PartnershipFactory(name="Safer Bromley Partnership")


@pytest.fixture
def administrator(partnership, member_of):
    return member_of(partnership, Membership.Role.ADMINISTRATOR)


def url(name, partnership, **kwargs):
    return reverse(f"accounts:{name}", kwargs={"slug": partnership.slug, **kwargs})


def test_the_list_shows_the_partnerships_organisations_only(client, partnership, administrator):
    OrganisationFactory(partnership=partnership, name="London Fire Brigade", short_name="LFB")
    OrganisationFactory(name="Another partnership's agency")
    client.force_login(administrator)

    html = client.get(url("organisation_list", partnership)).content.decode()

    assert "London Fire Brigade" in html
    assert "LFB" in html
    assert "Another partnership" not in html


def test_an_administrator_adds_an_organisation(client, partnership, administrator):
    client.force_login(administrator)

    response = client.post(
        url("organisation_create", partnership),
        {"name": "Metropolitan Police Service", "short_name": "MPS", "is_responsible_authority": "on"},
    )

    assert response.status_code == 302
    organisation = Organisation.objects.get(partnership=partnership, short_name="MPS")
    assert organisation.name == "Metropolitan Police Service"
    assert organisation.is_responsible_authority
    assert "Metropolitan Police Service added." in client.get(response["Location"]).content.decode()


def test_an_administrator_changes_an_organisation(client, partnership, administrator):
    organisation = OrganisationFactory(partnership=partnership, name="Probation", short_name="CRC")
    client.force_login(administrator)

    response = client.post(
        url("organisation_edit", partnership, pk=organisation.pk),
        {"name": "Probation Service", "short_name": "PS"},
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.short_name) == ("Probation Service", "PS")
    assert not organisation.is_responsible_authority


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "London Fire Brigade", "short_name": "NEW"}, "An organisation with this name is already"),
        ({"name": "A new agency", "short_name": "LFB"}, "An organisation with this short name is already"),
        ({"name": "", "short_name": "X"}, "Enter the organisation&#x27;s name"),
    ],
)
def test_a_duplicate_or_missing_name_is_a_clear_error_and_saves_nothing(
    client, partnership, administrator, data, message
):
    OrganisationFactory(partnership=partnership, name="London Fire Brigade", short_name="LFB")
    before = set(Organisation.objects.values_list("pk", "name", "short_name"))
    client.force_login(administrator)

    response = client.post(url("organisation_create", partnership), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "govuk-error-summary" in html
    assert message in html
    assert set(Organisation.objects.values_list("pk", "name", "short_name")) == before


def test_renaming_to_another_organisations_short_name_is_refused(client, partnership, administrator):
    OrganisationFactory(partnership=partnership, name="London Fire Brigade", short_name="LFB")
    organisation = OrganisationFactory(partnership=partnership, name="Probation", short_name="CRC")
    client.force_login(administrator)

    response = client.post(
        url("organisation_edit", partnership, pk=organisation.pk), {"name": "Probation", "short_name": "LFB"}
    )

    assert "An organisation with this short name is already in the partnership." in response.content.decode()
    assert "<title>Error: Change Probation" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.short_name == "CRC"


def test_the_same_names_may_be_used_in_another_partnership(partnership):
    OrganisationFactory(name="London Fire Brigade", short_name="LFB")

    form = OrganisationForm(
        data={"name": "London Fire Brigade", "short_name": "LFB"},
        partnership=partnership,
        submit_label="Add",
    )

    assert form.is_valid(), form.errors
    assert form.save().partnership == partnership


def test_keeping_its_own_names_is_not_a_duplicate(partnership):
    organisation = OrganisationFactory(partnership=partnership, name="London Fire Brigade", short_name="LFB")

    form = OrganisationForm(
        data={"name": "London Fire Brigade", "short_name": "LFB", "is_responsible_authority": "on"},
        instance=organisation,
        partnership=partnership,
        submit_label="Save",
    )

    assert form.is_valid(), form.errors


def test_another_partnerships_organisation_answers_404(client, partnership, administrator):
    theirs = OrganisationFactory(name="Their secret agency")
    client.force_login(administrator)

    response = client.get(url("organisation_edit", partnership, pk=theirs.pk))

    assert response.status_code == 404
    assert b"secret" not in response.content


def test_the_list_makes_the_same_queries_for_1_and_30_organisations(
    client, administrator, partnership, assert_same_queries
):
    def make_rows(count):
        for _ in range(count - Organisation.objects.filter(partnership=partnership).count()):
            MembershipFactory(partnership=partnership)
        assert Organisation.objects.filter(partnership=partnership).count() == count  # one per member
        client.force_login(administrator)

    responses = assert_same_queries(
        make_rows, lambda _: client.get(url("organisation_list", partnership)), many=30
    )

    assert [response.status_code for response in responses] == [200, 200]
