"""Words for numbers, as messages and papers write them, and lists as people type them."""

import re


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


def plural_of(noun: str) -> str:
    """The plural of a plan's word for a level: "Priority" → "Priorities", "Aim" → "Aims"."""
    last = noun.rsplit(" ", 1)[-1].lower()
    if last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    if last.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def in_sentence(word: str) -> str:
    """A plan's word as it reads inside a sentence: "Priority action" → "priority action"; an acronym
    such as "KPI" stays as it is."""
    return " ".join(part if part[1:2].isupper() else part[:1].lower() + part[1:] for part in word.split())


def with_article(word: str) -> str:
    """The word after "a" or "an", as "Add an aim" and "Add a deliverable" say it."""
    return f"{'an' if word[:1].lower() in tuple('aeiou') else 'a'} {word}"


LIST_SEPARATOR = re.compile(r"[,;\n]")  # between the names of a list, as people type them


def names_in(text: str) -> list[str]:
    """The names in a typed or imported list, as written: "VAWG; Town centre, Orpington" → three,
    each on one line with single spaces, empty ones dropped."""
    names = (" ".join(name.split()) for name in LIST_SEPARATOR.split(text))
    return [name for name in names if name]


def running_head(marking: str, *, is_draft: bool) -> str:
    """The protective marking at the top and foot of every page of a paper; on a draft, the marking,
    an en dash and "DRAFT" (as the Word and PDF board papers have always printed it)."""
    return f"{marking} – DRAFT" if is_draft else str(marking)
