"""`SpecEditor`: every form of the edit page, from a spec and back to the spec's JSON form.

It reads a spec into initial values, turns valid posted data into the JSON form that
`services.draft_update` saves, and places the validation problems of a saved draft
beside the fields they concern (by each problem's dotted `where`).
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorList

from procedures.labels import RUBRIC_KIND_LABELS
from procedures.parsing import spec_to_dict
from procedures.spec import STANDARD_STAGES, ProcedureSpec
from procedures.validation import Problem

from .parts import (
    PROBLEM_CSS,
    ApprovalStepFormSet,
    CriterionFormSet,
    DesignerChoices,
    EscalationFormSet,
    GeneralForm,
    StageForm,
    offsets_text,
)

_GENERAL_FIELDS = ("required_dossier_fields", "min_attachments", "survey_not_recommended", "decision_number_format")
_EVALUATION_FIELDS = ("pass_threshold", "outstanding_threshold", "aggregation", "quorum")


class SpecEditor:
    """Every form of the edit page, bound to a POST or filled from a spec."""

    def __init__(self, spec: ProcedureSpec, *, choices: DesignerChoices, data=None):
        self.spec = spec
        self.choices = choices
        stored = spec_to_dict(spec)
        self.extra_stages = {name: stage for name, stage in stored["stages"].items() if name not in STANDARD_STAGES}
        self.general = GeneralForm(
            data,
            prefix="general",
            initial={
                **{name: stored[name] for name in _GENERAL_FIELDS},
                **{name: stored["evaluation"][name] for name in _EVALUATION_FIELDS},
            },
        )
        self.stages = []
        for name in STANDARD_STAGES:
            stage = stored["stages"].get(name)
            initial = (
                {**stage, "reminder_offsets": offsets_text(stage["reminder_offsets"])} if stage else {"enabled": True}
            )
            form = StageForm(
                data,
                prefix=f"stage-{name}",
                initial=initial,
                stage_name=name,
                choices=choices,
                current_unit=initial.get("performer_unit", ""),
            )
            form.escalation = EscalationFormSet(
                data, prefix=f"escalation-{name}", initial=(stage or {}).get("escalation", [])
            )
            self.stages.append(form)
        self.approval_steps = ApprovalStepFormSet(
            data, prefix="steps", initial=stored["approval_steps"], form_kwargs={"choices": choices}
        )
        self.rubric = []
        kinds = [*choices.criteria, *(kind for kind in stored["rubric"] if kind not in choices.criteria)]
        for kind in kinds:
            formset = CriterionFormSet(
                data,
                prefix=f"rubric-{kind}",
                initial=stored["rubric"].get(kind, []),
                form_kwargs={"catalogue": choices.criteria.get(kind, [])},
            )
            formset.kind = kind
            formset.title = RUBRIC_KIND_LABELS.get(kind, kind)
            self.rubric.append(formset)
        self.section_problems: list[str] = []

    def _all(self):
        yield self.general
        for form in self.stages:
            yield form
            yield form.escalation
        yield self.approval_steps
        yield from self.rubric

    def is_valid(self) -> bool:
        return all([part.is_valid() for part in self._all()])  # every part validated, errors everywhere

    def spec_data(self) -> dict:
        """The spec's JSON form from the valid posted data (call after is_valid)."""
        general = self.general.cleaned_data
        stages = {}
        for form in self.stages:
            stages[form.stage_name] = {
                **{key: form.cleaned_data[key] for key in ("enabled", "performer_role", "performer_unit")},
                "sla_working_days": form.cleaned_data["sla_working_days"],
                "reminder_offsets": form.cleaned_data["reminder_offsets"],
                "escalation": _rows(form.escalation),
                "clock_paused": form.cleaned_data["clock_paused"],
            }
        stages.update(self.extra_stages)
        rubric = {
            formset.kind: [{**row, "weight": str(row["weight"])} for row in _rows(formset)] for formset in self.rubric
        }
        return {
            "schema_version": self.spec.schema_version,
            "stages": stages,
            "rubric": rubric,
            "evaluation": {
                "pass_threshold": str(general["pass_threshold"]),
                "outstanding_threshold": str(general["outstanding_threshold"]),
                "aggregation": general["aggregation"],
                "quorum": general["quorum"],
            },
            "approval_steps": _rows(self.approval_steps),
            "required_dossier_fields": list(general["required_dossier_fields"]),
            "min_attachments": general["min_attachments"],
            "survey_not_recommended": general["survey_not_recommended"],
            "decision_number_format": general["decision_number_format"],
        }

    def problems_place(self, problems: list[Problem]) -> None:
        """Show each problem beside its field (by its dotted `where`); the rest above the form."""
        for problem in problems:
            if not self._place(problem.where.split("."), problem.message):
                self.section_problems.append(problem.message)

    def _place(self, parts: list[str], message: str) -> bool:
        head, rest = parts[0], parts[1:]
        if head == "evaluation" or head in _GENERAL_FIELDS:
            field = rest[0] if head == "evaluation" and rest else head
            return _add(self.general, field if field in self.general.fields else None, message)
        if head == "stages" and rest:
            form = next((form for form in self.stages if form.stage_name == rest[0]), None)
            if form is None:
                return False
            if len(rest) > 1 and rest[1] == "escalation":
                return _add_to_formset(form.escalation, rest[2:], message, key_field=None)
            field = rest[1] if len(rest) > 1 and rest[1] in form.fields else None
            return _add(form, field, message)
        if head == "approval_steps":
            return _add_to_formset(self.approval_steps, rest, message, key_field="key")
        if head == "rubric" and rest:
            formset = next((formset for formset in self.rubric if formset.kind == rest[0]), None)
            return formset is not None and _add_to_formset(formset, rest[1:], message, key_field="code")
        return False


def _rows(formset) -> list[dict]:
    """The formset's kept rows: filled in and not marked for deletion."""
    return [
        {key: value for key, value in form.cleaned_data.items() if key != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def _add(form, field: str | None, message: str) -> bool:
    errors = form.errors  # an unbound form's errors are empty: problems are added to them for display
    key = field or NON_FIELD_ERRORS
    if key not in errors:
        errors[key] = ErrorList(error_class=PROBLEM_CSS if field else f"nonfield {PROBLEM_CSS}")
    errors[key].append(message)
    return True


def _add_to_formset(formset, parts: list[str], message: str, *, key_field: str | None) -> bool:
    """`parts` after the list's name: [index or key, field?]; a problem about the whole list goes above it."""
    if not parts:
        formset.problems = [*getattr(formset, "problems", []), message]
        return True
    forms_ = [form for form in formset.forms if form.initial or form.is_bound]
    target = None
    if parts[0].isdigit() and int(parts[0]) < len(forms_):
        target = forms_[int(parts[0])]
    elif key_field is not None:
        target = next((form for form in forms_ if (form.initial or {}).get(key_field) == parts[0]), None)
    if target is None:
        formset.problems = [*getattr(formset, "problems", []), message]
        return True
    field = parts[1] if len(parts) > 1 and parts[1] in target.fields else None
    return _add(target, field, message)
