"""The demo data: the Safer Bromley Partnership as its minutes describe it, and a second partnership.

Everything the seed minutes say is used as they say it: the 2016-2019 priorities, their leads and
ambitions, the 2024-27 priorities and timeline, the two agenda items with their minutes and
resolutions. Everything else is illustrative and fictional: the demo accounts and the other officers,
the 2024-27 leads and ambitions, the delivery plan and its progress updates, the sign-off dates, the
dates of the two minuted meetings (the minutes do not give them) and the whole of Northfield.

`demo_load()` is idempotent: every row is found by its natural key and only saved when a field
differs, so running it twice with the same `today` changes nothing, not even the audit history. The
delivery plan's dates and updates are laid out relative to the reporting period open on `today`, so
the demo looks current whenever it is loaded.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.identity import normalise_email
from accounts.models import Membership, Organisation, Partnership, User
from accounts.services import partnership_create, status_ratings_install_defaults
from accounts.two_factor import AUTHENTICATOR_NAME
from core.ratings import Rating
from delivery.models import Action, Milestone, ProgressUpdate, ReportingPeriod
from meetings.models import AgendaItem, BoardAction, Meeting
from priorities.models import Consultation, Priority, SignOff, StrategicAmbition, Strategy

# Published in DESIGN.md and printed by the command: never use these accounts outside a demo.
DEMO_PASSWORD = "sbp-demo-2024"  # noqa: S105 - the demo accounts' documented password
# The demo administrators' authenticator app (two-factor sign-in), published like the password: add it
# to an app by hand (base32) to sign in as them. Administrators must use two-factor sign-in.
DEMO_TOTP_SECRET = "SBPDEMOSAFERBROMLEYPARTNERSHIP24"  # noqa: S105 - documented demo secret
DEMO_TWO_FACTOR_ACCOUNTS = ("demo-admin", "demo-other")

SBP_SLUG = "safer-bromley"
NORTHFIELD_SLUG = "northfield"

# The first reporting period is Q1 2024/25; UK financial years run April to March.
FIRST_QUARTER_STARTS_ON = date(2024, 4, 1)
DAYS_TO_UPDATE = 30  # a period's update deadline is 30 days after it ends
DAYS_OPEN_AT_LEAST = 14  # the open period's deadline is never less than a fortnight away


# --- Partnerships and organisations ---------------------------------------------------------------


@dataclass(frozen=True)
class PartnershipSpec:
    """A demo partnership and its partner organisations: (name, short name, responsible authority)."""

    name: str
    short_name: str
    slug: str
    description: str
    organisations: tuple[tuple[str, str, bool], ...]


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


# --- People ---------------------------------------------------------------------------------------

ADMINISTRATOR = Membership.Role.ADMINISTRATOR
OFFICER = Membership.Role.OFFICER
BOARD_MEMBER = Membership.Role.BOARD_MEMBER


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


DEMO_ACCOUNTS = ("demo-admin", "demo-officer", "demo-board", "demo-other")

PEOPLE = (
    # The demo accounts: the only people who can sign in.
    PersonSpec("demo-admin", "Priya", "Shah", SBP_SLUG, "LBB", ADMINISTRATOR,
               "Project Manager for Public Protection", can_sign_in=True),
    PersonSpec("demo-officer", "Tom", "Fletcher", SBP_SLUG, "LBB", OFFICER,
               "Community Safety Officer", can_sign_in=True),
    PersonSpec("demo-board", "Claire", "Dawson", SBP_SLUG, "MPS", BOARD_MEMBER,
               "Chief Inspector", can_sign_in=True),
    PersonSpec("demo-other", "Sam", "Okafor", NORTHFIELD_SLUG, "NDC", ADMINISTRATOR,
               "Community Safety Manager", can_sign_in=True),
    # The 2016-2019 priority leads, as the minutes name them.
    PersonSpec("t.lawry", "Trevor", "Lawry", SBP_SLUG, "MPS", OFFICER, "Detective Superintendent"),
    PersonSpec("n.davies", "Nigel", "Davies", SBP_SLUG, "LBB", OFFICER),
    PersonSpec("s.kirk", "Sharon", "Kirk", SBP_SLUG, "CRC", OFFICER),
    PersonSpec("j.bailey", "Jane", "Bailey", SBP_SLUG, "LBB", OFFICER),
    PersonSpec("d.cartwright", "Dan", "Cartwright", SBP_SLUG, "LFB", OFFICER),
    # Fictional officers who lead the 2024-27 priorities and own its actions.
    PersonSpec("h.ward", "Helen", "Ward", SBP_SLUG, "LBB", OFFICER,
               "Prevention and Partnerships Manager"),
    PersonSpec("s.begum", "Sana", "Begum", SBP_SLUG, "LBB", OFFICER,
               "Domestic Abuse Strategy Coordinator"),
    PersonSpec("j.mensah", "Joseph", "Mensah", SBP_SLUG, "LBB", OFFICER,
               "Anti-social Behaviour Coordinator"),
    PersonSpec("m.ellison", "Mark", "Ellison", SBP_SLUG, "MPS", OFFICER,
               "Detective Chief Inspector"),
    PersonSpec("a.morgan", "Aisha", "Morgan", SBP_SLUG, "LFB", OFFICER,
               "Station Commander, Community Safety"),
    PersonSpec("d.okoro", "David", "Okoro", SBP_SLUG, "PS", OFFICER, "Senior Probation Officer"),
    PersonSpec("r.clarke", "Rebecca", "Clarke", SBP_SLUG, "ICB", OFFICER,
               "Designated Nurse, Safeguarding Adults"),
    PersonSpec("l.harper", "Laura", "Harper", SBP_SLUG, "VCS", OFFICER, "Development Manager"),
    # Northfield's officers.
    PersonSpec("e.wright", "Emma", "Wright", NORTHFIELD_SLUG, "NDC", OFFICER,
               "Community Safety Officer"),
    PersonSpec("g.singh", "Gurpreet", "Singh", NORTHFIELD_SLUG, "NSP", OFFICER, "Inspector"),
)  # fmt: skip


# --- The 2016-2019 strategy (from the first minutes) ----------------------------------------------

STRATEGY_2016_TITLE = "Safer Bromley Partnership Strategy 2016-2019"
PLAN_EXPLAINED_2016 = (
    "The strategic plan for this ambition, saying how it would be achieved, was explained at the "
    "Strategic Group's meeting on the Strategic Assessment report 2016-2019."
)


@dataclass(frozen=True)
class PrioritySpec:
    """A priority with its lead (username and organisation) and its ambitions: (title, plan)."""

    title: str
    lead: str
    lead_organisation: str
    description: str
    ambitions: tuple[tuple[str, str], ...]


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

CONSULTATION_2024 = {
    "title": "Public consultation on the proposed priorities",
    "opens_on": date(2023, 12, 15),
    "closes_on": date(2024, 2, 4),
    "method": "Online survey",
    "findings": (
        "The responses were analysed and fed back to the Partnership Meeting on 29 February 2024, "
        "supported by a proposed Delivery Plan."
    ),
}

# Illustrative: the minutes only say each authority would confirm virtually by the end of March 2024.
# The London CRC was abolished in 2021, so it had no part in signing off the 2024-27 strategy.
SIGN_OFF_DATES_2024 = {
    "LBB": date(2024, 3, 26),
    "MPS": date(2024, 3, 12),
    "LFB": date(2024, 3, 7),
    "PS": date(2024, 3, 14),
    "ICB": date(2024, 3, 21),
}


# --- Meetings (from the minutes; dates illustrative) ----------------------------------------------

# The minutes give no dates. The Strategic Group met before the strategic assessment's planned
# publication in September 2016; the Board met between the workshop of 16 November 2023 and the
# start of the survey on 15 December 2023. Both dates below are illustrative.
MEETING_2016_ON = date(2016, 7, 12)
MEETING_2023_ON = date(2023, 11, 28)
STRATEGIC_GROUP = "Safer Bromley Partnership Strategic Group"
BOARD = "Safer Bromley Partnership Board"


@dataclass(frozen=True)
class MinutedItem:
    """A meeting with one agenda item, its minutes (paragraphs) and resolution."""

    title: str
    body: str
    held_on: date
    item_title: str
    paragraphs: tuple[str, ...]
    resolution: str

    @property
    def minutes(self) -> str:
        return "\n\n".join(self.paragraphs)


MEETING_2016 = MinutedItem(
    title=STRATEGIC_GROUP,
    body="Safer Bromley Partnership",
    held_on=MEETING_2016_ON,
    item_title="SAFER BROMLEY PARTNERSHIP STRATEGIC ASSESSMENT REPORT, 2016-2019",
    paragraphs=(
        "The Group noted the LBB Safer Bromley Partnership draft Strategic Assessment report. The "
        "report had been emailed separately to Group members prior to the meeting for their "
        "attention so that they could feed back to the Group at the meeting.",
        "The Group heard that the Strategic Assessment (SA) had identified the issues regarded as "
        "priorities by the SBP for 2016-2019. These were:",
        "1. Domestic Abuse – D/Supt Trevor Lawry (MPS)\n"
        "2. Preventing Violent Extremism – Nigel Davies (LBB)\n"
        "3. Reducing Re-offending – Sharon Kirk or Lee (CRC)\n"
        "4. Serious Youth Violence and Gang Activity – Jane Bailey (LBB)\n"
        "5. Envirocrime and associated ASB – Dan Cartwright (LFB)",
        "The Group noted the strategic ambition and strategic plan for each priority.",
        "For Domestic Abuse, 3 strategic ambitions had been identified:",
        "• Early identification of emerging trends and gaps in service provision\n"
        "• A strategy to raise awareness, and to develop more effective engagement with "
        "communities\n"
        "• Ensuring that clear and concise referral pathways were established",
        "For each strategic ambition, a strategic plan outlining how the ambition would, be "
        "achieved was explained.",
        "The Group moved on to discuss the next priority of preventing violent extremism. Four "
        "strategic ambitions had been identified:",
        "1. Protecting young people and vulnerable adults from being drawn into extremism\n"
        "2. The establishment of clear and concise referral pathways\n"
        "3. Ensuring that adequate governance was in place to support the Prevent Agenda\n"
        "4. Ensuring that Bromley residents and businesses were protected",
        "The Group heard that a Prevent Action Plan had been agreed, and the aim of the Plan was to "
        "ensure that the Borough was fully prepared to identify any risks that may be conducive to "
        "extremist behaviour.",
        "A third priority that had been identified was the reduction of re-offending.",
        "Three Strategic aims had been identified:",
        "1. Review the IOM function across Bromley\n"
        "2. Reinvigorate the Safer Bromley Partnership Reducing Reoffending Strategic Group\n"
        "3. Improve the coordination of the function of the Integrated Offender Management board",
        "The fourth strategic ambition was to reduce serious youth violence and gang activity.",
        "The strategic responses to the growth of this problem would include,",
        "• Raising awareness.\n"
        "• Engaging with hard to reach communities.\n"
        "• Establishing clear and concise referral pathways.\n"
        "• Early identification of emerging trends and gaps in provision.\n"
        "• Consider adopting the recently published Home Office strategic aims for gangs and youth "
        "violence, to ensure a robust action plan was in place",
        "The fifth strategic ambition was to reduce Envirocrime and associated ASB, and the "
        "proposed strategic responses to this were outlined.",
        "It was now the case that the Leads for each identified area would need to take forward "
        "the proposed action plans once agreed by the SBP. The Group was encouraged to provide "
        "feedback concerning the draft SBP Strategic Assessment report. It was intended that there "
        "would be an ongoing reporting cycle, and the funding and pots of money to carry out the "
        "work would need to be identified and sourced. The Group Leads would report back to the "
        "SBP. Ms Roberts requested that the domestic abuse of the elderly be written into the Plan.",
        "It was anticipated that there would be some final adjustments to the final draft of the "
        "strategic assessment report to align the aims with action plans. There was still time for "
        "partners to feed back into the final draft. It was hoped that the final draft of the "
        "strategic assessment would be completed and published in September 2016.",
    ),
    resolution=(
        "RESOLVED that the Strategic Assessment report be endorsed by the Group, and that Group "
        "Leads proceed with implementing the strategic plans as identified in the report."
    ),
)

MEETING_2023 = MinutedItem(
    title=BOARD,
    body="Safer Bromley Partnership Board",
    held_on=MEETING_2023_ON,
    item_title="Draft SBP Strategy Outline and Delivery Plan",
    paragraphs=(
        "The LBB Project Manager for Public Protection introduced the Draft Strategy outline and "
        "Delivery Plan for the future SBP Strategy. The current Strategy focused on Safer "
        "Neighbourhoods, VAWG, Keeping Young People Safe and Standing Together Against Hate Crime "
        "and Extremism. She explained that the SBP was now in the process of developing the new "
        "Community Safety Strategy for 2024-27. The new Strategy was being formulated based on the "
        "findings of the Annual Strategic Assessment. It was noted that the findings of the "
        "Strategic Assessment 2023 were considered by attendees from statutory agencies and "
        "community and voluntary sector partners who attended the Safer Bromley Partnership "
        "Strategy Development Workshop on 16th November 2023. The following priorities were "
        "decided:",
        "• Prevention: Being Stronger together.\n"
        "• People: Protecting People.\n"
        "• Places: Resilient Communities.",
        "The Board discussed the draft ‘Plan on a Page’ for the new Community Safety Strategy. The "
        "view was expressed that some of the data was unnecessary and would change over the life "
        "of the Strategy, so was not required in this document, and that the focus should be on "
        "the three new priorities. The LBB Project Manager for Public Protection agreed to change "
        "the format.",
        "It was noted that a local definition of ‘serious violence’ was required. This would need "
        "to be relevant to Bromley; for example, Bromley did not have the same gangs profile as "
        "other boroughs. The Head of Safer Communities referred to the London Council’s minimum "
        "definition for London which is ‘Any violence and exploitation affecting young people "
        "under the age of 25, domestic abuse, and sexual violence.’ This could be expanded by "
        "local areas if necessary.",
        "The Assistant Director, (Children’s Social Care Safeguarding & Care Planning Services) "
        "stated that the matter of children coming into care had to be considered as this was a "
        "serious and expensive issue.",
        "Another issue for consideration in the Strategy was how to combat the negative use of "
        "social media. The Assistant Director felt that videos of crime on social media acted as a "
        "‘feeder’, in that it could encourage further crime.",
        "It was noted that the SBP needed a high-level strategic approach that included media, "
        "online crime and abuse. Consideration should also be given to the wider effect of crime "
        "on communities. Another view was expressed that social media was a global issue and was "
        "beyond the ability of the SBP to significantly influence.",
        "It was acknowledged that in developing the Strategy, extra resources, including officer "
        "time and funding may be required. The delivery plan should be ambitious but deliverable, "
        "and when determining the resources required, if these were too extensive the scope of the "
        "project should be revised to be more achievable. No budgetary issues had been noted in "
        "the Draft Strategy and it was important to understand the assets and resources available "
        "to the SBP.",
        "Future updates on the Delivery Plan would be provided in an exception report format, with "
        "the identified leads providing the progress update. The SBP would be asked to focus on "
        "the areas identified as performing exceptionally well or poorly, and requiring input from "
        "the SBP.",
        "Clarity would be required regarding what the various statutory members of the Board were "
        "taking ownership for. It was noted that there may be a need for more analytical resource. "
        "Superintendent Baldock said that he had seen the SBP Risk Register, and this could be "
        "disseminated after the Chairman and Vice Chairman had read it. He felt that the Strategic "
        "Delivery Plan sat nicely alongside the SBP Risk Register.",
        "It was commented that the Board had limited direct resources and capital and so needed to "
        "prioritise activity and look at innovation and capacity building. For example, supporting "
        "the voluntary sector to access grants to deliver services within the community.",
        "The next step would be to seek the views of the public regarding the proposed priorities. "
        "To this end, an online survey was proposed to commence on Friday 15 December, concluding "
        "at midnight on Sunday 4 February 2024.",
        "The responses would be analysed and fed back to the Partnership Meeting on 29 February "
        "2024, supported by a proposed Delivery Plan. The Delivery Plan would remain a live "
        "document throughout the life of the Strategy and would be adapted in response to "
        "changing needs.",
        "Statutory Authorities would be required to undertake their own sign-off processes to "
        "confirm acceptance of the SBP Strategy 2024-27 and confirm virtually by the end of March "
        "2024.",
        "If agreed, the strategy would commence on 1 April 2024.",
    ),
    resolution=(
        "RESOLVED that the update regarding the Draft SBP Strategy (2024-27) and the proposed "
        "Delivery Plan be noted."
    ),
)

# The matters arising from the 2023 minutes: (what, owner's username or None, due date).
# The minutes name the Project Manager for Public Protection only by role; the demo gives the role
# to demo-admin. They do not say who would disseminate the risk register, so that has no owner.
BOARD_ACTIONS_2023 = (
    (
        "LBB Project Manager for Public Protection to change the format of the draft Plan on a "
        "Page, leaving out data that will change over the life of the Strategy and focusing on "
        "the three new priorities.",
        "demo-admin",
        date(2023, 12, 15),
    ),
    (
        "Disseminate the SBP Risk Register to the Board once the Chairman and Vice Chairman have read it.",
        None,
        date(2024, 1, 31),
    ),
)

UPCOMING_MEETING_DAYS_AFTER_DEADLINE = 21


# --- Progress stories -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One progress update in a story; a draft has no submission time."""

    rating: str
    percent: int
    narrative: str
    issues: str = ""
    mitigation: str = ""
    is_draft: bool = False


R, A, G, B, NR = Rating.RED, Rating.AMBER, Rating.GREEN, Rating.BLUE, Rating.NOT_RATED

# Each story gives the updates for the two periods before the open one and for the open one
# (None: no update, a missing return). Periods before those get an `_earlier_step`.
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


def _earlier_step(story: tuple[Step | None, ...], *, number: int, of: int, seq: int) -> Step:
    """An update for one of the `of` periods before the story begins, its % complete ramping up.

    Most are on track; a fixed few (by action and period) slipped and recovered, so that the
    history shows some movement.
    """
    first = next(step for step in story if step is not None)
    percent = max(5, round(first.percent * (number + 1) / (of + 1)))
    if (seq + number) % 7 == 3:
        return Step(
            A,
            percent,
            "Some slippage this quarter while partners agreed resources.",
            "Partner staff time was short this quarter.",
            "The priority lead agreed a catch-up plan with partners.",
        )
    return Step(G, percent, EARLIER_NARRATIVES[(seq + number) % len(EARLIER_NARRATIVES)])


# --- The 2024-27 delivery plan (illustrative) -----------------------------------------------------


@dataclass(frozen=True)
class ActionSpec:
    """A delivery-plan action under the ambition numbered `ambition` (such as "1.2").

    `start_q` and `due_q` count quarters from the open reporting period (0 is the open period,
    -1 the one before); a start of None means the strategy's start. Dates are kept inside the
    strategy. Milestones are (title, quarter as for `due_q`, completed).
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
    board_ask: str = ""
    exceptional_reason: str = ""


SBP_ACTIONS = (
    # 1.1 Reduce serious violence affecting young people under 25
    ActionSpec(
        "1.1", "Agree and publish Bromley's local definition of serious violence", "h.ward",
        "completed_earlier", partners=("MPS", "PS", "ICB"), due_q=1,
        description="Build on the London Councils minimum definition and expand it where Bromley's "
        "profile needs it.",
        resources="Officer time from the Community Safety team.",
        success_measure="A definition agreed by every responsible authority and published.",
        milestones=(("Draft definition circulated to partners", -2, True),
                    ("Definition agreed by the Board", -1, True)),
    ),
    ActionSpec(
        "1.1", "Publish the serious violence needs assessment and response strategy",
        "demo-officer", "steady", delegates=("h.ward",), partners=("MPS", "ICB", "PS"),
        description="Meet the Serious Violence Duty: a joint needs assessment and a strategy to "
        "respond to it.",
        resources="Home Office Serious Violence Duty grant; analyst time.",
        success_measure="Needs assessment and strategy published and refreshed every year.",
        milestones=(("Data-sharing agreement signed", -2, True),
                    ("Needs assessment published", 0, True),
                    ("Response strategy agreed by the Board", 1, False)),
    ),
    ActionSpec(
        "1.1", "Deliver knife crime awareness sessions in every secondary school", "m.ellison",
        "recovering", delegates=("demo-officer",), partners=("LBB", "VCS"),
        resources="Safer Schools officers; a charity-led session funded by the partnership.",
        success_measure="Every secondary school has had a session each academic year.",
        milestones=(("Sessions booked with all schools", -1, True),
                    ("Autumn term sessions delivered", 1, False)),
    ),
    ActionSpec(
        "1.1", "Commission a hospital-based youth violence intervention service", "r.clarke",
        "stuck", partners=("LBB", "MPS"), due_q=1,
        description="Youth workers in the emergency department who reach young people injured by "
        "violence at a teachable moment.",
        resources="Unfunded: estimated £60,000 a year.",
        success_measure="Young people seen in the emergency department are offered support.",
        milestones=(("Service specification agreed", -2, True),
                    ("Funding secured", -1, False)),
        board_ask="The Board is asked to agree how partners will fund the service, or to accept "
        "a reduced scope.",
    ),
    # 1.2 Reduce the number of children coming into care through early help and diversion
    ActionSpec(
        "1.2", "Extend the early help offer to families of children at risk of exploitation",
        "h.ward", "slipping", partners=("MPS", "ICB"),
        resources="Early help service; no additional funding.",
        success_measure="More families at risk receive early help within four weeks of referral.",
        milestones=(("Referral criteria agreed", -2, True),
                    ("Extra family support workers in post", 0, False)),
    ),
    ActionSpec(
        "1.2", "Set up a multi-agency panel for children at risk of entering care through "
        "offending", "demo-officer", "missing", partners=("MPS", "PS", "ICB"), due_q=3,
        resources="Officer time from each agency.",
        success_measure="Every child referred has a joint plan agreed within a month.",
        milestones=(("Terms of reference agreed", -1, True),
                    ("First panel meeting held", 1, False)),
    ),
    ActionSpec(
        "1.2", "Improve transitions from youth justice to adult probation services", "d.okoro",
        "steady", partners=("LBB",), due_q=3,
        success_measure="Every young person transferring has a joint handover meeting.",
    ),
    # 1.3 Counter the negative use of social media and online crime
    ActionSpec(
        "1.3", "Run a campaign with young people on the harm done by sharing videos of crime",
        "demo-officer", "draft", partners=("MPS", "VCS"), due_q=1,
        description="Videos of crime on social media act as a feeder for further crime; a "
        "campaign made with young people to discourage sharing them.",
        resources="£5,000 from the partnership's campaign budget.",
        success_measure="Campaign reach and a survey of young people's attitudes before and after.",
        milestones=(("Youth panel recruited", -2, True),
                    ("Campaign content produced", 0, False),
                    ("Campaign launched", 1, False)),
    ),
    ActionSpec(
        "1.3", "Train school staff and youth workers to recognise online grooming and "
        "exploitation", "h.ward", "not_started", delegates=("l.harper",), partners=("VCS", "MPS"),
        start_q=-1, due_q=4,
        resources="Training delivered by the voluntary sector; funding to be confirmed.",
        success_measure="Number of staff trained and their confidence before and after.",
    ),
    ActionSpec(
        "1.3", "Agree a joint process to report and remove online content that promotes violence",
        "m.ellison", "overdue", partners=("LBB",), due_q=-1,
        resources="Police digital investigation team; council communications team.",
        success_measure="Harmful content reported and removed within agreed times.",
        milestones=(("Reporting process drafted", -2, True),
                    ("Process live on the partner's case system", -1, False)),
        board_ask="Social media is a global issue beyond the partnership alone: the Board is asked "
        "to raise the platforms' response times with London Councils.",
    ),
    ActionSpec(
        "1.3", "Deliver online safety sessions for parents and carers", "l.harper",
        "exceptional", partners=("LBB", "MPS"), due_q=1,
        resources="Voluntary sector volunteers; venues provided free by schools.",
        success_measure="200 parents and carers attend a session each year.",
        milestones=(("First ten sessions delivered", -1, True),),
        exceptional_reason="More than twice the target number of parents attended, and schools "
        "have asked for the sessions to continue at their own cost.",
    ),
    # 2.1 Tackle violence against women and girls and support victims of domestic abuse
    ActionSpec(
        "2.1", "Refresh the VAWG action plan for 2024-27", "s.begum", "completed_earlier",
        partners=("MPS", "ICB", "PS", "VCS"), due_q=1,
        success_measure="An action plan agreed by every partner.",
        milestones=(("Survivors' forum consulted", -2, True),),
    ),
    ActionSpec(
        "2.1", "Recommission the independent domestic violence advocate service", "s.begum",
        "on_hold", partners=("MPS", "ICB"),
        resources="Current contract £180,000 a year; the new budget is not yet agreed.",
        success_measure="High-risk victims are offered an advocate within two working days.",
        milestones=(("Service specification drafted", -2, True),
                    ("Tender published", 0, False)),
        board_ask="The Board is asked to agree the partners' contributions so that the service "
        "can be retendered before the contract extension ends.",
    ),
    ActionSpec(
        "2.1", "Review MARAC referral pathways and thresholds", "m.ellison", "steady",
        delegates=("s.begum",), partners=("LBB", "ICB", "PS"),
        success_measure="Referrals meet the threshold and repeat referrals are tracked.",
    ),
    ActionSpec(
        "2.1", "Raise awareness of the domestic abuse of older people among health and care staff",
        "r.clarke", "recovering", partners=("LBB", "VCS"),
        description="Following the request that the domestic abuse of the elderly be written into "
        "the plan.",
        resources="Safeguarding adults training budget.",
        success_measure="Referrals of older victims rise and staff report more confidence.",
        milestones=(("Training materials written", -1, True),
                    ("Sessions for GP practices delivered", 0, False)),
    ),
    # 2.2 Protect people at risk of exploitation and serious harm
    ActionSpec(
        "2.2", "Map county lines and cuckooing risks and agree a joint response", "m.ellison",
        "missing", partners=("LBB", "PS"),
        success_measure="A shared risk map reviewed monthly, with a named lead for each case.",
        milestones=(("Risk map produced", -1, True),),
    ),
    ActionSpec(
        "2.2", "Manage the highest-risk offenders through Integrated Offender Management",
        "d.okoro", "steady", partners=("MPS", "LBB"), due_q=4,
        success_measure="Reoffending by the IOM cohort falls year on year.",
    ),
    ActionSpec(
        "2.2", "Train GP practices to recognise exploitation and refer it", "r.clarke",
        "late_start", start_q=0, due_q=4, partners=("LBB",),
        resources="ICB safeguarding team.",
        success_measure="Every GP practice has a trained safeguarding lead.",
    ),
    ActionSpec(
        "2.2", "Launch a scams and fraud prevention programme for older residents",
        "demo-officer", "missing_amber", partners=("MPS", "VCS"),
        resources="Trading Standards; volunteers from the voluntary sector.",
        success_measure="Number of residents reached and of scams reported.",
        milestones=(("Partners' data-sharing agreement signed", -2, True),
                    ("Call-blocker units installed for 50 residents", 0, False)),
    ),
    # 3.1 Stand together against hate crime and extremism
    ActionSpec(
        "3.1", "Set up a network of third-party hate crime reporting centres", "l.harper",
        "slipping", partners=("MPS", "LBB"),
        resources="Small grants to host organisations.",
        success_measure="Ten reporting centres open, and reports rise.",
        milestones=(("Host organisations recruited", -1, False),),
    ),
    ActionSpec(
        "3.1", "Deliver Prevent awareness training to frontline staff across the partnership",
        "h.ward", "completed", partners=("MPS", "LFB", "ICB"), due_q=2,
        success_measure="90% of frontline staff trained.",
        milestones=(("Training plan agreed", -2, True),
                    ("Sessions delivered", 0, True)),
    ),
    ActionSpec(
        "3.1", "Run a community tension monitoring group every month", "m.ellison", "steady",
        partners=("LBB", "VCS"), due_q=4,
        success_measure="Tensions are identified early and a partner response agreed within a week.",
    ),
    ActionSpec(
        "3.1", "Hold a Hate Crime Awareness Week programme each October", "l.harper",
        "completed", partners=("LBB", "MPS"), due_q=1,
        success_measure="Events across the borough and more hate crime reported afterwards.",
    ),
    # 3.2 Reduce anti-social behaviour and envirocrime in neighbourhoods
    ActionSpec(
        "3.2", "Publicise the ASB case review (community trigger) and put it online", "j.mensah",
        "overdue", partners=("MPS",), due_q=-1,
        resources="Council web team.",
        success_measure="Residents can apply online and every review is held within 20 days.",
        milestones=(("Online form built", -2, True),
                    ("Form live on the council's website", -1, False)),
    ),
    ActionSpec(
        "3.2", "Target fly-tipping hotspots with CCTV and enforcement days", "j.mensah",
        "recovering", partners=("MPS", "LFB"),
        resources="Two redeployable CCTV cameras; enforcement officers.",
        success_measure="Fly-tipping at the ten worst hotspots falls by a quarter.",
        milestones=(("Hotspots identified", -2, True),
                    ("Cameras installed", -1, True),
                    ("First enforcement day held", 0, False)),
    ),
    ActionSpec(
        "3.2", "Reduce deliberate fires in open spaces and derelict buildings", "a.morgan",
        "steady", partners=("LBB", "MPS"), due_q=3,
        success_measure="Deliberate secondary fires fall year on year.",
    ),
    ActionSpec(
        "3.2", "Deliver home fire safety visits to vulnerable residents referred by partners",
        "a.morgan", "exceptional", delegates=("j.mensah",), partners=("LBB", "ICB", "VCS"),
        due_q=3,
        resources="Fire brigade community safety team.",
        success_measure="500 visits a year to residents referred by partners.",
        exceptional_reason="Partner referrals have doubled since the ICB joined the referral "
        "scheme, and visits are already above the annual target.",
    ),
    # 3.3 Build community capacity by supporting the voluntary sector to access grants
    ActionSpec(
        "3.3", "Run grant-finding and bid-writing workshops for voluntary groups", "l.harper",
        "completed", partners=("LBB",), due_q=2,
        success_measure="Groups trained and the value of grants they win.",
        milestones=(("Workshops delivered", 0, True),),
    ),
    ActionSpec(
        "3.3", "Publish a directory of community safety funding opportunities", "demo-officer",
        "slipping", partners=("VCS",), due_q=1,
        success_measure="Directory published and updated every quarter.",
        milestones=(("First edition published", 0, False),),
    ),
    ActionSpec(
        "3.3", "Set up a small grants scheme for community safety projects", "j.mensah", "stuck",
        partners=("VCS", "MPS"), due_q=1,
        resources="Unfunded: £20,000 a year proposed from partners' contributions.",
        success_measure="Grants awarded and the projects' outcomes.",
        milestones=(("Scheme criteria drafted", -2, True),),
        board_ask="The Board is asked whether partners can contribute £20,000 to a pooled "
        "small grants fund.",
    ),
)  # fmt: skip


# --- Northfield (fictional) -----------------------------------------------------------------------

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

NORTHFIELD_MEETING = MinutedItem(
    title="Northfield Community Safety Partnership Board",
    body="Northfield Community Safety Partnership Board",
    held_on=date(2025, 3, 18),
    item_title="Delivery plan progress report",
    paragraphs=(
        "The Board received the quarterly progress report on the delivery plan. Work on "
        "burglary prevention was on track; the town centre protocol had slipped while a post was "
        "vacant.",
    ),
    resolution="RESOLVED that the progress report be noted.",
)


# --- Building -------------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    """What `demo_load` did: the demo sign-ins and the rows the demo partnerships hold."""

    today: date
    sign_ins: list[tuple[str, str]]
    counts: dict[str, int]


def _differs(obj: Model, name: str, value) -> bool:
    """Whether a field differs from `value`, comparing a foreign key by id (no query)."""
    if isinstance(value, Model):
        return getattr(obj, obj._meta.get_field(name).attname) != value.pk
    return getattr(obj, name) != value


def _validate(obj: Model) -> None:
    """Run the model's own rules (`clean()` and field validation) before saving.

    Foreign keys, unique and check constraints are left to the database, which enforces them
    anyway; checking them here would cost a query each for some 300 progress updates.
    """
    relations = [field.name for field in obj._meta.concrete_fields if field.is_relation]
    obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def _upsert(model: type[Model], *, defaults: dict | None = None, **lookup) -> Model:
    """Find a row by its natural key and make its other fields match, saving only on a change.

    Unlike `update_or_create`, an unchanged row is not saved again, so a second run adds no audit
    history. New and changed rows are validated before they are saved.
    """
    defaults = defaults or {}
    try:
        obj = model._default_manager.get(**lookup)
    except model.DoesNotExist:
        obj = model(**lookup, **defaults)
    else:
        changed = [name for name, value in defaults.items() if _differs(obj, name, value)]
        if not changed:
            return obj
        for name in changed:
            setattr(obj, name, defaults[name])
    _validate(obj)
    obj.save()
    return obj


def _set_m2m(manager, objects: list) -> None:
    """Set a many-to-many relation only if it differs, so that no history is written needlessly."""
    if set(manager.all()) != set(objects):
        manager.set(objects)


def quarter_index(day: date) -> int:
    """The financial quarter containing `day`, counted from Q1 2024/25 (which is 0)."""
    months = (day.year - FIRST_QUARTER_STARTS_ON.year) * 12 + day.month - FIRST_QUARTER_STARTS_ON.month
    return months // 3


def quarter_dates(index: int) -> tuple[date, date]:
    """The first and last day of a financial quarter counted from Q1 2024/25."""
    months = FIRST_QUARTER_STARTS_ON.month - 1 + 3 * index  # months after January 2024
    starts_on = date(FIRST_QUARTER_STARTS_ON.year + months // 12, months % 12 + 1, 1)
    months += 3
    next_starts_on = date(FIRST_QUARTER_STARTS_ON.year + months // 12, months % 12 + 1, 1)
    return starts_on, next_starts_on - timedelta(days=1)


def quarter_name(index: int) -> str:
    """A financial quarter's name, such as "Q1 2024/25" (UK financial years run April to March)."""
    year = FIRST_QUARTER_STARTS_ON.year + index // 4
    return f"Q{index % 4 + 1} {year}/{(year + 1) % 100:02d}"


@dataclass(frozen=True)
class PeriodPlan:
    """A reporting period as `today` calls for it."""

    index: int
    name: str
    starts_on: date
    ends_on: date
    update_deadline: date
    state: str


def reporting_periods_plan(*, today: date) -> list[PeriodPlan]:
    """Quarterly periods from Q1 2024/25 to the quarter containing `today`.

    Every quarter that has ended exists. The latest ended quarter is open, with a deadline 30 days
    after it ends but never less than 14 days after `today`; earlier quarters are locked; the
    quarter containing `today` is upcoming.
    """
    current = max(quarter_index(today), 0)
    plans = []
    for index in range(current + 1):
        starts_on, ends_on = quarter_dates(index)
        deadline = ends_on + timedelta(days=DAYS_TO_UPDATE)
        if index == current:
            state = ReportingPeriod.State.UPCOMING
        elif index == current - 1:
            state = ReportingPeriod.State.OPEN
            deadline = max(deadline, today + timedelta(days=DAYS_OPEN_AT_LEAST))
        else:
            state = ReportingPeriod.State.LOCKED
        plans.append(PeriodPlan(index, quarter_name(index), starts_on, ends_on, deadline, state))
    return plans


def reporting_periods_sync(*, partnership: Partnership, plans: list[PeriodPlan]) -> list[ReportingPeriod]:
    """Make the partnership's reporting periods exactly those planned, oldest first.

    Periods that the plan no longer holds (after running with an earlier `--today`) are removed
    with their progress updates, so that only one period is ever open.
    """
    stale = partnership.reporting_periods.exclude(name__in=[p.name for p in plans])
    ProgressUpdate.objects.filter(period__in=stale).delete()
    stale.delete()
    return [
        _upsert(
            ReportingPeriod,
            partnership=partnership,
            name=plan.name,
            defaults={
                "starts_on": plan.starts_on,
                "ends_on": plan.ends_on,
                "update_deadline": plan.update_deadline,
                "state": plan.state,
            },
        )
        for plan in plans
    ]


def partnership_build(*, spec: PartnershipSpec) -> tuple[Partnership, dict[str, Organisation]]:
    """The partnership with its default status ratings and its organisations by short name."""
    partnership = Partnership.objects.filter(slug=spec.slug).first()
    if partnership is None:
        partnership = partnership_create(name=spec.name, slug=spec.slug, short_name=spec.short_name)
    status_ratings_install_defaults(partnership=partnership)
    partnership = _upsert(
        Partnership,
        slug=spec.slug,
        defaults={"name": spec.name, "short_name": spec.short_name, "description": spec.description},
    )
    organisations = {
        short_name: _upsert(
            Organisation,
            partnership=partnership,
            short_name=short_name,
            defaults={"name": name, "is_responsible_authority": is_responsible},
        )
        for name, short_name, is_responsible in spec.organisations
    }
    return partnership, organisations


def person_build(*, spec: PersonSpec) -> User:
    """The person's account: the demo password if they may sign in, else an unusable one."""
    user = User.objects.filter(username=spec.username).first() or User(username=spec.username)
    wanted = {
        "first_name": spec.first_name,
        "last_name": spec.last_name,
        "email": spec.email,
        "is_active": True,
    }
    changed = [name for name, value in wanted.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, wanted[name])
    if spec.can_sign_in:
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            changed.append("password")
    elif user.has_usable_password() or not user.password:
        user.set_unusable_password()
        changed.append("password")
    if changed or user.pk is None:
        user.full_clean()
        user.save()
    return user


def authenticator_build(*, user: User) -> None:
    """Give a demo administrator a confirmed authenticator app with the published demo secret."""
    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    device = TOTPDevice.objects.filter(user=user).order_by("pk").first() or TOTPDevice(user=user)
    if device.pk is None or (device.key, device.confirmed, device.name) != (key, True, AUTHENTICATOR_NAME):
        device.key, device.confirmed, device.name = key, True, AUTHENTICATOR_NAME
        device.save()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()


def people_build(
    *, partnerships: dict[str, Partnership], organisations: dict[str, dict[str, Organisation]]
) -> dict[str, User]:
    """Everyone in `PEOPLE` with their one membership, by username.

    A demo account's memberships of the other demo partnership are removed, so that the
    cross-partnership checks the demo is used for stay true.
    """
    users = {}
    for spec in PEOPLE:
        user = person_build(spec=spec)
        if spec.username in DEMO_TWO_FACTOR_ACCOUNTS:
            authenticator_build(user=user)
        partnership = partnerships[spec.partnership]
        _upsert(
            Membership,
            user=user,
            partnership=partnership,
            defaults={
                "organisation": organisations[spec.partnership][spec.organisation],
                "role": spec.role,
                "job_title": spec.job_title,
                "is_active": True,
            },
        )
        if spec.username in DEMO_ACCOUNTS:
            Membership.objects.filter(user=user, partnership__in=partnerships.values()).exclude(
                partnership=partnership
            ).delete()
        users[spec.username] = user
    return users


def strategy_priorities_build(
    *,
    strategy: Strategy,
    specs: tuple[PrioritySpec, ...],
    users: dict[str, User],
    organisations: dict[str, Organisation],
) -> dict[str, StrategicAmbition]:
    """The strategy's priorities and ambitions in the given order; ambitions by reference ("1.2")."""
    ambitions = {}
    for priority_order, spec in enumerate(specs, start=1):
        priority = _upsert(
            Priority,
            strategy=strategy,
            order=priority_order,
            defaults={
                "title": spec.title,
                "description": spec.description,
                "lead": users[spec.lead],
                "lead_organisation": organisations[spec.lead_organisation],
            },
        )
        for ambition_order, (title, plan) in enumerate(spec.ambitions, start=1):
            ambition = _upsert(
                StrategicAmbition,
                priority=priority,
                order=ambition_order,
                defaults={"title": title, "strategic_plan": plan},
            )
            ambitions[ambition.reference] = ambition
    return ambitions


def strategy_2016_build(
    *, partnership: Partnership, users: dict[str, User], organisations: dict[str, Organisation]
) -> Strategy:
    """The closed 2016-2019 strategy with the five priorities of the Strategic Assessment."""
    strategy = _upsert(
        Strategy,
        partnership=partnership,
        title=STRATEGY_2016_TITLE,
        defaults={
            "starts_on": date(2016, 4, 1),
            "ends_on": date(2019, 3, 31),
            "status": Strategy.Status.CLOSED,
            "summary": (
                "The Partnership's strategy for 2016-2019: five priorities identified by the "
                "Strategic Assessment, each with a named lead from a partner agency, strategic "
                "ambitions and a strategic plan for each."
            ),
            "strategic_assessment": (
                "Built from the Safer Bromley Partnership Strategic Assessment report 2016-2019, "
                "which the Safer Bromley Partnership Strategic Group endorsed. The final draft was "
                "due to be completed and published in September 2016."
            ),
        },
    )
    strategy_priorities_build(
        strategy=strategy, specs=PRIORITIES_2016, users=users, organisations=organisations
    )
    return strategy


def strategy_2024_build(
    *, partnership: Partnership, users: dict[str, User], organisations: dict[str, Organisation]
) -> tuple[Strategy, dict[str, StrategicAmbition]]:
    """The adopted 2024-27 strategy with its consultation, sign-offs, priorities and ambitions."""
    strategy = _upsert(
        Strategy,
        partnership=partnership,
        title=STRATEGY_2024_TITLE,
        defaults={
            "starts_on": STRATEGY_2024_STARTS_ON,
            "ends_on": STRATEGY_2024_ENDS_ON,
            "status": Strategy.Status.ADOPTED,
            "summary": STRATEGY_2024_SUMMARY,
            "strategic_assessment": "Strategic Assessment 2023",
            "local_definitions": LOCAL_DEFINITIONS_2024,
        },
    )
    consultation = dict(CONSULTATION_2024)
    _upsert(Consultation, strategy=strategy, title=consultation.pop("title"), defaults=consultation)
    for short_name, decided_on in SIGN_OFF_DATES_2024.items():
        organisation = organisations[short_name]
        _upsert(
            SignOff,
            strategy=strategy,
            organisation=organisation,
            defaults={
                "decision": SignOff.Decision.AGREED,
                "decided_on": decided_on,
                "decided_by": f"Signed off virtually by {organisation.name}",
            },
        )
    ambitions = strategy_priorities_build(
        strategy=strategy, specs=PRIORITIES_2024, users=users, organisations=organisations
    )
    return strategy, ambitions


def _clamp(day: date, *, strategy: Strategy) -> date:
    return min(max(day, strategy.starts_on), strategy.ends_on)


def _submitted_at(*, period: ReportingPeriod, seq: int, today: date) -> datetime:
    """A fixed time inside the period's update window (after it ends, by its deadline, by today)."""
    day = period.ends_on + timedelta(days=3 + (seq * 5) % 21)
    day = min(day, period.update_deadline, today - timedelta(days=1))
    day = max(day, period.ends_on + timedelta(days=1))
    moment = time(9 + seq % 8, (seq * 13) % 60)
    return datetime.combine(day, moment, tzinfo=ZoneInfo(settings.TIME_ZONE))


def delivery_plan_build(
    *,
    strategy: Strategy,
    ambitions: dict[str, StrategicAmbition],
    specs: tuple[ActionSpec, ...],
    users: dict[str, User],
    organisations: dict[str, Organisation],
    periods: list[ReportingPeriod],
    today: date,
) -> None:
    """The actions, their milestones and their progress updates, laid out around the open period.

    Each action follows its story (see `STORIES`) over the open period and the two before it, and
    has a mostly on-track history in the earlier periods since it started. Its status follows its
    latest update; the updates the story leaves out are removed, so missing returns stay missing.
    """
    anchor = max(quarter_index(today) - 1, 0)  # the open period's quarter
    ended = [p for p in periods if p.state != ReportingPeriod.State.UPCOMING]
    orders: dict[str, int] = {}
    for seq, spec in enumerate(specs, start=1):
        orders[spec.ambition] = orders.get(spec.ambition, 0) + 1
        starts_on = (
            strategy.starts_on
            if spec.start_q is None
            else _clamp(quarter_dates(anchor + spec.start_q)[0], strategy=strategy)
        )
        due_on = max(_clamp(quarter_dates(anchor + spec.due_q)[1], strategy=strategy), starts_on)

        story = STORIES[spec.story]
        window = len(story)  # the story covers the open period and the ones just before it
        active = [p for p in ended if p.ends_on >= starts_on]
        earlier = [p for p in active if quarter_index(p.starts_on) - anchor <= -window]
        steps: list[tuple[ReportingPeriod, Step]] = []
        for period in active:
            position = quarter_index(period.starts_on) - anchor  # 0 is the open period
            if position <= -window:
                step = _earlier_step(story, number=earlier.index(period), of=len(earlier), seq=seq)
            else:
                step = story[position + window - 1]
            if step is not None:
                steps.append((period, step))

        status, completed_on = Action.Status.NOT_STARTED, None
        if steps:
            last = steps[-1][1]
            if spec.story in ON_HOLD_STORIES:
                status = Action.Status.ON_HOLD
            elif last.rating == Rating.BLUE:
                status = Action.Status.COMPLETED
                first_blue = next(p for p, s in steps if s.rating == Rating.BLUE)
                completed_on = max(min(first_blue.ends_on - timedelta(days=12), today), starts_on)
            elif last.rating != Rating.NOT_RATED:
                status = Action.Status.IN_PROGRESS

        action = _upsert(
            Action,
            ambition=ambitions[spec.ambition],
            order=orders[spec.ambition],
            defaults={
                "title": spec.title,
                "description": spec.description,
                "owner": users[spec.owner],
                "starts_on": starts_on,
                "due_on": due_on,
                "status": status,
                "completed_on": completed_on,
                "resources": spec.resources,
                "success_measure": spec.success_measure,
            },
        )
        _set_m2m(action.delegates, [users[name] for name in spec.delegates])
        _set_m2m(action.partner_organisations, [organisations[name] for name in spec.partners])

        for title, quarter, is_done in spec.milestones:
            milestone_due_on = min(
                max(quarter_dates(anchor + quarter)[1] - timedelta(days=14), starts_on), due_on
            )
            done = is_done or status == Action.Status.COMPLETED
            _upsert(
                Milestone,
                action=action,
                title=title,
                defaults={
                    "due_on": milestone_due_on,
                    "completed_on": (
                        max(min(milestone_due_on, today) - timedelta(days=3), starts_on) if done else None
                    ),
                },
            )

        for number, (period, step) in enumerate(steps, start=1):
            is_latest = number == len(steps)
            exceptional = bool(spec.exceptional_reason) and is_latest
            _upsert(
                ProgressUpdate,
                action=action,
                period=period,
                defaults={
                    "rating": step.rating,
                    "percent_complete": step.percent,
                    "narrative": step.narrative,
                    "issues_and_risks": step.issues,
                    "mitigation": step.mitigation,
                    "board_ask": spec.board_ask if is_latest else "",
                    "is_exceptional_performance": exceptional,
                    "exceptional_performance_reason": spec.exceptional_reason if exceptional else "",
                    "author": action.owner,
                    "submitted_at": (
                        None if step.is_draft else _submitted_at(period=period, seq=seq, today=today)
                    ),
                },
            )
        ProgressUpdate.objects.filter(action=action).exclude(
            period__in=[period for period, _ in steps]
        ).delete()


def meeting_build(*, partnership: Partnership, item: MinutedItem) -> Meeting:
    """A minuted meeting with its one agenda item."""
    meeting = _upsert(
        Meeting,
        partnership=partnership,
        title=item.title,
        held_on=item.held_on,
        defaults={"body": item.body},
    )
    _upsert(
        AgendaItem,
        meeting=meeting,
        order=1,
        defaults={"title": item.item_title, "minutes": item.minutes, "resolution": item.resolution},
    )
    return meeting


def sbp_meetings_build(
    *,
    partnership: Partnership,
    users: dict[str, User],
    open_period: ReportingPeriod | None,
    today: date,
) -> None:
    """The two minuted meetings, the 2023 matters arising, and the next board meeting."""
    meeting_build(partnership=partnership, item=MEETING_2016)
    meeting_2023 = meeting_build(partnership=partnership, item=MEETING_2023)
    for description, owner, due_on in BOARD_ACTIONS_2023:
        _upsert(
            BoardAction,
            meeting=meeting_2023,
            description=description,
            defaults={
                "owner": users[owner] if owner else None,
                "due_on": due_on,
                "status": BoardAction.Status.DONE,
            },
        )

    # The next board meeting follows the open period's deadline. Its date moves with `today`, so
    # the demo's earlier upcoming meeting (one with no agenda yet) is moved rather than repeated.
    held_on = (open_period.update_deadline if open_period else today) + timedelta(
        days=UPCOMING_MEETING_DAYS_AFTER_DEADLINE
    )
    held_on += timedelta(days=(3 - held_on.weekday()) % 7)  # boards meet on a Thursday
    upcoming = (
        Meeting.objects.filter(
            partnership=partnership,
            title=BOARD,
            held_on__gt=MEETING_2023_ON,
            agenda_items__isnull=True,
        )
        .order_by("held_on")
        .first()
    )
    if upcoming is None or upcoming.held_on != held_on or upcoming.body != BOARD:
        upcoming = upcoming or Meeting(partnership=partnership, title=BOARD)
        upcoming.held_on = held_on
        upcoming.body = BOARD
        upcoming.location = "Bromley Civic Centre"
        _validate(upcoming)
        upcoming.save()


def northfield_build(
    *,
    partnership: Partnership,
    users: dict[str, User],
    organisations: dict[str, Organisation],
    plans: list[PeriodPlan],
    today: date,
) -> None:
    """The second partnership: one adopted strategy, a few actions, two periods and a meeting."""
    strategy = _upsert(
        Strategy,
        partnership=partnership,
        title=NORTHFIELD_STRATEGY_TITLE,
        defaults={
            "starts_on": STRATEGY_2024_STARTS_ON,
            "ends_on": STRATEGY_2024_ENDS_ON,
            "status": Strategy.Status.ADOPTED,
            "summary": "A fictional strategy for a fictional partnership.",
            "strategic_assessment": "Northfield Strategic Assessment 2023",
        },
    )
    ambitions = strategy_priorities_build(
        strategy=strategy, specs=NORTHFIELD_PRIORITIES, users=users, organisations=organisations
    )
    ended = [p for p in plans if p.state != ReportingPeriod.State.UPCOMING]
    periods = reporting_periods_sync(partnership=partnership, plans=ended[-2:])
    delivery_plan_build(
        strategy=strategy,
        ambitions=ambitions,
        specs=NORTHFIELD_ACTIONS,
        users=users,
        organisations=organisations,
        periods=periods,
        today=today,
    )
    meeting_build(partnership=partnership, item=NORTHFIELD_MEETING)


def demo_counts(*, partnerships: list[Partnership]) -> dict[str, int]:
    """How many rows of each kind the given partnerships hold."""
    strategies = Strategy.objects.filter(partnership__in=partnerships)
    actions = Action.objects.filter(ambition__priority__strategy__in=strategies)
    meetings = Meeting.objects.filter(partnership__in=partnerships)
    return {
        "Partnerships": len(partnerships),
        "Organisations": Organisation.objects.filter(partnership__in=partnerships).count(),
        "People": User.objects.filter(memberships__partnership__in=partnerships).distinct().count(),
        "Memberships": Membership.objects.filter(partnership__in=partnerships).count(),
        "Strategies": strategies.count(),
        "Consultations": Consultation.objects.filter(strategy__in=strategies).count(),
        "Sign-offs": SignOff.objects.filter(strategy__in=strategies).count(),
        "Priorities": Priority.objects.filter(strategy__in=strategies).count(),
        "Strategic ambitions": StrategicAmbition.objects.filter(priority__strategy__in=strategies).count(),
        "Actions": actions.count(),
        "Milestones": Milestone.objects.filter(action__in=actions).count(),
        "Reporting periods": ReportingPeriod.objects.filter(partnership__in=partnerships).count(),
        "Progress updates": ProgressUpdate.objects.filter(action__in=actions).count(),
        "Meetings": meetings.count(),
        "Agenda items": AgendaItem.objects.filter(meeting__in=meetings).count(),
        "Board actions": BoardAction.objects.filter(meeting__in=meetings).count(),
    }


@transaction.atomic
def demo_load(*, today: date) -> DemoSummary:
    """Create or bring up to date both demo partnerships, as of `today`, in one transaction."""
    sbp, sbp_organisations = partnership_build(spec=SBP)
    northfield, northfield_organisations = partnership_build(spec=NORTHFIELD)
    partnerships = {SBP_SLUG: sbp, NORTHFIELD_SLUG: northfield}
    organisations = {SBP_SLUG: sbp_organisations, NORTHFIELD_SLUG: northfield_organisations}
    users = people_build(partnerships=partnerships, organisations=organisations)

    strategy_2016_build(partnership=sbp, users=users, organisations=sbp_organisations)
    strategy_2024, ambitions = strategy_2024_build(
        partnership=sbp, users=users, organisations=sbp_organisations
    )
    plans = reporting_periods_plan(today=today)
    periods = reporting_periods_sync(partnership=sbp, plans=plans)
    delivery_plan_build(
        strategy=strategy_2024,
        ambitions=ambitions,
        specs=SBP_ACTIONS,
        users=users,
        organisations=sbp_organisations,
        periods=periods,
        today=today,
    )
    open_period = next((p for p in periods if p.state == ReportingPeriod.State.OPEN), None)
    sbp_meetings_build(partnership=sbp, users=users, open_period=open_period, today=today)

    northfield_build(
        partnership=northfield,
        users=users,
        organisations=northfield_organisations,
        plans=plans,
        today=today,
    )

    sign_ins = []
    for spec in PEOPLE:
        if spec.can_sign_in:
            role = Membership.Role(spec.role).label.lower()
            organisation = organisations[spec.partnership][spec.organisation].name
            where = partnerships[spec.partnership].name
            sign_ins.append((spec.username, f"{role}, {organisation}, {where}"))
    return DemoSummary(today=today, sign_ins=sign_ins, counts=demo_counts(partnerships=[sbp, northfield]))
