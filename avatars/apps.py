from django.apps import AppConfig


class AvatarsConfig(AppConfig):
    name = "avatars"
    verbose_name = "Avatars and providers"
    default_auto_field = "django.db.models.BigAutoField"
