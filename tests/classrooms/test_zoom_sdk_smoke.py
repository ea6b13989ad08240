"""Where the real Meeting SDK package is installed (the optional extra `zoom-bot`, not in CI: a
118 MB wheel), it loads and initialises with no network, and every SDK name our adapter calls
exists in it. Skipped, with the reason, where it is not installed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from classrooms.bots.zoom_sdk import SDK_NAMES

zoom = pytest.importorskip("zoom_meeting_sdk", reason="the zoom-bot extra is not installed")

INIT = """
import zoom_meeting_sdk as zoom
param = zoom.InitParam()
param.strWebDomain = "https://zoom.us"
param.enableLogByDefault = False
param.enableGenerateDump = False
assert zoom.InitSDK(param) == zoom.SDKError.SDKERR_SUCCESS
assert zoom.CreateMeetingService() is not None
assert zoom.CreateAuthService() is not None
print("initialised")
"""


def test_every_sdk_name_the_adapter_calls_exists() -> None:
    assert [name for name in SDK_NAMES if not hasattr(zoom, name)] == []
    assert hasattr(zoom.IBOAttendee, "JoinBo")
    assert hasattr(zoom.IBOAttendee, "GetBoName")
    assert hasattr(zoom.AudioRawData, "GetSampleRate")
    assert hasattr(zoom.IZoomSDKAudioRawDataSender, "send")
    assert hasattr(zoom.IZoomSDKVideoSender, "sendVideoFrame")
    assert hasattr(zoom.FrameDataFormat, "FrameDataFormat_I420_FULL")
    assert hasattr(zoom.SDKUserType, "SDK_UT_WITHOUT_LOGIN")
    param = zoom.JoinParam().param
    for field in ("meetingNumber", "userName", "psw", "onBehalfToken", "isVideoOff"):
        assert hasattr(param, field)


def test_the_sdk_initialises_without_a_network() -> None:
    # Its own process: the SDK keeps global state and threads for the life of the process.
    done = subprocess.run(
        [sys.executable, "-c", INIT], capture_output=True, text=True, timeout=60, check=False
    )
    assert "initialised" in done.stdout, done.stderr[-2000:]
