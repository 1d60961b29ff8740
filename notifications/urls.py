"""URL patterns of the bell; mounted as an Application of the site in `workflows.urls`."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="index"),
    path("<int:pk>/read/", views.NotificationReadView.as_view(), name="read"),
    path("read-all/", views.NotificationReadAllView.as_view(), name="read_all"),
    path("preference/", views.PreferenceView.as_view(), name="preference"),
]
