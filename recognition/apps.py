from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "recognition"
    verbose_name = _("Công nhận mô hình, điển hình")

    def ready(self) -> None:
        from .roles import roles_sync

        # After the last app migrates, so every permission the roles name exists.
        post_migrate.connect(roles_sync, dispatch_uid="recognition.roles_sync")
