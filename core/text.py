"""Words for numbers, as messages and papers write them."""


def count_of(count: int, noun: str, plural: str = "") -> str:
    """ "1 action", "3 actions"; give the plural when adding "s" is wrong: count_of(2, "person", "people")."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
