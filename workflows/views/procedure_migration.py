"""The "Chuyển phiên bản" pages: choose processes and a target, read the dry run, confirm, follow the run."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from procedures.models import MigrationRun
from procedures.spec import PerformerUnit
from recognition.audit.labels import NODE_LABELS
from recognition.models import Level
from recognition.roles import Role
from workflows.ids import id_is_storable
from workflows.procedure_forms import MigrationFilterForm, MigrationForm
from workflows.procedure_migration import (
    CANDIDATES_SHOWN,
    MIGRATE_PERMISSION,
    migration_candidates,
    migration_confirm,
    migration_dry_run,
    migration_run_for,
    migration_run_progress,
)

TEMPLATE = "workflows/procedures/migration.html"


def _require_permission(user) -> None:
    if not user.has_perm(MIGRATE_PERMISSION):
        raise PermissionDenied(_("Bạn không có quyền chuyển hồ sơ sang phiên bản quy trình khác."))


def step_label(step: str) -> str:
    """A stage's or an approval step's name for the tables."""
    if step.startswith("approval:"):
        return _("Bước phê duyệt “%(key)s”") % {"key": step.removeprefix("approval:")}
    return str(NODE_LABELS.get(step, step))


class MigrationView(LoginRequiredMixin, View):
    def get(self, request):
        _require_permission(request.user)
        return self._page(request, MigrationForm())

    def post(self, request):
        _require_permission(request.user)
        form = MigrationForm(data=request.POST)
        if not form.is_valid():
            return self._page(request, form)
        arguments = {
            "user": request.user,
            "process_ids": form.cleaned_data["processes"],
            "target": form.cleaned_data["target"],
            "orphan_choices": form.orphan_choices(),
        }
        try:
            if request.POST.get("action") == "apply":
                run = migration_confirm(**arguments, reason=form.cleaned_data["reason"])
                messages.success(request, _("Đã bắt đầu chuyển %(total)s hồ sơ.") % {"total": run.total})
                return redirect("procedures:migration_run", pk=run.pk)
            plans = migration_dry_run(**arguments)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self._page(request, form)
        return self._page(request, form, plans=plans)

    def _page(self, request, form, plans=None):
        filters = MigrationFilterForm(data=request.GET or None)
        name, version = "", None
        if filters.is_valid():
            name, version = filters.cleaned_data["q"].strip(), filters.cleaned_data["version"]
        candidates = list(migration_candidates(user=request.user, name=name, version=version)[: CANDIDATES_SHOWN + 1])
        chosen = (
            set(form.cleaned_data.get("processes", [])) if form.is_bound and hasattr(form, "cleaned_data") else set()
        )
        rows = None
        if plans is not None:
            level_names = dict(Level.objects.values_list("code", "name"))
            rows = [_plan_row(plan, level_names) for plan in plans]
        return render(
            request,
            TEMPLATE,
            {
                "form": form,
                "filters": filters,
                "candidates": candidates[:CANDIDATES_SHOWN],
                "more_candidates": len(candidates) > CANDIDATES_SHOWN,
                "chosen": chosen,
                "rows": rows,
                "any_blocked": any(row["blocked"] for row in rows or ()),
            },
        )


def performer_label(performer: tuple[str, str] | None, level_names: dict[str, str]) -> str:
    """“Cơ quan thường trực — đơn vị tổ chức” for (role, performing unit)."""
    if performer is None:
        return ""
    role, unit = performer
    try:
        role_label = str(Role(role).label)
    except ValueError:
        role_label = role
    unit_label = {
        PerformerUnit.ORGANISER: _("đơn vị tổ chức"),
        PerformerUnit.REGISTRANT: _("đơn vị đăng ký"),
    }.get(unit) or level_names.get(unit, unit)
    return f"{role_label} — {unit_label}"


def _plan_row(plan, level_names: dict[str, str]) -> dict:
    return {
        "plan": plan,
        "blocked": plan.blocked,
        "position": step_label(plan.position) if plan.position else "—",
        "skipped": [step_label(step) for step in plan.stages_skipped],
        "added": [step_label(step) for step in plan.stages_added],
        "created": [step_label(step) for step in plan.tasks_created],
        "tasks": [
            {
                "change": change,
                "stage": step_label(change.node),
                "new_performer": performer_label(change.new_performer, level_names),
            }
            for change in plan.task_changes
        ],
    }


class MigrationRunView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        _require_permission(request.user)
        run = _run_or_404(request.user, pk)
        return render(
            request, "workflows/procedures/migration_run.html", {"run": run, "progress": migration_run_progress(run)}
        )


class MigrationProgressView(LoginRequiredMixin, View):
    """The run's progress as JSON, polled by the run page."""

    def get(self, request, pk: int):
        _require_permission(request.user)
        return JsonResponse(migration_run_progress(_run_or_404(request.user, pk)))


def _run_or_404(user, pk: int) -> MigrationRun:
    if not id_is_storable(pk):
        raise Http404
    try:
        return migration_run_for(user=user, run_id=pk)
    except MigrationRun.DoesNotExist:
        raise Http404 from None
