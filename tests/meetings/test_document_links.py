import pytest
from django.core.exceptions import ValidationError

from meetings.models import SupportingDocument
from tests.meetings.factories import AgendaItemFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["ftp://example.org/paper.pdf", "ftps://example.org/paper.pdf", "javascript:alert(1)"]
)
def test_a_documents_link_is_a_web_address(url):
    document = SupportingDocument(agenda_item=AgendaItemFactory(), title="Paper", url=url)

    with pytest.raises(ValidationError) as error:
        document.full_clean()

    assert "url" in error.value.message_dict


def test_a_web_link_is_kept():
    document = SupportingDocument(
        agenda_item=AgendaItemFactory(), title="Paper", url="https://example.org/p.pdf"
    )

    document.full_clean()
