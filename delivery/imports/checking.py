"""Checking rows against a strategy: the problems a preview shows, and what each row would change.

`Checker` loads the strategy's priorities, ambitions, actions, members, organisations, themes and
reporting periods once and checks every row against them, ending with the one validator of actions
(`action_problems`). Nothing is written: what the file needs that does not exist yet is planned, in
memory, and made by the import (`services._rows_write`) in the same transaction as the actions.

- **Where a row goes.** The Priority and Strategic ambition cells name a priority and an ambition by
  number or title; an empty cell takes the number from the reference. A title the strategy does not
  have yet plans a new priority (or ambition), numbered after the last, which the preview lists; a
  number alone cannot make one. A two-level plan (`Strategy.has_ambitions` False) has no ambition
  column: its actions go under the priority's one unseen ambition (`actions_ambition_of`).
- **References.** Our numbering is priority.ambition.action ("1.2.3"), or priority.action ("1.3") in
  a two-level plan, agreeing with where the row goes. Any other reference ("A3", or "2.1.10" where
  the numbers are not the ones the row's priority and ambition have) is kept as the action's
  `published_reference` (unless it is the number another action has our way: a problem of the
  row), and a new action so numbered goes at the end of its ambition.
  On import again, a row is matched to an existing action of the strategy by its published
  reference first (case and spacing aside: the reference the action shows, so an export matches
  itself), else, for our numbering, by its place (ambition and number); an action so matched that
  had a published reference takes ours. An action is never moved by the import: a published
  reference whose action sits under another priority or ambition is a problem of the row.
- **People** (owner and delegates) are read by email address or by name ("Sam Jones", case and
  spacing aside; a name two members share is a problem naming them). Someone who is not an active
  member does not reject the row: it imports without them (no lead officer: the lead organisation's
  nominated contact answers) and the preview lists them to invite.
- **Partners** are matched to organisations by name or short name; the rest are kept as written
  (`Action.other_partners`), with any near miss suggested in the preview.
- **Completion.** "Date completed" is kept as the file gives it (or none, never the import day); a
  completion the row makes is rated Blue in the reporting period containing its date, open or locked,
  when that period exists and has no update an officer submitted (`services._action_write`), as the
  preview says.
- **Past returns** (`imports.returns`): a column may hold a started period's rating or progress. A
  return is only for a period the strategy reports in; an update already submitted for the action
  and period is kept, never overwritten.
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
from core.dates import long_date
from core.limits import too_long_message
from core.ratings import Rating
from core.text import LIST_SEPARATOR, names_in
from core.timescales import timescale_of, timescale_read
from delivery.action_validation import action_problems, lead_organisation_default
from delivery.imports.columns import CLEARABLE, COLUMNS, HEADINGS
from delivery.imports.returns import RATINGS_ACCEPTED, column_headings, rating_read, reports_in, return_of
from delivery.imports.row_plan import TEXT_FIELDS, Completion, PastReturn, RowPlan, row_data
from delivery.models import Action, ProgressUpdate, ReportingPeriod, Tag
from delivery.services.actions import action_fields_set
from priorities.models import Priority, StrategicAmbition, Strategy

FORMULA = "Formulas are not allowed: type the value instead"

NUMBERED = re.compile(r"\d{1,4}(?:\.\d{1,4}){1,2}")
STATUSES = {
    **{label.lower(): value for value, label in Action.Status.choices},
    **{value.replace("_", " "): value for value in Action.Status.values},
    # As published plans write them.
    "complete": Action.Status.COMPLETED,
    "done": Action.Status.COMPLETED,
    "canceled": Action.Status.CANCELLED,
    "not yet started": Action.Status.NOT_STARTED,
    "ongoing": Action.Status.IN_PROGRESS,
    "in progress (with revised timescale)": Action.Status.IN_PROGRESS,
    "in progress with revised timescale": Action.Status.IN_PROGRESS,
    "in progress (revised timescale)": Action.Status.IN_PROGRESS,
}
PUBLISHED_MAX = Action._meta.get_field("published_reference").max_length
OTHER_PARTNERS_MAX = Action._meta.get_field("other_partners").max_length
TAG_MAX = Tag._meta.get_field("name").max_length
NARRATIVE_MAX = ProgressUpdate._meta.get_field("narrative").max_length


class Checker:
    """Checks rows against one strategy, loading what it needs once, not once per row."""

    def __init__(self, strategy: Strategy, *, lock: bool = False, clear_empty: bool = False):
        """`clear_empty`: an empty cell in a `CLEARABLE` column clears an existing action's field,
        instead of leaving it as it is."""
        self.strategy = strategy
        self.clear_empty = clear_empty
        self.today = timezone.localdate()
        partnership = strategy.partnership
        self.priorities = list(Priority.objects.filter(strategy=strategy).select_related("strategy"))
        self.priority_by_order = {p.order: p for p in self.priorities}
        self.priorities_by_title = defaultdict(list)
        for priority in self.priorities:
            self.priorities_by_title[_key(priority.title)].append(priority)
        self.ambitions = list(
            StrategicAmbition.objects.filter(priority__strategy=strategy)
            .select_related("priority__strategy")
            .order_by("priority_id", "order")
        )
        self.ambition_by_order = {(a.priority_id, a.order): a for a in self.ambitions}
        self.ambitions_by_title = defaultdict(list)
        self.actions_ambition = {}  # a two-level plan's one ambition per priority
        for ambition in self.ambitions:
            self.ambitions_by_title[(ambition.priority_id, _key(ambition.title))].append(ambition)
            self.actions_ambition.setdefault(ambition.priority_id, ambition)
        # Planned, unsaved: by the title key of a new priority, or (priority, title key) of an ambition.
        self.new_priorities: dict[str, Priority] = {}
        self.new_ambitions: dict[tuple, StrategicAmbition] = {}
        actions = (
            Action.objects.filter(ambition__priority__strategy=strategy)
            .select_related("ambition__priority__strategy", "owner", "lead_organisation")
            .prefetch_related("delegates", "partner_organisations", "lead_partners", "tags")
        )
        if lock:
            actions = actions.select_for_update(of=("self",))
        actions = list(actions)
        self.action_at = {(a.ambition_id, a.order): a for a in actions}
        self.actions_published = defaultdict(list)
        self.action_numbered = {}  # by the reference our numbering gives it
        for action in actions:
            if action.published_reference:
                self.actions_published[_key(action.published_reference)].append(action)
            else:
                self.action_numbered[action.reference] = action
        self.orders_taken = defaultdict(set)  # by ambition (or planned ambition's id): numbers in use
        for action in actions:
            self.orders_taken[action.ambition_id].add(action.order)
        members = list(User.objects.filter(memberships__partnership=partnership, memberships__is_active=True))
        self.member_ids = {u.pk for u in members}
        self.member_by_email = {u.email: u for u in members if u.email}  # stored normalised
        self.member_by_username = {u.username: u for u in members}
        self.members_by_name = defaultdict(list)
        for member in members:
            if name := _person_key(member.get_full_name()):
                self.members_by_name[name].append(member)
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
        self.tag_by_key = {tag.name.casefold(): tag for tag in Tag.objects.filter(partnership=partnership)}
        self.periods = list(ReportingPeriod.objects.for_partnership(partnership).order_by("starts_on"))
        self.period_started = {p.pk: p for p in self.periods if p.starts_on <= self.today}
        self.headings = column_headings(strategy)
        # The rating of each update an officer has written, submitted or draft, by (action, period):
        # kept, never overwritten, so nothing they typed is lost.
        self.reported = {
            (action_id, period_id): rating
            for action_id, period_id, rating in ProgressUpdate.objects.filter(
                action__ambition__priority__strategy=strategy
            ).values_list("action_id", "period_id", "rating")
        }

    def check(self, rows: list[dict]) -> list[RowPlan]:
        seen: dict[str, int] = {}
        matched: dict[int, int] = {}
        plans = []
        for row in rows:
            plan = RowPlan(number=row["row"], values=row["values"])
            self._check_row(plan)
            if plan.reference:
                if _key(plan.reference) in seen:
                    plan.error(
                        "reference",
                        f"The reference {plan.reference} is also used on row {seen[_key(plan.reference)]}",
                    )
                else:
                    seen[_key(plan.reference)] = plan.number
            if plan.action is not None and not plan.errors:
                if plan.action.pk in matched:
                    plan.error(
                        "reference",
                        f"Row {matched[plan.action.pk]} is already about the action {plan.action.reference}",
                    )
                else:
                    matched[plan.action.pk] = plan.number
            plans.append(plan)
        # A new action numbered as published goes after every number its ambition has or the file gives.
        for plan in plans:
            if plan.order is None and plan.ambition is not None and not plan.errors:
                taken = self.orders_taken[_ambition_key(plan.ambition)]
                plan.order = max(taken, default=0) + 1
                taken.add(plan.order)
        return plans

    def _check_row(self, plan: RowPlan) -> None:
        cells = {}
        for key, value in plan.values.items():
            if value.startswith("="):
                plan.error(key, FORMULA, column=self.headings.get(key))
            else:
                # A leading apostrophe is a spreadsheet's way of keeping "=…" as text: drop it.
                cells[key] = value[1:] if value.startswith("'=") else value
        cleaned = plan.cleaned
        returns = self._returns_read(plan, {key: cells.pop(key) for key in list(cells) if return_of(key)})

        existing = self._place(plan, cells)
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
            text = cells["owner"].strip()
            if not text:
                cleaned["owner"] = None  # the lead organisation's nominated contact answers
            elif LIST_SEPARATOR.search(text):
                plan.error("owner", "Give one lead officer: put anyone else under Delegate emails")
            else:
                owner = self._person(plan, "owner", text, existing)
                if owner is not False:
                    cleaned["owner"] = owner
        if "delegates" in cells:
            delegates = [
                self._person(plan, "delegates", text, existing) for text in names_in(cells["delegates"])
            ]
            if False not in delegates:
                cleaned["delegates"] = list(dict.fromkeys(d for d in delegates if d is not None))
        if "partners" in cells:
            found, unknown = [], []
            for name in names_in(cells["partners"]):
                organisation = self._organisation(name)
                (found if organisation else unknown).append(organisation or name)
            other = ", ".join(dict.fromkeys(unknown))
            if len(other) > OTHER_PARTNERS_MAX:
                plan.error(
                    "partners",
                    f"The partners that are not organisations of this partnership must be "
                    f"{OTHER_PARTNERS_MAX} characters or fewer together",
                )
            else:
                cleaned["partners"], cleaned["other_partners"] = list(dict.fromkeys(found)), other
                if unknown:
                    note = f"Partners kept as written: {other}."
                    hints = [
                        f"Did you mean {o.name} for {name}?"
                        for name in unknown
                        if (o := self._near_miss(name))
                    ]
                    plan.notes.append(" ".join([note, *hints]))
        if "lead_partners" in cells:
            found, unknown = [], []
            for name in names_in(cells["lead_partners"]):
                organisation = self._organisation(name)
                (found if organisation else unknown).append(organisation or name)
            if unknown:
                plan.error("lead_partners", self._unknown_organisations("joint lead organisation", unknown))
            else:
                cleaned["lead_partners"] = list(dict.fromkeys(found))
        if "lead_organisation" in cells:
            text = cells["lead_organisation"]
            if _is_empty("lead_organisation", text):
                if existing is not None:
                    cleaned["lead_organisation"] = None  # cleared: led by the lead officer's organisation
                # a new action is led by the lead officer's organisation (`lead_organisation_default`)
            elif (lead := self._organisation(text)) is not None:
                cleaned["lead_organisation"] = lead
            elif len(parts := names_in(text)) > 1 and all(self._organisation(part) for part in parts):
                plan.error(
                    "lead_organisation",
                    "Give one lead organisation: put the others under Joint lead organisations",
                )
            else:
                plan.error("lead_organisation", self._unknown_organisations("lead organisation", [text]))
        if "tags" in cells:
            names = {}
            for name in names_in(cells["tags"]):
                name = " ".join(name.split())
                names.setdefault(name.casefold(), self.tag_by_key.get(name.casefold(), name))
            if any(len(str(name)) > TAG_MAX for name in names.values()):
                plan.error("tags", f"Each theme or place must be {TAG_MAX} characters or fewer")
            else:
                cleaned["tags"] = [str(name) for name in names.values()]

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
        if "completed_on" in cells:
            self._completed_on(plan, cells["completed_on"])

        draft = self._rules_check(plan, existing)
        if plan.errors or plan.ambition is None:
            return
        plan.action = existing
        self._completion(plan, draft)
        self._returns(plan, returns)
        if plan.action is not None:
            plan.differences = _differences(plan, draft)
            plan.changes = list(dict.fromkeys(d["column"] for d in plan.differences))

    def _completed_on(self, plan: RowPlan, text: str) -> None:
        if not text.strip():
            plan.cleaned["completed_on"] = None
            return
        try:
            completed = timescale_read(text)
        except ValueError as error:
            plan.error("completed_on", str(error))
            return
        if completed.written or completed.ends_on is None:
            plan.error("completed_on", "Give the day it was completed, such as 31/03/2025, or leave it empty")
        else:
            plan.cleaned["completed_on"] = completed.ends_on

    def _completion(self, plan: RowPlan, draft: Action) -> None:
        """What the preview says about a completion the row makes, and the period it is rated Blue in."""
        action = plan.action
        if draft.status != Action.Status.COMPLETED:
            return
        if action is not None and action.status == draft.status and action.completed_on == draft.completed_on:
            return
        on = draft.completed_on
        period = next((p for p in self.periods if on and p.starts_on <= on <= p.ends_on), None)
        reported = self.reported.get((action.pk, period.pk)) if action and period else None
        if reported == Rating.BLUE:
            period = None  # already rated Blue there
            note = f"Completed on {_day(on)}: already rated Blue in that period"
        elif on is None:
            note = "Completed, with no date completed: not rated in any reporting period"
        elif period is None:
            note = f"Completed on {_day(on)}: no reporting period covers that day, so it is not rated"
        elif reported is not None:
            note = f"Completed on {_day(on)}: not rated Blue, because {period.name} already has an update, which is kept"
            period = None
        else:
            locked = "" if period.is_open else f" ({period.get_state_display().lower()})"
            note = f"Completed on {_day(on)}: rated Blue in {period.name}{locked}"
        plan.completion = Completion(period=period, note=note)
        plan.notes.append(note)

    def _returns_read(self, plan: RowPlan, cells: dict) -> dict:
        """The past returns the row's period columns give: {period: {"rating", "narrative", "key"}},
        each a period the strategy reports in; what cannot be read is a problem of the row."""
        found: dict[ReportingPeriod, dict] = {}
        for key, text in cells.items():
            kind, period_id = return_of(key)
            column, text = self.headings.get(key, key), text.strip()
            period = self.period_started.get(period_id)
            if period is None:
                plan.error(
                    key,
                    "This reporting period has not started or no longer exists: match the column again",
                    column=column,
                )
            elif kind == "rating" and text:
                if (rating := rating_read(text)) is None:
                    plan.error(key, f"Unknown rating “{text}”: use {RATINGS_ACCEPTED}", column=column)
                else:
                    found.setdefault(period, {"key": key})["rating"] = rating
            elif text:
                if len(text) > NARRATIVE_MAX:
                    plan.error(key, too_long_message(column, NARRATIVE_MAX), column=column)
                else:
                    found.setdefault(period, {"key": key})["narrative"] = text
        rhythm = self.strategy.get_reporting_rhythm_display().split(":")[0].lower()
        for period, given in list(found.items()):
            if not reports_in(self.strategy, period):
                plan.error(
                    given["key"],
                    f"{self.strategy.title} does not report in {period.name} (it reports {rhythm}): leave "
                    "this period's return empty",
                    column=self.headings[given["key"]],
                )
                del found[period]
        return found

    def _returns(self, plan: RowPlan, found: dict) -> None:
        """The past returns the row brings, in date order, each kept when the action already has a
        submitted update for its period; the completion's Blue rating takes its period's narrative."""
        completion = plan.completion.period if plan.completion else None
        for period in sorted(found, key=lambda p: p.starts_on):
            given = found[period]
            rating = given.get("rating", Rating.NOT_RATED)
            if period == completion:
                if rating not in (Rating.BLUE, Rating.NOT_RATED):
                    plan.error(
                        given["key"],
                        f"The action was completed in {period.name}: rate it Blue there, or leave it empty",
                        column=self.headings[given["key"]],
                    )
                    continue
                rating = Rating.BLUE
            kept = plan.action is not None and (plan.action.pk, period.pk) in self.reported
            plan.returns.append(
                PastReturn(period=period, rating=rating, narrative=given.get("narrative", ""), kept=kept)
            )

    def _rules_check(self, plan: RowPlan, existing: Action | None) -> Action:
        """Check the action as the row would leave it with the one validator of actions, and return
        it so (in memory: its own fields, not its people or partners).

        Each problem is reported in the column it comes from, unless that column already has one.
        """
        data = row_data(plan.cleaned, existing)
        draft = copy.copy(existing) if existing else Action(order=plan.order or 1)
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
        if draft.owner_id is None and draft.lead_organisation is None:
            problems.pop("lead_organisation", None)
            if invited := plan.to_invite.get("owner"):
                problems["owner"] = (
                    f"{invited[0]} is not a member of this partnership yet: name a member as lead "
                    "officer, or give a lead organisation whose nominated contact answers until then"
                )
            else:
                problems["owner"] = (
                    "Give a lead officer who is a member, or a lead organisation: someone must answer "
                    "for the returns"
                )
        elif "owner" in problems and draft.owner_id is None and plan.to_invite.get("owner"):
            problems["owner"] = (
                f"{plan.to_invite['owner'][0]} is not a member of this partnership yet, so "
                f"{draft.lead_organisation.name} must answer for the returns: give it a nominated "
                "contact on the Organisations page, or name a member as lead officer"
            )
        # A problem with people or leads the file leaves out (or, for the lead organisation, leaves
        # to the lead officer's) is the owner's column's: the owner is what changed them.
        columns = {
            **PROBLEM_COLUMNS,
            **{name: name if name in plan.values else "owner" for name in ("delegates", "lead_partners")},
            "lead_organisation": "lead_organisation" if plan.cleaned.get("lead_organisation") else "owner",
            "completed_on": "completed_on" if plan.cleaned.get("completed_on") else "status",
        }
        has_problem = {error["column"] for error in plan.errors}
        for name, message in problems.items():
            key = columns[name]
            if HEADINGS[key] not in has_problem:
                plan.error(key, message)
        return draft

    def _place(self, plan: RowPlan, cells: dict) -> Action | None:
        """Where the row goes (its ambition, planned if new, and number) and the action it is about."""
        if "reference" not in cells:
            return None  # a formula, already reported
        text = " ".join(cells["reference"].split())
        if not text:
            plan.error("reference", "Enter the reference, such as 1.2.3")
            return None
        if len(text) > PUBLISHED_MAX:
            plan.error("reference", f"The reference must be {PUBLISHED_MAX} characters or fewer")
            return None
        plan.reference = text
        numbers = tuple(int(n) for n in text.split(".")) if NUMBERED.fullmatch(text) else None
        published = self.actions_published.get(_key(text), [])
        if len(published) > 1:
            plan.error("reference", f"More than one action of this strategy has the reference {text}")
            return None
        if published:
            action = published[0]
            priority = self._priority(plan, cells, None, default=action.ambition.priority)
            ambition = priority and self._ambition(plan, cells, None, priority, default=action.ambition)
            if ambition is None:
                return None
            if ambition.pk != action.ambition_id:
                plan.error(
                    "reference",
                    f"The action {text} is under {self._where(action.ambition)}: the import does not move "
                    "actions, so give that one, or leave the cell empty",
                )
                return None
            plan.ambition, plan.order = ambition, action.order
            plan.cleaned["published_reference"] = action.published_reference
            return action
        priority = self._priority(plan, cells, numbers)
        ambition = priority and self._ambition(plan, cells, numbers, priority)
        if ambition is None:
            return None
        plan.ambition = ambition
        if priority.pk is None:
            plan.new_priority = priority.title
        if ambition.pk is None and self.strategy.has_ambitions:
            plan.new_ambition = f"{ambition.title} (under {priority.title})"
        levels = 3 if self.strategy.has_ambitions else 2
        if numbers is not None and len(numbers) == levels and numbers[:-1] == self._numbers(ambition):
            plan.order = numbers[-1]
            plan.reference = ".".join(str(n) for n in numbers)
            plan.cleaned["published_reference"] = ""
            self.orders_taken[_ambition_key(ambition)].add(plan.order)
            return self.action_at.get((ambition.pk, plan.order)) if ambition.pk else None
        if (other := self.action_numbered.get(text)) is not None:
            plan.error(
                "reference",
                f"The reference {text} is the action “{other.title}” under {self._where(other.ambition)}: "
                "give the reference of where this row goes, or one of the plan's own",
            )
            return None
        plan.cleaned["published_reference"] = text  # numbered at the end of its ambition (`check`)
        return None

    def _numbers(self, ambition: StrategicAmbition) -> tuple:
        if self.strategy.has_ambitions:
            return (ambition.priority.order, ambition.order)
        return (ambition.priority.order,)

    def _where(self, ambition: StrategicAmbition) -> str:
        priority = ambition.priority
        if self.strategy.has_ambitions:
            return f"strategic ambition {priority.order}.{ambition.order} ({ambition.title})"
        return f"priority {priority.order} ({priority.title})"

    def _priority(self, plan: RowPlan, cells: dict, numbers, default=None) -> Priority | None:
        if "priority" not in cells and "priority" in plan.values:
            return None  # a formula, already reported
        text = " ".join(cells.get("priority", "").split())
        if not text:
            if default is not None:
                return default
            if numbers is None:
                plan.error(
                    "priority", f"Give the priority: the reference “{plan.reference}” does not say which"
                )
                return None
            priority = self._priority_numbered(numbers[0])
            if priority is None:
                plan.error(
                    "reference",
                    f"This strategy has no priority {numbers[0]}: give its title under Priority to add it",
                )
            return priority
        if text.isdecimal():
            priority = self._priority_numbered(int(text))
            if priority is None:
                plan.error("priority", f"This strategy has no priority {text}: give its title to add it")
            return priority
        candidates = self.priorities_by_title.get(_key(text), [])
        if len(candidates) > 1:
            wanted = numbers[0] if numbers else default.order if default else None
            candidates = [p for p in candidates if p.order == wanted]
            if len(candidates) != 1:
                plan.error("priority", f"More than one priority is called “{text}”: give its number")
                return None
        if candidates:
            return candidates[0]
        limit = Priority._meta.get_field("title").max_length
        if len(text) > limit:
            plan.error("priority", too_long_message("A priority's title", limit))
            return None
        if _key(text) not in self.new_priorities:
            last = max(
                [p.order for p in self.priorities] + [p.order for p in self.new_priorities.values()] + [0]
            )
            self.new_priorities[_key(text)] = Priority(strategy=self.strategy, order=last + 1, title=text)
        return self.new_priorities[_key(text)]

    def _priority_numbered(self, number: int) -> Priority | None:
        planned = (p for p in self.new_priorities.values() if p.order == number)
        return self.priority_by_order.get(number) or next(planned, None)

    def _ambition(
        self, plan: RowPlan, cells: dict, numbers, priority, default=None
    ) -> StrategicAmbition | None:
        text = " ".join(cells.get("ambition", "").split())
        if not self.strategy.has_ambitions:
            if text:
                plan.error(
                    "ambition",
                    f"{self.strategy.title} has two levels, so no strategic ambitions: leave this empty",
                )
                return None
            return self._actions_ambition(priority)
        if "ambition" not in cells and "ambition" in plan.values:
            return None
        if as_reference := re.fullmatch(r"(\d+)\.(\d+)", text):
            if int(as_reference.group(1)) != priority.order:
                plan.error("ambition", f"Strategic ambition {text} is not under priority {priority.order}")
                return None
            text = as_reference.group(2)
        if not text:
            if default is not None:
                return default
            if numbers is None or len(numbers) != 3:
                plan.error(
                    "ambition",
                    f"Give the strategic ambition: the reference “{plan.reference}” does not say which",
                )
                return None
            ambition = self._ambition_numbered(priority, numbers[1])
            if ambition is None:
                plan.error(
                    "reference",
                    f"Priority {priority.order} has no strategic ambition {numbers[1]}: give its title "
                    "under Strategic ambition to add it",
                )
            return ambition
        if text.isdecimal():
            ambition = self._ambition_numbered(priority, int(text))
            if ambition is None:
                plan.error(
                    "ambition",
                    f"Priority {priority.order} has no strategic ambition {text}: give its title to add it",
                )
            return ambition
        candidates = self.ambitions_by_title.get((priority.pk, _key(text)), []) if priority.pk else []
        if len(candidates) > 1:
            wanted = numbers[1] if numbers and len(numbers) == 3 else default.order if default else None
            candidates = [a for a in candidates if a.order == wanted]
            if len(candidates) != 1:
                plan.error(
                    "ambition", f"More than one strategic ambition is called “{text}”: give its number"
                )
                return None
        if candidates:
            return candidates[0]
        limit = StrategicAmbition._meta.get_field("title").max_length
        if len(text) > limit:
            plan.error("ambition", too_long_message("A strategic ambition's title", limit))
            return None
        key = (id(priority), _key(text))
        if key not in self.new_ambitions:
            orders = [a.order for a in self.ambitions if priority.pk and a.priority_id == priority.pk]
            orders += [a.order for (p, _), a in self.new_ambitions.items() if p == id(priority)]
            self.new_ambitions[key] = StrategicAmbition(
                priority=priority, order=max(orders, default=0) + 1, title=text
            )
        return self.new_ambitions[key]

    def _ambition_numbered(self, priority: Priority, number: int) -> StrategicAmbition | None:
        if priority.pk is not None and (ambition := self.ambition_by_order.get((priority.pk, number))):
            return ambition
        planned = (a for (p, _), a in self.new_ambitions.items() if p == id(priority) and a.order == number)
        return next(planned, None)

    def _actions_ambition(self, priority: Priority) -> StrategicAmbition:
        """A two-level plan's one ambition of the priority, planned when it has none yet."""
        if priority.pk is not None and priority.pk in self.actions_ambition:
            return self.actions_ambition[priority.pk]
        key = (id(priority), None)
        if key not in self.new_ambitions:
            self.new_ambitions[key] = StrategicAmbition(priority=priority, order=1, title=priority.title)
        return self.new_ambitions[key]

    def _person(self, plan: RowPlan, key: str, text: str, existing: Action | None) -> User | bool | None:
        """The member the text names by email address or name; None for someone to invite (listed
        on the row); False when it is a problem of the row (reported)."""
        on_action = [existing.owner, *existing.delegates.all()] if existing else []
        if "@" in text:
            try:
                email = normalise_email(text)
            except ValidationError:
                plan.error(key, f"“{text}” is not an email address: give the person's email address or name")
                return False
            person = self.member_by_email.get(email)
            # Someone already on the action stays on it when they leave (`action_validation`).
            kept = [u for u in on_action if u is not None and u.email == email]
        else:
            person = self.member_by_username.get(text)
            name = _person_key(text)
            if person is None:
                candidates = self.members_by_name.get(name, [])
                if len(candidates) > 1:
                    names = "; ".join(
                        sorted(f"{u.get_full_name()}, {u.email or u.username}" for u in candidates)
                    )
                    plan.error(
                        key,
                        f"More than one member is called {text}: give the email address of the one "
                        f"you mean ({names})",
                    )
                    return False
                person = candidates[0] if candidates else None
            kept = [
                u
                for u in on_action
                if u is not None and (u.username == text or _person_key(u.get_full_name()) == name)
            ]
        if person is not None:
            return person
        if kept:
            return kept[0]
        plan.to_invite.setdefault(key, []).append(text)
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


# The column of the file each of the validator's problems comes from (see `Checker._rules_check`).
PROBLEM_COLUMNS = {
    "order": "reference",
    "owner": "owner",
    "partner_organisations": "partners",
    "tags": "tags",
    "starts_on": "starts_on",
    "due_on": "due_on",
    "due_revision_reason": "due_revision_reason",
}


def _key(title: str) -> str:
    return " ".join(title.split()).lower()


def _person_key(name: str) -> str:
    """A person's name as matching compares it: "sam  JONES" is "Sam Jones"."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _ambition_key(ambition: StrategicAmbition):
    return ambition.pk if ambition.pk is not None else ("planned", id(ambition))


def _same_text(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def _organisation_key(name: str) -> str:
    """A name as matching compares it: "Fire & Rescue" and "fire and rescue." are the same."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    text = re.sub(r"['’]", "", text)
    return " ".join(re.sub(r"[^\w\s]|_", " ", text).split())


def _is_empty(key: str, text: str) -> bool:
    return not (names_in(text) if key in LIST_COLUMNS else text.strip())


LIST_COLUMNS = ("delegates", "partners", "lead_partners", "tags")
RELATED = {
    "delegates": "delegates",
    "partners": "partner_organisations",
    "lead_partners": "lead_partners",
    "tags": "tags",
}


def _has_value(action: Action, key: str) -> bool:
    if key == "partners":
        return bool(action.partner_organisations.all()) or bool(action.other_partners.strip())
    if key in RELATED:
        return bool(getattr(action, RELATED[key]).all())
    if key in ("lead_organisation", "owner"):
        return getattr(action, f"{key}_id") is not None
    if key == "completed_on":
        return action.completed_on is not None
    return bool(getattr(action, key).strip())


def _names(items) -> str:
    return ", ".join(sorted(str(item) for item in items))


def _partners(organisations, other: str) -> str:
    return ", ".join(part for part in (_names(organisations), other.strip()) if part)


def _day(value) -> str:
    return long_date(value) if value else ""


def _differences(plan: RowPlan, draft: Action) -> list[dict]:
    """Each field the row changes, in the columns' order, with its value before and after as words.

    `draft` is the action as the row would leave it (its lead organisation filled in by default)."""
    action, cleaned = plan.action, plan.cleaned
    found = {}
    if cleaned.get("published_reference", action.published_reference) != action.published_reference:
        found["reference"] = (action.reference, draft.reference)
    for key in TEXT_FIELDS:
        if key in cleaned and not _same_text(getattr(action, key), cleaned[key]):
            found[key] = (getattr(action, key), cleaned[key])
    if "owner" in cleaned and draft.owner_id != action.owner_id:
        if draft.owner is not None:
            after = str(draft.owner)
        else:
            answers = f"{draft.lead_organisation.name}'s nominated contact answers"
            invited = plan.to_invite.get("owner")
            after = (
                f"{invited[0]}, to invite (until then {answers})"
                if invited
                else f"No lead officer: {answers}"
            )
        found["owner"] = (str(action.owner or ""), after)
    for key in ("delegates", "lead_partners"):
        if key in cleaned:
            before = list(getattr(action, RELATED[key]).all())
            if {o.pk for o in cleaned[key]} != {o.pk for o in before}:
                found[key] = (_names(before), _names(cleaned[key]))
    if "partners" in cleaned:
        before = list(action.partner_organisations.all())
        if {o.pk for o in cleaned["partners"]} != {o.pk for o in before} or names_in(
            action.other_partners
        ) != names_in(cleaned["other_partners"]):
            found["partners"] = (
                _partners(before, action.other_partners),
                _partners(cleaned["partners"], cleaned["other_partners"]),
            )
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
    if draft.completed_on != action.completed_on:
        found["completed_on"] = (_day(action.completed_on), _day(draft.completed_on))
    if "tags" in cleaned:
        before = list(action.tags.all())
        if {t.name.casefold() for t in before} != {name.casefold() for name in cleaned["tags"]}:
            found["tags"] = (_names(before), ", ".join(sorted(cleaned["tags"])))
    return [
        {"column": column.heading, "old": found[column.key][0], "new": found[column.key][1]}
        for column in COLUMNS
        if column.key in found
    ]
