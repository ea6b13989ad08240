"""Held-out half of the calibration set: `coach_calibration` reports on these answers only.

Written for Mockingbird by the coaching helper on 2026-12-02, together with `dev.py`, and
committed before any change to the coach. Do not tune against this file: its fingerprint is
pinned by tests/interviews/coaching/test_calibration.py, and its questions differ from the
development half's.
"""

from __future__ import annotations

from interviews.coaching.calibration.samples import group

GROUPS = (
    group(
        "held-failed",
        "failure",
        "Tell me about a time you failed. What did you learn?",
        (
            (
                "star",
                "strong",
                "star",
                "In my second year as an account manager at a print company, I lost our biggest client, a chain of estate agents worth about £80,000 a year. My job was to keep them happy, and I thought I was, because they never complained. What actually happened was that their new marketing director had been unhappy with our turnaround times for months, and I only found out when she sent the notice. I had been talking only to the office manager I knew. I asked for a meeting anyway, apologised, and asked her what we had got wrong, and she was very direct. We did not win them back. What I learned is that one friendly contact is not a relationship. Since then I map every person who signs off spend at my accounts and I meet each of them at least twice a year, and I have not lost an account since.",
            ),
            (
                "plain",
                "strong",
                "marker_free",
                "I failed my first big presentation at the bank. I had three weeks to build a case for a new onboarding process and I spent almost all of it on the analysis, sixty slides of it. I ran out of time on slide fourteen, the committee never saw the recommendation, and they deferred the decision by a quarter. My manager told me afterwards that nobody could tell what I was asking for. It stung, because the analysis was good. I rebuilt it as five slides with the ask on the first one and the rest in an appendix, and it was approved the next quarter. I now write the one sentence I want the room to remember before I make a single slide, and I rehearse with someone outside the project.",
            ),
            (
                "lesson",
                "strong",
                "no_numbers",
                "When I was a junior chef I was in charge of the pastry section for a wedding, and I decided to try a new meringue recipe on the day instead of the one I knew. It collapsed in the humid kitchen and we had to serve the dessert without it, which the head chef was not pleased about, and neither was the couple. I told the head chef straight away that it was my call and that I hadn't tested it. What I learned was never to try anything new on a service that matters. These days I test every new dish at least twice on a quiet night before it goes near a big event, and I keep a backup plan written on the prep sheet.",
            ),
            (
                "success",
                "weak",
                "off_topic",
                "In my last role I led the launch of our mobile banking app's savings feature. I was responsible for coordinating design, engineering and compliance. First I ran workshops to agree the scope, then I set up a weekly risk review with compliance so nothing would surprise us at the end. I also personally tested every release candidate. As a result we launched two weeks early, 30,000 customers opened a savings pot in the first month, and the feature won an internal innovation award.",
            ),
            (
                "we",
                "middling",
                "we_only",
                "We once missed a big deadline for a client website at the agency. We had underestimated the content work and we didn't flag it early enough. We had to tell the client and we agreed a new date. We learned that we need to plan content earlier, and now we always start content in the first week.",
            ),
            (
                "buzz",
                "weak",
                "buzzwords",
                "Honestly, my biggest failure is that I'm a perfectionist and I care too much about my work. I hold myself to very high standards and I always give 110%. I see every failure as a learning opportunity and I have a growth mindset, so I always bounce back stronger.",
            ),
            (
                "short",
                "weak",
                "short",
                "I failed my driving test the first time. I learned to practise more.",
            ),
            (
                "thin",
                "middling",
                "thin",
                "At my previous job I was given a project to set up a new filing system for the office and it didn't really work because people kept using the old one. I should have talked to people more before I started. I learned that change needs buy-in.",
            ),
        ),
        (
            "star > we > buzz",
            "plain > thin > short",
            "lesson > thin > buzz",
            "star > success",
            "plain > success",
            "lesson > success",
            "we > short",
        ),
    ),
    group(
        "held-disagree",
        "conflict",
        "Describe a disagreement with a colleague. How did you resolve it?",
        (
            (
                "plain",
                "strong",
                "marker_free",
                "At the logistics firm I worked for, the warehouse lead, Marco, and I disagreed about the new picking routes I had planned. He thought my routes ignored how the pickers actually moved around the heavy racks, and he told me so in front of his team, which did not feel great. I asked him to walk the routes with me the next morning instead of arguing about it on the floor. He was right about two of the aisles, so I changed those, and I kept the rest, which he agreed to trial for a fortnight. Pick times on the trial shift came down by about 12%, Marco presented the results to the site manager with me, and we have planned every layout change together since.",
            ),
            (
                "star",
                "strong",
                "star",
                "In my last role as a product designer, an engineer on my team, Dana, disagreed with my design for the new checkout because it needed a custom component that she estimated at two extra weeks. My goal was to keep the usability gains without blowing the release date. I booked half an hour with her, and instead of defending the design I asked her what a cheaper version would look like. She showed me a standard component that covered most of it. I tested both versions with five users that week and the difference was small. As a result we went with her version plus one small change of mine, we shipped on the planned date, and checkout completion rose by 4%. Dana and I now review designs together before they go to the team.",
            ),
            (
                "bug",
                "weak",
                "off_topic",
                "The hardest thing I dealt with last year was a memory leak in our image service. Every few days the service slowed down and then crashed. I took heap snapshots at intervals, compared them, and found that a thumbnail cache never evicted anything. I replaced it with a bounded cache with a size limit and added a dashboard for memory use. After that the crashes stopped completely and memory stayed flat at about 400 megabytes.",
            ),
            (
                "we",
                "middling",
                "we_only",
                "There was a disagreement in our team about which analytics tool to use. Some of us wanted one tool and others wanted another. We had a few discussions and we compared them, and in the end we agreed to go with the cheaper one and review it after six months. We're still using it.",
            ),
            (
                "generic",
                "weak",
                "generic",
                "I get along well with everyone, so disagreements are rare for me. When they do happen, I believe in open and honest communication. I always listen to the other person, try to see things from their side, and look for a win-win solution.",
            ),
            (
                "none",
                "weak",
                "non_answer",
                "I don't really have disagreements with colleagues. I'm quite easy-going, so I'm not sure I have an example for this.",
            ),
            (
                "ramble",
                "middling",
                "rambling",
                "So, um, this was at a school, I was teaching science, and there was another teacher in the department, she'd been there for years, much longer than me, and we had very different ideas about homework, like completely different. She set a lot, I set very little, and the kids would compare, and the parents would email, you can imagine. It went on for a term, honestly it was a bit tense in the staff room. At some point, I think after a parents' evening that went badly, I asked if we could have a coffee and just talk about it. We did, it was awkward at first. We kind of agreed on one piece of homework a week for Year 8, something in between. The parents stopped emailing about it and we got on better after that, we even planned some lessons together the next year.",
            ),
        ),
        (
            "plain > we > generic",
            "star > ramble > none",
            "plain > bug",
            "star > bug",
            "we > none",
            "ramble > generic",
        ),
    ),
    group(
        "held-noauthority",
        "leadership",
        "Tell me about a time you led a project without formal authority.",
        (
            (
                "star",
                "strong",
                "star",
                "At the housing charity I worked for, our volunteer sign-up process lived in four different spreadsheets and we were losing about a third of new volunteers before their first shift. I was a caseworker, not a manager, but I offered to fix it and my director agreed, on the condition that I did it alongside my caseload. I had no one reporting to me, so first I got one volunteer coordinator from each of the three offices to join a fortnightly call, and I asked each of them to bring their worst example. Then I drafted one online form and a welcome email, and I let the coordinators change anything they wanted before we tried it. I ran the pilot in our smallest office for a month. As a result drop-off before the first shift fell from about 33% to 12%, and all three offices switched to the new form by the summer.",
            ),
            (
                "plain",
                "strong",
                "marker_free",
                "Two years ago our mobile and web teams each had their own design files and the apps had drifted apart, different buttons, different colours, different wording. Nobody owned it, and I was a mid-level designer with no reports. I put together a short audit showing forty-odd differences side by side and took it to the two team leads. They agreed to lend me one engineer from each team for half a day a week. I ran a weekly session where the three of us picked the ten most-used components and agreed one version of each. Within four months both apps used the same shared library for those components, new screens took noticeably less design time, and the design director made the library an official project with a full-time owner.",
            ),
            (
                "soft",
                "middling",
                "no_numbers",
                "At my old job I noticed the team's onboarding documents were out of date, so I decided to organise an update even though it wasn't my responsibility. I asked a few colleagues to each take a section and I set up a shared document and some deadlines. It took a while because everyone was busy, but we got it done and new starters said it was helpful.",
            ),
            (
                "bug",
                "weak",
                "off_topic",
                "One of my favourite pieces of work was tuning our search ranking. Users complained that the right products were on page two. I built an offline evaluation set from click logs, tried three ranking formulas against it, and picked the one with the best results. The click-through rate on the first three results went up by 18%.",
            ),
            (
                "buzz",
                "weak",
                "buzzwords",
                "I'm a natural leader and people just tend to follow me. I'm a strategic thinker, I'm very proactive and I take ownership of everything I do. I influence without authority by building strong relationships and by being a passionate, results-oriented team player.",
            ),
            (
                "would",
                "weak",
                "hypothetical",
                "If I had to lead a project without authority, I would start by building relationships with the people involved. I would make sure everyone understood the goal and why it mattered to them. I would probably set up regular check-ins and I would make sure I gave people credit for their work.",
            ),
            (
                "we",
                "middling",
                "we_only",
                "Our team wanted to improve how we handled customer feedback, so we started a project to collect it in one place. We set up a shared board and we met every two weeks to go through it. We got the other teams involved and we made some changes to the product based on it. It went well and we still use the board.",
            ),
        ),
        (
            "star > soft > buzz",
            "plain > we > would",
            "star > bug",
            "plain > bug",
            "soft > would",
            "we > buzz",
        ),
    ),
    group(
        "held-otherteam",
        "teamwork",
        "Describe a time you had to rely on another team to deliver your work.",
        (
            (
                "plain",
                "strong",
                "marker_free",
                "I was building the new returns page for our online shop and I couldn't finish it without an API from the warehouse systems team, who were in another city and had their own deadlines. In the first week I asked their lead for a call and we wrote down together exactly which fields I needed and by when. I built my page against a fake version of their API so I wasn't waiting, and I sent them the test cases I was using so they could check their work against them. When they slipped by a week I told my manager straight away and moved two smaller tickets forward. Their API landed on a Tuesday, my page worked against it the same afternoon, and returns went live on the date we had given customer service.",
            ),
            (
                "nonum",
                "strong",
                "no_numbers",
                "I organise the annual awards evening at our hospital trust, and the catering, the AV and the venue all come from other departments that don't report to me. The first year I did it, the AV team found out about the stage layout two days before and could not get the microphones we needed. The next year I held one joint planning meeting with all three departments early on, agreed who owned what in a single shared checklist, and I walked the venue with the AV lead a month before. I also sent short weekly updates so nobody had to chase. On the night everything worked, the AV lead thanked me for the notice, and the same checklist is now used for other trust events.",
            ),
            (
                "goal",
                "weak",
                "off_topic",
                "Last year I set myself the goal of running a half marathon. I had never run more than five kilometres. I found a sixteen-week plan, ran four times a week before work, and joined a local running club for the long Sunday runs. I finished the race in just under two hours, and I've kept running since.",
            ),
            (
                "thin",
                "middling",
                "thin",
                "In my last job I needed data from the finance team for a report and they were slow to send it. I kept emailing them and eventually went to see their manager. I got the data in the end and the report was a bit late but okay.",
            ),
            (
                "generic",
                "weak",
                "generic",
                "I rely on other teams all the time in my work. I find the key is good communication, clear expectations and regular follow-ups. I always make sure to build good relationships with other teams so that when I need something, they're happy to help.",
            ),
            ("short", "weak", "short", "The design team was late once, so I waited for them."),
            (
                "ramble",
                "middling",
                "rambling",
                "Yeah, so at the bank, this was in the payments area, we, well I, needed the security team to sign off on a change to how we stored card tokens, and security at a bank, it's its own world, they have their own queue and their own priorities, and they don't really care about your deadline, which, fair enough. So I put the ticket in, and nothing for two weeks. Then I found out, from someone in the canteen, that they wanted a threat model document for anything touching tokens, which nobody had told me. So I wrote one, it took me a few days, I had to learn the format. I sent it, and they came back with questions, and we went back and forth a bit. They signed it off about a month after I first asked. The change went out in the next release. I guess now I'd ask them what they need up front.",
            ),
        ),
        (
            "plain > thin > generic",
            "nonum > ramble > short",
            "plain > goal",
            "nonum > goal",
            "thin > short",
            "ramble > generic",
        ),
    ),
    group(
        "held-bug",
        "technical_general",
        "Tell me about the hardest bug you have tracked down.",
        (
            (
                "star",
                "strong",
                "star",
                "At a fintech I worked for, about one in a thousand card payments was being charged twice, but only on Mondays, and nobody had been able to reproduce it for a month. I was asked to own it because customers were starting to post about it. First I pulled every duplicate from the last eight weeks and lined them up by time, and I noticed they all happened within a few seconds of a deployment. Then I read our retry code and found that when a pod shut down mid-request, the client retried against a new pod without the idempotency key, which we only attached on the first try. Mondays were simply our main deployment day. I fixed the retry to reuse the original key and added a test that kills a pod mid-payment. As a result the duplicates went to zero, and we stopped paying out about £3,000 a month in refunds.",
            ),
            (
                "plain",
                "strong",
                "marker_free",
                "The hardest one I've had was in a lab instrument I wrote firmware for. Every few weeks a customer's machine would freeze during a long run and lose the samples. I could not make it happen on my bench, so I asked a customer to ship us their unit and I left it running with a logic analyser attached for nine days. It froze on the ninth day. The trace showed the temperature sensor interrupt firing while the motor driver held the same bus, and once in a few million cycles they deadlocked. I reordered the locks, added a watchdog that resets the bus instead of the whole machine, and ran twenty units for a month without a single freeze. The field freezes stopped after the next update.",
            ),
            (
                "we",
                "middling",
                "we_only",
                "We had a really hard bug in our booking system where some bookings would disappear. We spent weeks on it. We added more logging and eventually we found it was a race condition between two services. We fixed it with a lock and it didn't happen again.",
            ),
            (
                "argument",
                "weak",
                "off_topic",
                "My manager and I once disagreed strongly about the roadmap. She wanted to focus on new features for a big prospect, and I believed we needed to pay down technical debt first because our release cadence had slowed. I prepared a short document comparing the options, we discussed it in our one to one, and we agreed to split the next quarter between the two. The prospect signed, and our release cadence improved by the end of the quarter.",
            ),
            (
                "buzz",
                "weak",
                "buzzwords",
                "I love a challenging bug. I'm a detail-oriented problem solver with a strong analytical mindset, and I'm very persistent. I'm known on my team as the go-to person for tough issues because I think outside the box and never give up until it's solved.",
            ),
            (
                "thin",
                "middling",
                "thin",
                "I once had a bug where a report showed the wrong totals for some customers. It took me a few days to find. It turned out to be a timezone problem in how dates were grouped. I fixed the grouping and the totals were right after that.",
            ),
            (
                "none",
                "weak",
                "non_answer",
                "Hard to say, there have been so many bugs. Nothing really stands out, they all kind of blur together.",
            ),
        ),
        (
            "star > thin > buzz",
            "plain > we > none",
            "star > argument",
            "plain > argument",
            "thin > none",
            "we > buzz",
        ),
    ),
    group(
        "held-urgent",
        "behavioural",
        "How do you prioritise when everything is urgent? Give an example.",
        (
            (
                "plain",
                "strong",
                "marker_free",
                "Last March, on the Monday of our quarter-end week, three things landed on me at once: the payroll export for two hundred staff was failing, our biggest customer wanted a data fix before their board meeting on Wednesday, and my manager needed the quarterly figures by Thursday. I looked at what would hurt whom, and how soon. Payroll came first, because people would not be paid on Friday, so I spent Monday morning on it and had it fixed by lunch. Then I rang the customer, agreed exactly which numbers their board needed, and fixed only those on Tuesday. I told my manager on Monday that her figures would come Thursday morning rather than Wednesday, and she was fine with that. All three were done within two days of the deadline I'd set myself, nothing slipped, and the customer renewed the following month.",
            ),
            (
                "star",
                "strong",
                "star",
                "In my role as an operations coordinator at a festival company, two days before a 10,000-person event, the fencing supplier cancelled, the ticket scanners failed their test and the headline act's rider arrived with new requirements. My task was to get the site ready for the gates to open on Friday at noon. First I ranked the three by what would stop the gates opening: fencing and scanners would, the rider would not. I rang our backup fencing firm and booked them within the hour. Then I got the scanner supplier to send an engineer and arranged a paper ticket check as a fallback. The rider I handed to the artist liaison with a budget limit. As a result the fencing was up by Thursday night, the scanners worked, and the gates opened at 12:05.",
            ),
            (
                "method",
                "weak",
                "generic",
                "When everything is urgent, I use the Eisenhower matrix. I sort tasks into urgent and important, urgent but not important, and so on. I focus on the most important tasks first, I delegate what I can, and I communicate clearly with stakeholders about timelines. I also make sure to manage expectations and I always keep a to-do list.",
            ),
            (
                "mentor",
                "weak",
                "off_topic",
                "Last year I mentored a new junior analyst who was struggling with our reporting tools. I set up weekly sessions with her, gave her real tasks to practise on, and reviewed her work with her. After three months she was producing reports on her own, and she was promoted at the end of the year.",
            ),
            (
                "nonum",
                "strong",
                "no_numbers",
                "On a busy Saturday at the garden centre where I was shift supervisor, the till system went down, a delivery lorry turned up early, and a customer had a fall in the car park, all in the same half hour. The fall came first: I went straight out, made sure she was looked after and called her daughter. I asked my most experienced colleague to open the manual tills and told the lorry driver he would have to wait until the rush passed, and he agreed once I offered him a coffee. The customer was fine, we kept serving throughout, and the delivery was unloaded after lunch.",
            ),
            (
                "we",
                "middling",
                "we_only",
                "At my last job we often had lots of urgent requests at the same time. One week we had three client deadlines on the same day. We sat down as a team, we decided which client was most important, and we split the work. We worked late and we got most of it done, and we asked one client for an extra day.",
            ),
            (
                "short",
                "weak",
                "short",
                "I just do the most urgent thing first and then the next one.",
            ),
        ),
        (
            "plain > we > method",
            "star > we > short",
            "nonum > we",
            "plain > mentor",
            "star > mentor",
            "nonum > mentor",
            "nonum > method",
        ),
    ),
    group(
        "held-learn",
        "behavioural",
        "Tell me about a time you had to learn something new quickly to deliver a piece of work.",
        (
            (
                "plain",
                "strong",
                "marker_free",
                "When I joined a small nonprofit as their only data person, the board wanted a dashboard of our food bank deliveries in three weeks, and I had never used Power BI, which was the tool they had already paid for. I did the first four modules of Microsoft's free course over a weekend, then I rebuilt one of our old Excel reports in it as practice, and I asked a volunteer who used it at her day job to review my model for an hour. I had a first version for the operations manager by the end of week two and fixed what she found confusing. The board saw the dashboard on the agreed date, and they now use it every month to decide where the vans go.",
            ),
            (
                "star",
                "strong",
                "star",
                "At my last job as a paralegal, I was asked to support a case involving shipping contracts, which I knew nothing about, and the first filing was due in ten days. My task was to prepare the chronology and the document bundle. First I read the two practitioner guides the partner recommended and made a one-page glossary of the terms. Then I asked the senior associate for thirty minutes to check my understanding of the key clauses. I also built the chronology as I read, so the learning and the work happened together. As a result the bundle was filed two days early, the partner used my chronology at the hearing without changes, and I was asked to stay on the shipping team.",
            ),
            (
                "thin",
                "middling",
                "thin",
                "I had to learn Python quickly in my last job because we needed to automate some reports. I watched some online tutorials and practised in the evenings. After a couple of weeks I managed to write a script that did the job.",
            ),
            (
                "conflict",
                "weak",
                "off_topic",
                "I had a difficult relationship with a colleague in accounts who kept rejecting my expense reports. I asked her for a coffee to understand what was going wrong, and it turned out I was using an old form. She showed me the new process, I apologised for the extra work I'd caused her, and we've had a good relationship since.",
            ),
            (
                "buzz",
                "weak",
                "buzzwords",
                "I'm a fast learner and a self-starter. I thrive in fast-paced environments and I love a challenge. I'm very adaptable, I pick up new skills quickly and I'm always eager to step out of my comfort zone and hit the ground running.",
            ),
            (
                "would",
                "weak",
                "hypothetical",
                "If I needed to learn something quickly, I would first find the best resources, like online courses or documentation. I would then practise on a small example and ask experts for help if I got stuck. I think the key is to learn by doing.",
            ),
            (
                "ramble",
                "middling",
                "rambling",
                "Oh, so many times, but one that comes to mind, I was working at a bike shop, just weekends, while I was studying, and the owner got this contract to service a fleet of e-bikes for a delivery company, like forty bikes, and none of us had worked on e-bikes really, the motors, the batteries, the software for the diagnostics. And he asked me because I was the one who was, I don't know, good with computers I guess. So I spent a lot of evenings on forums and on the manufacturer's videos, and I rang their support line a lot, they got to know me. The first few bikes took forever. But by the end of the month I was doing them in about an hour each and we kept the contract for the whole year, which paid for a new workshop stand.",
            ),
        ),
        (
            "plain > thin > buzz",
            "star > ramble > would",
            "plain > conflict",
            "star > conflict",
            "thin > would",
            "ramble > buzz",
        ),
    ),
)
