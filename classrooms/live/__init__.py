"""The tutor room, live: its responder and policy on the shared voice session
(`avatars.voice.pipeline`) and the WebRTC signalling the professor's join-live relays."""
