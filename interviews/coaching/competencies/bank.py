"""The bank's competencies and what an answer to each must contain."""

from __future__ import annotations

from interviews.coaching.competencies.criteria import (
    BEHAVIOURAL,
    CONFLICT,
    EXAMPLE,
    FAILURE,
    LEADERSHIP,
    LESSON,
    OUTCOME,
    OWN_ACTIONS,
    TEAMWORK,
    TECHNICAL,
    Competency,
    _c,
)

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
                    r"\b(collaps\w*|crash\w*|ruin\w*|spoil\w*|burnt|disaster\w*|went badly|badly|fell over|flopped|backfired|behind schedule|over budget|rejected|turned down|cancell?ed|wasted|deferred|postponed|not pleased|wasn't pleased|wasn't happy|was not happy|unhappy|angry|upset|stung|blamed|complain\w*)\b|\b(couldn't|could not|didn't|did not|never) (deliver|finish|make it|arrive|turn up|happen|land|hit|meet|see)\b|\bhad to (apologi[sz]e|redo|start again|start over|throw|serve|cancel|pull|roll)\w*",
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
                    r"\b(see eye to eye|saw it differently|see it differently|(had|raised|voiced|shared) (my |some |serious )?concerns?|worried that|concerned that|challenged|questioned|defensive|resent\w*|annoyed|frustrat\w+|unhappy|not happy|wasn't happy|complain\w*|criticis\w+|pushback|difficult conversation|hard conversation|had to tell|told (him|her|them) (straight|plainly|directly|honestly|clearly))\b",
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
                    r"\b(i|we) (\w+ly )?(brought|got|pulled) (\w+ ){0,3}(together|on board|along|in)\b|\bi (ran|chaired|hosted|facilitated|kicked off|convinced|persuaded|rallied|recruited|gathered|invited|pitched|drafted)\b|\bi (was|became) (the|their) (lead|owner|point of contact|coordinator|organiser|organizer)\b",
                ),
                _c(
                    "people",
                    "the people involved",
                    "Who was led or influenced (the team, a mentee, other teams) and how they were brought along.",
                    r"\b(team|teams|engineers|developers|people|colleagues|everyone|mentee|junior|reports|volunteers|designers|analysts|squad|group|stakeholders|\w+ of (us|them))\b|\b(he|she|they) (started|began|became|could|was able|were able|now)\b",
                    r"\b(coordinators?|leads|managers|volunteers|members|staff|the others|each of them|both teams|three teams|two teams|every team|owners|peers|partners|contributors|everyone involved)\b",
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
                    r"\b(firmware|hardware|device|devices|sensor|driver|bus|interrupt|thread|threads|lock|locks|deadlock|race condition|race|crash\w*|freez\w*|leak|heap|config|configuration|deployment|rollout|kernel|browser|mobile|frontend|backend|checkout|integration|sync|replication|storage|disk|logs?|spreadsheet|etl|cron|scheduler|calculation|formula|macro|excel|instrument|machine|machines|prototype|circuit|network|wifi|printer|router)\b",
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
