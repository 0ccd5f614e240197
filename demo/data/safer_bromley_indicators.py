"""The Safer Bromley Partnership's performance indicators for the 2024-27 priorities (illustrative).

The minutes name no indicators; these are the kind that published community safety plans carry, with
invented baselines, targets and figures. Each data source ends "Illustrative figures for the
demonstration." Values run by financial quarter from Q1 2024/25 to Q4 2026/27; the demo enters those
of the periods that have ended. Repeat referrals to MARAC are off target throughout 2025/26 and
2026/27; knife crime with injury is within tolerance in 2026/27.
"""

from datetime import date

from demo.data.safer_bromley import PRIORITIES_2024
from demo.specs import IndicatorSpec
from indicators.models import Indicator
from indicators.ratings import Polarity

PREVENTION, PEOPLE, PLACES = (priority.title for priority in PRIORITIES_2024)
BASELINE_ON = date(2024, 3, 31)  # the year before the strategy began
ILLUSTRATIVE = "Illustrative figures for the demonstration."

KIND, UNIT, FREQUENCY = Indicator.Kind, Indicator.Unit, Indicator.Frequency
LOWER, HIGHER = Polarity.LOWER_IS_BETTER, Polarity.HIGHER_IS_BETTER

SBP_INDICATORS = (
    # --- Prevention: Being stronger together --------------------------------------------------------
    IndicatorSpec(
        priority=PREVENTION,
        ambition="1.1",
        name="Knife crime with injury, victims under 25",
        definition=(
            "Knife or sharp instrument offences recorded by the police in Bromley in which the victim "
            "was injured and was under 25, in the 12 months to the end of the quarter."
        ),
        kind=KIND.IMPACT,
        unit=UNIT.NUMBER,
        polarity=LOWER,
        tolerance_percent=10,
        baseline=52,
        baseline_on=BASELINE_ON,
        targets={2024: 48, 2025: 45, 2026: 42},
        data_source="MPS crime data dashboard, borough level. " + ILLUSTRATIVE,
        owner_organisation="MPS",
        owner="m.ellison",
        frequency=FREQUENCY.QUARTERLY,
        values=(51, 49, 47, 46, 47, 46, 45, 44, 45, 46, 45, 44),
        notes={
            "Q1 2026/27": "One more than last quarter, after a rise in the spring half-term.",
            "Q2 2026/27": "Two incidents near Bromley South station in August; knife crime sessions "
            "in schools restart in the autumn term.",
        },
    ),
    IndicatorSpec(
        priority=PREVENTION,
        ambition="1.1",
        name="Serious violence strategic needs assessment refreshed and published",
        definition=(
            "Whether the partnership refreshed and published its serious violence strategic needs "
            "assessment in the financial year, as the Serious Violence Duty requires."
        ),
        kind=KIND.CHANGE,
        unit=UNIT.YES_NO,
        polarity=HIGHER,
        tolerance_percent=0,
        baseline=1,
        baseline_on=date(2024, 1, 31),
        targets={2024: 1, 2025: 1, 2026: 1},
        data_source="The partnership's published documents. " + ILLUSTRATIVE,
        owner_organisation="LBB",
        owner="demo-officer",
        frequency=FREQUENCY.ANNUALLY,
        values=(None, None, None, 1, None, None, None, 1, None, None, None, 1),
    ),
    IndicatorSpec(
        priority=PREVENTION,
        ambition="1.2",
        name="First-time entrants to the youth justice system",
        definition=(
            "Young people aged 10 to 17 living in Bromley who received their first youth caution or "
            "court conviction in the 12 months to the end of the quarter."
        ),
        kind=KIND.IMPACT,
        unit=UNIT.NUMBER,
        polarity=LOWER,
        tolerance_percent=5,
        baseline=58,
        baseline_on=BASELINE_ON,
        targets={2024: 55, 2025: 52, 2026: 49},
        data_source="Bromley Youth Justice Service case records, as returned to the Youth Justice Board. "
        + ILLUSTRATIVE,
        owner_organisation="LBB",
        owner="h.ward",
        frequency=FREQUENCY.QUARTERLY,
        values=(57, 56, 54, 53, 52, 51, 50, 49, 48, 47, 47, 46),
        notes={
            "Q2 2026/27": "The lowest figure since the strategy began, as more children are diverted "
            "through the early help offer.",
        },
    ),
    # --- People: Protecting people ------------------------------------------------------------------
    IndicatorSpec(
        priority=PEOPLE,
        ambition="2.1",
        name="Repeat referrals to MARAC",
        definition=(
            "Cases heard at the Multi-Agency Risk Assessment Conference that had been heard there in "
            "the previous 12 months, as a percentage of all cases heard in the 12 months to the end "
            "of the quarter."
        ),
        kind=KIND.QUANTITATIVE,
        unit=UNIT.PERCENTAGE,
        polarity=LOWER,
        tolerance_percent=5,
        baseline=31,
        baseline_on=BASELINE_ON,
        targets={2024: 30, 2025: 29, 2026: 28},
        data_source="Bromley MARAC coordinator's records, as returned to SafeLives. " + ILLUSTRATIVE,
        owner_organisation="LBB",
        owner="s.begum",
        frequency=FREQUENCY.QUARTERLY,
        values=(30, 31, 31, 32, 33, 33, 34, 35, 35, 36, 35, 34),
        notes={
            "Q4 2025/26": "Above target all year; the review of MARAC referral pathways and "
            "thresholds is looking at why victims are referred back.",
            "Q1 2026/27": "Still above target: more victims are referred back after new incidents.",
            "Q2 2026/27": "The highest rate since the strategy began. The threshold review reports to "
            "the Board at its next meeting.",
        },
    ),
    IndicatorSpec(
        priority=PEOPLE,
        ambition="2.2",
        name="Proven reoffending by the Integrated Offender Management cohort",
        definition=(
            "People managed through Integrated Offender Management in Bromley who were proven to have "
            "reoffended within 12 months, as a percentage of the cohort; the latest cohort available "
            "at the end of the quarter."
        ),
        kind=KIND.IMPACT,
        unit=UNIT.PERCENTAGE,
        polarity=LOWER,
        tolerance_percent=10,
        baseline=42,
        baseline_on=BASELINE_ON,
        targets={2024: 40, 2025: 38, 2026: 36},
        data_source="Probation Service and MPS Integrated Offender Management performance tool. "
        + ILLUSTRATIVE,
        owner_organisation="PS",
        owner="d.okoro",
        frequency=FREQUENCY.QUARTERLY,
        values=(41, 40, 39, 38, 38, 37, 37, 36, 35, 35, 34, 34),
    ),
    # --- Places: Resilient communities --------------------------------------------------------------
    IndicatorSpec(
        priority=PLACES,
        ambition="3.2",
        name="Anti-social behaviour calls to the police per 1,000 residents",
        definition=(
            "Calls to the police about anti-social behaviour in Bromley in the 12 months to the end "
            "of the quarter, per 1,000 residents (ONS mid-year population estimate)."
        ),
        kind=KIND.QUANTITATIVE,
        unit=UNIT.RATE_PER_1000,
        polarity=LOWER,
        tolerance_percent=5,
        baseline=24.8,
        baseline_on=BASELINE_ON,
        targets={2024: 24.0, 2025: 23.0, 2026: 22.0},
        data_source="MPS anti-social behaviour calls dashboard; ONS mid-year population estimates. "
        + ILLUSTRATIVE,
        owner_organisation="LBB",
        owner="demo-officer",
        frequency=FREQUENCY.QUARTERLY,
        values=(24.6, 24.3, 23.9, 23.5, 23.4, 23.1, 22.8, 22.6, 22.3, 21.9, 21.7, 21.5),
        notes={
            "Q1 2026/27": "Calls continue to fall, fastest at the hotspots where enforcement days are held.",
        },
        entered_late=True,
    ),
    IndicatorSpec(
        priority=PLACES,
        ambition="3.2",
        name="Deliberate secondary fires",
        definition=(
            "Deliberate fires in grassland, refuse, derelict buildings and abandoned vehicles in "
            "Bromley in the 12 months to the end of the quarter."
        ),
        kind=KIND.QUANTITATIVE,
        unit=UNIT.NUMBER,
        polarity=LOWER,
        tolerance_percent=10,
        baseline=210,
        baseline_on=BASELINE_ON,
        targets={2024: 200, 2025: 190, 2026: 180},
        data_source="London Fire Brigade incident recording system. " + ILLUSTRATIVE,
        owner_organisation="LFB",
        owner="a.morgan",
        frequency=FREQUENCY.QUARTERLY,
        values=(205, 212, 198, 196, 192, 201, 188, 185, 183, 190, 181, 178),
        notes={
            "Q2 2026/27": "The usual summer rise in grass fires, smaller than last year's.",
        },
    ),
    IndicatorSpec(
        priority=PLACES,
        name="Residents who feel safe walking alone in their area after dark",
        definition=(
            "Respondents to the council's residents' survey who feel very or fairly safe walking alone "
            "in their local area after dark, as a percentage of all respondents."
        ),
        kind=KIND.IMPACT,
        unit=UNIT.PERCENTAGE,
        polarity=HIGHER,
        tolerance_percent=5,
        baseline=68,
        baseline_on=BASELINE_ON,
        targets={2024: 70, 2025: 72, 2026: 74},
        data_source="London Borough of Bromley residents' survey, twice a year. " + ILLUSTRATIVE,
        owner_organisation="LBB",
        owner="demo-admin",
        frequency=FREQUENCY.TWICE_YEARLY,
        values=(None, 69, None, 70, None, 71, None, 72, None, 70, None, 73),
        notes={
            "Q2 2026/27": "The survey was taken after a run of street robberies in Bromley town centre "
            "was reported in the local press; patrols there have been stepped up.",
        },
    ),
)
