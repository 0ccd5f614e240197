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


def test_long_date_reads_dates_and_iso_strings():
    import datetime

    from core.templatetags.govuk import long_date

    assert long_date(datetime.date(2027, 3, 1)) == "1 March 2027"
    assert long_date("2024-04-01") == "1 April 2024"
    assert long_date(None) == ""
