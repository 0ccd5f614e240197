from core.templatetags.govuk import govuk_paragraphs


def test_plain_text_becomes_escaped_govuk_paragraphs():
    html = govuk_paragraphs("First line\nsecond line\n\n<b>Bold</b> claim\r\n")

    assert html == (
        '<p class="govuk-body">First line<br>second line</p>\n'
        '<p class="govuk-body">&lt;b&gt;Bold&lt;/b&gt; claim</p>'
    )


def test_empty_text_gives_no_paragraphs():
    assert govuk_paragraphs("") == ""
    assert govuk_paragraphs(None) == ""
