"""Every URL of the site refuses anonymous visitors, except the deliberately public ones."""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# URL names anyone may open. Token-based public pages must 404 for an unknown token.
PUBLIC = {
    "home",
    "about",
    "healthz",
    "signup",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "admin:login",
    "admin:logout",
    "admin:jsi18n",
    "admin:password_reset",
    "classrooms:join",  # the short-code form on the home page (students have no account)
    "interviews:coach_help",  # what the built-in coach is; linked from the shared report
}
# Public only to whoever holds an unguessable token: an unknown token must not be served.
TOKEN_PUBLIC_PREFIXES = (
    "classrooms:room",
    "classrooms:short",
    "interviews:shared",
    "classrooms:zoom",
)

SAMPLE = {"uuid": str(uuid.uuid4()), "int": "1", "str": "abcdefXYZ", "slug": "abc", "path": "a/b"}


def iter_patterns(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns and namespace and entry.namespace:
                ns = f"{namespace}:{entry.namespace}"
            yield from iter_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name, entry


def concrete_path(route: str, pattern: URLPattern) -> str | None:
    converters = getattr(pattern.pattern, "converters", {})
    if route.startswith("^") or "(?P" in route:
        return None  # admin regex routes: covered by the admin's own login check
    path = route
    for key, converter in converters.items():
        kind = type(converter).__name__.replace("Converter", "").lower()
        kind = {"string": "str"}.get(kind, kind)
        path = path.replace(f"<{kind}:{key}>", SAMPLE.get(kind, "abc")).replace(
            f"<{key}>", SAMPLE["str"]
        )
    return "/" + path


def all_routes():
    seen = []
    for route, name, pattern in iter_patterns(get_resolver()):
        path = concrete_path(route, pattern)
        if path is not None:
            seen.append(pytest.param(path, name, id=name or path))
    return seen


@pytest.mark.parametrize(("path", "name"), all_routes())
def test_anonymous_is_refused_except_public(client, path: str, name: str | None) -> None:
    if name in PUBLIC:
        assert client.get(path).status_code < 500
        return
    response = client.get(path)
    if name and name.startswith(TOKEN_PUBLIC_PREFIXES):
        assert response.status_code in (404, 405, 410), f"{path} served an unknown token"
        return
    assert response.status_code in (302, 403, 404, 405), f"{path} answered {response.status_code}"
    if response.status_code == 302:
        assert "/login/" in response["Location"], f"{path} redirected to {response['Location']}"
