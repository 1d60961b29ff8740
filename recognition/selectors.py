"""Read queries of the domain, scoped to what a user may see."""

from django.db.models import QuerySet

from recognition.models import Attachment, Campaign, MovementModel, Unit, User


def units_visible_to(*, user: User) -> QuerySet[Unit]:
    """The user's unit and everything below it; nothing for a user without a unit."""
    if user.is_superuser:
        return Unit.objects.all()
    if user.unit_id is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=user.unit.path)


def models_visible_to(*, user: User) -> QuerySet[MovementModel]:
    queryset = MovementModel.objects.select_related("unit", "field", "campaign")
    if user.is_superuser:
        return queryset
    if user.unit_id is None:
        return queryset.none()
    return queryset.filter(unit__path__startswith=user.unit.path)


def campaigns_open_for(*, user: User, day) -> QuerySet[Campaign]:
    """Campaigns accepting registrations today from the user's unit."""
    if user.unit_id is None:
        return Campaign.objects.none()
    ancestor_paths = [user.unit.path[:i] for i in range(Unit.steplen, len(user.unit.path) + 1, Unit.steplen)]
    return Campaign.objects.filter(
        organising_unit__path__in=ancestor_paths,
        registration_opens_on__lte=day,
        registration_closes_on__gte=day,
    ).select_related("organising_unit")


def attachment_visible_to(*, user: User, attachment_id: int) -> Attachment | None:
    """The attachment if its model is in the user's subtree, else None (never disclose it exists)."""
    return (
        Attachment.objects.select_related("movement_model")
        .filter(pk=attachment_id, movement_model__in=models_visible_to(user=user).values("pk"))
        .first()
    )
