"""Avatar preferences (writes), with quality capped by the staff-set tier."""

from __future__ import annotations

from interviews.models import CandidateProfile

QUALITY_ORDER = ("low", "medium", "high")


# --- Avatar preferences -----------------------------------------------------------------------


def allowed_qualities(profile: CandidateProfile) -> list[str]:
    cap = profile.max_quality if profile.max_quality in QUALITY_ORDER else "medium"
    return list(QUALITY_ORDER[: QUALITY_ORDER.index(cap) + 1])


def preferences_update(
    *,
    profile: CandidateProfile,
    avatar_id: str,
    voice_id: str,
    quality: str,
    speaking_rate: float,
) -> CandidateProfile:
    """Store the avatar preferences; quality is capped by the staff-set tier."""
    allowed = allowed_qualities(profile)
    if quality not in allowed:
        quality = allowed[-1]
    profile.mock_avatar_id = avatar_id[:128]
    profile.mock_voice_id = voice_id[:128]
    profile.mock_avatar_quality = quality
    profile.speaking_rate = max(0.5, min(1.5, float(speaking_rate)))
    profile.save(
        update_fields=["mock_avatar_id", "mock_voice_id", "mock_avatar_quality", "speaking_rate"]
    )
    return profile
