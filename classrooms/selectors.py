from django.db.models import Count, QuerySet

from classrooms.models import Course, ProfessorProfile


def course_list_for_professor(*, professor: ProfessorProfile) -> QuerySet[Course]:
    return Course.objects.filter(professor=professor).annotate(student_count=Count("students"))
