"""The curated question bank: (text, competency, role tags, interview type). Written for Mockingbird."""

ANY: list[str] = []
ENG = ["engineering"]
PM = ["product"]
MGR = ["management"]
DATA = ["data"]
B = "behavioural"
T = "technical"

QUESTIONS: list[tuple[str, str, list[str], str]] = [
    # behavioural
    (
        "Tell me about a time you had to learn something new quickly to deliver a piece of work.",
        "behavioural",
        ANY,
        B,
    ),
    ("Describe a situation where you went beyond what was asked of you.", "behavioural", ANY, B),
    (
        "Tell me about a decision you made with incomplete information. How did it turn out?",
        "behavioural",
        ANY,
        B,
    ),
    (
        "Describe a time you had to prioritise between several urgent requests.",
        "behavioural",
        ANY,
        B,
    ),
    (
        "Tell me about a time you improved a process that others took for granted.",
        "behavioural",
        ANY,
        B,
    ),
    (
        "Give an example of a goal you set for yourself and how you reached it.",
        "behavioural",
        ANY,
        B,
    ),
    (
        "Tell me about a time you had to adapt to a significant change at work.",
        "behavioural",
        ANY,
        B,
    ),
    ("Describe a time you used data to change someone's mind.", "behavioural", DATA + PM, B),
    # leadership
    ("Tell me about a time you led a project without formal authority.", "leadership", ANY, B),
    (
        "Describe a time you had to make an unpopular decision. How did you handle it?",
        "leadership",
        MGR,
        B,
    ),
    ("Tell me about someone you mentored and what changed for them.", "leadership", ANY, B),
    (
        "Describe a time you set the direction for a team facing ambiguity.",
        "leadership",
        MGR + PM,
        B,
    ),
    (
        "Tell me about a time you delegated something important. How did you follow up?",
        "leadership",
        MGR,
        B,
    ),
    ("Give an example of how you raised the quality bar on your team.", "leadership", ENG, B),
    (
        "Tell me about a time you took ownership of a problem outside your area.",
        "leadership",
        ANY,
        B,
    ),
    # conflict
    ("Tell me about a disagreement with a colleague and how you resolved it.", "conflict", ANY, B),
    ("Describe a time you pushed back on a manager or stakeholder.", "conflict", ANY, B),
    ("Tell me about a time you had to deliver difficult feedback.", "conflict", MGR, B),
    ("Describe a time two teams wanted conflicting things from you.", "conflict", PM, B),
    (
        "Tell me about a time you received criticism you did not agree with at first.",
        "conflict",
        ANY,
        B,
    ),
    (
        "Describe a situation where a customer or user was unhappy. What did you do?",
        "conflict",
        ANY,
        B,
    ),
    ("Tell me about a time you disagreed with a technical decision.", "conflict", ENG, B),
    # failure
    ("Tell me about a time you failed. What did you learn?", "failure", ANY, B),
    (
        "Describe a project that did not go to plan and what you would do differently.",
        "failure",
        ANY,
        B,
    ),
    (
        "Tell me about a mistake that reached customers and how you handled it.",
        "failure",
        ENG + PM,
        B,
    ),
    ("Describe a time you missed a deadline. What happened next?", "failure", ANY, B),
    ("Tell me about a risk you took that did not pay off.", "failure", ANY, B),
    ("Describe a time you underestimated the effort something would take.", "failure", ENG, B),
    ("Tell me about feedback that changed how you work.", "failure", ANY, B),
    # teamwork
    ("Tell me about a time you helped a struggling teammate.", "teamwork", ANY, B),
    ("Describe your role in the most successful team you have been part of.", "teamwork", ANY, B),
    ("Tell me about a time you worked with someone very different from you.", "teamwork", ANY, B),
    ("Describe a time you had to rely on another team to deliver your work.", "teamwork", ANY, B),
    (
        "Tell me about a time you shared credit or took blame for a team outcome.",
        "teamwork",
        ANY,
        B,
    ),
    ("Describe how you onboarded into a new team and earned their trust.", "teamwork", ANY, B),
    ("Tell me about a time you built consensus across a remote team.", "teamwork", ANY, B),
    # technical (general)
    (
        "Walk me through a system you designed. What trade-offs did you make?",
        "technical_general",
        ENG,
        T,
    ),
    ("Tell me about the hardest bug you have tracked down.", "technical_general", ENG, T),
    (
        "Describe a time you improved the performance of something measurably.",
        "technical_general",
        ENG + DATA,
        T,
    ),
    (
        "How did you decide between building and buying a tool? Give an example.",
        "technical_general",
        ENG + PM,
        T,
    ),
    (
        "Tell me about a time you paid down technical debt. How did you justify it?",
        "technical_general",
        ENG,
        T,
    ),
    (
        "Describe how you tested or validated a critical piece of work.",
        "technical_general",
        ENG + DATA,
        T,
    ),
    ("Tell me about an analysis whose result surprised you.", "technical_general", DATA, T),
    (
        "Explain a complex technical topic you once had to teach to a non-expert.",
        "technical_general",
        ANY,
        T,
    ),
    (
        "Describe an incident you handled in production from detection to follow-up.",
        "technical_general",
        ENG,
        T,
    ),
    (
        "Tell me about a metric you defined and how it changed decisions.",
        "technical_general",
        PM + DATA,
        T,
    ),
]
