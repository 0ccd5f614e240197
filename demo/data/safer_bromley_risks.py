"""The Safer Bromley Partnership's risk register for the 2024-27 strategy (illustrative).

The minutes say only that there was an SBP Risk Register, that Superintendent Baldock had seen it, that
it could be disseminated after the Chairman and Vice Chairman had read it, and that "there may be a
need for more analytical resource". Everything here is illustrative: the risks, their owners, controls
and scores, the owners' reviews and the notes of the chair's releases. Each risk's further actions end
with `ILLUSTRATIVE`, so that anyone reading the register, a release or the board paper is told.
"""

from demo.data.safer_bromley import PRIORITIES_2024
from demo.data.safer_bromley_minutes import BOARD
from demo.specs import RiskRegisterSpec, RiskReviewSpec, RiskSpec
from risks.models import Risk

ILLUSTRATIVE = "Illustrative scores for the demonstration."

PREVENTION, PEOPLE, PLACES = (priority.title for priority in PRIORITIES_2024)

# Delivery-plan actions the risks affect or treat, as `safer_bromley_plan` titles them.
HOSPITAL_SERVICE = "Commission a hospital-based youth violence intervention service"
NEEDS_ASSESSMENT = "Publish the serious violence needs assessment and response strategy"
LOCAL_DEFINITION = "Agree and publish Bromley's local definition of serious violence"
CARE_PANEL = "Set up a multi-agency panel for children at risk of entering care through offending"
IDVA_SERVICE = "Recommission the independent domestic violence advocate service"
MARAC_REVIEW = "Review MARAC referral pathways and thresholds"
COUNTY_LINES = "Map county lines and cuckooing risks and agree a joint response"
GRANT_WORKSHOPS = "Run grant-finding and bid-writing workshops for voluntary groups"
SMALL_GRANTS = "Set up a small grants scheme for community safety projects"

SBP_RISKS = (
    RiskSpec(
        reference="SBP-R1",
        title="Partnership funding ends or is cut",
        cause=(
            "Most of the partnership's project money comes from time-limited grants: the MOPAC London "
            "Crime Prevention Fund, allocated to boroughs a few years at a time, and the Home Office "
            "Serious Violence Duty grant, confirmed a year at a time. A smaller allocation, or one "
            "confirmed too late to keep contracts and posts going, would leave commissioned services "
            "without money."
        ),
        effect=(
            "Commissioned services such as the independent domestic violence advocates and the "
            "hospital-based youth violence service would stop or shrink, grant-funded posts would be "
            "lost, and the delivery-plan actions that depend on them would miss their dates or be cut "
            "back."
        ),
        category=Risk.Category.FINANCIAL,
        owner_organisation="LBB",
        owner="demo-admin",
        inherent=(4, 5),
        residual=(3, 4),
        target_score=8,
        existing_controls=(
            "Grant conditions and spend are tracked monthly by the Community Safety team and reported "
            "to the Board each quarter. Partners' contributions are agreed each year at the Board's "
            "budget meeting. Commissioned contracts have break clauses that match the grant periods."
        ),
        further_actions=(
            "Agree an exit plan for each grant-funded service, saying what stops, what partners fund "
            "and what the voluntary sector could bid for. Help voluntary groups bid for external grants. "
            "Ask MOPAC and the Home Office to confirm allocations earlier.\n\n" + ILLUSTRATIVE
        ),
        priorities=(PREVENTION, PEOPLE, PLACES),
        actions=(HOSPITAL_SERVICE, IDVA_SERVICE, SMALL_GRANTS),
        treating_actions=(GRANT_WORKSHOPS,),
    ),
    RiskSpec(
        reference="SBP-R2",
        title="Partners cannot share the data their joint work needs",
        cause=(
            "The information-sharing agreements between the council, the police, probation and "
            "health are out of date and do not cover the Serious Violence Duty or exploitation work; "
            "health data on assault-related emergency department attendances is not yet shared; and "
            "officers are unsure what they may share."
        ),
        effect=(
            "The serious violence needs assessment and the exploitation risk map would be incomplete, "
            "multi-agency panels would meet without the information they need, and partners could not "
            "show that they are targeting the right people and places."
        ),
        category=Risk.Category.INFORMATION,
        owner_organisation="MPS",
        owner="m.ellison",
        inherent=(4, 4),
        residual=(3, 4),
        target_score=6,
        existing_controls=(
            "An overarching information-sharing agreement signed by the responsible authorities in "
            "2022. Case-level sharing at MARAC and the Integrated Offender Management panel under their "
            "own protocols. Each partner's data protection officer is consulted on any new sharing."
        ),
        further_actions=(
            "Refresh the overarching agreement to cover the Serious Violence Duty, with a schedule for "
            "each data flow. Agree with the ICB a monthly extract of assault-related emergency "
            "department attendances. Publish a one-page guide for officers on what they may share.\n\n"
            + ILLUSTRATIVE
        ),
        priorities=(PREVENTION, PEOPLE),
        actions=(NEEDS_ASSESSMENT, COUNTY_LINES, CARE_PANEL),
        treating_actions=(NEEDS_ASSESSMENT,),
    ),
    RiskSpec(
        reference="SBP-R3",
        title="Not enough analytical resource for the partnership's needs",
        cause=(
            "The partnership relies on one council analyst, shared with other services, for the "
            "strategic assessment, the serious violence needs assessment and the Board's performance "
            "figures; the police and health analysts who once supported it have moved to other work. "
            "The Board noted that there may be a need for more analytical resource."
        ),
        effect=(
            "Assessments and performance reports would be late or thin, the Board would decide on weak "
            "evidence, and statutory products such as the serious violence needs assessment could miss "
            "their dates."
        ),
        category=Risk.Category.PEOPLE,
        owner_organisation="LBB",
        owner="demo-officer",
        inherent=(4, 4),
        residual=(4, 3),
        target_score=6,
        existing_controls=(
            "The council analyst's time for the partnership is protected in their work plan. Police "
            "crime figures are taken from the MPS dashboard rather than requested. The annual "
            "strategic assessment is timetabled a year ahead."
        ),
        further_actions=(
            "Put a business case to the Board for a partnership analyst funded jointly by the "
            "responsible authorities. Agree with the MPS and the ICB a named analyst in each for the "
            "partnership's products.\n\n" + ILLUSTRATIVE
        ),
        priorities=(PREVENTION, PLACES),
        actions=(NEEDS_ASSESSMENT, COUNTY_LINES),
    ),
    RiskSpec(
        reference="SBP-R4",
        title="The partnership does not meet the Serious Violence Duty",
        cause=(
            "The Serious Violence Duty requires the specified authorities to work together on a "
            "strategic needs assessment and a strategy to prevent and reduce serious violence, and to "
            "review them every year. Without an agreed local definition, the data and the analyst "
            "time, the needs assessment and the strategy could fall behind."
        ),
        effect=(
            "The partnership would be in breach of a statutory duty, the Home Office grant that "
            "supports the work could be withheld, and serious violence affecting young people could "
            "go unaddressed."
        ),
        category=Risk.Category.COMPLIANCE,
        owner_organisation="LBB",
        owner="h.ward",
        inherent=(3, 5),
        residual=(3, 4),
        target_score=4,
        existing_controls=(
            "A local definition of serious violence agreed by every responsible authority. A timetable "
            "for the needs assessment and the strategy agreed by the Board. Quarterly returns to the "
            "Home Office on the grant."
        ),
        further_actions=(
            "Publish the refreshed needs assessment and have the response strategy agreed by the "
            "Board. Put each year's review in the Board's forward plan.\n\n" + ILLUSTRATIVE
        ),
        priorities=(PREVENTION,),
        actions=(NEEDS_ASSESSMENT,),
        treating_actions=(LOCAL_DEFINITION, NEEDS_ASSESSMENT),
    ),
    RiskSpec(
        reference="SBP-R5",
        title="Partners' attendance and ownership at the Board fall away",
        cause=(
            "Senior representatives of the statutory partners send apologies, or substitutes who "
            "cannot commit their organisation, and it is not clear what each statutory member of the "
            "Board is taking ownership for."
        ),
        effect=(
            "Decisions and board asks would wait for the next meeting, actions owned by absent "
            "partners would drift, and the partnership could not show that its statutory members work "
            "together as the law requires."
        ),
        category=Risk.Category.PARTNERSHIP,
        owner_organisation="MPS",
        owner="demo-board",
        inherent=(3, 4),
        residual=(3, 3),
        target_score=6,
        existing_controls=(
            "Terms of reference naming each statutory member and their deputy. Attendance recorded at "
            "every meeting and reported to the Board each year. Every board action has a named owner."
        ),
        further_actions=(
            "Agree with each statutory partner what it takes ownership for in the delivery plan. The "
            "Chairman to write to any partner absent from two meetings in a row.\n\n" + ILLUSTRATIVE
        ),
        priorities=(PREVENTION, PEOPLE, PLACES),
        actions=(CARE_PANEL,),
        review_overdue=True,
    ),
    RiskSpec(
        reference="SBP-R6",
        title="Demand for domestic abuse services outstrips their capacity",
        cause=(
            "Referrals of high-risk victims to MARAC and to the independent domestic violence "
            "advocates keep rising, with more repeat referrals, while the advocate service's funding "
            "is not agreed beyond its contract extension."
        ),
        effect=(
            "High-risk victims could wait longer for an advocate, cases could be heard at MARAC "
            "without a full safety plan, and harm to victims and their children could go unchecked."
        ),
        category=Risk.Category.OPERATIONAL,
        owner_organisation="LBB",
        owner="s.begum",
        inherent=(5, 4),
        residual=(4, 4),
        target_score=9,
        existing_controls=(
            "A weekly MARAC with a triage of repeat referrals. Advocates' caseloads monitored monthly "
            "against the SafeLives recommended level. The advocate service's contract extended to the "
            "end of the financial year."
        ),
        further_actions=(
            "Complete the review of MARAC referral pathways and thresholds. Agree partners' "
            "contributions so that the advocate service can be retendered. Ask the ICB to fund a "
            "health-based advocate.\n\n" + ILLUSTRATIVE
        ),
        priorities=(PEOPLE,),
        actions=(IDVA_SERVICE, MARAC_REVIEW),
        treating_actions=(MARAC_REVIEW,),
    ),
)

# The owners' reviews for the open period: the funding risk rises and the Serious Violence Duty risk
# falls before the chair's second release; the data-sharing risk falls after it, so the chair and
# vice-chair see a change the board has not.
SBP_RISK_REVIEWS = (
    RiskReviewSpec(
        reference="SBP-R1",
        residual=(4, 4),
        narrative=(
            "MOPAC has confirmed next year's London Crime Prevention Fund allocation at a lower level "
            "than this year's, and the Home Office has not yet confirmed the Serious Violence Duty "
            "grant beyond March. The likelihood has risen: what is confirmed cannot fund both the "
            "advocate service's extension and the hospital-based youth violence service."
        ),
        control_changes=(
            "Exit plans started for the two largest grant-funded services; partners asked to confirm "
            "their contributions before the next Board."
        ),
    ),
    RiskReviewSpec(
        reference="SBP-R4",
        residual=(2, 4),
        narrative=(
            "The refreshed serious violence needs assessment has been published, and the response "
            "strategy goes to the Board at its next meeting. The likelihood of missing the Duty has "
            "fallen; the risk stays until the strategy is agreed."
        ),
        control_changes="Needs assessment published; the strategy is on the Board's forward plan.",
    ),
    RiskReviewSpec(
        reference="SBP-R6",
        residual=(4, 4),
        narrative=(
            "Referrals remain high, and repeat referrals to MARAC are above target again this quarter. "
            "Advocates' caseloads are at the recommended maximum. No change to the score until the "
            "advocate service's funding is agreed."
        ),
    ),
    RiskReviewSpec(
        reference="SBP-R2",
        residual=(2, 4),
        narrative=(
            "The refreshed information-sharing agreement has now been signed by all five responsible "
            "authorities, and the first monthly extract of assault-related emergency department "
            "attendances has arrived from the ICB. The likelihood has fallen; the guide for officers "
            "is still to be published."
        ),
        control_changes=(
            "Refreshed information-sharing agreement signed; monthly emergency department extract in place."
        ),
        after_release=True,
    ),
)

SBP_RISK_REGISTER = RiskRegisterSpec(
    risks=SBP_RISKS,
    reviews=SBP_RISK_REVIEWS,
    released_by_body=BOARD,
    first_release_note=(
        "Read by the Chairman and Vice Chairman, as Superintendent Baldock proposed, and now "
        "disseminated to the Board."
    ),
    second_release_note=(
        "Released after the risk owners' reviews for the period: the funding risk has risen and the "
        "Serious Violence Duty risk has fallen."
    ),
)
