"""The domain of the movement: units, reference data, dossiers, reviews, decisions."""

from .approvals import ApprovalOpinion, ApprovalOutcome
from .audit import AuditAction, AuditEvent
from .campaigns import Campaign
from .decisions import DecisionEntry, DecisionImmutable, DecisionKind, DecisionStatus, RecognitionDecision
from .dossiers import Attachment, CollectiveKind, ModelKind, ModelStage, MovementModel
from .reference import Criterion, Field
from .replication import Replication, ReplicationStatus
from .review import (
    Aggregation,
    Classification,
    CouncilScore,
    CriterionScore,
    DossierReview,
    EvaluationResult,
    SurveyRecommendation,
    SurveyReport,
)
from .units import Level, Unit, UnitKind, User

__all__ = [
    "ApprovalOpinion",
    "ApprovalOutcome",
    "Attachment",
    "AuditAction",
    "AuditEvent",
    "Aggregation",
    "Campaign",
    "Classification",
    "CollectiveKind",
    "CouncilScore",
    "Criterion",
    "CriterionScore",
    "DecisionEntry",
    "DecisionImmutable",
    "DecisionKind",
    "DecisionStatus",
    "DossierReview",
    "EvaluationResult",
    "Field",
    "Level",
    "ModelKind",
    "ModelStage",
    "MovementModel",
    "RecognitionDecision",
    "Replication",
    "ReplicationStatus",
    "SurveyRecommendation",
    "SurveyReport",
    "Unit",
    "UnitKind",
    "User",
]
