from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from viewflow.contrib.auth import AuthViewset

from workflows.urls import site

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", AuthViewset().urls),
    path("api/v1/", include("workflows.api.urls")),
    path("", site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
