"""Django admin for reference data, scoped to the admin's unit subtree and recorded in the audit trail.

Every add or change made here writes an audit record (before/after of the changed
fields) in the admin's transaction; a change to an existing row is an override and
needs a reason. Deleting is not offered: rows are deactivated instead, because
recognised models keep pointing at them. Auditors change nothing (403).
Other apps' admin pages that configure the flow subclass `AuditedModelAdmin`
with `audit_change_action = AuditAction.FLOW_CONFIGURATION_CHANGED`.
"""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from recognition.models import AuditAction, Campaign, CampaignQuota, Criterion, Field, Level, Unit, User
from recognition.models.units import full_name_expression
from recognition.roles import Role, user_roles
from recognition.selectors import units_visible_to
from recognition.services.audit import audit_record

HIDDEN_VALUE = "******"
SECRET_FIELDS = {"password"}

# The admin names the product, not "Trang quản trị cho Django" / "Trang web admin Django".
admin.site.site_header = admin.site.site_title = _("Khéo — Dân vận khéo")


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def object_snapshot(obj) -> dict:
    """Concrete fields (foreign keys as ids) and many-to-many ids of a saved row; secrets masked."""
    snapshot = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        value = _plain(getattr(obj, field.attname))
        snapshot[field.name] = HIDDEN_VALUE if field.name in SECRET_FIELDS and value else value
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            snapshot[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return snapshot


def _is_auditor_only(user) -> bool:
    return not user.is_superuser and Role.AUDITOR in user_roles(user)


class AuditReasonFormMixin(forms.Form):
    audit_reason = forms.CharField(
        label=_("Lý do thay đổi"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi sửa dữ liệu đã có; được ghi vào nhật ký kiểm tra."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audit_reason"].required = self.instance.pk is not None

    def clean_audit_reason(self):
        return (self.cleaned_data.get("audit_reason") or "").strip()


class AuditedModelForm(AuditReasonFormMixin, forms.ModelForm):
    pass


class AuditedModelAdmin(admin.ModelAdmin):
    """Records every add/change in the audit trail; never deletes; refuses auditors."""

    form = AuditedModelForm
    audit_add_action = AuditAction.REFERENCE_ADDED
    audit_change_action = AuditAction.REFERENCE_CHANGED

    def has_add_permission(self, request):
        return not _is_auditor_only(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return not _is_auditor_only(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # A read-only page changes nothing, so it has no reason to give (and Django would
        # show the form-only field as "Audit reason: None").
        return [
            (title, {**options, "fields": [name for name in options["fields"] if name != "audit_reason"]})
            for title, options in fieldsets
            if any(name != "audit_reason" for name in options["fields"])
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        request._audit_before = object_snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # After the many-to-many fields are saved, in the admin's transaction.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, "_audit_before", {})
        # Read back, so values compare as stored (a form's Decimal("75") is stored as 75.00).
        after = object_snapshot(type(obj)._default_manager.get(pk=obj.pk))
        changes = {
            name: {"before": before.get(name), "after": value}
            for name, value in after.items()
            if not change or before.get(name) != value
        }
        audit_record(
            action=self.audit_change_action if change else self.audit_add_action,
            actor=request.user,
            reason=form.cleaned_data.get("audit_reason", ""),
            payload={
                "model": obj._meta.label_lower,
                "object": obj.pk,
                "object_repr": str(obj)[:200],
                "operation": "change" if change else "add",
                "changes": changes,
            },
        )


class GlobalReferenceAdmin(AuditedModelAdmin):
    """Data shared by the whole instance: only an admin of a top-level unit (or a superuser) edits it."""

    def _is_top_level_admin(self, request) -> bool:
        user = request.user
        return user.is_superuser or (user.unit_id is not None and user.unit.depth == 1)

    def has_add_permission(self, request):
        return self._is_top_level_admin(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._is_top_level_admin(request) and super().has_change_permission(request, obj)


@admin.register(Level)
class LevelAdmin(GlobalReferenceAdmin):
    list_display = ("name", "code", "rank", "is_historical")


@admin.register(Field)
class FieldAdmin(GlobalReferenceAdmin):
    list_display = ("name", "code", "order", "is_active")
    list_filter = ("is_active",)


@admin.register(Criterion)
class CriterionAdmin(GlobalReferenceAdmin):
    list_display = ("name", "code", "applies_to", "max_points", "order", "is_active")
    list_filter = ("applies_to", "is_active")


class UnitForm(AuditedModelForm):
    parent = forms.ModelChoiceField(
        label=_("Đơn vị cấp trên"), queryset=Unit.objects.none(), required=True, help_text=_("Chỉ khi thêm mới.")
    )

    class Meta:
        model = Unit
        fields = ("name", "level", "kind", "is_active")


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    """Units of the admin's subtree; a new unit is added under a unit of that subtree."""

    form = UnitForm
    list_display = ("name", "level", "kind", "tree_depth", "is_active")
    list_filter = ("level", "kind", "is_active")
    search_fields = ("name",)
    ordering = ("path",)

    @admin.display(description=_("Bậc trong cây đơn vị"), ordering="depth")
    def tree_depth(self, unit: Unit) -> int:
        return unit.depth

    def get_queryset(self, request):
        return units_visible_to(user=request.user).select_related("level")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            form.base_fields.pop("parent", None)
        else:
            # Provinces and communes of the subtree: the units that have members.
            form.base_fields["parent"].queryset = units_visible_to(user=request.user).filter(depth__lte=2)
        return form

    def get_fields(self, request, obj=None):
        fields = ["name", "level", "kind", "is_active", "audit_reason"]
        return fields if obj is not None else ["parent", *fields]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        request._audit_before = {}
        added = Unit.objects.add_child(form.cleaned_data["parent"], instance=obj)
        form.instance = added


@admin.register(Campaign)
class CampaignAdmin(AuditedModelAdmin):
    list_display = ("name", "year", "organising_unit", "registration_opens_on", "registration_closes_on")
    list_filter = ("year",)
    search_fields = ("name",)
    filter_horizontal = ("council_members",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(organising_unit__in=units_visible_to(user=request.user))
            .select_related("organising_unit")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organising_unit":
            kwargs["queryset"] = units_visible_to(user=request.user).filter(depth__lte=2)
        if db_field.name in ("council_chair", "council_secretary"):
            # The chair also scores (the flow gives them a seat beside the members).
            kwargs["queryset"] = User.objects.filter(unit__in=units_visible_to(user=request.user), is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "council_members":
            kwargs["queryset"] = User.objects.filter(
                unit__in=units_visible_to(user=request.user).filter(depth__lte=2), groups__name=Role.COUNCIL_MEMBER
            ).distinct()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(CampaignQuota)
class CampaignQuotaAdmin(AuditedModelAdmin):
    """Quotas per unit kind of a campaign; the page /models/quotas/<campaign>/ edits them too."""

    list_display = ("campaign", "unit_kind", "minimum", "maximum")
    list_filter = ("unit_kind",)
    search_fields = ("campaign__name",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(campaign__organising_unit__in=units_visible_to(user=request.user))
            .select_related("campaign")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["queryset"] = Campaign.objects.filter(organising_unit__in=units_visible_to(user=request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class UserChangeForm(AuditReasonFormMixin, DjangoUserAdmin.form):
    pass


class UserCreationForm(AuditReasonFormMixin, DjangoUserAdmin.add_form):
    pass


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    """People of the admin's subtree. Role admins only read them (the role holds view_user)."""

    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("username", "full_name", "unit", "is_active")
    list_filter = ("is_active", "groups")
    # Vietnamese order: Họ (family and middle names) before Tên (given name).
    fieldsets = (
        *(
            (title, {**options, "fields": ("last_name", "first_name", "email")})
            if "first_name" in options["fields"]
            else (title, options)
            for title, options in DjangoUserAdmin.fieldsets
        ),
        (_("Đơn vị"), {"fields": ("unit", "position")}),
        (_("Nhật ký kiểm tra"), {"fields": ("audit_reason",)}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Đơn vị"), {"fields": ("unit", "position")}),
    )

    @admin.display(description=_("Họ và tên"), ordering=full_name_expression())
    def full_name(self, user: User) -> str:
        return user.get_full_name()

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("unit")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(unit__in=units_visible_to(user=request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = units_visible_to(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
