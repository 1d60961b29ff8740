"""The domain of the movement: units, reference data, dossiers, reviews, decisions."""

from .approvals import ApprovalOpinion, ApprovalOutcome
from .audit import AuditAction, AuditEvent
from .campaigns import Campaign
from .decisions import DecisionEntry, RecognitionDecision
from .dossiers import Attachment, CollectiveKind, ModelKind, ModelStage, MovementModel
from .quotas import CampaignQuota
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
    "CampaignQuota",
    "Classification",
    "CollectiveKind",
    "CouncilScore",
    "Criterion",
    "CriterionScore",
    "DecisionEntry",
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
