"""The professor's pages: the dashboard, the profile, courses, material and the roster."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from classrooms import services
from classrooms.forms import (
    CourseForm,
    MaterialUploadForm,
    ProfessorProfileForm,
    RosterFormSet,
    SessionStartForm,
    StudentForm,
)
from classrooms.misconceptions import material_misconceptions_message
from classrooms.models import CourseMaterial
from classrooms.script import script_message
from classrooms.selectors import (
    course_for_owner,
    course_list_for_professor,
    course_teaching_preview,
    sessions_for_course,
    sessions_for_professor,
)
from config.forms import form_error_text
from config.roles import AuthenticatedHttpRequest, professor_required


@professor_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    professor = request.user.professor_profile
    return render(
        request,
        "classrooms/dashboard.html",
        {
            "courses": course_list_for_professor(professor=professor),
            "sessions": sessions_for_professor(professor=professor),
            "professor": professor,
        },
    )


@professor_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    professor = request.user.professor_profile
    form = ProfessorProfileForm(
        request.POST if request.method == "POST" else None, instance=professor
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        if form.cleaned_data["consent"] != professor.has_consent:
            services.professor_consent_set(
                professor=professor, consent=form.cleaned_data["consent"]
            )
        messages.success(request, "Your tutor profile is saved.")
        return redirect("classrooms:dashboard")
    return render(request, "classrooms/profile.html", {"form": form})


@professor_required
def course_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A professor creates their own course (no staff needed); the roster and material follow
    on its page."""
    professor = request.user.professor_profile
    form = CourseForm(request.POST if request.method == "POST" else None, professor=professor)
    if request.method == "POST" and form.is_valid():
        course = services.course_create(
            professor=professor,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, f"Created “{course.title}”. Add your students and material.")
        return redirect("classrooms:course", course_id=course.public_id)
    return render(request, "classrooms/course_form.html", {"form": form, "course": None})


@professor_required
def course_edit(request: AuthenticatedHttpRequest, course_id: Any) -> HttpResponse:
    """Title, description and the whole roster on one page (students who took part in a
    session stay: their reports list them)."""
    course = course_owned(request, course_id)
    data = request.POST if request.method == "POST" else None
    form = CourseForm(data, instance=course, professor=course.professor)
    roster = RosterFormSet(data, instance=course, prefix="roster")
    if request.method == "POST" and form.is_valid() and roster.is_valid():
        try:
            services.course_edit_apply(
                course=course,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                rows=[
                    (f.instance if f.instance.pk else None, f.cleaned_data)
                    for f in roster.forms
                    if f.cleaned_data and (f.has_changed() or f.cleaned_data.get("DELETE"))
                ],
            )
        except ValidationError as exc:  # a race with a session start since the form was valid
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Saved “{form.cleaned_data['title']}”.")
            return redirect("classrooms:course", course_id=course.public_id)
    return render(
        request, "classrooms/course_form.html", {"form": form, "roster": roster, "course": course}
    )


def course_owned(request: AuthenticatedHttpRequest, course_id: Any) -> Any:
    course = course_for_owner(public_id=course_id, professor=request.user.professor_profile)
    if course is None:
        raise Http404("No such course.")
    return course


@professor_required
def course_detail(request: AuthenticatedHttpRequest, course_id: Any) -> HttpResponse:
    course = course_owned(request, course_id)
    return render(
        request,
        "classrooms/course.html",
        {
            "course": course,
            "start_form": SessionStartForm(course=course),
            "upload_form": MaterialUploadForm(),
            "student_form": StudentForm(),
            "sessions": sessions_for_course(course=course),
            "previews": course_teaching_preview(course_id=course.pk),
        },
    )


@require_POST
@professor_required
def material_upload(request: AuthenticatedHttpRequest, course_id: Any) -> HttpResponse:
    course = course_owned(request, course_id)
    form = MaterialUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            material = services.course_material_add(
                course=course,
                filename=upload.name,
                raw=upload.read(),
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            watching, ignored = material_misconceptions_message(material.text)
            checks, problems = script_message(material.text)
            added = f"Added “{material.title}” ({material.chunks.count()} passages)."
            messages.success(request, " ".join(p for p in (added, watching, checks) if p))
            for warning in (ignored, problems):
                if warning:
                    messages.warning(request, warning)
    else:
        messages.error(request, form_error_text(form))
    return redirect("classrooms:course", course_id=course.public_id)


@require_POST
@professor_required
def material_delete(
    request: AuthenticatedHttpRequest, course_id: Any, material_id: Any
) -> HttpResponse:
    course = course_owned(request, course_id)
    material = CourseMaterial.objects.filter(course=course, public_id=material_id).first()
    if material is None:
        raise Http404("No such material.")
    services.course_material_delete(material=material)
    messages.success(request, "Material removed.")
    return redirect("classrooms:course", course_id=course.public_id)


@require_POST
@professor_required
def student_add(request: AuthenticatedHttpRequest, course_id: Any) -> HttpResponse:
    course = course_owned(request, course_id)
    form = StudentForm(request.POST)
    if form.is_valid():
        services.roster_student_add(course=course, **form.cleaned_data)
        messages.success(request, f"Added {form.cleaned_data['name']}.")
    else:
        messages.error(request, form_error_text(form))
    return redirect("classrooms:course", course_id=course.public_id)
