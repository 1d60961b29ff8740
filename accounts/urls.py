from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("enrol/", views.enrol_view, name="otp_enrol"),
    path("verify/", views.verify_view, name="otp_verify"),
    path("recovery-codes/", views.recovery_codes_view, name="otp_recovery_codes"),
]
