"""How each action's progress unfolds over the reporting periods: the demo's progress stories.

An action names its story (`ActionSpec.story`); the loader lays the story over the open period and
the two before it, and fills the periods before those from `EARLIER_NARRATIVES`, with an occasional
`EARLIER_SLIPPAGE`.
"""

from core.ratings import Rating
from demo.specs import Step

R, A, G, B, NR = Rating.RED, Rating.AMBER, Rating.GREEN, Rating.BLUE, Rating.NOT_RATED

# Each story gives the updates for the two periods before the open one and for the open one
# (None: no update, a missing return). Periods before those get an `earlier_step`.
STORIES: dict[str, tuple[Step | None, Step | None, Step | None]] = {
    "steady": (
        Step(G, 30, "Work is on schedule and partners have agreed the approach."),
        Step(G, 50, "Delivery is on schedule; the first outputs have been shared with partners."),
        Step(G, 70, "On track: most of the planned work is done and the rest is scheduled."),
    ),
    "completed": (
        Step(G, 45, "Work is under way and on schedule."),
        Step(G, 80, "Most of the work is done; final sign-off is booked."),
        Step(B, 100, "Completed ahead of the due date and handed over to business as usual."),
    ),
    "completed_earlier": (
        Step(G, 70, "Good progress; the final steps are scheduled."),
        Step(B, 100, "Completed and signed off by the priority lead."),
        Step(B, 100, "Complete; the outcome is now monitored as business as usual."),
    ),
    "recovering": (
        Step(
            R,
            15,
            "Progress stalled when the lead officer post fell vacant.",
            "No officer time is available and the due date is at risk.",
            "Interim cover agreed with the lead agency while the post is recruited to.",
        ),
        Step(
            A,
            35,
            "Catching up after the vacancy; a revised timetable has been agreed.",
            "The revised timetable leaves little slack.",
            "Fortnightly check-ins with partners until the backlog is cleared.",
        ),
        Step(G, 60, "Back on track against the revised timetable."),
    ),
    "stuck": (
        Step(
            A,
            20,
            "Scoping is complete, but delivery depends on funding that is not yet agreed.",
            "Funding is not confirmed.",
            "Alternative funding sources are being explored with partners.",
        ),
        Step(
            R,
            25,
            "The funding bid was unsuccessful, so delivery has not started.",
            "Without funding the action will miss its due date.",
            "Partners asked to identify in-kind resources; a reduced scope is being costed.",
        ),
        Step(
            R,
            30,
            "Still no funding; the action cannot progress without the Board's help.",
            "The due date will be missed unless resources are found this quarter.",
            "A reduced-scope option is ready for the Board to consider.",
        ),
    ),
    "slipping": (
        Step(G, 30, "Started as planned."),
        Step(
            A,
            40,
            "Some slippage: partner staff were redeployed during the summer.",
            "Partner capacity is lower than planned.",
            "Work re-sequenced so the most important outputs come first.",
        ),
        Step(
            A,
            45,
            "Slippage continues, though the revised plan is holding.",
            "The due date is at risk if capacity does not return.",
            "The priority lead has asked partners to confirm staff time for next quarter.",
        ),
    ),
    "missing": (
        Step(G, 30, "Work is on schedule."),
        Step(G, 50, "Good progress; the next steps are booked with partners."),
        None,
    ),
    "missing_amber": (
        Step(
            A,
            20,
            "Started late because the data-sharing agreement took longer than expected.",
            "The data-sharing agreement is still unsigned by one partner.",
            "Escalated to the partner's information governance lead.",
        ),
        Step(
            A,
            30,
            "The data-sharing agreement is signed; work is catching up.",
            "Two months behind the original plan.",
            "Extra sessions scheduled to recover the time lost.",
        ),
        None,
    ),
    "draft": (
        Step(G, 20, "Campaign planning started with young people's groups."),
        Step(
            A,
            35,
            "Content production is behind schedule.",
            "The youth panel's availability is limited during exams.",
            "Sessions moved to the school holidays.",
        ),
        Step(
            A,
            40,
            "Draft: content mostly produced; launch date to be confirmed.",
            "The launch may slip by a month.",
            "A soft launch on the partners' own channels first.",
            is_draft=True,
        ),
    ),
    "on_hold": (
        Step(
            A,
            10,
            "Specification drafted; recommissioning paused pending the budget decision.",
            "The current contract ends before a new service can be procured.",
            "The current contract is being extended by six months.",
        ),
        Step(
            A,
            10,
            "Still on hold pending the budget decision.",
            "The extension runs out at the end of the next quarter.",
            "Options paper prepared for the Board.",
        ),
        Step(
            A,
            10,
            "On hold: no budget decision yet.",
            "A gap in specialist advocacy for high-risk victims if no decision is made.",
            "Interim advocacy cover agreed with the police's victim care unit.",
        ),
    ),
    "exceptional": (
        Step(G, 40, "Ahead of schedule."),
        Step(G, 70, "Well ahead of schedule; take-up is higher than planned."),
        Step(G, 90, "Nearly complete; results are well above the target."),
    ),
    "overdue": (
        Step(
            A,
            60,
            "Most of the work is done, but the last step depends on a partner's system.",
            "The partner's system change is not yet scheduled.",
            "Raised at the partner's change board.",
        ),
        Step(
            A,
            75,
            "The system change is scheduled for after the due date.",
            "The action will finish after its due date.",
            "Manual workaround in place until the system change.",
        ),
        Step(
            R,
            80,
            "The due date has passed; about 80% of the work is complete.",
            "The system change has been postponed again.",
            "A new completion date has been proposed to the priority lead.",
        ),
    ),
    "not_started": (
        None,
        Step(NR, 0, "Not started: due to begin once the lead officer is in post."),
        Step(NR, 0, "Not started: the lead officer starts next month."),
    ),
    "late_start": (
        None,
        None,
        Step(NR, 0, "Not started: scheduled to begin later this year."),
    ),
}
ON_HOLD_STORIES = {"on_hold"}


EARLIER_NARRATIVES = (
    "Work is progressing as planned.",
    "On track; partners are contributing as agreed.",
    "Steady progress this quarter; no issues to report.",
)

# The odd earlier quarter that slipped and recovered: (narrative, issues and risks, mitigation).
EARLIER_SLIPPAGE = (
    "Some slippage this quarter while partners agreed resources.",
    "Partner staff time was short this quarter.",
    "The priority lead agreed a catch-up plan with partners.",
)
