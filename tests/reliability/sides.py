"""Both live conversations behind one test-facing interface, so a fault matrix runs against the
interview and the tutor room with the same assertions: what the user sees (error frames, their
words shown back), what is saved (the answer's transcript, the room's student lines)."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async

from classrooms import services as classes
from classrooms.models import BreakoutRoom, ClassSession, RoomTranscriptLine
from interviews.models import Attempt, MockInterview
from tests import factories
from tests.interviews.conftest import Driver, create_interview

CONVERSATIONS = ("interview", "room")


class InterviewSide:
    """The candidate answering a question."""

    kind = "interview"
    persona = "candidate (interview answer)"
    shows_each_final = True  # every final caption is shown (once saved)

    def __init__(self, driver: Any, candidate: Any) -> None:
        self.make_driver = driver
        self.candidate = candidate
        self.d: Driver

    async def open(self, *, listen: bool = True) -> None:
        """Connect (the avatar ready); with `listen`, the question is asked and answering."""
        self.interview = await sync_to_async(create_interview)(self.candidate, count=1)
        self.d = await self.make_driver(self.interview, self.candidate)
        await self.d.start()
        if listen:
            await self.d.send({"type": "question.next"})
            await self.d.ask_and_listen()

    async def start_talking(self) -> None:
        """The first audio chunk opens the stream."""

    async def audio(self, chunk: bytes) -> None:
        await self.d.comm.send_to(bytes_data=chunk)

    async def heard(self, exclude: list[str] | tuple[str, ...] = ()) -> str:
        """The next of the user's own spoken words shown back to them (saved first)."""
        message = await self.d.until(
            "caption",
            lambda m: m["final"] and m.get("source") != "typed" and m["text"] not in exclude,
        )
        return message["text"]

    async def error(self, code: str) -> dict[str, Any]:
        earlier = [m for m in self.d.seen if m["type"] == "error" and m["code"] == code]
        return earlier[0] if earlier else await self.d.error(code)

    async def type(self, text: str) -> None:
        await self.d.send({"type": "answer.text", "text": text})
        await self.d.until("caption", lambda m: m["final"] and m["source"] == "typed")

    async def prompt(self) -> dict[str, Any]:
        """Make the avatar speak (the question); returns the speak frame the page got."""
        await self.d.send({"type": "question.next"})
        return await self.d.until("avatar.speak")

    async def talk_over(self) -> None:
        """The user starts talking while the avatar speaks."""
        await self.d.send({"type": "answer.start"})
        await self.d.state("listening")

    async def end(self) -> None:
        """End the conversation the way its user does; the avatar is stopped."""
        await self.d.send({"type": "interview.end"})
        await self.d.state("completed")
        await self.d.close()

    async def saved_text(self) -> str:
        """Finish and return what was saved of the user's words."""
        await self.d.send({"type": "answer.finish", "duration": 30})
        result = await self.d.until("feedback.final")
        await self.d.close()
        return result["attempt"]["transcript"]

    #: Model calls before the streamed reply (the coach's verdict comes first).
    model_calls_before_reply = 1

    async def model_reply(self, text: str) -> list[str]:
        """The user says `text`; returns what the avatar said in the streamed model reply
        (the follow-up question), each sentence acknowledged as spoken."""
        await self.d.answer(text)
        await self.d.until("followup")
        spoken = [m for m in self.d.seen if m["type"] == "avatar.speak"][1:]  # not the question
        for speak in spoken:
            await self.d.send({"type": "avatar.speak_ended", "task_id": speak["task_id"]})
        await self.d.state("listening")
        return [m["text"] for m in spoken]

    async def saved_words(self) -> str:
        """What is saved of the user's words so far (the first answer's transcript)."""
        attempt = await Attempt.objects.filter(
            question__interview=self.interview, kind=Attempt.Kind.ANSWER
        ).afirst()
        await self.d.close()
        return attempt.transcript if attempt else ""


class RoomSide:
    """A student talking to the room's tutor."""

    kind = "room"
    persona = "student (breakout room)"
    shows_each_final = False  # the student's line is shown when the utterance ends

    def __init__(self, ws_connect: Any, professor: Any) -> None:
        self.ws_connect = ws_connect
        self.professor = professor
        self.seen: list[dict[str, Any]] = []

    async def open(self, *, listen: bool = True) -> None:
        """Connect and hear the greeting (the room always listens)."""
        self.room = await sync_to_async(_room)(self.professor)
        session = await ClassSession.objects.aget(pk=self.room.session_id)
        await classes.class_session_launch(session=session)
        self.comm, connected, code = await self.ws_connect(f"/ws/rooms/{self.room.join_token}/")
        assert connected, code
        await self.until("tutor.say")  # the greeting

    async def until(self, kind: str, pred: Any = None, limit: int = 200) -> dict[str, Any]:
        for _ in range(limit):
            message = await self.comm.receive_json_from(timeout=10)
            self.seen.append(message)
            if message["type"] == kind and (pred is None or pred(message)):
                return message
        raise AssertionError(f"no {kind} message; saw {[m['type'] for m in self.seen]}")

    async def start_talking(self) -> None:
        await self.comm.send_json_to({"type": "audio.start"})

    async def audio(self, chunk: bytes) -> None:
        await self.comm.send_to(bytes_data=chunk)

    async def heard(self, exclude: list[str] | tuple[str, ...] = ()) -> str:
        message = await self.until(
            "transcript.line",
            lambda m: (
                m["line"]["speaker"] == "student"
                and m["line"]["source"] == "voice"
                and m["line"]["text"] not in exclude
            ),
        )
        return message["line"]["text"]

    async def error(self, code: str) -> dict[str, Any]:
        earlier = [m for m in self.seen if m["type"] == "error" and m["code"] == code]
        return earlier[0] if earlier else await self.until("error", lambda m: m["code"] == code)

    async def type(self, text: str) -> None:
        await self.comm.send_json_to({"type": "turn.text", "text": text})
        await self.until("transcript.line", lambda m: m["line"]["source"] == "typed")

    async def prompt(self) -> dict[str, Any]:
        await self.comm.send_json_to({"type": "turn.text", "text": "What is a p-value?"})
        return await self.until("tutor.say")

    async def talk_over(self) -> None:
        await self.comm.send_json_to({"type": "turn.caption", "text": "hang on", "final": False})
        await self.until("tutor.interrupt")

    async def end(self) -> None:
        await self.comm.disconnect()
        session = await ClassSession.objects.aget(pk=self.room.session_id)
        await classes.class_session_end(session=session)

    async def saved_text(self) -> str:
        await self.comm.disconnect()
        lines = RoomTranscriptLine.objects.filter(room=self.room, speaker="student")
        return " ".join([line.text async for line in lines.order_by("created_at", "id")])

    model_calls_before_reply = 0

    async def model_reply(self, text: str) -> list[str]:
        """The student says `text`; returns what the tutor said until it finished its turn
        (its reply, or the apology that stands in for one)."""
        start = len(self.seen)
        await self.comm.send_json_to({"type": "turn.text", "text": text})
        said: list[str] = []
        while True:
            message = await self.until("tutor.say")
            said.append(message["text"])
            await self.comm.send_json_to(
                {"type": "avatar.speak_ended", "task_id": message["task_id"]}
            )
            if "Sorry" in message["text"] or message["text"].endswith("Try one example."):
                break
        assert not [m for m in self.seen[start:] if m["type"] == "error" and m.get("fatal")]
        return said

    async def saved_words(self) -> str:
        return await self.saved_text()


def _room(professor: Any) -> BreakoutRoom:
    course = factories.make_course(professor, students=1, title="Statistics")
    session = classes.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
    )
    return BreakoutRoom.objects.get(session=session)


def make_side(kind: str, *, driver: Any, candidate: Any, ws_connect: Any, professor: Any) -> Any:
    return (
        InterviewSide(driver, candidate) if kind == "interview" else RoomSide(ws_connect, professor)
    )


__all__ = ["CONVERSATIONS", "InterviewSide", "MockInterview", "RoomSide", "make_side"]
