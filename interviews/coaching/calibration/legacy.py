"""The first 18 calibration answers (written for Mockingbird in an earlier phase): strong,
middling and weak answers to six questions. The old coach was tuned on them, so they belong to
the development half; page and browser tests use them as fixtures (`SAMPLES`, by id).
"""

from __future__ import annotations

from interviews.coaching.calibration.samples import Group, Sample

Q_LEAD = "Tell me about a time you led a team through a difficult project."
Q_CONFLICT = "Describe a time you disagreed with a colleague or manager. How did you handle it?"
Q_FAIL = "Tell me about a mistake you made at work and what you learned from it."
Q_TEAM = "Give me an example of how you helped a team succeed when it was struggling."
Q_TECH = "Tell me about a difficult technical problem you solved under pressure."
Q_PRIORITY = "Describe a time you had to prioritise between several urgent requests."

SAMPLES: tuple[Sample, ...] = (
    # --- leadership ---------------------------------------------------------------------
    Sample(
        "lead-strong",
        "leadership",
        "strong",
        Q_LEAD,
        "Last year at a logistics startup called Parcelwise, our warehouse app rewrite was "
        "four months late and the team of six engineers had lost confidence in the plan. "
        "I was asked to take over as tech lead and ship a usable version before the peak "
        "season in November, which gave me ten weeks. First I met each engineer one to one "
        "to hear what was blocking them, and I cut the scope to the three screens pickers "
        "used most. Then I set up a weekly demo with two warehouse supervisors so we got "
        "feedback early, and I paired with our most junior developer on the offline sync, "
        "which was the riskiest part. I also agreed with the product manager to drop the "
        "reporting module until January. As a result, we shipped on the 3rd of November, "
        "pick errors fell by 35% in the first month, and two of the engineers told me in "
        "their review that it was the first plan they trusted. I still use the weekly demo "
        "with every team I lead.",
        78,
        "Engineering manager",
    ),
    Sample(
        "lead-middling",
        "leadership",
        "middling",
        Q_LEAD,
        "So in my previous role we had a big project to move our reporting to a new "
        "platform and it was quite difficult because there were a lot of stakeholders. "
        "We had a lot of meetings and we made a plan together. We split the work between "
        "the team and we kept everyone updated. There were some problems along the way but "
        "we worked through them as a team. In the end the project was delivered and people "
        "were generally happy with it.",
        38,
    ),
    Sample(
        "lead-weak",
        "leadership",
        "weak",
        Q_LEAD,
        "I think leadership is really important. Um, a good leader listens to the team and "
        "basically, you know, makes sure everyone is motivated. I would always try to be "
        "supportive and I would make sure that communication is clear.",
        20,
    ),
    # --- conflict -----------------------------------------------------------------------
    Sample(
        "conflict-strong",
        "conflict",
        "strong",
        Q_CONFLICT,
        "At my last company, a payments provider, I disagreed with our head of sales about "
        "launching a discount feature two weeks before a compliance audit. He wanted it "
        "live for a client worth about 400,000 euros a year; I was responsible for the "
        "release and I knew the change touched the refund logic the auditors would test. "
        "Instead of arguing in the channel, I booked thirty minutes with him and brought "
        "the audit checklist and a list of the five tests the change would break. I "
        "listened to why the date mattered, and I proposed a compromise: we would switch "
        "the discount on for that one client behind a feature flag, and ship the general "
        "version after the audit. He agreed, the client signed on time, the audit passed "
        "with no findings, and the general release went out nine days later. Since then he "
        "asks me to review launch dates before he promises them to customers.",
        82,
    ),
    Sample(
        "conflict-middling",
        "conflict",
        "middling",
        Q_CONFLICT,
        "I once disagreed with my manager about how to prioritise bugs versus new features. "
        "I felt we were ignoring quality. I talked to him about it and explained my "
        "perspective, and he explained his. We found a compromise where we would spend "
        "some time each sprint on bugs. I think it worked out okay and the relationship "
        "was fine afterwards.",
        30,
    ),
    Sample(
        "conflict-weak",
        "conflict",
        "weak",
        Q_CONFLICT,
        "Honestly I don't really have conflicts with people, I get along with everyone. "
        "If there was a disagreement I would just, like, talk it through and find a "
        "middle ground.",
        14,
    ),
    # --- failure ------------------------------------------------------------------------
    Sample(
        "failure-strong",
        "failure",
        "strong",
        Q_FAIL,
        "In 2023 I was a data analyst at a subscription meal-kit company, and I owned the "
        "weekly churn report that the leadership team used to set retention budgets. I "
        "made a mistake in a SQL join that counted paused customers as cancelled, so for "
        "three weeks the report overstated churn by about 2 percentage points, and "
        "marketing moved 50,000 euros into a win-back campaign. I found it myself when a "
        "number didn't match the billing system. I told my manager the same day, wrote a "
        "one-page correction with the right figures, and I rebuilt the query with a test "
        "that compares our totals to billing every Monday. The campaign was paused after "
        "spending 8,000 euros instead of the full budget. What I learned is to reconcile "
        "every new metric against a second source before anyone acts on it, and our team "
        "now requires that check for every dashboard.",
        80,
    ),
    Sample(
        "failure-middling",
        "failure",
        "middling",
        Q_FAIL,
        "Early in my career I missed a deadline for a client presentation because I "
        "underestimated how long the analysis would take. I had to tell my manager the day "
        "before and we asked the client for two more days. It was embarrassing. I learned "
        "that I need to plan better and ask for help earlier, and I think I am much better "
        "at estimating now.",
        28,
    ),
    Sample(
        "failure-weak",
        "failure",
        "weak",
        Q_FAIL,
        "My biggest weakness is that I am a perfectionist, so I sometimes work too hard. "
        "I don't really make many mistakes because I check everything twice.",
        11,
    ),
    # --- teamwork -----------------------------------------------------------------------
    Sample(
        "team-strong",
        "teamwork",
        "strong",
        Q_TEAM,
        "When I joined the support operations team at a travel company, our ticket backlog "
        "had grown to 1,200 open tickets and the average first response time was 31 hours. "
        "My goal, agreed with my team lead, was to get first response under 8 hours before "
        "the summer peak. I went through 300 recent tickets and saw that 40% were the same "
        "five questions about refunds. I wrote five macro replies with the refunds team, "
        "set up tags in Zendesk so those tickets were routed to a shared queue, and ran two "
        "short training sessions so newer colleagues could use them confidently. Within "
        "six weeks the backlog was down to 150 tickets and first response time was 6 hours, "
        "and customer satisfaction went from 71% to 84%. The macros are still used, and two "
        "colleagues have since added their own.",
        76,
    ),
    Sample(
        "team-middling",
        "teamwork",
        "middling",
        Q_TEAM,
        "Our team was struggling with too much work and people were getting stressed. We "
        "decided to have a meeting to talk about it and we agreed to share the work more "
        "evenly. We also started a daily stand-up. Um, I helped by taking on some extra "
        "tasks. After a while things got better and the team felt more positive.",
        27,
    ),
    Sample(
        "team-weak",
        "teamwork",
        "weak",
        Q_TEAM,
        "Um, yeah, I am a team player. I like working with people and, uh, I always help "
        "when someone needs it. Teamwork makes the dream work, basically.",
        13,
    ),
    # --- technical ----------------------------------------------------------------------
    Sample(
        "tech-strong",
        "technical_general",
        "strong",
        Q_TECH,
        "At my previous job at an online ticketing company, our checkout service started "
        "timing out for about 4% of customers the week before a big concert sale. I was on "
        "call and responsible for fixing it before the sale opened, which gave me three "
        "days. First I profiled the service with Datadog and found that two SQL queries "
        "were doing full table scans after a schema change. I added the missing indexes, "
        "moved the fraud check to an async worker on Kafka, and wrote a k6 load test that "
        "replayed the last sale's traffic to prove the fix. As a result, p95 latency "
        "dropped from 1.8 seconds to 300 ms and checkout errors fell by 90%. The sale "
        "processed 2 million euros in the first hour without a timeout, and the load test "
        "is still part of our release checklist.",
        70,
    ),
    Sample(
        "tech-middling",
        "technical_general",
        "middling",
        Q_TECH,
        "We had an issue where the website was really slow and customers were complaining. "
        "We looked into it and found that the database was the problem. We added some "
        "caching and optimised a few queries, and we also upgraded the server. After that "
        "the site was a lot faster and the complaints stopped.",
        25,
    ),
    Sample(
        "tech-weak",
        "technical_general",
        "weak",
        Q_TECH,
        "I would first try to understand the problem and then I would look at the logs. "
        "Then I would probably, um, try some different solutions and see what works. I "
        "would also ask my team for help if I needed it.",
        18,
    ),
    # --- prioritisation (behavioural) ----------------------------------------------------
    Sample(
        "priority-strong",
        "behavioural",
        "strong",
        Q_PRIORITY,
        "In my role as an operations coordinator at a regional hospital, one Monday I had "
        "three urgent requests at once: a broken rota for the weekend, an audit report due "
        "on Wednesday, and a consultant who needed a room booked for twelve patients. My "
        "job was to make sure none of them put patient care at risk. I ranked them by "
        "impact on patients and by deadline, so I fixed the rota first, because without it "
        "two wards would have had no night nurse. I asked a colleague to book the clinic "
        "room, and I told the audit lead by 10 a.m. that the report would come on Thursday "
        "morning instead. As a result, both wards were fully staffed, all twelve patients "
        "were seen on time, and the audit report was accepted a day late with no issue. I "
        "now keep a simple impact-and-deadline list every Monday.",
        72,
    ),
    Sample(
        "priority-middling",
        "behavioural",
        "middling",
        Q_PRIORITY,
        "Actually this happens a lot in my job. Basically, I had, like, a few things that "
        "were all urgent at the same time and I had to decide what to do first. So I kind "
        "of looked at which one was the most important and I did that first, and then I "
        "did the others. I also told people if something would be late. In the end I got "
        "everything done, mostly on time, you know.",
        34,
    ),
    Sample(
        "priority-weak",
        "behavioural",
        "weak",
        Q_PRIORITY,
        "I am very good at multitasking so that is not really a problem for me. I just do "
        "everything.",
        8,
    ),
)


def legacy_groups() -> tuple[Group, ...]:
    """One group per question; within it strong > middling > weak."""
    by_question: dict[str, list[Sample]] = {}
    for sample in SAMPLES:
        by_question.setdefault(sample.question, []).append(sample)
    groups = []
    for samples in by_question.values():
        rank = {"strong": 3, "middling": 2, "weak": 1}
        ordered = sorted(samples, key=lambda s: -rank[s.tier])
        pairs = tuple(
            (a.id, b.id)
            for i, a in enumerate(ordered)
            for b in ordered[i + 1 :]
            if rank[a.tier] > rank[b.tier]
        )
        first = ordered[0]
        name = "legacy-" + first.id.split("-")[0]
        groups.append(Group(name, first.competency, first.question, tuple(samples), pairs))
    return tuple(groups)


GROUPS = legacy_groups()
