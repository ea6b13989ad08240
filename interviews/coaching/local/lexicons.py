"""Word lists and cue patterns of the local coach (English). Data only."""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FIRST_SINGULAR = words("i me my myself mine i'm i've i'd i'll")
FIRST_PLURAL = words("we us our ours ourselves we're we've we'd we'll")
ENGLISH_COMMON = words(
    "the a an and or but so to of in on at for with was were is are be it that this i we my our "
    "they he she you had have did do not as by from then when"
)
STOPWORDS = ENGLISH_COMMON | words(
    "me about time tell describe situation give example your how what would could walk through "
    "share talk once there which where why who whom some any can will been being into out up if "
    "than them their its his her us one also very just more most all each does has having ever "
    "recent recently particular specific else other way thing things get got make made take took "
    "let like something someone go went everything anything everyone"
)
TECH_WORDS = words(
    "python java javascript typescript rust kotlin swift sql postgres postgresql mysql redis kafka "
    "docker kubernetes k8s aws gcp azure terraform react django flask node graphql jira "
    "confluence slack excel tableau looker salesforce hubspot figma sentry datadog grafana "
    "prometheus jenkins github gitlab spark airflow snowflake bigquery s3 lambda api apis sdk ios "
    "android linux notion zendesk sap powerbi dbt pandas elasticsearch mongodb cloudflare stripe "
    "segment amplitude mixpanel okta ci cd etl sla slo crm erp a/b index query queries cache "
    "spreadsheet dashboard firmware"
)
METRIC_WORDS = words(
    "latency revenue conversion churn retention nps uptime throughput p95 p99 kpi okr budget cost "
    "costs margin arr mrr sales tickets downtime velocity headcount roi signups errors complaints "
    "satisfaction csat backlog deadline sprint quarter referrals"
)
NUMBER_WORDS = words(
    "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty "
    "sixty hundred hundreds thousand thousands million millions billion dozen dozens half double "
    "doubled triple tripled halved percent"
)
TIME_WORDS = words(
    "january february march april june july august september october november december monday "
    "tuesday wednesday thursday friday saturday sunday weekend overnight morning afternoon evening"
)
COMMON_CAPITALISED = words(
    "i i'm i've i'd i'll ok okay so and but then the we my it english mr mrs ms dr"
)

# Past-tense verbs that are states or opinions, not actions a candidate took.
NOT_ACTIONS = words(
    "was were had wanted needed felt thought believed liked loved hoped seemed used guess "
    "realised realized learned learnt supposed expected noticed knew"
)
IRREGULAR_ACTIONS = (
    "made|took|wrote|ran|built|met|sat|spoke|told|gave|went|got|chose|sent|set|led|found|brought|"
    "kept|put|cut|drew|began|did|paid|won|split|broke|rang|swapped|shipped|taught|dug|held|sold|"
    "left|stood|caught|bought|hired|fixed|rebuilt|rewrote|stepped|laid|spent|read|drove|flew|"
    "fought|dealt|threw|undertook|overcame|shut|spread|struck|swept|wound|lent|let|quit|rode|"
    "sought|shook|froze|hung|lit|upheld|withdrew|redid|reran|rang|fed|forgave|tore"
)
_ADVERB = r"(?:\w+ly |then |also |first |finally |just |then also |still |even |myself )?"
I_ACTION = re.compile(rf"\bi {_ADVERB}(\w{{3,}}ed|{IRREGULAR_ACTIONS})\b")
WE_ACTION = re.compile(rf"\bwe {_ADVERB}(\w{{3,}}ed|{IRREGULAR_ACTIONS})\b")

HEDGES = re.compile(
    r"\b(i think|i guess|maybe|probably|hopefully|kind of|sort of|a bit|somewhat|not sure|"
    r"i believe it|might have|seemed to|more or less|roughly fine|mostly fine|okay|ok)\b"
)
HYPOTHETICAL = re.compile(
    r"\b(i would|i'd|i will|i'll|you should|you would|you need to|i'd probably)\b"
)

# Self-description and stock phrases: claims about the candidate, not evidence.
BUZZ_PHRASES = re.compile(
    r"\b(results?[- ](driven|oriented)|think(ing)? outside (of )?the box|go(ing)? above and beyond|"
    r"team player|self[- ]starter|proven track record|growth mindset|passion(ate)?|synerg\w+|"
    r"leverag\w+|value[- ]add|deliver(ing)? value|detail[- ]oriented|fast[- ]paced|"
    r"hit the ground running|win[- ]win|at the end of the day|110 ?%|thrive|servant leader|"
    r"strategic thinker|proactive|data[- ]driven|go[- ]to person|natural (leader|problem solver)|"
    r"people person|learning opportunit\w+|bounce back|high[- ]impact|scalable solutions?|"
    r"best version of|safe space|lead by example|perfectionist|care too much|"
    r"comfort zone|fast learner|quick learner|problem[- ]solver|strong communicat\w+|"
    r"communication skills|hard[- ]working|never give up|eager to|empower\w*|"
    r"open and honest|manage expectations|take ownership of everything|"
    r"you can't improve what you don't measure)\b"
)
SELF_DESCRIPTION = re.compile(
    r"\bi('m| am) (a |an |very |really |quite |always |so |naturally |known )+"
    r"|\bi (always|usually|normally|tend to|generally|try to|like to|love|believe|find|make sure|"
    r"get along|thrive|pick up|focus|use|sort|delegate|communicate|gather|weigh|trust|check in)\b"
    r"|\b(people|many people|others|everyone) (know|tell|told|say|said) (me|that i)\b"
)
DECLINES = re.compile(
    r"\b(not sure|no idea|can't think|cannot think|can't remember|nothing (really )?"
    r"(comes|stands)|don't (really )?have (an? )?(example|one|conflicts?|disagreements?)|"
    r"haven't (really )?(had|done|mentored)|come back to this|skip this|pass on this|"
    r"hard to say|blur together)\b"
)
BREAK_WORDS = words(
    "so then but because after which and when eventually finally afterwards meanwhile however"
)
