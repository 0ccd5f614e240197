"""Checking rows against a strategy: the problems a preview shows, and what each row would change.

`Checker` loads the strategy's priorities, ambitions, actions, members and organisations once and
checks every row against them, ending with the one validator of actions (`action_problems`).
"""

import copy
import difflib
import re
import unicodedata
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.identity import normalise_email
from accounts.models import Membership, Organisation, User
from core.limits import too_long_message
from core.timescales import timescale_of, timescale_read
from delivery.action_validation import action_problems, lead_organisation_default
from delivery.imports.columns import CLEARABLE, COLUMNS, HEADINGS
from delivery.imports.row_plan import TEXT_FIELDS, RowPlan, row_data
from delivery.models import Action
from delivery.services.actions import action_fields_set
from priorities.models import Priority, StrategicAmbition, Strategy

FORMULA = "Formulas are not allowed: type the value instead"

REFERENCE = re.compile(r"(\d{1,4})\.(\d{1,4})\.(\d{1,4})")
UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
LIST_SEPARATOR = re.compile(r"[,;\n]")
STATUSES = {
    **{label.lower(): value for value, label in Action.Status.choices},
    **{value.replace("_", " "): value for value in Action.Status.values},
    # As published plans write them.
    "complete": Action.Status.COMPLETED,
    "canceled": Action.Status.CANCELLED,
    "not yet started": Action.Status.NOT_STARTED,
    "ongoing": Action.Status.IN_PROGRESS,
    "in progress (with revised timescale)": Action.Status.IN_PROGRESS,
    "in progress with revised timescale": Action.Status.IN_PROGRESS,
    "in progress (revised timescale)": Action.Status.IN_PROGRESS,
}


class Checker:
    """Checks rows against one strategy, loading what it needs once, not once per row."""

    def __init__(self, strategy: Strategy, *, lock: bool = False, clear_empty: bool = False):
        """`clear_empty`: an empty cell in a `CLEARABLE` column clears an existing action's field,
        instead of leaving it as it is."""
        self.strategy = strategy
        self.clear_empty = clear_empty
        self.today = timezone.localdate()
        partnership = strategy.partnership
        self.priorities = list(Priority.objects.filter(strategy=strategy))
        self.priority_by_order = {p.order: p for p in self.priorities}
        self.priorities_by_title = defaultdict(list)
        for priority in self.priorities:
            self.priorities_by_title[_key(priority.title)].append(priority)
        self.ambitions = list(
            StrategicAmbition.objects.filter(priority__strategy=strategy).select_related("priority__strategy")
        )
        self.ambition_by_order = {(a.priority_id, a.order): a for a in self.ambitions}
        self.ambitions_by_title = defaultdict(list)
        for ambition in self.ambitions:
            self.ambitions_by_title[(ambition.priority_id, _key(ambition.title))].append(ambition)
        actions = (
            Action.objects.filter(ambition__priority__strategy=strategy)
            .select_related("ambition__priority", "owner", "lead_organisation")
            .prefetch_related("delegates", "partner_organisations", "lead_partners")
        )
        if lock:
            actions = actions.select_for_update(of=("self",))
        self.action_at = {(a.ambition_id, a.order): a for a in actions}
        members = list(User.objects.filter(memberships__partnership=partnership, memberships__is_active=True))
        self.member_ids = {u.pk for u in members}
        self.member_by_email = {u.email: u for u in members if u.email}  # stored normalised
        self.member_by_username = {u.username: u for u in members}
        self.organisation_of_member = {
            m.user_id: m.organisation
            for m in Membership.objects.for_partnership(partnership).select_related("organisation")
        }
        organisations = list(Organisation.objects.filter(partnership=partnership))
        # By name or short name, case, spacing, punctuation and "&" for "and" aside.
        self.organisation_by_key = {_organisation_key(o.short_name): o for o in organisations}
        self.organisation_by_key.update({_organisation_key(o.name): o for o in organisations})
        self.organisation_by_key.pop("", None)
        self.short_names = sorted(o.short_name for o in organisations)

    def check(self, rows: list[dict]) -> list[RowPlan]:
        seen: dict[str, int] = {}
        plans = []
        for row in rows:
            plan = RowPlan(number=row["row"], values=row["values"])
            self._check_row(plan)
            if plan.reference:
                if plan.reference in seen:
                    plan.error(
                        "reference",
                        f"The reference {plan.reference} is also used on row {seen[plan.reference]}",
                    )
                else:
                    seen[plan.reference] = plan.number
            plans.append(plan)
        return plans

    def _check_row(self, plan: RowPlan) -> None:
        cells = {}
        for key, value in plan.values.items():
            if value.startswith("="):
                plan.error(key, FORMULA)
            else:
                # A leading apostrophe is a spreadsheet's way of keeping "=…" as text: drop it.
                cells[key] = value[1:] if value.startswith("'=") else value
        cleaned = plan.cleaned

        ref = self._reference(plan, cells)
        priority = self._priority(plan, cells, ref)
        ambition = self._ambition(plan, cells, ref, priority)
        if ambition is not None and ref is not None:
            plan.ambition, plan.order = ambition, ref[2]
        existing = self.action_at.get((plan.ambition.pk, plan.order)) if plan.ambition else None
        if existing is not None and not self.clear_empty:
            # An empty cell leaves an existing action's field as it is (the preview says so).
            for key in (c.key for c in COLUMNS if c.key in CLEARABLE):
                if key in cells and _is_empty(key, cells[key]):
                    del cells[key]
                    if _has_value(existing, key):
                        plan.kept_empty.append(HEADINGS[key])

        if "title" in cells:
            if not cells["title"]:
                plan.error("title", "Enter the action")
            elif len(cells["title"]) > Action._meta.get_field("title").max_length:
                plan.error("title", "The action must be 300 characters or fewer")
            else:
                cleaned["title"] = cells["title"]
        for key in ("description", "resources", "success_measure", "due_revision_reason"):
            if key in cells:
                limit = Action._meta.get_field(key).max_length
                if len(cells[key]) > limit:
                    plan.error(key, too_long_message(HEADINGS[key], limit))
                else:
                    cleaned[key] = cells[key]

        if "owner" in cells:
            if not cells["owner"]:
                plan.error("owner", "Enter the owner's email address")
            elif LIST_SEPARATOR.search(cells["owner"]):
                plan.error("owner", "Give one owner: put anyone else under Delegate emails")
            elif (owner := self._member(cells["owner"])) is None:
                plan.error(
                    "owner", f"{cells['owner']} is not the email of an active member of this partnership"
                )
            else:
                cleaned["owner"] = owner
        if "delegates" in cells:
            delegates, unknown = [], []
            for email in _split(cells["delegates"]):
                person = self._member(email)
                (delegates if person else unknown).append(person or email)
            if unknown:
                plan.error(
                    "delegates",
                    f"Not the email of an active member of this partnership: {', '.join(unknown)}",
                )
            else:
                cleaned["delegates"] = list(dict.fromkeys(delegates))
        for key, noun in (("partners", "partner organisation"), ("lead_partners", "joint lead organisation")):
            if key in cells:
                found, unknown = [], []
                for name in _split(cells[key]):
                    organisation = self._organisation(name)
                    (found if organisation else unknown).append(organisation or name)
                if unknown:
                    plan.error(key, self._unknown_organisations(noun, unknown))
                else:
                    cleaned[key] = list(dict.fromkeys(found))
        if "lead_organisation" in cells:
            text = cells["lead_organisation"]
            if _is_empty("lead_organisation", text):
                if existing is not None:
                    cleaned["lead_organisation"] = None  # cleared: led by the lead officer's organisation
                # a new action is led by the lead officer's organisation (`lead_organisation_default`)
            elif (lead := self._organisation(text)) is not None:
                cleaned["lead_organisation"] = lead
            elif len(parts := _split(text)) > 1 and all(self._organisation(part) for part in parts):
                plan.error(
                    "lead_organisation",
                    "Give one lead organisation: put the others under Joint lead organisations",
                )
            else:
                plan.error("lead_organisation", self._unknown_organisations("lead organisation", [text]))

        if "starts_on" in cells:
            # Any timescale gives its first day; most published plans have no start at all.
            try:
                start = timescale_read(cells["starts_on"]) if cells["starts_on"] else None
            except ValueError as error:
                plan.error("starts_on", str(error))
            else:
                if start is not None and start.is_ongoing:
                    plan.error("starts_on", "A start cannot be Ongoing: give a date, or leave it empty")
                else:
                    cleaned["starts_on"] = start.starts_on if start else None
        if "due_on" in cells:
            try:
                due = timescale_read(cells["due_on"])
            except ValueError as error:
                plan.error("due_on", str(error))
            else:
                cleaned["due_on"], cleaned["due_timescale"] = due.ends_on, due.written

        if cells.get("status"):
            status = STATUSES.get(
                " ".join(cells["status"].replace("_", " ").replace("-", " ").split()).lower()
            )
            if status is None:
                labels = ", ".join(Action.Status.labels)
                plan.error("status", f"Unknown status “{cells['status']}”: use one of {labels}")
            else:
                cleaned["status"] = status

        draft = self._rules_check(plan, existing)
        if plan.errors or plan.ambition is None:
            return
        plan.action = existing
        if plan.action is not None:
            plan.differences = _differences(plan.action, cleaned, draft)
            plan.changes = list(dict.fromkeys(d["column"] for d in plan.differences))

    def _rules_check(self, plan: RowPlan, existing: Action | None) -> Action:
        """Check the action as the row would leave it with the one validator of actions, and return
        it so (in memory: its own fields, not its people or partners).

        Each problem is reported in the column it comes from, unless that column already has one.
        """
        data = row_data(plan.cleaned, existing, self.today)
        draft = copy.copy(existing) if existing else Action(order=plan.order)
        if plan.ambition is not None:
            draft.ambition = plan.ambition
        action_fields_set(draft, data, today=self.today)
        lead_organisation_default(draft, self.organisation_of_member.get)
        problems = action_problems(
            draft,
            delegates=data.get("delegates", existing.delegates.all() if existing else []),
            partner_organisations=data.get(
                "partner_organisations", existing.partner_organisations.all() if existing else []
            ),
            lead_partners=data.get("lead_partners", existing.lead_partners.all() if existing else []),
            partnership_id=self.strategy.partnership_id,
            members=self.member_ids,
            kept={existing.owner_id, *(u.pk for u in existing.delegates.all())} if existing else set(),
        )
        if plan.ambition is None:
            problems.pop("order", None)  # the reference, priority or ambition has a problem already
        # A problem with people or leads the file leaves out (or, for the lead organisation, leaves
        # to the lead officer's) is the owner's column's: the owner is what changed them.
        columns = {
            **PROBLEM_COLUMNS,
            **{name: name if name in plan.values else "owner" for name in ("delegates", "lead_partners")},
            "lead_organisation": "lead_organisation" if plan.cleaned.get("lead_organisation") else "owner",
        }
        has_problem = {error["column"] for error in plan.errors}
        for name, message in problems.items():
            key = columns[name]
            if HEADINGS[key] not in has_problem:
                plan.error(key, message)
        return draft

    def _reference(self, plan: RowPlan, cells: dict) -> tuple[int, int, int] | None:
        text = cells.get("reference")
        if text is None:
            return None
        if not text:
            plan.error("reference", "Enter the reference, such as 1.2.3")
            return None
        match = REFERENCE.fullmatch(text)
        numbers = tuple(int(n) for n in match.groups()) if match else ()
        if not numbers or 0 in numbers:
            plan.error(
                "reference", f"“{text}” is not a reference: give priority.ambition.action, such as 1.2.3"
            )
            return None
        plan.reference = ".".join(str(n) for n in numbers)
        return numbers

    def _priority(self, plan: RowPlan, cells: dict, ref) -> Priority | None:
        text = cells.get("priority", "")
        if "priority" not in cells and "priority" in plan.values:
            return None  # a formula, already reported
        if not text:
            if ref is None:
                return None
            priority = self.priority_by_order.get(ref[0])
            if priority is None:
                plan.error("reference", f"This strategy has no priority {ref[0]}")
            return priority
        if text.isdecimal():
            candidates = [p for p in [self.priority_by_order.get(int(text))] if p]
        else:
            candidates = self.priorities_by_title.get(_key(text), [])
        if not candidates:
            plan.error(
                "priority",
                f"Unknown priority “{text}”: give the number or title of a priority of this strategy",
            )
            return None
        if ref is None:
            if len(candidates) > 1:
                plan.error("priority", f"More than one priority is called “{text}”: give its number")
                return None
            return candidates[0]
        for priority in candidates:
            if priority.order == ref[0]:
                return priority
        plan.error(
            "priority",
            f"The reference {plan.reference} puts the action under priority {ref[0]}, "
            f"but “{text}” is priority {candidates[0].order}",
        )
        return None

    def _ambition(self, plan: RowPlan, cells: dict, ref, priority) -> StrategicAmbition | None:
        text = cells.get("ambition", "")
        if priority is None or ("ambition" not in cells and "ambition" in plan.values):
            return None
        if as_reference := re.fullmatch(r"(\d+)\.(\d+)", text):
            if int(as_reference.group(1)) != priority.order:
                plan.error("ambition", f"Strategic ambition {text} is not under priority {priority.order}")
                return None
            text = as_reference.group(2)
        if not text:
            if ref is None:
                return None
            ambition = self.ambition_by_order.get((priority.pk, ref[1]))
            if ambition is None:
                plan.error("reference", f"Priority {priority.order} has no strategic ambition {ref[1]}")
            return ambition
        if text.isdecimal():
            candidates = [a for a in [self.ambition_by_order.get((priority.pk, int(text)))] if a]
        else:
            candidates = self.ambitions_by_title.get((priority.pk, _key(text)), [])
        if not candidates:
            plan.error(
                "ambition",
                f"Unknown strategic ambition “{text}”: give the number or title of one under priority {priority.order}",
            )
            return None
        if ref is None:
            if len(candidates) > 1:
                plan.error(
                    "ambition", f"More than one strategic ambition is called “{text}”: give its number"
                )
                return None
            return candidates[0]
        for ambition in candidates:
            if ambition.order == ref[1]:
                return ambition
        plan.error(
            "ambition",
            f"The reference {plan.reference} puts the action under strategic ambition {ref[0]}.{ref[1]}, "
            f"but “{text}” is strategic ambition {priority.order}.{candidates[0].order}",
        )
        return None

    def _organisation(self, text: str) -> Organisation | None:
        return self.organisation_by_key.get(_organisation_key(text))

    def _near_miss(self, text: str) -> Organisation | None:
        """The organisation whose name or short name is closest to the text, if one is close."""
        close = difflib.get_close_matches(_organisation_key(text), self.organisation_by_key, n=1, cutoff=0.7)
        return self.organisation_by_key[close[0]] if close else None

    def _unknown_organisations(self, noun: str, unknown: list[str]) -> str:
        """Which names are unknown, with the organisation each probably means, or the ones there are."""
        message = f"Unknown {noun}: {', '.join(unknown)}."
        near = [(name, self._near_miss(name)) for name in unknown]
        if len(near) == 1 and near[0][1] is not None:
            return f"{message} Did you mean {near[0][1].name}?"
        hints = [f"For {name}, did you mean {o.name}?" for name, o in near if o is not None]
        known = ", ".join(self.short_names) or "none yet"
        return " ".join([message, *hints, f"This partnership's are: {known}"])

    def _member(self, email: str) -> User | None:
        # By email, normalised and compared exactly; a member with no email address is known by their
        # username.
        try:
            by_email = self.member_by_email.get(normalise_email(email))
        except ValidationError:
            by_email = None
        return by_email or self.member_by_username.get(email)


# The column of the file each of the validator's problems comes from (see `Checker._rules_check`).
PROBLEM_COLUMNS = {
    "order": "reference",
    "owner": "owner",
    "partner_organisations": "partners",
    "starts_on": "starts_on",
    "due_on": "due_on",
    "due_revision_reason": "due_revision_reason",
    "completed_on": "status",
}


def _key(title: str) -> str:
    return " ".join(title.split()).lower()


def _split(text: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATOR.split(text) if part.strip()]


def _same_text(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def _organisation_key(name: str) -> str:
    """A name as matching compares it: "Fire & Rescue" and "fire and rescue." are the same."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    text = re.sub(r"['’]", "", text)
    return " ".join(re.sub(r"[^\w\s]|_", " ", text).split())


def _is_empty(key: str, text: str) -> bool:
    return not (_split(text) if key in LIST_COLUMNS else text.strip())


LIST_COLUMNS = ("delegates", "partners", "lead_partners")
RELATED = {"delegates": "delegates", "partners": "partner_organisations", "lead_partners": "lead_partners"}


def _has_value(action: Action, key: str) -> bool:
    if key in RELATED:
        return bool(getattr(action, RELATED[key]).all())
    if key == "lead_organisation":
        return action.lead_organisation_id is not None
    return bool(getattr(action, key).strip())


def _names(items) -> str:
    return ", ".join(sorted(str(item) for item in items))


def _day(value) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def _differences(action: Action, cleaned: dict, draft: Action) -> list[dict]:
    """Each field the row changes, in the columns' order, with its value before and after as words.

    `draft` is the action as the row would leave it (its lead organisation filled in by default)."""
    found = {}
    for key in TEXT_FIELDS:
        if key in cleaned and not _same_text(getattr(action, key), cleaned[key]):
            found[key] = (getattr(action, key), cleaned[key])
    if "owner" in cleaned and cleaned["owner"].pk != action.owner_id:
        found["owner"] = (str(action.owner or ""), str(cleaned["owner"]))
    for key in RELATED:
        if key in cleaned:
            before = list(getattr(action, RELATED[key]).all())
            if {o.pk for o in cleaned[key]} != {o.pk for o in before}:
                found[key] = (_names(before), _names(cleaned[key]))
    if "lead_organisation" in cleaned and draft.lead_organisation_id != action.lead_organisation_id:
        lead = draft.lead_organisation
        after = "" if lead is None else lead.name
        if cleaned["lead_organisation"] is None and lead is not None:
            after += " (the lead officer's organisation)"
        found["lead_organisation"] = (str(action.lead_organisation or ""), after)
    if "starts_on" in cleaned and cleaned["starts_on"] != action.starts_on:
        found["starts_on"] = (_day(action.starts_on), _day(cleaned["starts_on"]))
    if "due_on" in cleaned and (
        cleaned["due_on"] != action.due_on or cleaned.get("due_timescale", "") != action.due_timescale
    ):
        found["due_on"] = (
            timescale_of(action.due_on, action.due_timescale),
            timescale_of(cleaned["due_on"], cleaned.get("due_timescale", "")),
        )
    if "status" in cleaned and cleaned["status"] != action.status:
        found["status"] = (action.get_status_display(), Action.Status(cleaned["status"]).label)
    return [
        {"column": column.heading, "old": found[column.key][0], "new": found[column.key][1]}
        for column in COLUMNS
        if column.key in found
    ]
