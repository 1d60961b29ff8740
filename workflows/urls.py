"""URL wiring of the workflow app: the Material site and the model pages."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application, Site

from notifications import urls as notifications_urls
from procedures import urls as procedures_urls
from recognition.audit.selectors import can_audit
from recognition.views import audit as audit_views

from . import award_urls, council_urls, decision_urls, procedure_urls, registration_urls, replication_urls
from .views import dossiers
from .viewsets import follow_up_flow_viewset, recognition_flow_viewset

models_application = Application(
    title=_("Mô hình, điển hình"),
    icon="list_alt",
    app_name="models",
    menu_template_name="workflows/models_menu.html",
    urlpatterns=[
        path("", dossiers.ModelListView.as_view(), name="index"),
        path("register/", dossiers.RegistrationView.as_view(), name="register"),
        path("<int:pk>/", dossiers.ModelDetailView.as_view(), name="detail"),
        path("attachments/<int:pk>/", dossiers.AttachmentDownloadView.as_view(), name="attachment"),
        *registration_urls.urlpatterns,
        *council_urls.urlpatterns,
        *replication_urls.urlpatterns,
    ],
)

audit_application = Application(
    title=_("Nhật ký kiểm tra"),
    icon="fact_check",
    app_name="audit",
    permission=can_audit,
    menu_template_name="recognition/audit/menu.html",
    urlpatterns=audit_views.urlpatterns,
)

notifications_application = Application(
    title=_("Thông báo"),
    icon="notifications",
    app_name="notifications",
    menu_template_name="notifications/menu.html",
    urlpatterns=notifications_urls.urlpatterns,
)

procedures_application = Application(
    title=_("Thiết kế quy trình"),
    icon="account_tree",
    app_name="procedures",
    permission=procedure_urls.can_use_procedure_tools,
    menu_template_name="procedures/menu.html",
    # The designer (procedures.urls) and, beside it, migration and simulation, which read the engine's rows.
    urlpatterns=[*procedures_urls.urlpatterns, *procedure_urls.urlpatterns],
)

decisions_application = Application(
    title=_("Quyết định công nhận"),
    icon="gavel",
    app_name="decisions",
    # One page list, no sub-menu (viewflow otherwise prints "No viewsets found" in the sidebar).
    menu_template_name=None,
    urlpatterns=decision_urls.urlpatterns,
)

awards_application = Application(
    title=_("Khen thưởng"),
    icon="military_tech",
    app_name="awards",
    # One page list, no sub-menu (viewflow otherwise prints "No viewsets found" in the sidebar).
    menu_template_name=None,
    urlpatterns=award_urls.urlpatterns,
)

site = Site(
    title=_("Khéo — Dân vận khéo"),
    viewsets=[
        recognition_flow_viewset(),
        follow_up_flow_viewset(),
        models_application,
        decisions_application,
        awards_application,
        audit_application,
        procedures_application,
        notifications_application,
    ],
)
