"""Northfield, a fictional second partnership: there to show that partnerships never see each other's data."""

from datetime import date, time

from demo.specs import (
    ActionSpec,
    AttendanceSpec,
    MeetingSpec,
    MinutedItem,
    PartnershipSpec,
    PrioritySpec,
    StrategySpec,
)
from priorities.models import Strategy

NORTHFIELD_SLUG = "northfield"

NORTHFIELD = PartnershipSpec(
    name="Northfield Community Safety Partnership",
    short_name="NCSP",
    slug=NORTHFIELD_SLUG,
    description="A fictional partnership, there to show that partnerships never see each other's data.",
    organisations=(
        ("Northfield District Council", "NDC", True),
        ("Northshire Police", "NSP", True),
        ("Northfield Community Voluntary Action", "NCVA", False),
    ),
)

NORTHFIELD_STRATEGY_TITLE = "Northfield Community Safety Strategy 2024-2027"

NORTHFIELD_PRIORITIES = (
    PrioritySpec(
        "Safer streets",
        "e.wright",
        "NDC",
        "Fewer burglaries and less anti-social behaviour in the town centre.",
        (
            ("Reduce residential burglary", "Target-harden homes in the wards most affected."),
            ("Reduce anti-social behaviour in the town centre", "Work with licensed premises."),
        ),
    ),
    PrioritySpec(
        "Safer homes",
        "g.singh",
        "NSP",
        "Victims of domestic abuse are identified early and supported.",
        (("Increase reporting of domestic abuse", "Train frontline staff to recognise abuse."),),
    ),
)

NORTHFIELD_STRATEGY = StrategySpec(
    title=NORTHFIELD_STRATEGY_TITLE,
    starts_on=date(2024, 4, 1),
    ends_on=date(2027, 3, 31),
    status=Strategy.Status.ADOPTED,
    summary="A fictional strategy for a fictional partnership.",
    strategic_assessment="Northfield Strategic Assessment 2023",
    priorities=NORTHFIELD_PRIORITIES,
)

NORTHFIELD_ACTIONS = (
    ActionSpec("1.1", "Fit door and window locks for repeat burglary victims", "e.wright",
               "steady", partners=("NSP",)),
    ActionSpec("1.1", "Run a burglary prevention campaign with neighbourhood watch groups",
               "g.singh", "missing", partners=("NCVA",)),
    ActionSpec("1.2", "Agree a town centre ASB protocol with licensed premises", "e.wright",
               "recovering", partners=("NSP",)),
    ActionSpec("2.1", "Train housing staff to recognise and refer domestic abuse", "g.singh",
               "not_started", start_q=-1, due_q=4, partners=("NDC",)),
)  # fmt: skip

NORTHFIELD_BOARD = "Northfield Community Safety Partnership Board"

NORTHFIELD_MEETING = MeetingSpec(
    title=NORTHFIELD_BOARD,
    body=NORTHFIELD_BOARD,
    held_on=date(2025, 3, 18),
    starts_at=time(10, 0),
    location="Northfield Town Hall",
    items=(
        MinutedItem(
            title="Delivery plan progress report",
            presenter="NDC Community Safety Manager",
            paragraphs=(
                "The Board received the quarterly progress report on the delivery plan. Work on "
                "burglary prevention was on track; the town centre protocol had slipped while a post "
                "was vacant.",
            ),
            resolution="RESOLVED that the progress report be noted.",
        ),
    ),
    # Illustrative, like everything in Northfield.
    attendance=(
        AttendanceSpec("Sam Okafor", "NDC", username="demo-other"),
        AttendanceSpec("Emma Wright", "NDC", username="e.wright"),
        AttendanceSpec("Inspector Gurpreet Singh", "NSP", username="g.singh"),
        AttendanceSpec("Volunteer Coordinator", "NCVA", "apologies"),
    ),
    chair="demo-other",
)
