"""Interview reads, one module per page or entity; views and tests import them from here."""

from interviews.selectors.interviews import (
    interview_for_owner,
    interview_live_snapshot,
    interview_with_questions,
    interviews_for_dashboard,
)
from interviews.selectors.live import (
    attempt_dict,
    avatar_options,
    build_state,
    current_avatar_session,
    follow_up_context,
    follow_ups_left,
    load_interview,
)
from interviews.selectors.progress import (
    Progress,
    progress_for_user,
)
from interviews.selectors.reports import (
    COMPETENCY_LABELS,
    DIMENSION_TIPS,
    AttemptRow,
    PlanItem,
    QuestionReport,
    SessionReport,
    Story_,
    competency_label,
    session_report,
)
from interviews.selectors.shares import (
    active_share,
    interview_for_share,
)
from interviews.selectors.stories import (
    saved_story_attempt_ids,
    stories_for_owner,
    story_for_owner,
)

__all__ = [
    "COMPETENCY_LABELS",
    "DIMENSION_TIPS",
    "AttemptRow",
    "PlanItem",
    "Progress",
    "QuestionReport",
    "SessionReport",
    "Story_",
    "active_share",
    "attempt_dict",
    "avatar_options",
    "build_state",
    "competency_label",
    "current_avatar_session",
    "follow_up_context",
    "follow_ups_left",
    "interview_for_owner",
    "interview_for_share",
    "interview_live_snapshot",
    "interview_with_questions",
    "interviews_for_dashboard",
    "load_interview",
    "progress_for_user",
    "saved_story_attempt_ids",
    "session_report",
    "stories_for_owner",
    "story_for_owner",
]
