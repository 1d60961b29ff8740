from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from viewflow.contrib.auth import AuthViewset

from accounts.forms import AuthenticationForm
from workflows.urls import site

urlpatterns = [
    # The language switch works before login too (the login page offers it).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # One sign-in page for the whole site (lockout message, second factor): the admin's sends there.
    path("admin/login/", login_not_required(RedirectView.as_view(url="/accounts/login/", query_string=True))),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name none (the admin's).
    path("favicon.ico", login_not_required(RedirectView.as_view(url=static("viewflow/img/favicon.png")))),
    path("accounts/otp/", include("accounts.urls")),
    path("accounts/", AuthViewset(login_view=AuthViewset.login_view_class.as_view(form_class=AuthenticationForm)).urls),
    # Before the API's own include, which ends with a catch-all 404.
    path("api/v1/procedures/", include("procedures.api")),
    path("api/v1/", include("workflows.api.urls")),
    path("", site.urls),
]
