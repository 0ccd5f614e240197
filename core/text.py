"""Words for numbers, as messages and papers write them."""


def count_of(count: int, noun: str, plural: str = "", *, none_as_no: bool = False) -> str:
    """ "1 action", "3 actions"; give the plural when adding "s" is wrong: count_of(2, "person", "people").

    With `none_as_no`, nothing is "no actions" rather than "0 actions"."""
    many = plural or noun + "s"
    if count == 0 and none_as_no:
        return f"no {many}"
    return f"{count} {noun if count == 1 else many}"
