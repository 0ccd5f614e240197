"""The shapes of the demo's data: one frozen dataclass per kind of row the demo builds.

The data itself is in `demo.data`; `demo.build` turns it into rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from accounts.identity import normalise_email


@dataclass(frozen=True)
class PartnershipSpec:
    """A demo partnership and its partner organisations: (name, short name, responsible authority)."""

    name: str
    short_name: str
    slug: str
    description: str
    organisations: tuple[tuple[str, str, bool], ...]


@dataclass(frozen=True)
class PersonSpec:
    """A person, their one membership, and whether they may sign in with the demo password."""

    username: str
    first_name: str
    last_name: str
    partnership: str
    organisation: str
    role: str
    job_title: str = ""
    can_sign_in: bool = False

    @property
    def email(self) -> str:
        return normalise_email(f"{self.first_name}.{self.last_name}@example.org")


@dataclass(frozen=True)
class PrioritySpec:
    """A priority with its lead (username and organisation) and its ambitions: (title, plan)."""

    title: str
    lead: str
    lead_organisation: str
    description: str
    ambitions: tuple[tuple[str, str], ...]
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConsultationSpec:
    """A public consultation on a strategy, found by its title."""

    title: str
    opens_on: date
    closes_on: date
    method: str
    findings: str


@dataclass(frozen=True)
class StrategySpec:
    """A strategy with its priorities, and the consultation and sign-offs it had.

    `sign_offs` gives, by organisation short name, the day each agreed the strategy;
    `signed_off_by` says who, with `{organisation}` standing for the organisation's name.
    """

    title: str
    starts_on: date
    ends_on: date
    status: str
    summary: str
    strategic_assessment: str
    priorities: tuple[PrioritySpec, ...]
    local_definitions: str = ""
    consultation: ConsultationSpec | None = None
    sign_offs: dict[str, date] | None = None
    signed_off_by: str = ""
    # Which reporting periods its actions report in (`Strategy.ReportingRhythm`).
    reporting_rhythm: str = "quarterly"
    # The plan's shape: two or three levels, and its words for them (priority, ambition, action).
    levels: int = 3
    words: tuple[str, str, str] = ("Priority", "Strategic ambition", "Action")


@dataclass(frozen=True)
class BoardActionSpec:
    """A board action raised under an agenda item, owned by a person (username) or organisation.

    `priority` links it to a priority, given as (strategy title, priority title).
    """

    description: str
    owner: str | None = None
    owner_organisation: str = ""  # short name
    due_on: date | None = None
    status: str = "open"
    priority: tuple[str, str] | None = None


@dataclass(frozen=True)
class AttendanceSpec:
    """Who was at a meeting: a name as minutes give it, their organisation (short name), and status.

    `username` links the row to a demo person; `substitute` names who came in their place.
    """

    name: str
    organisation: str
    status: str = "present"
    username: str = ""
    substitute: str = ""


@dataclass(frozen=True)
class MinutedItem:
    """An agenda item as minuted: its title, presenter, minutes (paragraphs) and resolution."""

    title: str
    paragraphs: tuple[str, ...]
    resolution: str = ""
    presenter: str = ""
    board_actions: tuple[BoardActionSpec, ...] = ()

    @property
    def minutes(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class MeetingSpec:
    """A minuted meeting of a body: when and where, its agenda items in order, and who attended.

    `chair` and `vice_chair` (usernames) are the body's; a meeting that does not set them leaves
    the body's as they are.
    """

    title: str
    body: str
    held_on: date
    items: tuple[MinutedItem, ...]
    starts_at: time | None = None
    location: str = ""
    is_virtual: bool = False
    status: str = "minutes_approved"
    attendance: tuple[AttendanceSpec, ...] = ()
    chair: str = ""
    vice_chair: str = ""


@dataclass(frozen=True)
class Step:
    """One progress update in a story; a draft has no submission time."""

    rating: str
    percent: int
    narrative: str
    issues: str = ""
    mitigation: str = ""
    is_draft: bool = False


@dataclass(frozen=True)
class ActionSpec:
    """A delivery-plan action under the ambition numbered `ambition` (such as "1.2").

    `start_q` and `due_q` count quarters from the open reporting period (0 is the open period,
    -1 the one before); a start of None means the strategy's start. Dates are kept inside the
    strategy. Milestones are (title, quarter as for `due_q`, completed). An action with
    `revised_from_q` was first due in that quarter; its due date was moved to `due_q` this period,
    for `revision_reason`.

    `lead` names the agency that leads the action (an organisation's short name; by default the
    owner's organisation) and `joint_leads` the agencies leading it jointly. A `timescale` is the due
    timescale as the plan writes it ("Q3 2026/27", "March 2027", "2026/27", "Ongoing"; see
    `core.timescales`), kept as written and in place of `due_q`.
    """

    ambition: str
    title: str
    owner: str
    story: str
    description: str = ""
    delegates: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    start_q: int | None = None
    due_q: int = 2
    resources: str = ""
    success_measure: str = ""
    milestones: tuple[tuple[str, int, bool], ...] = ()
    revised_from_q: int | None = None
    revision_reason: str = ""
    board_ask: str = ""
    exceptional_reason: str = ""
    lead: str = ""
    joint_leads: tuple[str, ...] = ()
    timescale: str = ""
    tags: tuple[str, ...] = ()  # cross-cutting themes and places
    other_partners: str = ""  # partners as written that are not organisations of the partnership


@dataclass(frozen=True)
class RiskSpec:
    """A risk on the register as the board's chair first released it.

    Scores are (likelihood, impact) on the 5 x 5 scale, before controls (`inherent`) and with them
    (`residual`). `owner_organisation` is a short name and `owner` a username ("" for the
    organisation's nominated contact). `priorities` are titles of the strategy's priorities, and
    `actions` (the actions the risk affects) and `treating_actions` titles of its delivery-plan actions.
    A risk is due for review by the open reporting period's deadline, or, with `review_overdue`, was
    due by the end of the period and is now overdue.
    """

    reference: str
    title: str
    cause: str
    effect: str
    category: str
    owner_organisation: str
    owner: str
    inherent: tuple[int, int]
    residual: tuple[int, int]
    target_score: int
    existing_controls: str
    further_actions: str
    priorities: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    treating_actions: tuple[str, ...] = ()
    review_overdue: bool = False


@dataclass(frozen=True)
class RiskReviewSpec:
    """A risk owner's review of the risk `reference` for the open reporting period: its new residual
    (likelihood, impact) and why. A review `after_release` comes after the chair's second release."""

    reference: str
    residual: tuple[int, int]
    narrative: str
    control_changes: str = ""
    after_release: bool = False


@dataclass(frozen=True)
class RiskRegisterSpec:
    """A partnership's risk register and its history: the risks, the owners' reviews for the open
    period, and the notes of the two releases made by the chair of the body named `released_by_body`
    (one before the reviews, one after all but the reviews `after_release`)."""

    risks: tuple[RiskSpec, ...]
    reviews: tuple[RiskReviewSpec, ...]
    released_by_body: str
    first_release_note: str
    second_release_note: str


@dataclass(frozen=True)
class IndicatorSpec:
    """A performance indicator of a priority (by title) and optionally of one of its ambitions ("1.2").

    `targets` are by financial year (2024 for 2024/25). `values` are by financial quarter from
    Q1 2024/25, None where there is none (between an annual or twice-yearly indicator's returns); the
    demo enters those of every ended period, and `notes` by quarter name ("Q2 2026/27"). An indicator
    `entered_late` has no value yet for the open period: its owner still has it to enter.
    """

    priority: str
    name: str
    definition: str
    kind: str
    unit: str
    polarity: str
    tolerance_percent: float
    baseline: float
    baseline_on: date
    targets: dict[int, float]
    data_source: str
    owner_organisation: str
    owner: str
    frequency: str
    values: tuple[float | None, ...]
    ambition: str = ""
    notes: dict[str, str] | None = None
    entered_late: bool = False
