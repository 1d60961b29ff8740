"""The domain of the movement: units, reference data, dossiers, reviews, decisions."""

from .approvals import ApprovalOpinion, ApprovalOutcome
from .audit import AuditAction, AuditEvent
from .awards import Award, AwardKind, AwardProposal, AwardProposalItem, AwardProposalStatus
from .campaigns import Campaign
from .council import CouncilClosure, CouncilRecusal
from .decisions import DecisionEntry, DecisionImmutable, DecisionKind, DecisionStatus, RecognitionDecision
from .dossiers import Attachment, CollectiveKind, ModelKind, ModelStage, MovementModel
from .quotas import CampaignQuota
from .reference import Criterion, Field
from .replication import REPLICATION_STATUS_ORDER, Replication, ReplicationStatus
from .rereview import ReReview, ReReviewOutcome
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
    "Award",
    "AwardKind",
    "AwardProposal",
    "AwardProposalItem",
    "AwardProposalStatus",
    "Aggregation",
    "Campaign",
    "CampaignQuota",
    "Classification",
    "CollectiveKind",
    "CouncilClosure",
    "CouncilRecusal",
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
    "REPLICATION_STATUS_ORDER",
    "Replication",
    "ReReview",
    "ReReviewOutcome",
    "ReplicationStatus",
    "SurveyRecommendation",
    "SurveyReport",
    "Unit",
    "UnitKind",
    "User",
]
