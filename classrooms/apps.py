from django.apps import AppConfig


class ClassroomsConfig(AppConfig):
    name = "classrooms"
    verbose_name = "Classroom breakout sessions"
    default_auto_field = "django.db.models.BigAutoField"
