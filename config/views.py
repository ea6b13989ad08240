"""Site-wide pages: home, sign-up and the health check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from config.forms import SignUpForm
from config.roles import is_professor
from interviews.services import candidate_profile_ensure


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Says what the product does, and routes each role to its place."""
    user = request.user
    if user.is_authenticated and request.GET.get("stay") != "1":
        if is_professor(user):
            return redirect("classrooms:dashboard")
        if not user.is_staff:
            return redirect("interviews:dashboard")
    return render(request, "home.html")


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    """What the product is, who it is for, and what happens to what people say."""
    return render(request, "about.html")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        candidate_profile_ensure(user=user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to Mockingbird. Start your first mock interview below.")
        return redirect("interviews:dashboard")
    return render(request, "registration/signup.html", {"form": form})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
