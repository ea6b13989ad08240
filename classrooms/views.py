from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from classrooms.selectors import course_list_for_professor
from config.roles import professor_required


@professor_required
def dashboard(request: HttpRequest) -> HttpResponse:
    courses = course_list_for_professor(professor=request.user.professor_profile)
    return render(request, "classrooms/dashboard.html", {"courses": courses})
