"""Search across audit records: actor, unit, action, model, field (lĩnh vực), changed field, date range."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from recognition.models import AuditAction, AuditEvent, Field
from recognition.models.units import full_name_expression


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(label=_("Người thực hiện"), method="filter_actor")
    unit = django_filters.CharFilter(label=_("Đơn vị"), method="filter_unit")
    action = django_filters.MultipleChoiceFilter(label=_("Hành động"), choices=AuditAction.choices)
    model = django_filters.CharFilter(label=_("Mô hình (tên hoặc số)"), method="filter_model")
    field = django_filters.ModelChoiceFilter(
        label=_("Lĩnh vực"), field_name="movement_model__field", queryset=Field.objects.all()
    )
    changed_field = django_filters.CharFilter(label=_("Trường dữ liệu đã nhập/sửa"), method="filter_changed_field")
    occurred = django_filters.DateFromToRangeFilter(
        label=_("Từ ngày – đến ngày"),
        field_name="occurred_at",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = ("actor", "unit", "action", "model", "field", "changed_field", "occurred")

    def filter_actor(self, queryset, name, value):
        value = value.strip()
        return queryset.annotate(actor_full_name=full_name_expression("actor__")).filter(
            Q(actor_label__icontains=value) | Q(actor_full_name__icontains=value)
        )

    def filter_unit(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(actor_unit__name__icontains=value) | Q(movement_model__unit__name__icontains=value))

    def filter_model(self, queryset, name, value):
        value = value.strip().lstrip("#")
        if value.isdigit():
            return queryset.filter(movement_model_id=int(value))
        return queryset.filter(movement_model__name__icontains=value)

    def filter_changed_field(self, queryset, name, value):
        key = value.strip()
        return queryset.filter(
            Q(payload__changes__has_key=key) | Q(payload__values__has_key=key) | Q(payload__dossier__has_key=key)
        )
