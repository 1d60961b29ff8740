"""The domain's rows: units, reference data, campaigns, models and their review records."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from recognition.models import (
    Aggregation,
    Campaign,
    Classification,
    CollectiveKind,
    CouncilScore,
    Criterion,
    EvaluationResult,
    Field,
    Level,
    ModelKind,
    ModelStage,
    MovementModel,
    RecognitionDecision,
    Unit,
    UnitKind,
)

from .people import UserFactory


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Level
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cap-{n}")
    name = factory.Sequence(lambda n: f"Cấp {n}")
    rank = 2


class UnitFactory(factory.django.DjangoModelFactory):
    """A unit of the tree: a root, or a child of `parent`."""

    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    level = factory.SubFactory(LevelFactory)
    kind = UnitKind.PARTY_COMMITTEE
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            return model_class.objects.add_root(kwargs)
        # Another insertion may have changed the parent's child count since it was loaded.
        parent.refresh_from_db(fields=["path", "depth", "numchild"])
        return model_class.objects.add_child(parent, kwargs)


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field

    code = factory.Sequence(lambda n: f"linh-vuc-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    code = factory.Sequence(lambda n: f"tieu-chi-{n}")
    applies_to = Criterion.AppliesTo.COLLECTIVE
    name = factory.Sequence(lambda n: f"Tiêu chí {n}")
    max_points = 20
    order = factory.Sequence(int)


class CampaignFactory(factory.django.DjangoModelFactory):
    """A campaign of this year, open all year, with the default thresholds (70 / 90, mean)."""

    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Đợt thi đua {n}")
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    organising_unit = factory.SubFactory(UnitFactory)
    registration_opens_on = factory.LazyAttribute(lambda campaign: datetime.date(campaign.year, 1, 1))
    registration_closes_on = factory.LazyAttribute(lambda campaign: datetime.date(campaign.year, 12, 31))


class MovementModelFactory(factory.django.DjangoModelFactory):
    """A collective model registered by a unit under the campaign's organising unit."""

    class Meta:
        model = MovementModel

    campaign = factory.SubFactory(CampaignFactory)
    unit = factory.LazyAttribute(lambda model: UnitFactory(parent=model.campaign.organising_unit))
    field = factory.SubFactory(FieldFactory)
    kind = ModelKind.MODEL
    collective_kind = CollectiveKind.COLLECTIVE
    submitted_by = factory.LazyAttribute(lambda model: UserFactory(unit=model.unit))
    contact_name = "Nguyễn Thị Lan"
    contact_phone = "0292 3821 000"
    name = factory.Sequence(lambda n: f"Mô hình {n}")
    situation = "Nhiều hộ khó khăn."
    objectives = "Hỗ trợ 50 hộ."
    content_and_method = "Mỗi hội viên góp một nắm gạo mỗi tuần."
    scope = "Khu vực 1."
    forces = "Hội Phụ nữ chủ trì."
    starts_on = datetime.date(2026, 1, 15)
    outputs = "Sổ theo dõi, ảnh."
    sustainability = "Duy trì bằng đóng góp tự nguyện."
    stage = ModelStage.REGISTERED


class CouncilScoreFactory(factory.django.DjangoModelFactory):
    """A score sheet without its criterion rows (the tally reads only its total)."""

    class Meta:
        model = CouncilScore

    movement_model = factory.SubFactory(MovementModelFactory, stage=ModelStage.EVALUATION)
    member = factory.SubFactory(UserFactory)
    total = 80


class EvaluationResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationResult

    movement_model = factory.SubFactory(MovementModelFactory, stage=ModelStage.RECOGNITION)
    aggregation = Aggregation.MEAN
    score = Decimal("80.00")
    pass_threshold = Decimal("70")
    outstanding_threshold = Decimal("90")
    member_count = 3
    classification = Classification.RECOGNISED


class RecognitionDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecognitionDecision

    campaign = factory.SubFactory(CampaignFactory)
    issuing_unit = factory.SelfAttribute("campaign.organising_unit")
    number = factory.Sequence(lambda n: f"{n + 1}-QĐ/BCĐ")
    year = factory.SelfAttribute("campaign.year")
    signed_on = factory.LazyAttribute(lambda decision: datetime.date(decision.year, 1, 5))
    signer = factory.SubFactory(UserFactory)
    summary = "Về việc công nhận mô hình, điển hình “Dân vận khéo”"
