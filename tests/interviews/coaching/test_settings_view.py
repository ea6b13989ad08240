"""Avatar preferences in account settings: catalog from the provider, quality capped by tier."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interviews.models import CandidateProfile

pytestmark = pytest.mark.django_db

URL = reverse("interviews:settings")


def form(**overrides):
    data = {
        "avatar_id": "sage",
        "voice_id": "Google UK English Female",
        "quality": "medium",
        "speaking_rate": "0.85",
    }
    data.update(overrides)
    return data


def test_settings_lists_the_local_avatars_and_caps_quality_by_tier(client_for, candidate):
    html = client_for(candidate).get(URL).content.decode()
    assert "Sage (calm face)" in html
    assert 'value="medium"' in html
    assert 'value="high"' not in html  # default tier is medium
    assert "Voices come from your browser" in html
    assert "Preview" in html


def test_saving_preferences_is_used_by_new_interviews(client_for, candidate):
    response = client_for(candidate).post(URL, form())
    assert response.status_code == 302
    profile = CandidateProfile.objects.get(user=candidate)
    assert profile.mock_avatar_id == "sage"
    assert profile.mock_voice_id == "Google UK English Female"
    assert profile.mock_avatar_quality == "medium"
    assert profile.speaking_rate == pytest.approx(0.85)


def test_quality_above_the_tier_is_refused_until_staff_raise_it(client_for, candidate):
    client = client_for(candidate)
    response = client.post(URL, form(quality="high"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert CandidateProfile.objects.get(user=candidate).mock_avatar_quality == "medium"

    CandidateProfile.objects.filter(user=candidate).update(max_quality="high")
    assert client.post(URL, form(quality="high")).status_code == 302
    assert CandidateProfile.objects.get(user=candidate).mock_avatar_quality == "high"


def test_speaking_rate_is_bounded(client_for, candidate):
    response = client_for(candidate).post(URL, form(speaking_rate="3"))
    assert response.status_code == 200
    assert CandidateProfile.objects.get(user=candidate).speaking_rate == 1.0


def test_settings_need_login(client_for):
    assert client_for(None).get(URL).status_code == 302


def test_vendor_catalog_is_fetched_once_and_cached(client_for, candidate, fake_providers, settings):
    fake_providers.configure(settings, avatar="heygen")
    client = client_for(candidate)
    first = client.get(URL).content.decode()
    calls = fake_providers.state()["requests"]
    client.get(URL)
    assert fake_providers.state()["requests"] == calls  # served from the cache
    assert "Voices come from your browser" not in first
    assert 'name="voice_id"' in first
    # A voice that is not in the vendor's catalog is refused.
    response = client.post(URL, form(avatar_id="", voice_id="not-a-voice"))
    assert response.status_code == 200
    assert "Choose a voice from the list" in response.content.decode()
