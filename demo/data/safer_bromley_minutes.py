"""The Safer Bromley Partnership's two minuted meetings, as the seed minutes give them.

Each seed gives one agenda item: its title, minutes and resolution are as minuted, and the 2023
presenter is as the minutes name them (by role). The rest is illustrative, invented but plausible:
the dates, start times and places (the minutes give none), who attended and who sent apologies
(the minutes name only a few people, and those are recorded as present), the Board's chair and
vice-chair (the minutes speak of "the Chairman and Vice Chairman" without naming them), the owners
and due dates of the board actions, and the next meeting of each body. The models have no field to
say a record is illustrative, so the pages cannot mark it; the loader's summary says so instead.
"""

from datetime import date, time

from demo.data.safer_bromley import STRATEGY_2016_TITLE
from demo.specs import AttendanceSpec, BoardActionSpec, MeetingSpec, MinutedItem

# The minutes give no dates. The Strategic Group met before the strategic assessment's planned
# publication in September 2016; the Board met between the workshop of 16 November 2023 and the
# start of the survey on 15 December 2023. Both dates below are illustrative.
MEETING_2016_ON = date(2016, 7, 12)
MEETING_2023_ON = date(2023, 11, 28)
STRATEGIC_GROUP = "Safer Bromley Partnership Strategic Group"
BOARD = "Safer Bromley Partnership Board"
CIVIC_CENTRE = "Bromley Civic Centre, Stockwell Close, Bromley BR1 3UH"
# Where each body meets next (the loader dates the meetings after the open period's deadline).
UPCOMING_BOARD_LOCATION = CIVIC_CENTRE
UPCOMING_STRATEGIC_GROUP_LOCATION = CIVIC_CENTRE

# The Board's chair and vice-chair (illustrative): the chair owns the risk register's dissemination.
BOARD_CHAIR = "demo-board"
BOARD_VICE_CHAIR = "h.ward"

ELDERLY_REQUEST = (
    "Write the domestic abuse of the elderly into the Domestic Abuse plan, as Ms Roberts requested."
)
RISK_REGISTER_DISSEMINATION = (
    "Disseminate the SBP Risk Register to the Board once the Chairman and Vice Chairman have read it."
)

# Illustrative attendance: the people the minutes name are present; the rest are plausible.
ATTENDANCE_2016 = (
    AttendanceSpec("Detective Superintendent Trevor Lawry", "MPS", username="t.lawry"),
    AttendanceSpec("Nigel Davies", "LBB", username="n.davies"),
    AttendanceSpec("Sharon Kirk", "CRC", username="s.kirk"),
    AttendanceSpec("Jane Bailey", "LBB", username="j.bailey"),
    AttendanceSpec("Dan Cartwright", "LFB", "substitute", username="d.cartwright",
                   substitute="Station Manager, Bromley Fire Station"),
    AttendanceSpec("Ms Roberts", "VCS"),
    AttendanceSpec("Head of Community Safety", "LBB", "apologies"),
    AttendanceSpec("Senior Probation Officer, National Probation Service", "PS", "absent"),
)  # fmt: skip

ATTENDANCE_2023 = (
    AttendanceSpec("Chief Inspector Claire Dawson, Chairman", "MPS", username="demo-board"),
    AttendanceSpec("Helen Ward, Vice Chairman", "LBB", username="h.ward"),
    AttendanceSpec("Priya Shah, Project Manager for Public Protection", "LBB", username="demo-admin"),
    AttendanceSpec("Head of Safer Communities", "LBB"),
    AttendanceSpec(
        "Assistant Director, Children's Social Care Safeguarding & Care Planning Services", "LBB"
    ),
    AttendanceSpec("Superintendent Baldock", "MPS"),
    AttendanceSpec("Station Commander Aisha Morgan", "LFB", username="a.morgan"),
    AttendanceSpec("David Okoro", "PS", "apologies", username="d.okoro"),
    AttendanceSpec("Rebecca Clarke", "ICB", "substitute", username="r.clarke",
                   substitute="Deputy Designated Nurse, Safeguarding Adults"),
    AttendanceSpec("Laura Harper", "VCS", username="l.harper"),
)  # fmt: skip

ITEM_2016 = MinutedItem(
    title="SAFER BROMLEY PARTNERSHIP STRATEGIC ASSESSMENT REPORT, 2016-2019",
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
    board_actions=(
        BoardActionSpec(
            ELDERLY_REQUEST,
            owner="t.lawry",
            priority=(STRATEGY_2016_TITLE, "Domestic Abuse"),
        ),
    ),
)

ITEM_2023 = MinutedItem(
    title="Draft SBP Strategy Outline and Delivery Plan",
    presenter="LBB Project Manager for Public Protection",
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
    board_actions=(
        # The minutes name the Project Manager for Public Protection only by role; the demo gives
        # the role to demo-admin. The format was changed before the strategy was adopted.
        BoardActionSpec(
            "LBB Project Manager for Public Protection to change the format of the draft Plan on a "
            "Page, leaving out data that will change over the life of the Strategy and focusing on "
            "the three new priorities.",
            owner="demo-admin",
            due_on=date(2023, 12, 15),
            status="done",
        ),
        # Who would disseminate it the minutes do not say: the Chairman, who reads it first.
        BoardActionSpec(RISK_REGISTER_DISSEMINATION, owner=BOARD_CHAIR, due_on=date(2024, 1, 31)),
    ),
)

MEETING_2016 = MeetingSpec(
    title=STRATEGIC_GROUP,
    body=STRATEGIC_GROUP,
    held_on=MEETING_2016_ON,
    starts_at=time(10, 0),
    location=CIVIC_CENTRE,
    items=(ITEM_2016,),
    attendance=ATTENDANCE_2016,
)

MEETING_2023 = MeetingSpec(
    title=BOARD,
    body=BOARD,
    held_on=MEETING_2023_ON,
    starts_at=time(14, 0),
    location=CIVIC_CENTRE,
    items=(ITEM_2023,),
    attendance=ATTENDANCE_2023,
    chair=BOARD_CHAIR,
    vice_chair=BOARD_VICE_CHAIR,
)
