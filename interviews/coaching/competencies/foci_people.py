"""Foci for the bank's questions about difficult moments with people: giving and receiving hard
feedback, unhappy customers, two sides wanting different things, unpopular decisions and
delegation. Each names what the question itself asks for, beyond the competency's criteria."""

from __future__ import annotations

from interviews.coaching.competencies.criteria import (
    CONFLICT,
    LEADERSHIP,
    OUTCOME,
    OWN_ACTIONS,
    Focus,
    _c,
)

_PEOPLE = (
    r"\b(he|she|they|him|her|them|colleague|report|teammate|manager|boss|lead|volunteer|"
    r"engineer|analyst|designer|cook|chef|nurse|teacher|called \w+|named \w+)\b"
)
_CHANGE_IN_THEM = (
    r"\b(he|she|they) (now|stopped|started|began|became|improved|changed|went on|was able|were "
    r"able|has not|hasn't|have not|haven't|missed no|never|thanked|told me)\b|\b(since then|"
    r"after that|from then on|the next (day|week|night|month|quarter)|over the next)\b"
)

PEOPLE_FOCI: tuple[Focus, ...] = (
    Focus(
        "giving_feedback",
        CONFLICT,
        "the hard thing the candidate had to tell someone, how they said it, and what changed",
        (
            _c(
                "the_issue",
                "who it was for and what the problem was",
                "The person and the specific behaviour or result the feedback was about.",
                _PEOPLE,
            ),
            _c(
                "how_you_said_it",
                "how you gave the feedback",
                "When, where and how the candidate said it, with the facts they used.",
                r"\bi (\w+ly )?(told|said|explained|showed|gave|raised|pointed out|shared|asked|"
                r"booked|took (him|her|them) aside|sat (down )?with|had a word|opened with|"
                r"called|met)\b|\b(feedback|difficult conversation|hard conversation|in private|"
                r"privately|one to one|one-to-one|face to face)\b",
            ),
            _c(
                "what_changed",
                "what changed afterwards",
                "How the person responded and what was different after the conversation.",
                _CHANGE_IN_THEM,
                *OUTCOME.cues,
            ),
        ),
        r"difficult feedback|deliver\w* (\w+ )?feedback|giv\w* (\w+ )?feedback|tough feedback|"
        r"hard conversation|difficult conversation",
        core=("how_you_said_it",),
    ),
    Focus(
        "receiving_criticism",
        CONFLICT,
        "criticism the candidate was given, why they disagreed at first, and what they did with it",
        (
            _c(
                "the_criticism",
                "what you were told",
                "Who criticised the candidate and what they said, concretely.",
                r"\b(told me|said (that )?(i|my)|criticis\w+|critique|feedback|pointed out|"
                r"complained that (i|my)|commented|comment|review|was told|i was too|my \w+ "
                r"(was|were) too)\b",
            ),
            _c(
                "first_reaction",
                "why you disagreed at first",
                "What the candidate thought at first and why it felt wrong to them.",
                r"\b(didn't agree|did not agree|disagreed|at first|thought|felt|believed|"
                r"defensive|not convinced|surprised|annoyed|stung|unfair|wrong)\b",
            ),
            _c(
                "what_you_did",
                "what you did with it",
                "How the candidate checked the criticism, what they changed, and the result.",
                OWN_ACTIONS.cues[0],
                r"\b(now i|i now|i still|since then|from then on|started|stopped|changed)\b",
            ),
        ),
        r"criticism|critici[sz]ed|received (\w+ )?feedback|feedback you (did not|didn't) agree",
        core=("the_criticism",),
    ),
    Focus(
        "unhappy_customer",
        CONFLICT,
        "who was unhappy and why, what the candidate did, and how it ended",
        (
            _c(
                "who_and_why",
                "who was unhappy, and why",
                "The customer or user, what had gone wrong for them and how they showed it.",
                r"\b(unhappy|angry|furious|upset|complain\w*|frustrat\w+|annoyed|shouting|"
                r"livid|disappointed|threatened|would leave|cancel\w*|refund\w*|escalat\w*|"
                r"(bad|negative|one-star|1-star) review)\b",
            ),
            _c(
                "what_you_did",
                "what you did",
                "The candidate's own actions: listening, putting it right, preventing a repeat.",
                OWN_ACTIONS.cues[0],
            ),
            _c(
                "how_it_ended",
                "how it ended",
                "Whether the customer stayed, and what changed so it would not happen again.",
                *OUTCOME.cues,
                r"\b(stayed|came back|renewed|ordered again|review|thanked|kept (the|their|her|"
                r"his) (account|business|order)|accepted)\b",
            ),
        ),
        r"\bunhappy|\bupset|\bangry|complain|dissatisfied|frustrated (customer|user|client)",
        core=("who_and_why",),
    ),
    Focus(
        "two_sides",
        CONFLICT,
        "two sides that wanted different things from the candidate, and how they settled it",
        (
            _c(
                "the_two_sides",
                "who wanted what",
                "The two teams or people and what each of them wanted.",
                r"\b(two teams|both teams|each team|one team|the other team|both (of them|sides|"
                r"wanted|needed)|on one side|on the other|sales|marketing|engineering|finance|"
                r"legal|support|operations|product)\b",
            ),
            _c(
                "the_clash",
                "why the asks clashed",
                "Why both could not have what they wanted (time, people, a trade-off).",
                r"\b(wanted|needed|asked for|insisted|conflict\w*|clash\w*|competing|"
                r"incompatible|couldn't both|could not both|trade-?off|either)\b",
            ),
            _c(
                "resolution",
                "how it was settled",
                "What was agreed, who gave what up, and how both sides took it.",
                r"\b(agreed|compromise\w*|settled|resolved|split|both got|in the end|decided|"
                r"went with|priorit\w+)\b",
                *OUTCOME.cues,
            ),
        ),
        r"two teams|conflicting things|competing (asks|requests|demands)|both wanted",
        core=("the_two_sides", "the_clash"),
    ),
    Focus(
        "unpopular_decision",
        LEADERSHIP,
        "the decision, who disliked it, how the candidate handled them, and how it turned out",
        (
            _c(
                "the_decision",
                "the decision you made",
                "What the candidate decided and why it was right despite being unpopular.",
                r"\b(decided|decision|made the call|chose|stopped|cancell?ed|cut|scrapped|"
                r"dropped|changed|moved|introduced|ended|closed|said no)\b",
            ),
            _c(
                "the_reaction",
                "who disliked it",
                "Who objected and how strongly.",
                r"\b(unhappy|didn't like|did not like|hated|objected|grumbl\w*|complain\w*|"
                r"push(ed)? back|angry|upset|resist\w*|unpopular|opposed|not happy|frustrat\w+|"
                r"disappointed|resent\w*|would hate|pushback)\b",
            ),
            _c(
                "how_you_handled",
                "how you handled the people",
                "How the candidate explained it, listened and brought people along.",
                r"\bi (\w+ly )?(told|explained|showed|asked|listened|met|kept|offered|involved|"
                r"invited|shared|held|answered|wrote)\b",
            ),
            OUTCOME,
        ),
        r"unpopular",
        core=("the_decision", "the_reaction|how_you_handled"),
    ),
    Focus(
        "delegation",
        LEADERSHIP,
        "what the candidate delegated and to whom, how they followed up, and how it went",
        (
            _c(
                "what_delegated",
                "what you delegated, to whom",
                "The piece of work, the person, and why them.",
                r"\b(delegat\w+|handed (over|it|the)|gave (him|her|them) (the|ownership)|asked "
                r"(\w+ ){1,2}to (own|take|lead|run|handle)|put (\w+ ){1,2}in charge|let "
                r"(him|her|them) (own|run|lead|take))\b",
            ),
            _c(
                "follow_up",
                "how you followed up",
                "How the candidate kept track without taking it back: check-ins, reviews.",
                r"\b(checked in|check-ins?|followed up|follow-up|weekly|each week|every week|"
                r"reviewed|caught up|one to one|one-to-ones?|asked how|stand-?up|milestones?)\b",
            ),
            OUTCOME,
        ),
        r"\bdelegat",
        core=("what_delegated",),
    ),
)
