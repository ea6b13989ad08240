"""Third held-out part (C): written after parts A and B had been measured, and committed before
the coach gained foci for the bank's remaining conflict and leadership questions, so it measures
that change. Three bank questions no other part asks. Fingerprint pinned by
tests/interviews/coaching/test_calibration.py. Do not tune on it.
"""

from __future__ import annotations

from interviews.coaching.calibration.samples import group

GROUPS = (
    group(
        "held3-unhappy",
        "conflict",
        "Describe a situation where a customer or user was unhappy. What did you do?",
        (
            (
                "plain",
                "strong",
                "marker_free",
                "A regular at the bike hire shop I ran came back furious because the e-bike he had hired for a week-long tour ran out of battery halfway up a mountain road, and he had walked it for two hours. He was shouting in front of other customers. I took him to the back office, let him finish, and then told him he was right: we had given him a bike with an older battery and nobody had checked its range. I refunded the whole week, arranged a free weekend hire with a new battery, and that afternoon I started a range check for every bike before it leaves the shop. He came back for the weekend, left a five-star review mentioning how the complaint was handled, and we have had no flat-battery complaints since the checks started.",
            ),
            (
                "star",
                "strong",
                "star",
                "In my role on the support team of an accounting app, a small business owner emailed our CEO saying she would leave because her invoices had been sending with the wrong VAT rate for a month. I was asked to take it over and keep her. First I called her the same day, apologised, and asked her to show me exactly what she saw. Then I found the cause with an engineer: a setting that our last update had reset for about 200 accounts. I corrected her invoices myself, sent her a list of every customer who had received a wrong one, and made sure the other 200 accounts were fixed and told. As a result she stayed, she later agreed to be a case study, and the release checklist now includes a check on account settings.",
            ),
            (
                "we",
                "middling",
                "we_only",
                "We had a customer who was unhappy with a late delivery. We apologised and we offered a discount on the next order. We also looked at what went wrong with the courier. The customer accepted the discount and ordered again.",
            ),
            (
                "bug",
                "weak",
                "off_topic",
                "The project I'm proudest of is our move to a new database. I planned the migration in three stages, wrote the scripts to copy and check the data, and ran the final switch over a quiet Sunday night. Queries became about twice as fast and we retired two old servers.",
            ),
            (
                "generic",
                "weak",
                "generic",
                "I'm very customer-focused. When a customer is unhappy, I always listen first, I empathise, and I make sure they feel heard. Then I find a solution and I follow up to make sure they're satisfied. I believe every complaint is an opportunity.",
            ),
            (
                "short",
                "weak",
                "short",
                "A customer complained about the price once. I gave him a discount.",
            ),
        ),
        (
            "plain > we > generic",
            "star > we > short",
            "plain > bug",
            "star > bug",
            "we > bug",
        ),
    ),
    group(
        "held3-unpopular",
        "leadership",
        "Describe a time you had to make an unpopular decision. How did you handle it?",
        (
            (
                "star",
                "strong",
                "star",
                "As head of the maths department at a secondary school, I decided to stop the after-school revision sessions that three of my teachers ran, because the attendance data showed the same fifteen students came every week while the students who needed it most never did. My aim was to move that time to in-lesson support for the weakest groups. I knew the teachers would hate it, so I showed them the attendance figures before announcing anything, asked them to help design the new support, and kept one session a week for exam season. Two of them were still unhappy and told me so. By the end of the year, the lowest set's pass rate went up from 41% to 58%, and one of the two teachers who objected now leads the in-lesson programme.",
            ),
            (
                "plain",
                "strong",
                "marker_free",
                "Our team had a Friday release habit that everyone liked because it finished the week with a win, but three of the last five Friday releases had broken something over the weekend, and the on-call person paid for it. As the team lead I decided we would stop releasing after Wednesday. I told the team in person rather than in a message, explained the three weekend incidents, and asked what would make the change easier. They wanted a faster pipeline so Wednesdays didn't get crowded, so I got that prioritised. There was grumbling for a couple of weeks. Since then we have had one weekend incident in six months, and people started taking their on-call weekends without their laptops.",
            ),
            (
                "thin",
                "middling",
                "thin",
                "When I managed a small retail team, I had to change the rota so that everyone worked at least one weekend a month. People didn't like it. I explained why and listened to their concerns. Eventually they accepted it.",
            ),
            (
                "team",
                "weak",
                "off_topic",
                "I enjoy working with people from different backgrounds. On my last project I worked with designers in Lisbon and engineers in Pune. I set up a shared channel, learned a few words of Portuguese and scheduled our calls at times that worked for both. The project shipped and we still keep in touch.",
            ),
            (
                "buzz",
                "weak",
                "buzzwords",
                "I'm not afraid to make tough calls. I'm a decisive, strategic leader and I always do what's best for the business. I lead with empathy and transparency, so people trust my decisions even when they don't like them.",
            ),
            (
                "none",
                "weak",
                "non_answer",
                "I try not to make unpopular decisions, honestly. I usually get everyone to agree first, so I can't think of one.",
            ),
        ),
        (
            "star > thin > buzz",
            "plain > thin > none",
            "star > team",
            "plain > team",
        ),
    ),
    group(
        "held3-criticism",
        "conflict",
        "Tell me about a time you received criticism you did not agree with at first.",
        (
            (
                "plain",
                "strong",
                "marker_free",
                "After my first big client workshop at the consultancy, my manager told me I had talked too much and that the client's team had barely spoken. I didn't agree at all: I thought I had kept things moving and that they were just quiet. I asked her which moments she meant, and she pointed to two exercises where I had answered my own questions. I watched the recording that evening, and she was right, I had left them about ten seconds each time before jumping in. For the next workshop I set myself a rule to count to ten in my head and to ask people by name. The client lead wrote afterwards that it was the first session where her team felt they had shaped the plan, and I still use the count.",
            ),
            (
                "star",
                "strong",
                "star",
                "In my second year as a nurse, a senior colleague told me that my handovers were too long and too detailed. At first I felt that detail was the point of a handover. My goal, though, was a safe handover, so I asked her to sit in on two of mine and point out what the next shift did not need. Then I tried the structure our ward used in its guidance, which I had been ignoring, and timed myself for a week. As a result my handovers went from about twenty-five minutes to twelve, the night nurses said they were easier to follow, and I became one of the people who teach the handover structure to new starters.",
            ),
            (
                "soft",
                "middling",
                "no_numbers",
                "My team lead once said my code reviews were too harsh and that people were put off. I didn't think so at first, because I was just being thorough. I asked a couple of teammates and they agreed with him, so I started writing my comments as questions and praising what was good. People seemed more comfortable asking me for reviews after that.",
            ),
            (
                "win",
                "weak",
                "off_topic",
                "Last year I organised our company's first charity hackathon. I found sponsors, booked the venue, and recruited forty volunteers from six teams. We raised about £12,000 for a local food bank and it's now an annual event.",
            ),
            (
                "would",
                "weak",
                "hypothetical",
                "If I received criticism I didn't agree with, I would take a step back and not react straight away. I would try to understand the other person's point of view and ask for examples. Then I would reflect on it and decide what to change.",
            ),
            (
                "short",
                "weak",
                "short",
                "My boss said I was too quiet in meetings. I disagreed but I speak up more now.",
            ),
        ),
        (
            "plain > soft > would",
            "star > soft > short",
            "plain > win",
            "star > win",
            "soft > win",
        ),
    ),
)
