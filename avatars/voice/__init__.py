"""The voice engine shared by every live conversation (interview, tutor room)."""
