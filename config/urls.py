from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from viewflow.contrib.auth import AuthViewset

from workflows.urls import site

urlpatterns = [
    # The language switch works before login too (the login page offers it).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", AuthViewset().urls),
    path("api/v1/", include("workflows.api.urls")),
    path("", site.urls),
]
