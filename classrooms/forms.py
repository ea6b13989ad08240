from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings

from classrooms.models import (
    SHORT_CODE_ALPHABET,
    SHORT_CODE_LENGTH,
    SHORT_CODE_LENGTHS,
    ClassSession,
    Course,
    ProfessorProfile,
    RosterStudent,
)
from classrooms.selectors import normalise_short_code

#: Longest free text a professor can type about a student or their own teaching.
MAX_NOTE_CHARS = 2000


class MaterialUploadForm(forms.Form):
    file = forms.FileField(
        label="Course material", help_text="A text (.txt) or Markdown (.md) file, up to 1 MB."
    )
    title = forms.CharField(
        label="Title", max_length=200, required=False, help_text="Defaults to the file name."
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.CLASS_MATERIAL_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is too large (limit {settings.CLASS_MATERIAL_MAX_BYTES // 1000} kB)."
            )
        return upload


class CourseForm(forms.ModelForm):
    """A professor's own course: title and description (the roster and material have forms of
    their own on the course page)."""

    class Meta:
        model = Course
        fields = ("title", "description")
        labels = {"title": "Course title"}
        help_texts = {
            "title": "As students see it in their invitation, e.g. STAT 101: Inference.",
        }

    description = forms.CharField(
        label="Description",
        required=False,
        max_length=MAX_NOTE_CHARS,
        help_text="Optional: what the course covers (shown on your course page).",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, professor: ProfessorProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.professor = professor

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the course a title.")
        others = Course.objects.filter(professor=self.professor, title__iexact=title)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("You already have a course with this title.")
        return title


class RosterRowForm(forms.ModelForm):
    """One roster row on the course's edit page (remove it with the checkbox)."""

    background = forms.CharField(
        label="Background for the tutor", required=False, max_length=MAX_NOTE_CHARS
    )

    class Meta:
        model = RosterStudent
        fields = ("name", "email", "background")
        labels = {"name": "Name", "email": "Email"}


class BaseRosterFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        names: set[str] = set()
        kept: list[str] = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                if form.instance.pk and form.instance.breakout_rooms.exists():
                    kept.append(form.instance.name)
                continue
            name = (form.cleaned_data.get("name") or "").strip().lower()
            if name in names:
                raise forms.ValidationError("Two students have the same name; tell them apart.")
            names.add(name)
        if kept:
            raise forms.ValidationError(
                f"{', '.join(kept)} took part in a session, so they stay on the roster (the "
                "session's report lists them). Untick Remove to save the other changes."
            )


RosterFormSet = forms.inlineformset_factory(
    Course,
    RosterStudent,
    form=RosterRowForm,
    formset=BaseRosterFormSet,
    extra=2,
    can_delete=True,
    max_num=500,
    validate_max=True,
)


class StudentForm(forms.ModelForm):
    background = forms.CharField(
        label="Background",
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = RosterStudent
        fields = ("name", "email", "background")
        error_messages = {"name": {"required": "Give the student a name."}}


def meeting_provider_choices() -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = [
        (ClassSession.MeetingProvider.LOCAL, "In-app rooms (students open a link)")
    ]
    if settings.ZOOM_CLIENT_ID or settings.MEETING_PROVIDER == "zoom":
        choices.append((ClassSession.MeetingProvider.ZOOM, "Zoom meeting with breakout rooms"))
    return choices


class RosterChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids outside the database's integer range as invalid choices (Django passes them
    to the query, where SQLite raises OverflowError and PostgreSQL a DataError: a 500)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            try:
                valid = -(2**63) <= int(str(pk)) < 2**63
            except (TypeError, ValueError):
                valid = True  # not a number: Django's own check reports it
            if not valid:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:40]},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private in the stubs


class SessionStartForm(forms.Form):
    students = RosterChoiceField(
        queryset=RosterStudent.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Each room gets its own tutor.",
    )
    group_size = forms.TypedChoiceField(
        label="Students per room",
        choices=[(1, "1 (one room each)"), (2, "2"), (3, "3"), (4, "4")],
        coerce=int,
        initial=1,
    )
    meeting_provider = forms.ChoiceField(label="Where the rooms are", choices=())

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        students = course.students.all()
        cast(RosterChoiceField, self.fields["students"]).queryset = students
        # A professor starting a breakout session means the whole class: everyone is ticked,
        # deselecting leaves someone out.
        self.fields["students"].initial = [s.pk for s in students]
        self.fields["students"].error_messages["required"] = (
            "Pick at least one student (everyone was deselected)."
        )
        cast(
            forms.ChoiceField, self.fields["meeting_provider"]
        ).choices = meeting_provider_choices()
        self.fields["meeting_provider"].initial = settings.MEETING_PROVIDER

    @property
    def prepare_only(self) -> bool:
        """The "Prepare" button: rooms and links now, tutors when the professor presses Start."""
        return self.data.get("action") == "prepare"

    def error_text(self) -> str:
        return " ".join(str(e) for errors in self.errors.values() for e in errors)


class JoinForm(forms.Form):
    """The home page's "Join a class room": the short code as shown, typed or pasted."""

    code = forms.CharField(
        label="Room code",
        max_length=64,
        help_text="The code from your professor's email or screen, like abc-defg-hjk.",
        error_messages={"required": "Type the room code your professor gave you."},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = normalise_short_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError("Type the room code your professor gave you.")
        if len(code) not in SHORT_CODE_LENGTHS or any(c not in SHORT_CODE_ALPHABET for c in code):
            raise forms.ValidationError(
                f"A room code has {SHORT_CODE_LENGTH} letters and digits, like abc-defg-hjk; "
                "check it and try again."
            )
        return code


class ProfessorProfileForm(forms.ModelForm):
    consent = forms.BooleanField(
        required=False,
        label="I consent to an avatar clone of my face and voice tutoring my students",
        help_text="Without consent, tutors use a neutral stock avatar and voice.",
    )

    class Meta:
        model = ProfessorProfile
        fields = ("display_name", "teaching_style", "avatar_id", "voice_id")
        labels = {
            "display_name": "Your name as students see it",
            "avatar_id": "Your personal avatar (optional)",
            "voice_id": "Your personal voice (optional)",
        }
        help_texts = {
            "avatar_id": (
                "The identifier of your avatar clone at the avatar service (HeyGen or "
                "LiveAvatar), copied from its dashboard. Leave empty for the neutral stock "
                "avatar. Used only with your consent below."
            ),
            "voice_id": (
                "The identifier of your cloned voice at the same service, copied from its "
                "dashboard. Leave empty for the stock voice. Used only with your consent below."
            ),
        }

    teaching_style = forms.CharField(
        label="How your tutors should teach",
        required=False,
        max_length=MAX_NOTE_CHARS,
        help_text='A sentence or two, e.g. "Socratic and patient; ask before telling."',
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].initial = self.instance.has_consent
