"""URL wiring of the workflow app: the Material site and the model pages."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application, Site

from .views import dossiers
from .viewsets import recognition_flow_viewset

models_application = Application(
    title=_("Mô hình, điển hình"),
    icon="list_alt",
    app_name="models",
    urlpatterns=[
        path("", dossiers.ModelListView.as_view(), name="index"),
        path("register/", dossiers.RegistrationView.as_view(), name="register"),
        path("<int:pk>/", dossiers.ModelDetailView.as_view(), name="detail"),
    ],
)

site = Site(
    title=_("Khéo — Dân vận khéo"),
    viewsets=[recognition_flow_viewset(), models_application],
)
