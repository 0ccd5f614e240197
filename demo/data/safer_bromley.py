"""The Safer Bromley Partnership: its organisations and its two strategies.

The 2016-2019 strategy and the 2024-27 priorities and timeline are as the seed minutes give them;
the 2024-27 leads and ambitions, the consultation's method and the sign-off dates are illustrative.
"""

from datetime import date

from demo.specs import ConsultationSpec, PartnershipSpec, PrioritySpec, StrategySpec
from priorities.models import Strategy

SBP_SLUG = "safer-bromley"

SBP = PartnershipSpec(
    name="Safer Bromley Partnership",
    short_name="SBP",
    slug=SBP_SLUG,
    description=(
        "Bromley's Community Safety Partnership: the council, the police, the fire brigade, "
        "probation, health and the voluntary sector working together on crime and disorder."
    ),
    organisations=(
        ("London Borough of Bromley", "LBB", True),
        ("Metropolitan Police Service", "MPS", True),
        ("London Fire Brigade", "LFB", True),
        # A responsible authority in 2016; abolished in 2021, so no longer one (the Probation
        # Service took its work on) and not asked to sign off the 2024-27 strategy.
        ("London Community Rehabilitation Company", "CRC", False),
        ("Probation Service", "PS", True),
        ("NHS South East London Integrated Care Board", "ICB", True),
        ("Bromley Voluntary Sector Forum", "VCS", False),
    ),
)


# --- The 2016-2019 strategy (from the first minutes) ----------------------------------------------

STRATEGY_2016_TITLE = "Safer Bromley Partnership Strategy 2016-2019"
PLAN_EXPLAINED_2016 = (
    "The strategic plan for this ambition, saying how it would be achieved, was explained at the "
    "Strategic Group's meeting on the Strategic Assessment report 2016-2019."
)


def _explained(*titles: str) -> tuple[tuple[str, str], ...]:
    return tuple((title, PLAN_EXPLAINED_2016) for title in titles)


PRIORITIES_2016 = (
    PrioritySpec(
        "Domestic Abuse",
        "t.lawry",
        "MPS",
        "Lead: D/Supt Trevor Lawry (MPS). Three strategic ambitions were identified, each with a "
        "strategic plan. Ms Roberts requested that the domestic abuse of the elderly be written "
        "into the Plan.",
        _explained(
            "Early identification of emerging trends and gaps in service provision",
            "A strategy to raise awareness, and to develop more effective engagement with communities",
            "Ensuring that clear and concise referral pathways were established",
        ),
    ),
    PrioritySpec(
        "Preventing Violent Extremism",
        "n.davies",
        "LBB",
        "Lead: Nigel Davies (LBB). A Prevent Action Plan had been agreed; its aim was to ensure "
        "that the Borough was fully prepared to identify any risks that may be conducive to "
        "extremist behaviour.",
        _explained(
            "Protecting young people and vulnerable adults from being drawn into extremism",
            "The establishment of clear and concise referral pathways",
            "Ensuring that adequate governance was in place to support the Prevent Agenda",
            "Ensuring that Bromley residents and businesses were protected",
        ),
    ),
    PrioritySpec(
        "Reducing Re-offending",
        "s.kirk",
        "CRC",
        "Lead: Sharon Kirk or Lee (CRC), as the minutes record it. Three strategic aims were identified.",
        _explained(
            "Review the IOM function across Bromley",
            "Reinvigorate the Safer Bromley Partnership Reducing Reoffending Strategic Group",
            "Improve the coordination of the function of the Integrated Offender Management board",
        ),
    ),
    PrioritySpec(
        "Serious Youth Violence and Gang Activity",
        "j.bailey",
        "LBB",
        "Lead: Jane Bailey (LBB). The aim is to reduce serious youth violence and gang activity; "
        "the strategic responses to the growth of this problem are recorded as its ambitions.",
        _explained(
            "Raising awareness",
            "Engaging with hard to reach communities",
            "Establishing clear and concise referral pathways",
            "Early identification of emerging trends and gaps in provision",
            "Consider adopting the recently published Home Office strategic aims for gangs and "
            "youth violence, to ensure a robust action plan was in place",
        ),
    ),
    PrioritySpec(
        "Envirocrime and associated ASB",
        "d.cartwright",
        "LFB",
        "Lead: Dan Cartwright (LFB). The aim is to reduce Envirocrime and associated ASB. The "
        "proposed strategic responses were outlined at the meeting; the minutes do not list them, "
        "so no strategic ambitions are recorded here.",
        (),
    ),
)

STRATEGY_2016 = StrategySpec(
    title=STRATEGY_2016_TITLE,
    starts_on=date(2016, 4, 1),
    ends_on=date(2019, 3, 31),
    status=Strategy.Status.CLOSED,
    summary=(
        "The Partnership's strategy for 2016-2019: five priorities identified by the "
        "Strategic Assessment, each with a named lead from a partner agency, strategic "
        "ambitions and a strategic plan for each."
    ),
    strategic_assessment=(
        "Built from the Safer Bromley Partnership Strategic Assessment report 2016-2019, "
        "which the Safer Bromley Partnership Strategic Group endorsed. The final draft was "
        "due to be completed and published in September 2016."
    ),
    priorities=PRIORITIES_2016,
)


# --- The 2024-27 strategy (from the second minutes; ambitions and leads illustrative) -------------

STRATEGY_2024_TITLE = "Safer Bromley Partnership Strategy 2024-27"
STRATEGY_2024_STARTS_ON = date(2024, 4, 1)
STRATEGY_2024_ENDS_ON = date(2027, 3, 31)

STRATEGY_2024_SUMMARY = (
    "The Safer Bromley Partnership's Community Safety Strategy for 2024-27, formulated from the "
    "findings of the Annual Strategic Assessment. Attendees from statutory agencies and community "
    "and voluntary sector partners considered the findings of the Strategic Assessment 2023 at the "
    "Safer Bromley Partnership Strategy Development Workshop on 16 November 2023 and decided three "
    "priorities: Prevention, People and Places.\n\n"
    "The previous strategy focused on Safer Neighbourhoods, VAWG, Keeping Young People Safe and "
    "Standing Together Against Hate Crime and Extremism.\n\n"
    "The public's views on the proposed priorities were sought through an online survey from "
    "15 December 2023 to 4 February 2024. The responses were analysed and fed back to the "
    "Partnership Meeting on 29 February 2024, supported by a proposed Delivery Plan, which remains "
    "a live document throughout the life of the Strategy. Each statutory authority undertook its "
    "own sign-off process and confirmed acceptance virtually by the end of March 2024, and the "
    "strategy commenced on 1 April 2024."
)

LOCAL_DEFINITIONS_2024 = (
    "Serious violence: the London Councils minimum definition for London, ‘Any violence and "
    "exploitation affecting young people under the age of 25, domestic abuse, and sexual "
    "violence.’ The definition can be expanded locally if necessary, so that it is relevant to "
    "Bromley; for example, Bromley does not have the same gangs profile as other boroughs."
)

PRIORITIES_2024 = (
    PrioritySpec(
        "Prevention: Being stronger together",
        "h.ward",
        "LBB",
        "Partners act early, together, to stop harm before it happens: serious violence affecting "
        "young people, children coming into care, and the negative use of social media and online "
        "crime.",
        (
            (
                "Reduce serious violence affecting young people under 25",
                "Agree Bromley's local definition of serious violence, building on the London "
                "Councils minimum definition, and target early intervention on the places and ages "
                "where harm is greatest.",
            ),
            (
                "Reduce the number of children coming into care through early help and diversion",
                "Identify families at risk early and divert children from offending and "
                "exploitation, since children coming into care is a serious and expensive issue.",
            ),
            (
                "Counter the negative use of social media and online crime",
                "A high-level approach covering media, online crime and abuse: work with young "
                "people, parents and schools, and press the platforms on harmful content.",
            ),
        ),
    ),
    PrioritySpec(
        "People: Protecting people",
        "m.ellison",
        "MPS",
        "Safeguarding the people most at risk of harm, including victims of violence against "
        "women and girls and people at risk of exploitation.",
        (
            (
                "Tackle violence against women and girls and support victims of domestic abuse",
                "Refresh the VAWG action plan, keep specialist advocacy in place and make referral "
                "pathways clear, including for older victims of domestic abuse.",
            ),
            (
                "Protect people at risk of exploitation and serious harm",
                "Share intelligence across agencies, manage the highest-risk offenders together and "
                "train frontline staff to recognise exploitation.",
            ),
        ),
    ),
    PrioritySpec(
        "Places: Resilient communities",
        "a.morgan",
        "LFB",
        "Neighbourhoods where people feel safe: hate crime and anti-social behaviour are tackled "
        "together and the voluntary sector is supported to deliver services within the community.",
        (
            (
                "Stand together against hate crime and extremism",
                "Make hate crime easier to report, monitor community tension and train frontline "
                "staff in Prevent.",
            ),
            (
                "Reduce anti-social behaviour and envirocrime in neighbourhoods",
                "Focus enforcement and prevention on hotspots, and make the ASB case review "
                "(community trigger) easy to use.",
            ),
            (
                "Build community capacity by supporting the voluntary sector to access grants",
                "With limited direct resources, the Board looks to innovation and capacity "
                "building: helping voluntary groups find and win grants to deliver services within "
                "the community.",
            ),
        ),
    ),
)

CONSULTATION_2024 = ConsultationSpec(
    title="Public consultation on the proposed priorities",
    opens_on=date(2023, 12, 15),
    closes_on=date(2024, 2, 4),
    method="Online survey",
    findings=(
        "The responses were analysed and fed back to the Partnership Meeting on 29 February 2024, "
        "supported by a proposed Delivery Plan."
    ),
)

# Illustrative: the minutes only say each authority would confirm virtually by the end of March 2024.
# The London CRC was abolished in 2021, so it had no part in signing off the 2024-27 strategy.
SIGN_OFF_DATES_2024 = {
    "LBB": date(2024, 3, 26),
    "MPS": date(2024, 3, 12),
    "LFB": date(2024, 3, 7),
    "PS": date(2024, 3, 14),
    "ICB": date(2024, 3, 21),
}

STRATEGY_2024 = StrategySpec(
    title=STRATEGY_2024_TITLE,
    starts_on=STRATEGY_2024_STARTS_ON,
    ends_on=STRATEGY_2024_ENDS_ON,
    status=Strategy.Status.ADOPTED,
    summary=STRATEGY_2024_SUMMARY,
    strategic_assessment="Strategic Assessment 2023",
    priorities=PRIORITIES_2024,
    local_definitions=LOCAL_DEFINITIONS_2024,
    consultation=CONSULTATION_2024,
    sign_offs=SIGN_OFF_DATES_2024,
    signed_off_by="Signed off virtually by {organisation}",
)
