"""Checking rows against a strategy: the problems a preview shows, and what each row would change.

`Checker` loads the strategy's priorities, ambitions, actions, members and organisations once and
checks every row against them, ending with the one validator of actions (`action_problems`).
"""

import copy
import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.identity import normalise_email
from accounts.models import Membership, Organisation, User
from core.limits import too_long_message
from core.timescales import timescale_read
from delivery.action_validation import action_problems, lead_organisation_default
from delivery.imports.columns import COLUMN_BY_KEY, HEADINGS
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

    def __init__(self, strategy: Strategy, *, lock: bool = False):
        self.strategy = strategy
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
            .select_related("ambition__priority", "lead_organisation")
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
        self.organisation_by_name = {o.name.lower(): o for o in organisations}
        self.organisation_by_name.update({o.short_name.lower(): o for o in organisations})
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
        if "partners" in cells:
            partners, unknown = [], []
            for name in _split(cells["partners"]):
                organisation = self.organisation_by_name.get(name.lower())
                (partners if organisation else unknown).append(organisation or name)
            if unknown:
                known = ", ".join(self.short_names) or "none yet"
                plan.error(
                    "partners",
                    f"Unknown partner organisation: {', '.join(unknown)}. This partnership's are: {known}",
                )
            else:
                cleaned["partners"] = list(dict.fromkeys(partners))

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

        existing = self.action_at.get((plan.ambition.pk, plan.order)) if plan.ambition else None
        self._rules_check(plan, existing)
        if plan.errors or plan.ambition is None:
            return
        plan.action = existing
        if plan.action is not None:
            plan.changes = _changes(plan.action, cleaned)

    def _rules_check(self, plan: RowPlan, existing: Action | None) -> None:
        """Check the action as the row would leave it with the one validator of actions.

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
            lead_partners=existing.lead_partners.all() if existing else [],
            partnership_id=self.strategy.partnership_id,
            members=self.member_ids,
            kept={existing.owner_id, *(u.pk for u in existing.delegates.all())} if existing else set(),
        )
        if plan.ambition is None:
            problems.pop("order", None)  # the reference, priority or ambition has a problem already
        columns = {**PROBLEM_COLUMNS, "delegates": "delegates" if "delegates" in plan.values else "owner"}
        has_problem = {error["column"] for error in plan.errors}
        for name, message in problems.items():
            key = columns[name]
            if HEADINGS[key] not in has_problem:
                plan.error(key, message)

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
    "lead_organisation": "owner",  # led by the owner's organisation until the file names a lead agency
    "lead_partners": "owner",
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


def _changes(action: Action, cleaned: dict) -> list[str]:
    """The headings of the columns whose value differs from the action's."""
    changed = []
    for key in TEXT_FIELDS:
        if key in cleaned and not _same_text(getattr(action, key), cleaned[key]):
            changed.append(key)
    if "owner" in cleaned and cleaned["owner"].pk != action.owner_id:
        changed.append("owner")
    if "delegates" in cleaned and {u.pk for u in cleaned["delegates"]} != {
        u.pk for u in action.delegates.all()
    }:
        changed.append("delegates")
    if "partners" in cleaned and {o.pk for o in cleaned["partners"]} != {
        o.pk for o in action.partner_organisations.all()
    }:
        changed.append("partners")
    for key in ("starts_on", "due_on", "status"):
        if key in cleaned and cleaned[key] != getattr(action, key):
            changed.append(key)
    if "due_timescale" in cleaned and cleaned["due_timescale"] != action.due_timescale:
        changed.append("due_on")
    return [HEADINGS[key] for key in COLUMN_BY_KEY if key in changed]
