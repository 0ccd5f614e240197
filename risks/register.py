"""The register as the board sees it: a plain, JSON-ready dict, so that the live register and a release
frozen when the chair released it are shown, compared and put in the board paper in exactly one way.

Each risk carries its scores now and, when there was an earlier release, its residual score then, so the
page and the paper show movement since the board last saw the register. Releases made before a key
existed lack it; whatever renders content treats a missing key as empty.
"""

from datetime import date

from django.db.models import Prefetch

from accounts.models import Partnership
from delivery.models import Action
from priorities.models import Priority
from risks.models import Risk, RiskRegister, RiskRegisterRelease
from risks.scoring import IMPACT_WORDS, LIKELIHOOD_WORDS, SCALE, band_of


class Movement:
    """How a risk's residual score moved since the last release, in the words the pages use."""

    UP = "up"
    DOWN = "down"
    SAME = "same"
    NEW = "new"
    WORDS = {UP: "Rising", DOWN: "Falling", SAME: "No change", NEW: "New since the last release"}


def register_set_up(partnership: Partnership) -> RiskRegister | None:
    """The partnership's register, or None before anyone has set it up: no query when the page fetched
    it with the partnership (`partnership_joins = ("risk_register",)`)."""
    try:
        register = partnership.risk_register
    except RiskRegister.DoesNotExist:
        return None
    # A register made unsaved for its defaults (`RiskRegister(partnership=...)`) is not set up.
    return register if register.pk is not None else None


def register_risks(register: RiskRegister, *, links: bool = True):
    """The register's risks with everything the register's content shows, in reference order; without
    `links`, without the priorities and actions each is linked to."""
    risks = (
        Risk.objects.filter(register=register)
        .select_related("owner", "owner_organisation__nominated_contact")
        .order_by("reference")
    )
    if not links:
        return risks
    return risks.prefetch_related(
        Prefetch("priorities", queryset=Priority.objects.select_related("strategy")),
        Prefetch("actions", queryset=_linked_actions()),
        Prefetch("treating_actions", queryset=_linked_actions()),
    )


def _linked_actions():
    """Actions with what their reference and address read: the plan's shape and the partnership."""
    return Action.objects.select_related("ambition__priority__strategy__partnership")


def latest_release(register: RiskRegister) -> RiskRegisterRelease | None:
    return register.releases.select_related("released_by").order_by("-released_at").first()


def register_content(
    register: RiskRegister, *, today: date, previous: RiskRegisterRelease | None = None, links: bool = True
) -> dict:
    """The register's open and closed risks as they stand today, with movement since `previous`.

    Without `links`, the risks lack the priorities and actions they are linked to (three queries fewer),
    for a page that does not show them; what is released and put in the board paper has them."""
    before = {risk["pk"]: risk for risk in (previous.content["risks"] if previous else [])}
    risks = [
        _risk(risk, register, before.get(risk.pk), today, links=links)
        for risk in register_risks(register, links=links)
    ]
    open_risks = [risk for risk in risks if risk["status"] == Risk.Status.OPEN]
    return {
        "partnership": register.partnership.name,
        "drawn_on": today.isoformat(),
        "bands": {"low_up_to": register.low_up_to, "medium_up_to": register.medium_up_to},
        "tolerance": register.tolerance,
        "previous_release": previous.released_at.isoformat() if previous else None,
        "risks": risks,
        "heat_map": heat_map(open_risks, register.low_up_to, register.medium_up_to),
        "counts": {
            "open": len(open_risks),
            "high": sum(risk["residual"]["band"] == "high" for risk in open_risks),
            "above_tolerance": sum(risk["is_above_tolerance"] for risk in open_risks),
            "rising": sum(risk["movement"] == Movement.UP for risk in open_risks),
            "review_overdue": sum(risk["is_review_overdue"] for risk in open_risks),
        },
    }


def heat_map(risks: list[dict], low_up_to: int, medium_up_to: int) -> list[list[dict]]:
    """The 5 x 5 matrix of open risks by residual score: rows from impact 5 down to 1, columns from
    likelihood 1 to 5; each cell has its score, band, the references of its risks and, for those whose
    score rose or fell since the last release, how (`moves`: reference and movement), so the heat map
    marks movement from the cell alone. Releases frozen before `moves` existed lack it: no arrows."""
    rows = []
    for impact in reversed(SCALE):
        row = []
        for likelihood in SCALE:
            here = [
                r
                for r in risks
                if (r["residual"]["likelihood"], r["residual"]["impact"]) == (likelihood, impact)
            ]
            score = likelihood * impact
            row.append(
                {
                    "likelihood": likelihood,
                    "impact": impact,
                    "score": score,
                    "band": band_of(score, low_up_to=low_up_to, medium_up_to=medium_up_to).value,
                    "references": [r["reference"] for r in here],
                    "moves": [
                        {"reference": r["reference"], "movement": r["movement"]}
                        for r in here
                        if r["movement"] in (Movement.UP, Movement.DOWN)
                    ],
                }
            )
        rows.append(row)
    return rows


def risks_of_priority(content: dict, priority_pk: int) -> list[dict]:
    """The open risks of a register's content that are linked to a priority."""
    return [
        risk
        for risk in content.get("risks") or []
        if risk["status"] == Risk.Status.OPEN
        and priority_pk in [p["pk"] for p in risk.get("priorities") or []]
    ]


def board_risks(content: dict) -> list[dict]:
    """The risks the board paper reports: open, and high, above tolerance or rising since the last release."""
    return [
        risk
        for risk in content.get("risks") or []
        if risk["status"] == Risk.Status.OPEN
        and (
            risk["residual"]["band"] == "high"
            or risk["is_above_tolerance"]
            or risk["movement"] == Movement.UP
        )
    ]


def _assessment(register: RiskRegister, likelihood: int, impact: int) -> dict:
    score = likelihood * impact
    band = register.band(score)
    return {
        "likelihood": likelihood,
        "likelihood_word": LIKELIHOOD_WORDS[likelihood],
        "impact": impact,
        "impact_word": IMPACT_WORDS[impact],
        "score": score,
        "band": band.value,
        "band_label": band.label,
    }


def _action(action: Action) -> dict:
    return {
        "pk": action.pk,
        "reference": action.reference,
        "title": action.title,
        "url": action.get_absolute_url(),
    }


def _links(risk: Risk) -> dict:
    return {
        "priorities": [{"pk": p.pk, "label": f"{p.reference}. {p.title}"} for p in risk.priorities.all()],
        "actions": [_action(a) for a in risk.actions.all()],
        "treating_actions": [_action(a) for a in risk.treating_actions.all()],
    }


def _risk(risk: Risk, register: RiskRegister, before: dict | None, today: date, *, links: bool) -> dict:
    risk.register = register  # already fetched: the scores' bands and the tolerance read it
    residual = _assessment(register, risk.residual_likelihood, risk.residual_impact)
    previous_score = before["residual"]["score"] if before else None
    if previous_score is None:
        movement = Movement.NEW
    elif residual["score"] > previous_score:
        movement = Movement.UP
    elif residual["score"] < previous_score:
        movement = Movement.DOWN
    else:
        movement = Movement.SAME
    return {
        "pk": risk.pk,
        "reference": risk.reference,
        "title": risk.title,
        "url": risk.get_absolute_url(),
        "cause": risk.cause,
        "effect": risk.effect,
        "category": risk.get_category_display(),
        "owner": str(risk.owner or ""),
        "owner_organisation": risk.owner_organisation.name,
        **(_links(risk) if links else {}),
        "existing_controls": risk.existing_controls,
        "further_actions": risk.further_actions,
        "inherent": _assessment(register, risk.inherent_likelihood, risk.inherent_impact),
        "residual": residual,
        "target_score": risk.target_score,
        "is_above_tolerance": risk.is_above_tolerance,
        "previous_residual_score": previous_score,
        "movement": movement,
        "movement_label": Movement.WORDS[movement],
        "review_on": risk.review_on.isoformat(),
        "is_review_overdue": risk.status == Risk.Status.OPEN and risk.review_on < today,
        "status": risk.status,
        "status_label": risk.get_status_display(),
    }
