"""The Safer Bromley Partnership's Domestic Abuse Duty Action Plan 2025-27 (illustrative).

A second live plan beside the 2024-27 strategy, in the shape partnerships publish their domestic
abuse plans: two levels (objectives, each with its outcomes and a handful of actions), actions led
by agencies (some jointly) with a named lead officer, timescales written as quarters, months, a
financial year or "Ongoing", themes shared with the strategy, and progress reported twice a year
(the periods ending in September and March). Everything in it is invented for the demo.
"""

from datetime import date

from demo.specs import ActionSpec, PrioritySpec, StrategySpec
from priorities.models import Strategy

DA_PLAN_TITLE = "Domestic Abuse Duty Action Plan 2025-27"

DA_PLAN_SUMMARY = (
    "Illustrative: invented for the demo.\n\n"
    "The partnership's action plan under Part 4 of the Domestic Abuse Act 2021 (the Domestic Abuse "
    "Duty), agreed by the Domestic Abuse Local Partnership Board and running beside the Community "
    "Safety Strategy 2024-27. It sets out how partners will make safe accommodation and specialist "
    "support available to every victim and their children, identify abuse earlier and respond "
    "together, and hold perpetrators to account. Each action is led by a partner agency, some "
    "jointly, and progress is reported to the Board twice a year."
)

DA_PRIORITIES = (
    PrioritySpec(
        "Safe accommodation and support",
        "s.begum",
        "LBB",
        "Victims of domestic abuse, and their children, can find safe accommodation and the "
        "specialist support they need, whether they move to a refuge or stay in their own home.",
        (
            (
                "Safe accommodation and support",
                "Commission support in refuges and dispersed accommodation from the safe accommodation "
                "needs assessment, help victims stay safely in their own homes, and fund community "
                "support through the voluntary sector.",
            ),
        ),
        outcomes=(
            "Every victim and their children can reach safe accommodation with specialist support",
            "Fewer victims are placed outside the borough",
        ),
    ),
    PrioritySpec(
        "Early identification and a coordinated response",
        "m.ellison",
        "MPS",
        "Frontline staff recognise domestic abuse early and know how to refer it, and agencies plan "
        "together for the victims at highest risk.",
        (
            (
                "Early identification and a coordinated response",
                "Train frontline staff in health, housing and children's services to ask about abuse, "
                "give the MARAC the capacity its referrals need, and place an advocate where victims "
                "first seek help.",
            ),
        ),
        outcomes=(
            "Agencies recognise domestic abuse early and respond together to the highest-risk cases",
            "Referrals from health and housing rise",
        ),
    ),
    PrioritySpec(
        "Holding perpetrators to account",
        "d.okoro",
        "PS",
        "Perpetrators are challenged to change their behaviour and the law is used to protect "
        "victims, so that repeat offending falls.",
        (
            (
                "Holding perpetrators to account",
                "Commission a behaviour change programme in the community and make full use of "
                "protection orders and notices.",
            ),
        ),
        outcomes=("Perpetrators are challenged to change, and repeat domestic abuse offending falls",),
    ),
)

DA_PLAN = StrategySpec(
    title=DA_PLAN_TITLE,
    starts_on=date(2025, 4, 1),
    ends_on=date(2027, 3, 31),
    status=Strategy.Status.ADOPTED,
    summary=DA_PLAN_SUMMARY,
    strategic_assessment="Domestic Abuse Safe Accommodation Needs Assessment 2024 (illustrative)",
    priorities=DA_PRIORITIES,
    # Agreed by each responsible authority at the Domestic Abuse Local Partnership Board.
    sign_offs={
        "LBB": date(2025, 3, 18),
        "MPS": date(2025, 3, 18),
        "LFB": date(2025, 3, 18),
        "PS": date(2025, 3, 18),
        "ICB": date(2025, 3, 18),
    },
    signed_off_by="{organisation}, at the Domestic Abuse Local Partnership Board",
    reporting_rhythm=Strategy.ReportingRhythm.TWICE_YEARLY,
    levels=Strategy.Levels.TWO,
    words=("Objective", "Strategic ambition", "Action"),
)

DA_ACTIONS = (
    # Objective 1: safe accommodation and support
    ActionSpec(
        "1.1", "Commission specialist support in refuges and dispersed safe accommodation",
        "s.begum", "completed_earlier", lead="LBB", timescale="Q4 2025/26",
        partners=("VCS",), tags=("VAWG", "Safe accommodation"),
        other_partners="Registered housing providers",
        description="Support workers for children as well as adults, as the needs assessment found "
        "children's support was the largest gap.",
        resources="Domestic Abuse Safe Accommodation grant.",
        success_measure="Every household in safe accommodation has a support plan within a week.",
    ),
    ActionSpec(
        "1.1", "Extend the sanctuary scheme so victims can stay safely in their own homes",
        "j.mensah", "steady", lead="LBB", joint_leads=("MPS",), timescale="March 2027",
        partners=("LFB",), tags=("VAWG", "Safe accommodation"),
        description="Security works to victims' homes, with a police crime prevention survey and a "
        "fire safety visit.",
        resources="Sanctuary scheme budget; fire brigade home safety visits.",
        success_measure="Works completed within ten working days of referral.",
    ),
    ActionSpec(
        "1.1", "Fund community-based specialist support for survivors through the voluntary sector",
        "l.harper", "exceptional", lead="VCS", timescale="Ongoing", partners=("LBB",),
        tags=("VAWG",), other_partners="Third sector, the survivors' forum",
        resources="Grant from the partnership; volunteers trained by the specialist service.",
        success_measure="Survivors supported in the community and their outcomes at closure.",
        exceptional_reason="Twice as many survivors were supported as planned, and the survivors' "
        "forum now co-designs the service.",
    ),
    # Objective 2: early identification and a coordinated response
    ActionSpec(
        "2.1", "Train frontline staff in health, housing and children's services to ask about "
        "domestic abuse", "r.clarke", "slipping", lead="ICB", joint_leads=("LBB",),
        timescale="September 2026", partners=("VCS",), tags=("VAWG",),
        resources="Safeguarding training budgets of the ICB and the council.",
        success_measure="800 frontline staff trained, and referrals from health and housing rise.",
    ),
    ActionSpec(
        "2.1", "Review MARAC capacity and move to weekly meetings", "m.ellison", "recovering",
        lead="MPS", timescale="Q3 2026/27", partners=("LBB", "ICB", "PS"), tags=("VAWG",),
        other_partners="All MARAC representatives",
        success_measure="Every high-risk case is heard within two weeks of referral.",
    ),
    ActionSpec(
        "2.1", "Place an independent domestic violence advocate in the emergency department",
        "r.clarke", "stuck", lead="ICB", joint_leads=("VCS",), timescale="2026/27",
        partners=("MPS",), tags=("VAWG", "Princess Royal University Hospital"),
        resources="Unfunded: estimated £45,000 a year.",
        success_measure="Victims who attend the emergency department are offered an advocate.",
        board_ask="The Board is asked whether partners can jointly fund the post for a year while "
        "a bid to the Home Office is decided.",
    ),
    # Objective 3: holding perpetrators to account
    ActionSpec(
        "3.1", "Commission a community-based perpetrator behaviour change programme", "d.okoro",
        "completed", lead="PS", joint_leads=("LBB",), timescale="Q2 2026/27",
        partners=("MPS",), tags=("VAWG", "Reducing reoffending"),
        resources="Probation commissioned rehabilitative services; council contribution.",
        success_measure="Places taken up and completions, with victims' safety monitored.",
    ),
    ActionSpec(
        "3.1", "Make full use of Domestic Abuse Protection Notices and Orders", "m.ellison",
        "missing", lead="MPS", timescale="Q4 2026/27", partners=("PS", "LBB"), tags=("VAWG",),
        success_measure="Orders applied for in every eligible case, and breaches acted on.",
    ),
)  # fmt: skip
