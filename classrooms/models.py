"""Classrooms: professors, courses and rosters. Sessions and rooms build on these."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ProfessorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="professor_profile"
    )
    display_name = models.CharField(max_length=120)
    teaching_style = models.TextField(
        blank=True, help_text="How you teach: tone, pace, favourite kinds of questions."
    )
    avatar_id = models.CharField(max_length=128, blank=True)
    voice_id = models.CharField(max_length=128, blank=True)
    likeness_consent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the professor agreed to an avatar clone."
    )

    def __str__(self) -> str:
        return self.display_name

    @property
    def has_consent(self) -> bool:
        return self.likeness_consent_at is not None


class Course(models.Model):
    professor = models.ForeignKey(
        ProfessorProfile, on_delete=models.CASCADE, related_name="courses"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("title",)

    def __str__(self) -> str:
        return self.title


class RosterStudent(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="students")
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    background = models.TextField(blank=True)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=("course", "name"), name="unique_student_name_per_course"
            )
        ]

    def __str__(self) -> str:
        return self.name
