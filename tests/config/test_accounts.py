"""Sign up, log in, log out and reset a password, as a candidate would."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from interviews.models import CandidateProfile
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_signup_creates_candidate_and_lands_on_dashboard(client) -> None:
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "NewBie@Example.com",
            "password1": "a-Strong-passphrase-42",
            "password2": "a-Strong-passphrase-42",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("interviews:dashboard")
    user = User.objects.get(username="newbie")
    assert user.email == "newbie@example.com"
    assert CandidateProfile.objects.filter(user=user).exists()
    assert response.context["user"] == user


def test_signup_shows_clear_errors_and_keeps_input(client, candidate) -> None:
    response = client.post(
        reverse("signup"),
        {"username": "x", "email": candidate.email, "password1": "a", "password2": "b"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "An account with this email already exists." in body
    assert "The two password fields didn" in body
    assert 'value="x"' in body
    assert User.objects.filter(username="x").count() == 0


def test_login_logout(client, candidate) -> None:
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, follow=True
    )
    assert response.context["user"] == candidate
    assert response.redirect_chain[-1][0] == reverse("interviews:dashboard")
    response = client.post(reverse("logout"), follow=True)
    assert not response.context["user"].is_authenticated


def test_wrong_password_is_refused_with_message(client, candidate) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_password_reset_by_email(client, candidate) -> None:
    client.post(reverse("password_reset"), {"email": candidate.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "brand-New-passphrase-7", "new_password2": "brand-New-passphrase-7"},
        follow=True,
    )
    assert "Your password is set" in response.content.decode()
    assert client.login(username="alice", password="brand-New-passphrase-7")


def test_home_routes_each_role(client_for, candidate, professor, staff) -> None:
    assert client_for(candidate).get("/").url == reverse("interviews:dashboard")
    assert client_for(professor.user).get("/").url == reverse("classrooms:dashboard")
    response = client_for(staff).get("/")
    assert response.status_code == 200
    assert reverse("admin:index") in response.content.decode()
    anonymous = client_for(None).get("/")
    assert "Create a free account" in anonymous.content.decode()


def test_professor_pages_refuse_candidates(client_for, candidate) -> None:
    response = client_for(candidate).get(reverse("classrooms:dashboard"))
    assert response.status_code == 403


def test_seed_demo_is_idempotent() -> None:
    from django.core.management import call_command

    from classrooms.models import Course, CourseMaterial, RosterStudent
    from interviews.models import BankQuestion

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert User.objects.filter(username__in=["candidate", "professor", "admin"]).count() == 3
    # Statistics (five students) and a second subject, chemistry (three of them).
    assert Course.objects.count() == 2
    assert RosterStudent.objects.count() == 8
    # Each demo course has material, so the local tutor has passages to teach from.
    for material in CourseMaterial.objects.all():
        assert material.chunks.count() >= 2
    assert BankQuestion.objects.count() >= 40
    competencies = set(BankQuestion.objects.values_list("competency", flat=True))
    assert competencies == {c.value for c in BankQuestion.Competency}
    assert User.objects.get(username="candidate").check_password("mockingbird-demo")


def test_create_professor_command() -> None:
    from django.core.management import call_command

    call_command(
        "create_professor",
        "turing",
        email="t@example.edu",
        name="Dr Turing",
        password="long-enough-pass",
        consent=True,
    )
    profile = User.objects.get(username="turing").professor_profile
    assert profile.display_name == "Dr Turing"
    assert profile.has_consent
