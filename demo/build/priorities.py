"""The demo strategies with their consultation, sign-offs, priorities and strategic ambitions."""

from dataclasses import asdict

from accounts.models import Organisation, Partnership, User
from demo.build.records import upsert
from demo.specs import PrioritySpec, StrategySpec
from priorities.models import Consultation, Priority, SignOff, StrategicAmbition, Strategy


def strategy_build(
    *,
    partnership: Partnership,
    spec: StrategySpec,
    users: dict[str, User],
    organisations: dict[str, Organisation],
) -> tuple[Strategy, dict[str, StrategicAmbition]]:
    """The strategy as its spec describes it, and its ambitions by reference ("1.2")."""
    strategy = upsert(
        Strategy,
        partnership=partnership,
        title=spec.title,
        defaults={
            "starts_on": spec.starts_on,
            "ends_on": spec.ends_on,
            "status": spec.status,
            "summary": spec.summary,
            "strategic_assessment": spec.strategic_assessment,
            "local_definitions": spec.local_definitions,
            "reporting_rhythm": spec.reporting_rhythm,
            "levels": spec.levels,
            "priority_word": spec.words[0],
            "ambition_word": spec.words[1],
            "action_word": spec.words[2],
        },
    )
    if spec.consultation is not None:
        consultation = asdict(spec.consultation)
        upsert(Consultation, strategy=strategy, title=consultation.pop("title"), defaults=consultation)
    for short_name, decided_on in (spec.sign_offs or {}).items():
        organisation = organisations[short_name]
        upsert(
            SignOff,
            strategy=strategy,
            organisation=organisation,
            defaults={
                "decision": SignOff.Decision.AGREED,
                "decided_on": decided_on,
                "decided_by": spec.signed_off_by.format(organisation=organisation.name),
            },
        )
    ambitions = strategy_priorities_build(
        strategy=strategy, specs=spec.priorities, users=users, organisations=organisations
    )
    return strategy, ambitions


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
        priority = upsert(
            Priority,
            strategy=strategy,
            order=priority_order,
            defaults={
                "title": spec.title,
                "description": spec.description,
                "outcomes": "\n".join(spec.outcomes),
                "lead": users[spec.lead],
                "lead_organisation": organisations[spec.lead_organisation],
            },
        )
        for ambition_order, (title, plan) in enumerate(spec.ambitions, start=1):
            ambition = upsert(
                StrategicAmbition,
                priority=priority,
                order=ambition_order,
                defaults={"title": title, "strategic_plan": plan},
            )
            ambitions[ambition.reference] = ambition
    return ambitions
