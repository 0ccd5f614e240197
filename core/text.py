"""Words for numbers, as messages and papers write them."""


def count_of(count: int, noun: str, plural: str = "", *, none_as_no: bool = False) -> str:
    """ "1 action", "3 actions"; give the plural when adding "s" is wrong: count_of(2, "person", "people").

    With `none_as_no`, nothing is "no actions" rather than "0 actions"."""
    many = plural or noun + "s"
    if count == 0 and none_as_no:
        return f"no {many}"
    return f"{count} {noun if count == 1 else many}"


def lead_in_words(organisations: list[str], person: str = "") -> str:
    """Who leads, agency first and the person where there is one: "LFB and MPS (Sam Jones)"."""
    if len(organisations) < 2:
        agencies = "".join(organisations)
    else:
        agencies = f"{', '.join(organisations[:-1])} and {organisations[-1]}"
    if not agencies:
        return person
    return f"{agencies} ({person})" if person else agencies
