"""The tutor room, live: the student's conversation on the shared voice engine
(`avatars.voice`) and the WebRTC signalling the professor's join-live relays over the socket."""
