from __future__ import annotations

from typing import Any

import pytest

from classrooms.models import ClassSession
from classrooms.services import class_session_create
from tests import factories


@pytest.fixture
def course(professor: Any):
    return factories.make_course(professor, students=3, title="STAT 101")


@pytest.fixture
def make_session(professor: Any, course: Any):
    def make(students: int | None = None, **kwargs: Any) -> ClassSession:
        ids = list(course.students.values_list("pk", flat=True))
        if students is not None:
            ids = ids[:students]
        return class_session_create(professor=professor, course=course, student_ids=ids, **kwargs)

    return make


@pytest.fixture
def persona(request: Any) -> Any:
    """Indirect parametrisation by persona fixture name (resolved before any event loop runs)."""
    return request.getfixturevalue(request.param)
