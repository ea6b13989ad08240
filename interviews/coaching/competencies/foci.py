"""Foci: narrower asks inside a competency ("prioritise", "mentored"), found in a question's
text, each with its own criteria."""

from __future__ import annotations

from interviews.coaching.competencies.criteria import (
    BEHAVIOURAL,
    LEADERSHIP,
    OUTCOME,
    OWN_ACTIONS,
    TEAMWORK,
    Focus,
    _c,
)

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
                r"\b(same (\w+ )?(day|week|morning|afternoon|evening|hour|half hour|time|moment|night|shift)|at once|all at once|at the same time|in the same|landed|piled up|came in|turned up|clashed|collided|overlapp\w+|simultaneous\w*|back to back|too many|more than (i|we) could|not enough (time|people|hands)|short[- ]staffed|deadlines?)\b",
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
                r"\b(never (\w+ )?(used|worked|done|seen|touched|heard)|knew nothing|had no (idea|experience|background)|new (tool|language|system|field|area|domain|skill|role|to me)|didn't know|did not know|not my (area|field|background)|outside my|beginner|crash course|up to speed|ramp\w* up)\b",
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
                r"\b(always been done|the way it had always|nobody (questioned|thought|asked)|took for granted|assumed|had always|every (afternoon|morning|release|month|quarter|time)|(by|on) paper|paper forms?|phoned|signatures|approvals?|copy and paste|copied|emailed|printed)\b",
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
        core=("who_struggled", "how_you_helped"),
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
