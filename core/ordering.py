"""Moving a numbered item (a priority, a strategic ambition, an action) up or down among its siblings.

Items carry an `order` unique among their siblings, and references such as 2.1.3 follow it. Moving
renumbers the siblings 1, 2, 3 ... in one transaction; the page's form says where the item was when the
page was drawn, so a repeated click (or a second administrator's) moves it once, not twice.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import redirect
from django.utils.text import capfirst
from django.views import View


def move_in_order(*, items: list, moving, direction: str, noun: str):
    """Swap `moving` with its neighbour in `items` (all its siblings, locked, in order) and number them.

    Returns the moved item as saved. Each renumbered item records the move in its history.
    """
    if direction not in ("up", "down"):
        raise ValidationError("Choose to move up or down.")
    index = next((i for i, item in enumerate(items) if item.pk == moving.pk), None)
    if index is None:
        raise ValidationError(f"This {noun} no longer exists.")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        raise ValidationError(f"This {noun} is already {'first' if direction == 'up' else 'last'}.")
    items[index], items[other] = items[other], items[index]
    renumber(items)
    return items[other]


def renumber(items: list, *, reason: str = "Moved to position {position}") -> list:
    """Number `items` (all the siblings, locked, in their new order) 1, 2, 3 ... and save those whose
    number changes, each recording `reason` (formatted with its `position`) in its history.

    Returns the items renumbered. (parent, order) is unique, so the rows that change are first lifted
    above every order in use, then each is set.
    """
    changed = [(position, item) for position, item in enumerate(items, start=1) if item.order != position]
    if not changed:
        return []
    lift = max(item.order for item in items) + 1  # above every order in use, 0 included
    type(changed[0][1])._default_manager.filter(pk__in=[item.pk for _, item in changed]).update(
        order=F("order") + lift
    )
    for position, item in changed:
        item.order = position
        item.full_clean()
        item._change_reason = reason.format(position=position)
        item.save()
    return [item for _, item in changed]


class MoveView(View):
    """POST a direction ("up" or "down") and the item's `order` as the page showed it; go back to the page.

    A view names its item (`item()`), how to move it (`move(item, direction)`, a service calling
    `move_in_order`), where to go back to (`back_url(item)`) and its nouns.
    """

    http_method_names = ["post"]
    noun = ""
    plural = ""

    def item(self):
        raise NotImplementedError

    def move(self, item, direction: str):
        raise NotImplementedError

    def back_url(self, item) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        item = self.item()
        back = redirect(self.back_url(item))
        if request.POST.get("order") != str(item.order):
            messages.error(
                request, f"The order of the {self.plural} had already changed: check it and try again."
            )
            return back
        try:
            moved = self.move(item, request.POST.get("direction", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return back
        messages.success(request, f"{capfirst(self.noun)} “{moved.title}” is now {moved.reference}.")
        return back
