"""The "Mô phỏng" page: a draft replayed on last year's processes beside the published version."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views import View

from procedures.simulation import Comparison
from recognition.roles import Role
from workflows.procedure_forms import SimulationForm
from workflows.procedure_simulation import simulation_run, simulation_scope_guard
from workflows.views.procedure_migration import step_label


class SimulationView(LoginRequiredMixin, View):
    def get(self, request):
        simulation_scope_guard(user=request.user)
        form = SimulationForm(data=request.GET if "draft" in request.GET else None)
        context = {"form": form}
        if form.is_valid():
            try:
                published, comparison = simulation_run(
                    user=request.user, draft=form.cleaned_data["draft"], period=form.period()
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                context.update(
                    published=published,
                    draft=form.cleaned_data["draft"],
                    period=form.period(),
                    **comparison_tables(comparison),
                )
        return render(request, "workflows/procedures/simulation.html", context)


def comparison_tables(comparison: Comparison) -> dict:
    """Rows of the side-by-side tables: per step, end to end, and the workload per role and month."""
    stages = [
        {"step": published.step, "label": step_label(published.step), "published": published, "draft": draft}
        for published, draft in zip(comparison.published.stages, comparison.draft.stages, strict=True)
    ]
    months = sorted(set(comparison.published.workload_months()) | set(comparison.draft.workload_months()))
    roles = sorted(set(comparison.published.workload_roles()) | set(comparison.draft.workload_roles()))
    workload = [
        {
            "role": _role_label(role),
            "cells": [
                (comparison.published.workload.get((role, month), 0), comparison.draft.workload.get((role, month), 0))
                for month in months
            ],
        }
        for role in roles
    ]
    return {"stages": stages, "months": months, "workload": workload, "comparison": comparison}


def _role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role
