"""What the validation rules need to know about the world, read from the database once."""

from django.contrib.auth.models import Group

from recognition.models import Criterion, Level
from recognition.services.registration import DOSSIER_FIELDS

from .models import ProcedureDefinition
from .validation import ValidationContext


def validation_context(definition: ProcedureDefinition) -> ValidationContext:
    return ValidationContext(
        roles=frozenset(Group.objects.values_list("name", flat=True)),
        level_codes=frozenset(Level.objects.values_list("code", flat=True)),
        criterion_codes=frozenset(Criterion.objects.values_list("code", flat=True)),
        dossier_fields=frozenset(DOSSIER_FIELDS),
    )
