"""What an answer to each kind of interview question must contain, as data.

Every question has a competency (the bank's `BankQuestion.Competency` keys) and, when its text
asks for something narrower ("prioritise", "mentored", "hardest bug"), a focus. Both carry
`Criterion`s: the parts a good answer names. The local coach checks them with the cues (regular
expressions over the lower-cased answer); the model coach gets their descriptions in its prompt;
the engine names the missing ones when an answer does not address the question.

Cues are deliberately about *what* the answer talks about (a mistake, the other person, a lesson),
not about wording a candidate must use, and each criterion has several independent ways in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

#: The competency keys of the bank (kept equal to BankQuestion.Competency.values by a test;
#: not imported from the models so prompts and the coach can use this module without Django).
BEHAVIOURAL = "behavioural"
LEADERSHIP = "leadership"
CONFLICT = "conflict"
FAILURE = "failure"
TEAMWORK = "teamwork"
TECHNICAL = "technical_general"


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str  # short, fits in "did not address {label}"
    description: str  # one sentence, for prompts and notes
    cues: tuple[str, ...]  # regexes matched against the lower-cased answer (any one counts)

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compiled(self.cues)


@dataclass(frozen=True)
class Competency:
    key: str
    label: str
    asks: str  # what the question asks for, in one phrase
    criteria: tuple[Criterion, ...]
    question_cues: str  # a regex; each distinct match in a question counts once
    # Without these the question was not answered (default: the first criterion); "a|b" means
    # either of the two will do.
    core: tuple[str, ...] = ()

    @property
    def core_keys(self) -> tuple[str, ...]:
        return self.core or (self.criteria[0].key,)


@dataclass(frozen=True)
class Focus:
    """A narrower ask inside a competency ("prioritise", "mentored"), found in the question."""

    key: str
    competency: str
    asks: str
    criteria: tuple[Criterion, ...]
    question_cues: str
    core: tuple[str, ...] = ()

    @property
    def core_keys(self) -> tuple[str, ...]:
        return self.core or (self.criteria[0].key,)


@cache
def _compiled(cues: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{cue})" for cue in cues))


def _c(key: str, label: str, description: str, *cues: str) -> Criterion:
    return Criterion(key, label, description, cues)


# --- Shared criteria --------------------------------------------------------------------------

_PAST = r"\b(i|we) (\w+ly |then |also |first |finally )?(\w{3,}ed|made|took|wrote|ran|built|met|sat|spoke|told|gave|went|got|chose|sent|set|led|found|brought|caught|kept|put|cut|drew|began|did|paid|won|lost|left|rang|split|broke|stood|saw|thought|held|taught|dug|swapped|shipped)\b"
EXAMPLE = _c(
    "example",
    "a specific example",
    "One real occasion from the candidate's past (when, where, who), not a general description of how they usually work.",
    _PAST,
    r"\b(last|that|one) (year|month|week|quarter|spring|summer|autumn|fall|winter|time)\b",
    r"\b(at|in) my (last|previous|current|first|old|former) \w+",
    r"\bwhen i (was|joined|started)\b",
)
OWN_ACTIONS = _c(
    "own_actions",
    "what you did",
    "The steps the candidate took themselves, in order, in the first person.",
    r"\bi (\w+ly |then |also |first |finally |just )?(\w{3,}ed|made|took|wrote|ran|built|met|sat|spoke|told|gave|went|got|chose|sent|set|led|found|brought|kept|put|cut|began|did|split|broke|drew|rang|swapped|shipped|taught|dug)\b",
)
OUTCOME = _c(
    "outcome",
    "how it turned out",
    "What changed because of it: a result, ideally measured, or a clear end state.",
    r"\b(as a result|in the end|ended up|by the end|afterwards|since then|which meant|that meant|eventually|finally|from then on|turned out|worked out)\b|\b(increased|decreased|reduced|improved|cut|saved|grew|dropped|fell|rose|halved|doubled|shipped|launched|delivered|finished|completed|resolved|fixed|passed|signed|won|hit|met|stopped|stayed|recovered|renewed)\b|\b(went|came) (down|up|from)\b|\bnothing (slipped|broke|was missed|was late)\b|\b(were|was|got) (all )?(done|sorted|out|live|fixed|back)\b|\b(on time|on schedule|on the date|ahead of|under budget|within (a|an|one|two|three|four|five|six|\d+) \w+)\b|\d+ ?(%|percent)",
)
LESSON = _c(
    "lesson",
    "what you learned",
    "What the candidate learned and what they now do differently because of it.",
    r"\b(learned|learnt|lesson|taught me|realised|realized|takeaway)\b|\b(now i|i now|these days i|since then i|i always \w+ now|i never|from then on)\b|\b(differently|changed (how|the way) i|i (started|stopped|make sure|check|ask))\b|\b(if i did it again|next time,? i|looking back|in hindsight|with hindsight|i would have|i'd have)\b",
)


# --- Competencies ----------------------------------------------------------------------------

COMPETENCIES: dict[str, Competency] = {
    c.key: c
    for c in (
        Competency(
            FAILURE,
            "Failure and learning",
            "a time something went wrong, the candidate's part in it, and what they learned",
            (
                _c(
                    "what_went_wrong",
                    "what went wrong",
                    "The failure or mistake itself, named plainly: what went wrong and its cost.",
                    r"\b(fail(ed|ure)?|mistake|went wrong|go wrong|goes wrong|error|wrong|broke|broken|missed|miss|forgot|overlooked|underestimated|overestimated|too late|late|slipped|lost|outage|rollback|rolled back|bug reached|blew up|backfired|did(n't| not) (work|go|land|pay)|fell (apart|through|short)|my fault|blame|regret|embarrass\w*|oversight|should have)\b",
                ),
                _c(
                    "own_part",
                    "your part in it",
                    "The candidate owns their share of the failure instead of blaming others.",
                    r"\b(my (fault|mistake|error|call|decision|responsibility)|i (made|missed|forgot|overlooked|underestimated|assumed|skipped|didn't|did not|should have|had not|hadn't|never|rushed|ignored|took the blame|owned|admitted|apologi[sz]ed|told (my|the) \w+ (straight away|immediately)))\b|\bi\b[^.!?]{0,80}\b(wrong|mistake|missed|forgot|never|didn't|did not|failed|underestimated|overlooked|assumed|trusted|should have|only)\b",
                ),
                LESSON,
            ),
            r"\bfail|\bmistake|went wrong|did not go to plan|didn't go to plan|not go (as|to) plan|\bmissed a deadline|did not pay off|didn't pay off|\bunderestimated|\bregret|\bsetback|feedback that changed|\bwhat did you learn|do differently",
            core=("what_went_wrong", "own_part|lesson"),
        ),
        Competency(
            CONFLICT,
            "Conflict",
            "a disagreement with someone: who, what it was about, and how it was resolved",
            (
                _c(
                    "other_side",
                    "who the other side was",
                    "The other person or group in the disagreement and what they wanted.",
                    r"\b(colleague|coworker|co-worker|manager|boss|lead|director|stakeholder|client|customer|peer|teammate|engineer|designer|developer|analyst|head of \w+|product manager|pm|vp|cto|ceo|founder|another team|the other team|he|she|they|him|her|them)\b",
                ),
                _c(
                    "disagreement",
                    "what the disagreement was",
                    "What the two sides disagreed about, stated concretely.",
                    r"\b(disagree\w*|didn't agree|did not agree|argu\w+|push(ed)? back|object\w*|conflict\w*|tension|tense|clash\w*|friction|dispute|at odds|(he|she|they|who) (wanted|insisted|thought|believed|told me|was not happy|wasn't happy|kept rejecting)|(wanted|insisted on) .{0,60}\bbut\b|i (thought|felt|believed|knew) .{0,80}\b(wrong|mistake|risk|too|not|could not|couldn't)|criticis\w+|critique|(customer|client|user|manager|colleague|he|she|they) (was|were|got|became) (\w+ )?(unhappy|upset|angry|frustrated|annoyed)|different (view|opinion|idea)s?|not convinced|opposed|said no|refused|would not|wouldn't)\b",
                ),
                _c(
                    "resolution",
                    "how it was resolved",
                    "How it ended: the agreement, compromise or decision, and the relationship afterwards.",
                    r"\b(agreed|agreement|compromise\w*|resolved|settled|came round|came around|changed (his|her|their|my) mind|met (in the )?middle|worked it out|we decided|decided together|common ground|middle ground|apologi[sz]ed|relationship|trust|accepted|signed off|went with|in the end|since then|thanked|ended up)\b",
                ),
            ),
            r"\bdisagree|\bconflict|push(ed)? back|difficult feedback|criticism|critici[sz]ed|\bunhappy|\bupset|\bangry|\bcomplain|\btension|\bargument|\bclash|difficult (colleague|person|stakeholder|customer)|conflicting",
            core=("disagreement",),
        ),
        Competency(
            LEADERSHIP,
            "Leadership",
            "a time the candidate led people or a piece of work: what they decided and how the people and the work ended up",
            (
                _c(
                    "what_led",
                    "what you led",
                    "What the candidate took charge of, and the direction or decision they set.",
                    r"\bi (led|lead|took (over|charge|the lead|ownership)|organi[sz]ed|coordinated|set (up|out|the)|decided|proposed|drove|ran|started|stepped (up|in)|volunteered|delegated|assigned|asked \w+ to|mentored|coached|pulled together|made the call|chose|hired|championed|owned)\b|\b(my|the) (decision|plan|proposal|call|vision|direction)\b",
                ),
                _c(
                    "people",
                    "the people involved",
                    "Who was led or influenced (the team, a mentee, other teams) and how they were brought along.",
                    r"\b(team|teams|engineers|developers|people|colleagues|everyone|mentee|junior|reports|volunteers|designers|analysts|squad|group|stakeholders|\w+ of (us|them))\b|\b(he|she|they) (started|began|became|could|was able|were able|now)\b",
                ),
                OUTCOME,
            ),
            r"\blead\b|\bled\b|leadership|\bleader|\bmentor|\bdelegat|unpopular decision|set the direction|\bdirection for|\bownership\b|quality bar|without (formal )?authority|\binfluence",
            core=("what_led", "people"),
        ),
        Competency(
            TEAMWORK,
            "Teamwork",
            "how the candidate worked with others: the team, their own contribution, and what the team achieved",
            (
                _c(
                    "the_team",
                    "the team and your role in it",
                    "Who the candidate worked with and what their own role was.",
                    r"\b(team|teammate|colleague|together|squad|partner|another team|other team|peers|coworkers|designer|engineer|analyst|manager|with (him|her|them))\b",
                ),
                _c(
                    "contribution",
                    "how you helped the team",
                    "What the candidate did for or with the others (helped, paired, shared, covered, aligned), in the first person.",
                    r"\bi (helped|paired|offered|shared|covered|supported|sat (down )?with|showed|taught|explained|asked|listened|set up|organi[sz]ed|took on|picked up|reviewed|wrote|invited|checked in|spent|made sure|introduced|walked)\b",
                ),
                OUTCOME,
            ),
            r"\bteammate|\bteam\b.{0,30}\b(succeed|struggl|success)|\bstruggling\b|\bcollaborat|worked with someone|rely on another team|another team|\bconsensus|shared credit|took blame|team outcome|onboard|earned their trust|your role in",
        ),
        Competency(
            TECHNICAL,
            "Technical (general)",
            "a real technical problem: the system, how the candidate worked it out, and the effect or trade-off",
            (
                _c(
                    "system",
                    "the technical problem",
                    "The system, code, data or tool involved and what was wrong with it or needed from it.",
                    r"\b(bug|system|service|database|db|query|queries|api|endpoint|server|cache|latency|memory|cpu|code|codebase|deploy\w*|pipeline|architecture|schema|index|queue|job|script|model|dataset|data|table|test|tests|library|framework|microservice|monolith|cluster|network|release|build|app|feature|integration|migration|sql|python|java|kubernetes|aws|metric|dashboard|analysis|algorithm|page|load|traffic|request|requests|timeout)\b",
                ),
                _c(
                    "method",
                    "how you worked it out",
                    "How the candidate diagnosed or designed it: what they measured, tried, compared or ruled out.",
                    r"\b(i|we) (\w+ly |then |also |first |finally )?(investigated|profiled|traced|reproduced|measured|logged|added|tested|benchmarked|compared|read|dug|bisected|narrowed|ruled out|checked|looked (at|into)|wrote|built|designed|rewrote|refactored|split|moved|replaced|instrumented|ran|tried|found|noticed|spotted|prototyped|sketched|modell?ed|analy[sz]ed|queried|switched|chose|picked|explained|spent|changed|optimi[sz]ed|cached|indexed|removed|parallel\w+|batched|tuned|upgraded|migrated|fixed|reordered|pulled|lined up|isolated|reviewed)\b|\b(logs?|profil\w+|heap|snapshots?|trac(e|ed|es|ing)|benchmark\w*|root cause|found that|turned out|the cause|bottleneck|hypothes[ie]s|experiment\w*|load test|reproduc\w+|logic analy[sz]er|stack trace)\b",
                ),
                _c(
                    "effect",
                    "the effect or trade-off",
                    "What the fix or design achieved (faster, fewer errors, cheaper) and what was given up for it.",
                    *OUTCOME.cues,
                    r"\b(trade-?off|instead of|at the cost of|gave up|accepted|downside|cheaper|faster|slower|simpler|fewer|no longer|anymore)\b",
                ),
            ),
            r"\bsystem\b|\bdesign(ed)?\b|architecture|\bbug\b|\bdebug|\bperformance|\blatency|\bscale|\bscaling|\btechnical|technology|trade-?offs?|build(ing)? (and|or|vs\.?) buy|\btest(ed|ing)?\b|\bvalidat|\bincident|\bproduction|\boutage|\bmetric|\banalysis\b|\bdataset|\bcode\b|\bapi\b|\bdatabase",
            core=("system", "method"),
        ),
        Competency(
            BEHAVIOURAL,
            "Behavioural",
            "a specific past example: what the candidate did and how it turned out",
            (EXAMPLE, OWN_ACTIONS, OUTCOME),
            "",
        ),
    )
}


# --- Foci: narrower asks inside a competency ---------------------------------------------------

FOCI: tuple[Focus, ...] = (
    Focus(
        "prioritisation",
        BEHAVIOURAL,
        "competing urgent demands, how the candidate chose what came first, and how it ended",
        (
            _c(
                "competing_demands",
                "what was competing for your time",
                "The several demands that clashed, and why each was urgent.",
                r"\b(urgent|deadline|due|at the same time|same (day|week|morning|time)|competing|conflicting|several|three|two|four|both|all of them|everything|requests?|asks?|priorit\w+|fire|escalat\w+|on top of|as well as|meanwhile)\b",
            ),
            _c(
                "how_you_chose",
                "how you decided what came first",
                "The order the candidate chose and the reason (impact, deadline, who was blocked), including what they deferred or said no to.",
                r"\b(first|then|next|after that|finally|second|third|last)\b|\b(prioriti[sz]\w+|ranked|triag\w+|most (urgent|important)|biggest|impact|blocked|blocking|pushed back|deferred|postponed|moved|delayed|said no|asked (him|her|them|my \w+) (to|whether|if)|negotiated|traded|dropped|parked|could wait|wait until|order)\b",
            ),
            OUTCOME,
        ),
        r"\bprioriti|\burgent\b|competing (demands|requests|priorities)",
    ),
    Focus(
        "learning_fast",
        BEHAVIOURAL,
        "something new the candidate had to learn quickly, how they learned it, and what they delivered with it",
        (
            _c(
                "what_was_new",
                "what you had to learn",
                "The skill, tool or domain that was new to the candidate, and the time pressure.",
                r"\b(new to|never (used|worked|done|seen)|had(n't| not) (used|worked|done)|learn\w*|unfamiliar|first time|from scratch|no experience|didn't know)\b",
            ),
            _c(
                "how_you_learned",
                "how you learned it",
                "How the candidate learned: what they read, practised, built or who they asked.",
                r"\bi (read|watched|took|practi[sc]ed|built|asked|paired|shadowed|studied|followed|worked through|spent|set up|tried|copied|wrote)\b",
            ),
            OUTCOME,
        ),
        r"learn (something|a new|new)|learn\w* .{0,20}quickly|\bnew skill",
    ),
    Focus(
        "decision",
        BEHAVIOURAL,
        "a decision made with what was known and unknown, the reasoning, and how it turned out",
        (
            _c(
                "the_decision",
                "the decision you made",
                "The choice itself and the options the candidate weighed.",
                r"\b(decided|decision|chose|choice|went with|opted|call|options?|alternative|instead)\b",
            ),
            _c(
                "what_was_unknown",
                "what you did not know",
                "What information was missing and how the candidate handled the uncertainty.",
                r"\b(didn't know|did not know|had no idea|unknown|unclear|uncertain\w*|no data|without (much |enough |any |full |complete |all the )?(data|knowing|information|details|numbers)|not much information|incomplete|missing|risk\w*|assum\w+|guess|bet|best guess|reversible|couldn't wait|disagreed|forecasts?)\b",
            ),
            OUTCOME,
        ),
        r"\bdecision|incomplete information|\bdecided\b",
    ),
    Focus(
        "process",
        BEHAVIOURAL,
        "a process that worked badly, what the candidate changed, and the effect",
        (
            _c(
                "old_process",
                "how the process worked before",
                "The old way and what it cost (time, errors, frustration).",
                r"\b(process|used to|manual\w*|every (week|day|month|time)|took (\w+ )?(hours|days|weeks)|by hand|spreadsheet|steps|workflow|before)\b",
            ),
            _c(
                "the_change",
                "what you changed",
                "What the candidate changed in the process and how they got others to adopt it.",
                OWN_ACTIONS.cues[0],
            ),
            OUTCOME,
        ),
        r"improved a process|\bprocess\b",
    ),
    Focus(
        "adaptation",
        BEHAVIOURAL,
        "a significant change the candidate faced and how they adapted",
        (
            _c(
                "the_change",
                "what changed",
                "The change that happened (a reorganisation, new priorities, new tools).",
                r"\b(chang\w+|reorg\w*|restructur\w*|new (manager|team|priorities|tool|system|role|owner)|moved|switched|cancel\w+|merged|acquired|pivot\w*|overnight|suddenly|no longer)\b",
            ),
            _c(
                "how_you_adapted",
                "how you adapted",
                "What the candidate did to adjust, in the first person.",
                OWN_ACTIONS.cues[0],
            ),
            OUTCOME,
        ),
        r"\badapt|significant change|\bchange at work",
    ),
    Focus(
        "persuasion",
        BEHAVIOURAL,
        "the evidence the candidate brought and whose mind it changed",
        (
            _c(
                "the_evidence",
                "the data you used",
                "What data or evidence the candidate gathered and showed.",
                r"\b(data|numbers|figures|analysis|chart|dashboard|survey|metrics?|spreadsheet|results|evidence|logs|report|a/b|experiment|\d+ ?%)\b",
            ),
            _c(
                "whose_mind",
                "whose mind changed, and how",
                "Who was persuaded, what they believed before and what they decided after.",
                r"\b(convinced|persuaded|changed (his|her|their) mind|agreed|came round|came around|approved|signed off|decided to|switched|dropped|went with)\b",
            ),
            OUTCOME,
        ),
        r"change (someone's|somebody's|their|his|her) mind|\bpersuad|\bconvince",
    ),
    Focus(
        "mentoring",
        LEADERSHIP,
        "who the candidate mentored, what they did with them, and what changed for that person",
        (
            _c(
                "the_person",
                "who you mentored",
                "The person being mentored and where they started.",
                r"\b(mentee|mentor\w*|coached|junior|intern|graduate|trainee|new (hire|joiner|starter)|newly qualified|apprentice|called \w+|named \w+)\b|\b(he|she) (was|had|joined|came|started)\b",
            ),
            _c(
                "what_you_did",
                "how you mentored them",
                "What the candidate did with them: sessions, feedback, stretch work.",
                OWN_ACTIONS.cues[0],
            ),
            _c(
                "their_change",
                "what changed for them",
                "How the mentee grew: what they can do now, a promotion, their own results.",
                r"\b(he|she|they) (now|started|began|became|could|can|was able|were able|got|led|ran|shipped|presented|was promoted|were promoted|passed|moved|took|was doing|were doing)\b|\b(promoted|promotion|on (his|her|their) own|independent\w*|confiden\w+|doing (much |a lot |far )?better)\b",
            ),
        ),
        r"\bmentor|\bcoach(ed)? (someone|a )",
    ),
    Focus(
        "helping",
        TEAMWORK,
        "a teammate who was struggling, what the candidate did to help, and what changed for them",
        (
            _c(
                "who_struggled",
                "who was struggling and how",
                "The teammate and what they were struggling with.",
                r"\b(struggl\w+|stuck|behind|overwhelmed|overloaded|drowning|falling behind|close to (quitting|leaving|tears)|burn\w* out|new|newest|came back|back from|sick|having a hard time|not coping|out of (his|her|their) depth|backlog|grown|piling up|workload|pressure|losing|late|could not|couldn't|wasn't able|was not able|lost confidence)\b",
            ),
            _c(
                "how_you_helped",
                "how you helped",
                "What the candidate did for them, in the first person.",
                r"\bi (helped|offered|paired|sat (down )?with|showed|taught|covered|took|listened|wrote|checked in|asked|set up|spent|started|made|gave|walked|suggested)\b",
            ),
            _c(
                "their_change",
                "what changed for them",
                "How the teammate was doing afterwards, and what the team got out of it.",
                r"\b(he|she|they) (now|stopped|started|began|became|could|can|was able|were able|got|finished|took|told me|seemed|is|was back)\b",
                *OUTCOME.cues,
            ),
        ),
        r"\bhelp\w* .{0,25}(teammate|colleague|team)|\bstruggl",
    ),
    Focus(
        "other_team",
        TEAMWORK,
        "work that depended on another team: what was needed, how the candidate worked with "
        "them, and how it ended",
        (
            _c(
                "the_other_team",
                "which team you relied on, for what",
                "The other team, department or supplier and what the candidate needed from them.",
                r"\b(another team|other team|other teams|the \w+ team|\w+ team's|department|departments|supplier|vendor|contractor|partner|agency|third party|their (lead|manager|team|queue|priorities|deadline))\b",
            ),
            _c(
                "how_you_worked",
                "how you worked with them",
                "How the candidate agreed the ask, kept in touch and handled delays.",
                r"\bi (asked|agreed|wrote|sent|called|rang|met|chased|followed up|shared|built|planned|held|walked|set up|told|put|found|offered|moved|escalated)\b|\b(we|i) (wrote down|agreed)\b",
            ),
            OUTCOME,
        ),
        r"another team|other team|rely on|depend\w* on",
        core=("the_other_team",),
    ),
)


# --- Look-ups --------------------------------------------------------------------------------


def _question_score(cues: str, text: str) -> int:
    return len({m.group(0) for m in re.finditer(cues, text)}) if cues else 0


def infer_competency(question: str) -> str:
    """The competency a question tests, from its text alone; behavioural when unclear.
    A focus's cues count for its competency; ties go to the more specific competency."""
    text = (question or "").lower()
    best, best_score = BEHAVIOURAL, 0
    for key, competency in COMPETENCIES.items():
        score = _question_score(competency.question_cues, text) + sum(
            _question_score(f.question_cues, text) for f in FOCI if f.competency == key
        )
        if score > best_score:
            best, best_score = key, score
    return best


def resolve_competency(competency: str | None, question: str) -> str:
    """A known competency key as given, else inferred from the question text."""
    key = (competency or "").strip().lower().replace(" ", "_")
    aliases = {"technical": TECHNICAL, "failure_and_learning": FAILURE, "behavioral": BEHAVIOURAL}
    key = aliases.get(key, key)
    return key if key in COMPETENCIES else infer_competency(question)


def focus_for(question: str, competency: str) -> Focus | None:
    """The narrower ask of a question within its competency, if its text names one."""
    text = (question or "").lower()
    scored = [
        (_question_score(f.question_cues, text), index, f)
        for index, f in enumerate(FOCI)
        if f.competency == competency
    ]
    scored = [item for item in scored if item[0] > 0]
    return max(scored, key=lambda item: (item[0], -item[1]))[2] if scored else None


def criteria_for(question: str, competency: str | None = None) -> tuple[Criterion, ...]:
    """What an answer to this question must contain: the focus's criteria when the question
    names a narrower ask, else the competency's."""
    key = resolve_competency(competency, question)
    focus = focus_for(question, key)
    return focus.criteria if focus else COMPETENCIES[key].criteria


def asks_for(question: str, competency: str | None = None) -> str:
    key = resolve_competency(competency, question)
    focus = focus_for(question, key)
    return focus.asks if focus else COMPETENCIES[key].asks


def criteria_prompt(question: str, competency: str | None = None) -> str:
    """The criteria as plain text for a model prompt."""
    lines = [f"This question asks for {asks_for(question, competency)}. A full answer names:"]
    lines += [f"- {c.label}: {c.description}" for c in criteria_for(question, competency)]
    return "\n".join(lines)


def criteria_met(text: str, criteria: tuple[Criterion, ...]) -> dict[str, bool]:
    """Which criteria the text touches (cue evidence only, so: a lower bound on presence)."""
    lower = (text or "").lower().replace("\u2019", "'")
    return {c.key: bool(c.pattern.search(lower)) for c in criteria}


def missing_criteria(text: str, question: str, competency: str | None = None) -> list[Criterion]:
    """The criteria of the question that the answer shows no sign of."""
    criteria = criteria_for(question, competency)
    met = criteria_met(text, criteria)
    return [c for c in criteria if not met[c.key]]
