"""Development half of the calibration set: the local coach may be tuned looking at these.

Written for Mockingbird by the coaching helper on 2026-12-02, in one sitting together with the
held-out half (`heldout.py`), before any change to the coach. The halves ask different questions,
so tuning on this half cannot learn the held-out questions' wording.
"""

from __future__ import annotations

from interviews.coaching.calibration.samples import group

GROUPS = (
    group(
        "dev-plan",
        "failure",
        "Describe a project that did not go to plan and what you would do differently.",
        (
            (
                "star",
                "strong",
                "star",
                "Two years ago I was the project coordinator for moving our clinic's patient records to a new booking system. The plan was a weekend cutover with everything live by Monday. My job was to get the three reception teams trained and the data moved. What went wrong was that I only tested the import with one month of records, and on the Saturday night we found that about 1,200 older appointments had no practitioner attached. I called the vendor, we stopped the cutover, and I ran reception on the old system on Monday, which I had not planned for at all. We went live a week later. Looking back, the mistake was mine: I trusted a small sample. What I would do differently, and what I now always do, is run a full dry run of the import two weeks before, and agree a rollback point with the vendor in writing.",
            ),
            (
                "plain",
                "strong",
                "marker_free",
                "I ran the launch of a loyalty card at the bakery chain I worked for, eleven shops. I promised head office it would be in every shop for the Christmas rush. I ordered the cards and the till update from two different suppliers and never checked that they talked to each other. The cards arrived on the 1st of December, the tills could not read them, and four shops spent the first weekend writing customer numbers on paper. I phoned every manager myself that Monday, pulled the cards from the shops that could not scan them, and got the till supplier in for a fix by the 9th. We got all eleven shops working a week and a half late and lost most of the December sign-ups. If I did it again I would test one card in one shop end to end before ordering thousands, and I would give head office a date only after that test.",
            ),
            (
                "we",
                "middling",
                "we_only",
                "So we had a project at my last company to rebuild the onboarding flow for new customers, and it did not go to plan. We underestimated how much the legal team needed to review, and we ended up about six weeks late. We had a lot of meetings to try to get things back on track and we reprioritised the backlog. We got it out in the end and the feedback was okay. What we would do differently is involve legal earlier and plan in more buffer.",
            ),
            (
                "success",
                "weak",
                "off_topic",
                "At my last job I led the rollout of a new stock-count app across our six warehouses. I was responsible for the whole rollout, from picking the vendor to training. First I ran a two-week pilot in the smallest site, then I wrote a one-page guide for the pickers and trained the supervisors myself. I also set up a weekly call with the site leads to catch problems early. As a result the app was live in all six warehouses a month ahead of schedule, count errors dropped by 40%, and the operations director asked me to lead the next rollout too.",
            ),
            (
                "buzz",
                "weak",
                "buzzwords",
                "I'm a very results-driven person and I always go above and beyond. When projects don't go to plan I stay positive, I think outside the box and I leverage my strong communication skills to get everyone aligned. I'm a natural problem solver and a team player, so I always find a way to deliver value.",
            ),
            (
                "none",
                "weak",
                "non_answer",
                "Hmm, I'm honestly not sure. I think most of my projects have gone roughly to plan, so nothing really comes to mind. Can we come back to this one?",
            ),
            (
                "short",
                "weak",
                "short",
                "One project was late once because of the vendor. Next time I would plan better.",
            ),
            (
                "ramble",
                "middling",
                "rambling",
                "Okay so this was, um, at my second job, which was a marketing agency, quite a small one, maybe thirty people, and we did a lot of work for a drinks brand, and that client was quite demanding, which is normal for that industry I guess. Anyway, there was a campaign, a summer campaign, and the idea was influencers plus a pop-up stand in three cities, and honestly there were a lot of moving parts, the stand, the permits, the influencers' contracts, the photos. And I was doing the scheduling part, basically the timeline. What happened was the permit for the second city came through late, like really late, and we had already paid the influencers for that date, so, um, we had to move everything. I rang the council a lot. In the end the stand opened five days later than planned and the client was not thrilled but they stayed with us. I guess what I learned is to get permits first, before paying anyone, and I did that on the next campaign.",
            ),
        ),
        (
            "star > we > buzz",
            "plain > we > short",
            "star > success",
            "plain > success",
            "ramble > none",
            "we > none",
            "ramble > buzz",
            "star > ramble",
        ),
    ),
    group(
        "dev-pushback",
        "conflict",
        "Describe a time you pushed back on a manager or stakeholder.",
        (
            (
                "star",
                "strong",
                "star",
                "In my first year as a charge nurse on a surgical ward, my ward manager asked me to take two extra post-operative patients on a night when we were already two nurses short. My responsibility was the safety of the whole shift, and I knew that with eleven patients each we could not do the hourly observations those patients needed. I did not just say no. I went to her office with the staffing numbers and the observation chart, and I explained that we would miss observations by about 2 am. I proposed an alternative: take one patient, and ask the bed manager to move the second to the day-surgery unit, which had a free bay. She agreed and phoned the bed manager herself. That night we completed every observation on time, and afterwards she asked me to write up the staffing rule we used so other charge nurses could use it.",
            ),
            (
                "plain",
                "strong",
                "no_numbers",
                "Our head of marketing wanted to email every customer about a new feature the week before it was actually ready. I looked after the release and I thought that would send people to a half-finished page. I asked her for twenty minutes and showed her the list of what was still broken, with screenshots. She wanted the email because the date was already in the board deck, so I offered to send it to the beta group first and to everyone else once the last two bugs were fixed. She was not happy at first but she agreed. The beta email went out on her date, the full email a week later, and support had a quiet launch instead of a flood of complaints. She has since started checking dates with me before they go into a deck.",
            ),
            (
                "bug",
                "weak",
                "off_topic",
                "At my last job our checkout page was timing out for about one in twenty customers on Friday evenings. I was the engineer on call. I traced the timeouts to a query that locked the orders table whenever the nightly report ran, and the report had been moved to 6 pm by mistake. I moved the report back to 3 am, added an index on the order date, and set up an alert on lock waits. As a result the timeouts went from about 5% to zero, and we have not had a Friday incident since.",
            ),
            (
                "generic",
                "weak",
                "generic",
                "I'm not afraid to push back when I need to. I always make sure I respectfully share my point of view, and I back it up with facts. I think it's important to challenge ideas, but in a constructive way, and to stay open to the other person's perspective. At the end of the day we're all on the same side.",
            ),
            (
                "would",
                "weak",
                "hypothetical",
                "If a manager asked me to do something I didn't agree with, I would first try to understand their reasons. Then I would explain my concerns calmly, and I would suggest an alternative. If we still couldn't agree, I would probably escalate it, or I would just go with their decision and document my concerns.",
            ),
            (
                "thin",
                "middling",
                "thin",
                "My manager once wanted me to skip code review to hit a deadline. I told him I didn't think that was a good idea because of the risk. We talked about it and in the end he agreed we would keep the reviews but make them shorter. It worked out fine.",
            ),
            ("short", "weak", "short", "I push back all the time, usually on deadlines."),
        ),
        (
            "star > thin > generic",
            "plain > thin > short",
            "star > bug",
            "plain > bug",
            "thin > would",
            "star > would",
        ),
    ),
    group(
        "dev-mentor",
        "leadership",
        "Tell me about someone you mentored and what changed for them.",
        (
            (
                "plain",
                "strong",
                "marker_free",
                "When I was a senior analyst, a graduate called Priya joined our team straight from a history degree. She was bright but terrified of SQL, and she was taking two days to turn round reports the rest of us did in an afternoon. I set up an hour with her every Tuesday and Thursday. I gave her real tickets from our queue rather than exercises, I sat next to her while she wrote the first few queries, and after a month I stopped fixing her mistakes and started asking her where she thought the problem was. I also gave her the weekly sales dashboard to own, which she presented to the sales director in her third month. By the end of the year she was turning reports round the same day, she had written the team's guide to our warehouse tables, and she was promoted to analyst a year early. She now mentors the new graduates herself.",
            ),
            (
                "star",
                "strong",
                "star",
                "At my previous school I was asked to mentor a newly qualified maths teacher, Tom, who was struggling with behaviour in his Year 9 class. My goal was to get him to the point where he could run that class without another adult in the room by Easter. First I watched two of his lessons and noted exactly when things went wrong, which was mostly the first five minutes. Then I had him watch me start the same class, and we planned a short silent starter task together. I also coached him on one thing at a time, starting with where he stood. As a result, by February he was teaching the class alone, his behaviour referrals went from about fifteen a half-term to three, and he passed his induction year with a strong report.",
            ),
            (
                "we",
                "middling",
                "we_only",
                "We had a junior developer join our team last year and we all tried to help him get up to speed. We did pair programming with him and we reviewed his pull requests carefully. We gave him smaller tickets first and then bigger ones. After a few months he was doing much better and we were really happy with how he developed.",
            ),
            (
                "buzz",
                "weak",
                "buzzwords",
                "Mentoring is a passion of mine. I'm a servant leader and I believe in empowering people to be the best version of themselves. I always lead by example, I'm a great listener, and I create a safe space where people can grow. Many people have told me I've had a huge impact on their careers.",
            ),
            (
                "process",
                "weak",
                "off_topic",
                "In my last role our month-end close took eight working days, mostly because of manual reconciliations in spreadsheets. I mapped every step of the close with the finance team, then I built a reconciliation template in our accounting system and automated the bank feed matching. I trained the team on it over two sessions. The close went from eight days to four, and the auditors said it was the cleanest file they'd seen from us.",
            ),
            (
                "thin",
                "middling",
                "thin",
                "I mentored an intern in my last job. I met her every week and helped her with her project and with presenting. She got a lot more confident and she got a job offer at the end of the internship.",
            ),
            (
                "none",
                "weak",
                "non_answer",
                "I haven't really mentored anyone formally, to be honest. I just help people when they ask.",
            ),
        ),
        (
            "plain > we > buzz",
            "star > thin > none",
            "plain > process",
            "star > process",
            "thin > buzz",
            "we > none",
        ),
    ),
    group(
        "dev-teammate",
        "teamwork",
        "Tell me about a time you helped a struggling teammate.",
        (
            (
                "plain",
                "strong",
                "no_numbers",
                "In my last job at a call centre for an energy company, a colleague on my team, Sam, came back from a long sick leave just as we switched to a new billing system. He was getting stuck on nearly every call and I could see he was close to quitting. I asked our team leader if I could sit with him for a couple of days. I listened to his calls, wrote him a cheat sheet with the six screens he needed most, and we agreed a signal so he could pass me a call he was stuck on without the customer noticing. After the second week he stopped needing the signal, his call times were back in line with the rest of the team, and he told me later that he had been about to hand in his notice. He is now the person new starters go to for the billing system.",
            ),
            (
                "star",
                "strong",
                "star",
                "At a small design studio I worked at, our newest designer, Lena, was falling behind on a packaging project for our biggest client, with the print deadline a week away. My task was my own project, but I could see she was stuck on the dieline files, which I had done many times. I offered to pair with her for two afternoons. First I showed her how I set up the templates, then I let her do the second box while I checked. I also took one of her smaller jobs off her plate for the week. As a result the files went to print a day early, the client approved every box without changes, and Lena took the lead on the next packaging job herself.",
            ),
            (
                "ramble",
                "middling",
                "rambling",
                "So there was this guy on my team, he was new, well fairly new, maybe three months, and he was on the support rota with me. And the thing about support at that company is the tickets come in really unevenly, like Monday is crazy and Wednesday is dead, and nobody tells you that, you just learn it. He was drowning on Mondays. I noticed because he was staying late, and I don't stay late, I have kids, so I noticed. So I started, I guess, checking in on Monday mornings and we would go through his queue and I'd tell him which ones could wait, and also I showed him the saved replies, which honestly nobody had shown him. And yeah, things got better, he stopped staying late, he seemed happier. I think he's still there actually.",
            ),
            (
                "solo",
                "weak",
                "off_topic",
                "Last spring I won the biggest contract our branch had ever signed, a three-year cleaning contract with a hospital trust. I spotted the tender myself, wrote the bid over two weekends, and I ran the site visit with their facilities manager. I priced it carefully against our costs and I negotiated the start date so we could hire in time. We won it against four national firms and it added about 20% to the branch's revenue.",
            ),
            (
                "generic",
                "weak",
                "generic",
                "I'm always the first to help when someone on the team is struggling. I think a team is only as strong as its weakest member, so I make sure I check in with people regularly and offer support. People know they can always come to me.",
            ),
            (
                "short",
                "weak",
                "short",
                "I helped a colleague with his Excel once. He was grateful.",
            ),
            (
                "we",
                "middling",
                "we_only",
                "One of our teammates was struggling with the workload during the audit season. We noticed and we talked as a team about how to share things out. We took some of her clients between us and we covered her calls on Fridays. She got through the season and things went back to normal.",
            ),
        ),
        (
            "plain > we > generic",
            "star > ramble > short",
            "plain > solo",
            "star > solo",
            "we > short",
            "ramble > generic",
        ),
    ),
    group(
        "dev-perf",
        "technical_general",
        "Describe a time you improved the performance of something measurably.",
        (
            (
                "star",
                "strong",
                "star",
                "At my previous company, an online grocer, the product search page had a p95 latency of about 2.4 seconds and the product team could see people leaving the page. My goal was to get it under 800 milliseconds before the Christmas traffic. First I profiled a sample of slow requests and found that 70% of the time was spent in three database queries that ran for every result. I replaced them with one query, added a composite index on category and availability, and put the category facets in Redis with a five-minute expiry. I also added a load test to the pipeline so it could not quietly regress. As a result p95 went from 2.4 seconds to 620 milliseconds, database CPU dropped by half, and search conversion rose about 6% over the next month.",
            ),
            (
                "plain",
                "strong",
                "marker_free",
                "Our nightly data pipeline at the insurance firm took around seven hours and kept running into the working day, so the underwriters often started the morning with yesterday's numbers. I spent a week reading the job logs and found that one step re-read the full claims history every night, about 300 million rows, just to pick up the new ones. I changed it to load only rows changed since the last run, split the biggest table by month, and moved two independent steps to run in parallel. The pipeline went from seven hours to a bit under ninety minutes, and it has finished before 6 am every night since.",
            ),
            (
                "vague",
                "middling",
                "no_numbers",
                "I improved the performance of our mobile app's start-up. It felt slow and users mentioned it in reviews. I looked at what was loading at start and moved a lot of it to load later, and I removed a couple of libraries we did not need. It became noticeably faster and the reviews about it stopped.",
            ),
            (
                "we",
                "middling",
                "we_only",
                "We had a slow API at my last job. We looked into it and we found some issues with caching, so we added a cache layer and we optimised some queries. We got the response times down by about 50% and everyone was happy with the improvement.",
            ),
            (
                "buzz",
                "weak",
                "buzzwords",
                "Performance is something I'm really passionate about. I'm a data-driven engineer and I always focus on delivering high-impact, scalable solutions. I have a proven track record of optimising systems and I bring a growth mindset to everything I do.",
            ),
            (
                "conflict",
                "weak",
                "off_topic",
                "My team lead and I disagreed about whether to rewrite our billing service or keep patching it. He wanted to rewrite; I thought the risk was too high three months before the pricing change. I set up a meeting, listened to his reasons, and showed him the list of incidents that a rewrite would not have prevented. We agreed to patch the worst two modules first and revisit the rewrite after the pricing change. He was happy with that, and we still work well together.",
            ),
            (
                "would",
                "weak",
                "hypothetical",
                "To improve performance I would start by measuring, because you can't improve what you don't measure. I would look at the slowest endpoints, profile them, and then I would probably add caching or indexes. Then I would measure again to make sure it actually helped.",
            ),
        ),
        (
            "star > vague > buzz",
            "plain > we > would",
            "star > conflict",
            "plain > conflict",
            "we > buzz",
            "vague > would",
        ),
    ),
    group(
        "dev-decision",
        "behavioural",
        "Tell me about a decision you made with incomplete information. How did it turn out?",
        (
            (
                "star",
                "strong",
                "star",
                "Last winter I was the duty manager at a regional airport when a snowstorm was forecast, but the forecasts disagreed on whether it would hit at 4 pm or after midnight. I had to decide by noon whether to cancel the six evening departures. I did not know how bad it would be, so I called the airlines' station managers and the de-icing contractor to find out how much de-icing fluid we had, which was about enough for four departures in heavy snow. I decided to cancel the two latest flights and move the others earlier, and I told passengers by text at 12:30. The snow arrived at 5 pm. The four earlier flights all left, nobody was stuck in the terminal overnight, and the airlines later adopted the same early decision point for storms.",
            ),
            (
                "plain",
                "strong",
                "marker_free",
                "A few months after I joined the product team at a language-learning app, our biggest school customer asked whether we could support offline lessons by September. We had no usage data on offline use at all. I looked at the support tickets and found around forty schools asking for something similar, I rang five teachers, and I asked engineering for a rough size, which was six weeks. I decided we would build offline mode for downloaded lessons only, not for the whole app, because I could undo that cheaply if nobody used it. It shipped in August. The customer renewed, and a quarter of all lessons in schools are now done offline, which we never would have guessed.",
            ),
            (
                "thin",
                "middling",
                "thin",
                "In my last job I had to choose a new supplier for our packaging without much information about their quality. I went with the cheaper one because the budget was tight. It turned out mostly fine, there were a few issues at the start.",
            ),
            (
                "generic",
                "weak",
                "generic",
                "I'm comfortable making decisions with incomplete information. I gather as much data as I can in the time I have, weigh the risks, and then I trust my judgement. I believe it's better to make a decision and adjust than to wait for perfect information.",
            ),
            (
                "team",
                "weak",
                "off_topic",
                "I really enjoy working in teams. At my last job I was part of a team of five that organised the annual customer conference. I took care of the speakers and the agenda, and I worked closely with the events team and marketing. We had a great time working together and the conference got really good feedback from the attendees.",
            ),
            (
                "none",
                "weak",
                "non_answer",
                "I can't think of one right now, sorry. I usually wait until I have all the facts.",
            ),
            (
                "ramble",
                "middling",
                "rambling",
                "Right, so, this is going back a bit, I was running a little coffee cart at the time, my own business, and you never have complete information there, like the weather, the events, nothing. There was this festival, a food festival, and the organisers wanted a deposit for a pitch and I had no idea how many people would come because it was the first year, they had no numbers, they said maybe five thousand, maybe more, who knows. And I went back and forth on it for a week, talked to my sister about it, she does accounts. Um, I ended up paying for the smaller pitch, not the big one, and taking double the usual stock, and it was actually fine, I sold out by three and made back the deposit three times over. So yeah, that went well, and I did the bigger pitch the next year.",
            ),
        ),
        (
            "star > thin > generic",
            "plain > ramble > none",
            "star > team",
            "plain > team",
            "thin > none",
            "ramble > generic",
        ),
    ),
)
