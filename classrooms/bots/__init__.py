"""Meeting bots: a tutor seat in each Zoom breakout room, as a transport into the room's voice
pipeline (docs/decisions/0001-zoom-meeting-bot.md). `sdk` is the surface of the Meeting SDK our
code calls, `zoom_sdk` the real one (optional extra `zoom-bot`), `bot` one bot's process,
`runner` what `manage.py run_meeting_bots` runs."""
