"""The council's tally as pure rules: weighted totals, the aggregation rules, the classification.

No database here: the live tally (`review.evaluation_tally`), the simulation and the tests
call the same functions. The rubric and the rule come from the procedure version the
process is pinned to; the workflows layer reads that version and passes a `TallyRule` in
(recognition never reads procedure versions itself).

Aggregation rules, on the sheets' scores normalised to 100:
- mean: the average of the sheets;
- median: the middle sheet (the average of the middle pair for an even count);
- trimmed mean: the highest and the lowest sheet are dropped when there are at least
  three sheets, then the average of the others (with one or two sheets: the plain mean);
- majority: each member's sheet is classified on its own against the thresholds; the
  classification most members gave wins, a tie goes to the lower classification
  (rejected < recognised < outstanding). The score stored beside it is the mean, shown
  for information only.
Weights apply per criterion: a sheet's total is Σ points × weight, normalised to 100 by
the weighted maximum Σ max points × weight. Results are rounded half up to two decimals.
"""

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from recognition.models import Aggregation, Classification

CENT = Decimal("0.01")
# Lowest first: a majority tie goes to the first of the tied classifications in this order.
CLASSIFICATION_ORDER = (Classification.REJECTED, Classification.RECOGNISED, Classification.OUTSTANDING)


@dataclass(frozen=True)
class RubricCriterion:
    code: str
    name: str
    max_points: int
    weight: Decimal = Decimal(1)

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "max_points": self.max_points, "weight": str(self.weight)}

    @classmethod
    def from_dict(cls, data: Mapping) -> "RubricCriterion":
        return cls(
            code=data["code"],
            name=data["name"],
            max_points=int(data["max_points"]),
            weight=Decimal(str(data.get("weight", 1))),
        )


@dataclass(frozen=True)
class TallyRule:
    """What the pinned procedure version says about scoring one model."""

    criteria: tuple[RubricCriterion, ...]
    pass_threshold: Decimal
    outstanding_threshold: Decimal
    aggregation: str
    quorum: int = 0  # 0: every seat; read by the engine before the tally
    procedure_version_id: int | None = None

    @property
    def has_weights(self) -> bool:
        return any(criterion.weight != 1 for criterion in self.criteria)

    @property
    def weighted_max(self) -> Decimal:
        return weighted_max(self.criteria)


def weighted_max(criteria: Sequence[RubricCriterion]) -> Decimal:
    """Σ max points × weight; 100 when there is no criterion (sheets are then scored out of 100)."""
    return sum((c.max_points * c.weight for c in criteria), Decimal(0)) or Decimal(100)


def weighted_total(*, points: Mapping[str, int], criteria: Sequence[RubricCriterion]) -> Decimal:
    """Σ points × weight over the rubric's criteria."""
    return sum((points.get(c.code, 0) * c.weight for c in criteria), Decimal(0))


def normalised(total, max_total) -> Decimal:
    """A sheet's total on the 100-point scale (not rounded)."""
    return Decimal(total) * 100 / Decimal(max_total)


def rounded(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def aggregate_mean(values: Sequence[Decimal]) -> Decimal:
    return rounded(sum(values, Decimal(0)) / len(values))


def aggregate_median(values: Sequence[Decimal]) -> Decimal:
    return rounded(Decimal(statistics.median(values)))


def aggregate_trimmed_mean(values: Sequence[Decimal]) -> Decimal:
    """The mean without the single highest and single lowest value, from three values up."""
    if len(values) < 3:
        return aggregate_mean(values)
    kept = sorted(values)[1:-1]
    return aggregate_mean(kept)


def majority_classification(classifications: Sequence[str]) -> str:
    """The classification most sheets gave; a tie goes to the lower classification."""
    counts = Counter(classifications)
    top = max(counts.values())
    return next(c for c in CLASSIFICATION_ORDER if counts.get(c, 0) == top)


def evaluation_classify(*, score: Decimal, pass_threshold: Decimal, outstanding_threshold: Decimal) -> str:
    """Outstanding (tiêu biểu) from the outstanding threshold, recognised from the pass threshold, else rejected."""
    if score >= outstanding_threshold:
        return Classification.OUTSTANDING
    if score >= pass_threshold:
        return Classification.RECOGNISED
    return Classification.REJECTED


SCORE_RULES = {
    Aggregation.MEAN: aggregate_mean,
    Aggregation.MEDIAN: aggregate_median,
    Aggregation.TRIMMED_MEAN: aggregate_trimmed_mean,
    Aggregation.MAJORITY: aggregate_mean,  # shown beside the vote, for information
}


def evaluation_score(*, totals: Sequence, max_total, aggregation: str) -> Decimal:
    """The council's score out of 100: each sheet's total normalised to 100, then the aggregation rule.

    Normalising keeps the thresholds meaningful whatever the rubric's maximum.
    """
    values = [normalised(total, max_total) for total in totals]
    return SCORE_RULES[aggregation](values)


@dataclass(frozen=True)
class TallyOutcome:
    score: Decimal
    classification: str
    max_total: Decimal
    member_scores: tuple[Decimal, ...]  # each sheet normalised to 100, rounded
    votes: dict[str, int]  # majority: how many sheets gave each classification (empty otherwise)


def tally_outcome(*, totals: Sequence, rule: TallyRule) -> TallyOutcome:
    """Score and classify the sheets' (weighted) totals under the rule."""
    max_total = rule.weighted_max
    score = evaluation_score(totals=totals, max_total=max_total, aggregation=rule.aggregation)
    member_scores = tuple(rounded(normalised(total, max_total)) for total in totals)
    votes = {}
    if rule.aggregation == Aggregation.MAJORITY:
        sheet_classes = [
            evaluation_classify(
                score=value, pass_threshold=rule.pass_threshold, outstanding_threshold=rule.outstanding_threshold
            )
            for value in member_scores
        ]
        classification = majority_classification(sheet_classes)
        votes = dict(Counter(sheet_classes))
    else:
        classification = evaluation_classify(
            score=score, pass_threshold=rule.pass_threshold, outstanding_threshold=rule.outstanding_threshold
        )
    return TallyOutcome(
        score=score, classification=classification, max_total=max_total, member_scores=member_scores, votes=votes
    )
