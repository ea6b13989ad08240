"""The real Meeting SDK for Linux through the `zoom_meeting_sdk` bindings (optional extra
`zoom-bot`: `pip install '.[zoom-bot]'`; a 118 MB wheel bundling Zoom's proprietary SDK).

Imported lazily: nothing here loads unless MEETING_BOT_SDK names this adapter and a bot process
starts. Every SDK name used here is checked against the installed package by
tests/classrooms/test_zoom_sdk_smoke.py (skipped where the package is not installed). Joining a
real meeting is not tested offline: docs/decisions/0001-zoom-meeting-bot.md lists what the first
real run must confirm. The SDK delivers its callbacks on a GLib main loop (PyGObject, as the
bindings' own sample does), run here in a thread: `SdkEvents` methods are called from that thread,
and our calls into the SDK are handed to it (`GLib.idle_add`), so the SDK only ever runs there.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from classrooms.bots.sdk import JoinRequest, SdkEvents

logger = logging.getLogger(__name__)

CLOSE_SECONDS = 5.0


class ZoomSdkError(RuntimeError):
    pass


class ZoomSdk:
    def __init__(self) -> None:
        import zoom_meeting_sdk as zoom  # the optional extra; ImportError says what is missing

        self.zoom: Any = zoom
        self.events: SdkEvents | None = None
        self.meeting: Any = None
        self.auth: Any = None
        self.mic: Any = None  # the virtual microphone's sender, once initialised
        self.video: Any = None  # the external video source's sender
        self.attendee: Any = None  # the breakout-room helper, once the host assigned us
        self.pending: JoinRequest | None = None
        self.keep: list[Any] = []  # callback objects the SDK holds by pointer: keep them alive
        self.main_loop: Any = None
        self.glib: Any = None
        self.thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self, events: SdkEvents) -> None:
        zoom = self.zoom
        self.events = events
        param = zoom.InitParam()
        param.strWebDomain = "https://zoom.us"
        param.enableLogByDefault = False
        param.enableGenerateDump = False
        if zoom.InitSDK(param) != zoom.SDKError.SDKERR_SUCCESS:
            raise ZoomSdkError("InitSDK failed")
        self.meeting = zoom.CreateMeetingService()
        self.auth = zoom.CreateAuthService()
        self._keep_set(
            self.meeting,
            zoom.MeetingServiceEventCallbacks(onMeetingStatusChangedCallback=self._status),
        )
        self._keep_set(
            self.auth, zoom.AuthServiceEventCallbacks(onAuthenticationReturnCallback=self._authed)
        )
        from gi.repository import GLib  # the SDK's callbacks run on a GLib main loop

        self.glib = GLib
        self.main_loop = GLib.MainLoop()
        self.thread = threading.Thread(target=self.main_loop.run, name="zoom-sdk-glib", daemon=True)
        self.thread.start()

    def _on_sdk_thread(self, call: Any, *args: Any) -> None:
        def once() -> bool:
            try:
                call(*args)
            except Exception:
                logger.exception("Meeting SDK call %s failed", getattr(call, "__name__", call))
            return False  # run once

        self.glib.idle_add(once)

    def _keep_set(self, service: Any, callbacks: Any) -> None:
        self.keep.append(callbacks)
        service.SetEvent(callbacks)

    def join(self, request: JoinRequest) -> None:
        """Authenticate with the JWT; the join itself follows the auth callback."""
        self.pending = request
        context = self.zoom.AuthContext()
        context.jwt_token = request.token
        self._on_sdk_thread(self.auth.SDKAuth, context)

    def _authed(self, result: Any) -> None:
        zoom, events, request = self.zoom, self.events, self.pending
        if events is None or request is None:
            return
        if result != zoom.AuthResult.AUTHRET_SUCCESS:
            events.join_failed(f"Zoom refused the SDK credentials ({result})")
            return
        join = zoom.JoinParam()
        join.userType = zoom.SDKUserType.SDK_UT_WITHOUT_LOGIN
        param = join.param
        param.meetingNumber = int(request.meeting_id)
        param.userName = request.display_name
        param.psw = request.password
        param.onBehalfToken = request.obf_token
        param.isVideoOff = False
        param.isAudioOff = False
        param.isMyVoiceInMix = False
        # Raw audio at our PCM_RATE (the SDK offers 32 or 48 kHz): what the transcriber is told.
        param.eAudioRawdataSamplingRate = zoom.AudioRawdataSamplingRate.AudioRawdataSamplingRate_32K
        if self.meeting.Join(join) != zoom.SDKError.SDKERR_SUCCESS:
            events.join_failed("the SDK refused the join request")

    def _status(self, status: Any, result: int) -> None:
        zoom, events = self.zoom, self.events
        if events is None:
            return
        if status == zoom.MeetingStatus.MEETING_STATUS_INMEETING:
            self._media_setup()
            controller = self.meeting.GetMeetingBOController()
            self._keep_set(
                controller,
                zoom.MeetingBOEventCallbacks(
                    onHasAttendeeRightsNotificationCallback=self._assigned,
                    onLostAttendeeRightsNotificationCallback=events.returned,
                ),
            )
            events.joined()
        elif status == zoom.MeetingStatus.MEETING_STATUS_ENDED:
            events.removed("the meeting ended")
        elif status == zoom.MeetingStatus.MEETING_STATUS_FAILED:
            events.join_failed(f"joining failed (code {result})")

    # --- breakout rooms -----------------------------------------------------------------------

    def _assigned(self, attendee: Any) -> None:
        self.attendee = attendee
        if self.events is not None:
            self.events.assigned(attendee.GetBoName())

    def join_breakout(self) -> None:
        self._on_sdk_thread(self._join_breakout)

    def _join_breakout(self) -> None:
        if self.attendee is None or self.events is None:
            return
        if self.attendee.JoinBo():
            self.events.entered(self.attendee.GetBoName())
        else:
            logger.warning("JoinBo failed; the bot stays in the main session")

    # --- media --------------------------------------------------------------------------------

    def _media_setup(self) -> None:
        zoom, events = self.zoom, self.events
        audio = zoom.GetAudioRawdataHelper()
        # The room's mixed audio (without the bot's own voice: isMyVoiceInMix is off) is one
        # stream for one transcriber; per-speaker streams (onOneWay...) are the next step.
        delegate = zoom.ZoomSDKAudioRawDataDelegateCallbacks(
            onMixedAudioRawDataReceivedCallback=self._mixed
        )
        self.keep.append(delegate)
        audio.subscribe(delegate, False)
        mic = zoom.ZoomSDKVirtualAudioMicEventCallbacks(
            onMicInitializeCallback=self._mic_init,
            onMicStartSendCallback=events.mic_ready if events is not None else None,
        )
        self.keep.append(mic)
        audio.setExternalAudioSource(mic)
        source = zoom.ZoomSDKVideoSourceCallbacks(onInitializeCallback=self._video_init)
        self.keep.append(source)
        zoom.GetRawdataVideoSourceHelper().setExternalVideoSource(source)

    def _mic_init(self, sender: Any) -> None:
        self.mic = sender

    def _video_init(self, sender: Any, capabilities: Any, suggested: Any) -> None:
        self.video = sender

    def _mixed(self, data: Any) -> None:
        if self.events is not None:
            self.events.audio("mixed", bytes(data.GetBuffer()), int(data.GetSampleRate()))

    def send_audio(self, pcm: bytes, rate: int) -> None:
        if self.mic is not None:
            self.mic.send(pcm, rate, self.zoom.ZoomSDKAudioChannel.ZoomSDKAudioChannel_Mono)

    def send_video(self, frame: bytes, width: int, height: int) -> None:
        if self.video is not None:
            self.video.sendVideoFrame(
                frame, width, height, 0, self.zoom.FrameDataFormat.FrameDataFormat_I420_FULL
            )

    # --- the end ------------------------------------------------------------------------------

    def leave(self) -> None:
        if self.meeting is not None:
            self._on_sdk_thread(self.meeting.Leave, self.zoom.LeaveMeetingCmd.LEAVE_MEETING)

    def close(self) -> None:
        """After whatever is queued for the SDK thread (a leave): clean up, stop the loop."""
        if self.main_loop is None:
            self.zoom.CleanUPSDK()
            return
        self._on_sdk_thread(self.zoom.CleanUPSDK)
        self._on_sdk_thread(self.main_loop.quit)
        if self.thread is not None:
            self.thread.join(timeout=CLOSE_SECONDS)


#: Every SDK name this adapter calls (the smoke test checks them against the installed package).
SDK_NAMES = (
    "InitParam",
    "InitSDK",
    "SDKError",
    "CreateMeetingService",
    "CreateAuthService",
    "MeetingServiceEventCallbacks",
    "AuthServiceEventCallbacks",
    "AuthContext",
    "AuthResult",
    "JoinParam",
    "SDKUserType",
    "MeetingStatus",
    "MeetingBOEventCallbacks",
    "IBOAttendee",
    "GetAudioRawdataHelper",
    "ZoomSDKAudioRawDataDelegateCallbacks",
    "ZoomSDKVirtualAudioMicEventCallbacks",
    "ZoomSDKVideoSourceCallbacks",
    "GetRawdataVideoSourceHelper",
    "ZoomSDKAudioChannel",
    "FrameDataFormat",
    "AudioRawdataSamplingRate",
    "LeaveMeetingCmd",
    "CleanUPSDK",
)
