"""Turning screening answers into a result, by the rule set's thresholds."""

from dataclasses import dataclass, field

from apps.screening.models import Answer, Result, Strength


@dataclass
class Outcome:
    result: str
    reasons: list[str] = field(default_factory=list)  # indicator codes that drove the result
    rule: str = ""  # which clause of the rule applied (a code the UI translates)
    child_protection: bool = False


def evaluate(thresholds: dict, indicators: dict, answers: dict, under_18: str) -> Outcome:
    """Apply one rule set. `indicators` maps code -> Indicator; answers map code -> yes/no/unknown.

    Only "yes" counts; "unknown" never raises a result but is kept for follow-up.
    """
    yes = [code for code, a in answers.items() if a == Answer.YES and code in indicators]
    strong = [c for c in yes if indicators[c].strength == Strength.STRONG]
    medium = [c for c in yes if indicators[c].strength == Strength.MEDIUM]
    child = under_18 == Answer.YES

    child_groups = set(thresholds.get("child_presumed_groups", []))
    child_triggers = [c for c in yes if indicators[c].group in child_groups]
    if child and child_triggers:
        return Outcome(Result.PRESUMED, child_triggers, "child_sexual", child_protection=True)

    presumed = thresholds.get("presumed", {})
    if len(strong) >= presumed.get("strong", 99):
        return Outcome(Result.PRESUMED, strong, "strong", child_protection=child)
    need_strong, need_medium = presumed.get("strong_with_medium", [99, 99])
    if len(strong) >= need_strong and len(medium) >= need_medium:
        return Outcome(
            Result.PRESUMED, strong + medium, "strong_with_medium", child_protection=child
        )

    possible = thresholds.get("possible", {})
    if len(strong) >= possible.get("strong", 99):
        return Outcome(Result.POSSIBLE, strong + medium, "possible_strong", child_protection=child)
    if len(medium) >= possible.get("medium", 99):
        return Outcome(Result.POSSIBLE, medium, "possible_medium", child_protection=child)
    return Outcome(Result.NO_INDICATION, [], "none", child_protection=child and bool(yes))
