"""The page numbers GOV.UK pagination links to (`includes/_pagination.html`)."""


def page_numbers(number: int, num_pages: int) -> list[int | None]:
    """The first and last page, the current one and those beside it, with None where pages are left out."""
    wanted = {1, num_pages, number - 1, number, number + 1}
    numbers: list[int | None] = []
    for shown in sorted(n for n in wanted if 1 <= n <= num_pages):
        if numbers and shown - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(shown)
    return numbers
