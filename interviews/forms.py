from __future__ import annotations

from django import forms

from interviews.models import BankQuestion, MockInterview
from interviews.services import InterviewSpec

ROLE_FAMILIES = [
    ("", "Any role"),
    ("engineering", "Engineering"),
    ("product", "Product"),
    ("data", "Data"),
    ("management", "Management"),
]


# On New interview, "Behavioural" and "Technical (general)" are already interview types: the
# competencies of the bank's general questions get names of their own.
_COMPETENCY_NAMES: dict[str, str] = {
    BankQuestion.Competency.BEHAVIOURAL: "Initiative and judgement",
    BankQuestion.Competency.TECHNICAL: "Technical depth",
}
COMPETENCY_CHOICES = [
    (value, _COMPETENCY_NAMES.get(value, label)) for value, label in BankQuestion.Competency.choices
]


class NewInterviewForm(forms.Form):
    target_role = forms.CharField(
        label="Target role", max_length=120, help_text="For example: Backend engineer."
    )
    role_family = forms.ChoiceField(
        label="Role family", choices=ROLE_FAMILIES, required=False, initial=""
    )
    company = forms.CharField(label="Company", max_length=120, required=False)
    seniority = forms.ChoiceField(
        label="Seniority",
        choices=MockInterview.Seniority.choices,
        initial=MockInterview.Seniority.MID,
    )
    interview_type = forms.ChoiceField(
        label="Interview type",
        choices=MockInterview.InterviewType.choices,
        initial=MockInterview.InterviewType.BEHAVIOURAL,
    )
    competencies = forms.MultipleChoiceField(
        label="Competencies to practise",
        choices=COMPETENCY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for a mix.",
    )
    persona = forms.ChoiceField(
        label="Interviewer",
        choices=MockInterview.Persona.choices,
        initial=MockInterview.Persona.NEUTRAL,
        widget=forms.RadioSelect,
    )
    question_count = forms.IntegerField(
        label="Number of questions", min_value=1, max_value=10, initial=5
    )
    job_description = forms.CharField(
        label="Job description",
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "Optional. Questions are tailored to it only when an AI model is configured; "
            "without one, they all come from the curated bank."
        ),
    )

    def spec(self) -> InterviewSpec:
        data = self.cleaned_data
        return InterviewSpec(
            target_role=data["target_role"].strip(),
            role_family=data.get("role_family") or "",
            company=data.get("company", "").strip(),
            seniority=data["seniority"],
            interview_type=data["interview_type"],
            job_description=data.get("job_description", "").strip(),
            persona=data["persona"],
            question_count=data["question_count"],
            competencies=tuple(data.get("competencies") or ()),
        )
