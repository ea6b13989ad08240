"""Cues for the four STAR parts, weighted. A sentence's score for a part is the sum of the weights
of the cues it matches (plus a position bonus in analysis). Narrative counts as much as
signposts: "went from 2.4 s to 620 ms" and "nothing slipped" are results without "as a result",
"last March, on the Monday of quarter-end" is a situation without "the situation was"."""

from __future__ import annotations

import re

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_PLACES = (
    "company|firm|agency|startup|school|shop|store|clinic|hospital|charity|bank|studio|"
    "restaurant|bakery|warehouse|ward|centre|center|nonprofit|airport|lab|council|university|"
    "call centre|consultancy|retailer|grocer|fintech|chain|factory|kitchen|practice|office"
)
_NUM = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|several|\d+)"


def _cues(*pairs: tuple[str, float]) -> tuple[tuple[re.Pattern[str], float], ...]:
    return tuple((re.compile(pattern), weight) for pattern, weight in pairs)


SITUATION = _cues(
    (
        r"\b(at|in) my (last|previous|current|first|old|former|second) (job|role|company|team|"
        r"position|internship|employer|school|university|workplace)\b",
        2.5,
    ),
    (r"\bwhen i (was|joined|started|moved|worked|took over)\b", 2.0),
    (r"\bin my (role|job|position|time|first year|second year) (as|at|in|on)\b", 2.5),
    (r"\b(in|during) my (first|second|third|last|final) (year|month|week|term|job|role)\b", 2.0),
    (r"\bwhile (i was )?working\b", 2.0),
    (r"\bi (was )?work(ed|ing) (at|as|on|for|in)\b", 2.0),
    (r"\bi was (a|an|the) \w+", 1.5),
    (rf"\b{_NUM} (years?|months?|weeks?) ago\b", 2.0),
    (
        rf"\b(last|that|one|this) (year|quarter|summer|spring|autumn|fall|winter|term|{_MONTHS})\b",
        1.5,
    ),
    (rf"\bon (a|the|one) (busy |quiet |late )?({_DAYS}|morning|night|evening|weekend)\b", 1.0),
    (rf"\b(at|in|for) (a|an|the|our|my) ([\w-]+ ){{0,3}}({_PLACES})\b", 1.5),
    (r"\bback in\b|\bat the time\b|\bin (19|20)\d\d\b", 1.5),
    (r"\b(situation|context|background)\b", 1.5),
    (
        r"\b(was|were) (facing|struggling|dealing|experiencing|losing|missing|behind|failing|"
        r"growing|about to|falling behind|stuck|drowning|complaining|timing out)\b",
        1.5,
    ),
    (r"\bkept (failing|crashing|timing out|breaking|slipping|rejecting)\b", 1.5),
    (r"\b(there was|there were|we had|we were|the team was|our team)\b", 1.0),
    (r"\b(deadline|was due|were due|at stake|in time for|before the)\b", 0.5),
    (r"\b(the )?problem was\b", 1.0),
)
TASK = _cues(
    (r"\bmy (task|job|goal|responsibility|role|mission|assignment|brief|aim) was\b", 3.0),
    (r"\bi was (asked|responsible|tasked|assigned|expected|supposed|hired|brought in)\b", 3.0),
    (r"\b(responsible for|in charge of|accountable for)\b", 2.0),
    (r"\bmy (task|job|goal|responsibility|mission|aim)\b", 1.5),
    (r"\bi (owned|was the owner of|looked after)\b", 2.0),
    (r"\b(the )?(goal|objective|aim|target|deadline|challenge|ask|plan) was\b", 2.5),
    (r"\bi (needed|had|wanted) to\b", 1.5),
    (r"\bwe (needed|had|wanted) to\b", 1.0),
    (r"\bi (promised|agreed to|offered to|volunteered to|decided to)\b", 1.0),
    (r"\bi had (\w+ )?(hours|days|weeks|months) to\b", 2.0),
    (r"\b(had|needed) to (decide|choose|get|make|finish|deliver|fix|find|be)\b", 0.5),
    (r"\b(make sure|so that|in order to)\b", 0.5),
)
ACTION = _cues(
    (r"\b(so|then|first|next|after that|afterwards|finally|second|third),? i\b", 1.5),
    (r"\bmy (approach|plan|first step|solution) was\b", 2.5),
    (r"\bi (would|will|usually|always|normally|try to|tend to)\b", -1.0),
)
RESULT = _cues(
    (r"\bas a result\b", 3.0),
    (r"\b(result|results|resulted|outcome|impact)\b", 1.5),
    (
        r"\b(increased|decreased|reduced|improved|cut|saved|grew|raised|lowered|boosted|doubled|"
        r"tripled|halved|dropped|shortened|sped up|went up|went down|fell|rose|came down)\b",
        2.0,
    ),
    (
        r"\b(in the end|ended up|which meant|that meant|this meant|since then|by the end|"
        rf"within {_NUM} (days?|weeks?|months?))\b",
        1.5,
    ),
    (r"\b(went|was|were|is|are|came|got) (down|up) (to|by|from)\b", 2.0),
    (r"\b(got|brought|cut|pushed|took) (\w+ ){1,4}(down|up) (to|by|from)\b", 2.0),
    (r"\bfrom (about |around )?\S*\d\S* (\w+ )?to \S*\d", 2.0),
    (r"\bwent from\b.{1,50}\bto\b", 2.5),
    (r"\bnothing (slipped|broke|was missed|was late|fell through)\b", 3.0),
    (r"\b(was|were|got) (all )?(done|finished|sorted|fixed|live|approved|filed|signed off)\b", 2.0),
    (r"\b(went|was|were) live\b|\bon the (agreed|planned|original|same|promised) date\b", 2.0),
    (r"\bon (the|her|his|their|our) date\b|\bshipped on\b|\bopened at\b", 1.5),
    (
        r"\b(got|became|was|were|felt) (\w+ )?(better|faster|quicker|easier|calmer|smoother|"
        r"more positive|more confident)\b",
        1.5,
    ),
    (r"\b(stopped|resolved|solved|disappeared|went away|to zero|went to zero)\b", 1.5),
    (r"\b(got through|back to normal|went back to|back on track|caught up)\b", 1.5),
    (r"\b(doing|getting|got|went|worked) (much |a lot |far |so |really )?(better|well)\b", 1.5),
    (r"\b(renewed|promoted|adopted|kept the contract|sold out|approved|passed|thanked)\b", 1.5),
    (r"\b(has|have|haven't|hasn't) (not |never )?(had|lost|missed|been)\b.{0,30}\bsince\b", 2.0),
    (r"\bno longer\b|\bnever .{0,25} again\b|\bsince then\b|\bever since\b", 1.5),
    (r"\b(now|still) (uses?|runs?|mentors|leads|owns|does|is|are|goes|go|use|asks)\b", 1.5),
    (r"\b(he|she|they) now\b|\bis now\b|\bare now\b", 1.5),
    (r"\beventually\b|\bafterwards\b|\bafter that\b", 0.5),
    (
        r"\b(launched|shipped|delivered|released|completed|finished|won|closed|signed|hit|"
        r"exceeded|beat|recogni[sz]ed|praised)\b",
        1.5,
    ),
    (r"\b(on time|ahead of schedule|under budget|on budget|a day early|days early|early)\b", 1.5),
    (r"\b(i|we) (learned|learnt|realised|realized)\b", 1.5),
    (
        r"\b(lesson|takeaway|looking back|now i|today i|i now|these days i|since then i|"
        r"next time i|if i did it again|would do differently|i'd do differently)\b",
        1.5,
    ),
)
