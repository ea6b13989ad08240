"""Second held-out half: written after the first held-out half had been measured once, and
committed before the coach was changed again, so it measures the changes that followed (which
the first held-out half can no longer do honestly). Three questions neither other half asks.
Its fingerprint is pinned by tests/interviews/coaching/test_calibration.py. Do not tune on it.
"""

from __future__ import annotations

from interviews.coaching.calibration.samples import group

GROUPS = (
    group(
        "held2-reached",
        "failure",
        "Tell me about a mistake that reached customers and how you handled it.",
        (
            (
                "plain",
                "strong",
                "marker_free",
                "I sent a price-change email to about nine thousand subscribers of the coffee subscription I worked for, and the template pulled last year's prices, so everyone was told their bag would cost less than it did. I spotted it forty minutes later when the first replies came in. I stopped the second batch, told my manager, and wrote a correction that said plainly the mistake was ours and that everyone would get the lower price for three months. Support got around two hundred emails that day instead of the thousand we feared, and only a handful of people cancelled. Since then every campaign email goes to a test list of five colleagues with real accounts an hour before it goes out, and I built a check that compares the prices in the email against the shop.",
            ),
            (
                "star",
                "strong",
                "star",
                "At a hotel booking site, I was the developer who released a change to the search filters. My responsibility was that release, and I had skipped the full regression run because the change looked small. The result was that for about six hours, guests searching for family rooms were shown no results at all. When the support team flagged it, I rolled the change back within fifteen minutes, then worked out which searches had failed and we emailed the 340 affected customers a discount code. I wrote up the incident honestly, including that I had skipped the tests. What I learned is that a small change is not a safe change, and I now run the full suite on every release and added the family-room search to our smoke tests.",
            ),
            (
                "we",
                "middling",
                "we_only",
                "We once had a bug in our invoicing that meant some customers were charged twice. We found out from complaints, and we fixed it quickly and refunded everyone. We also had a team retro and we decided to add more tests around payments. After that we didn't have the problem again.",
            ),
            (
                "win",
                "weak",
                "off_topic",
                "One thing I'm proud of is the customer onboarding guide I wrote at my last job. New customers were taking weeks to get set up, so I interviewed ten of them, wrote a step-by-step guide with screenshots and recorded three short videos. Set-up time went from about three weeks to four days, and the guide is still linked from the welcome email.",
            ),
            (
                "buzz",
                "weak",
                "buzzwords",
                "I take full ownership of my mistakes. I'm very customer-centric, I believe in transparency and I always put the customer first. Mistakes are learning opportunities, and I bring a growth mindset and a can-do attitude to every challenge.",
            ),
            ("short", "weak", "short", "Once a wrong price went out to customers. We fixed it."),
            (
                "thin",
                "middling",
                "thin",
                "In my last job I accidentally sent a newsletter to the wrong list, including some people who had unsubscribed. I apologised to my manager and we sent an apology email. I'm much more careful now.",
            ),
        ),
        (
            "plain > we > buzz",
            "star > thin > short",
            "plain > win",
            "star > win",
            "we > short",
            "thin > buzz",
        ),
    ),
    group(
        "held2-feedback",
        "conflict",
        "Tell me about a time you had to deliver difficult feedback.",
        (
            (
                "star",
                "strong",
                "star",
                "When I was leading a team of four analysts, one of them, Omar, was very talented but kept missing review deadlines, and the others had started covering for him and resenting it. My job was to tell him clearly without losing him. I booked a private half hour, and I opened with the specific facts: three reports late in six weeks, and what that had cost the two colleagues who picked them up. I asked him what was going on rather than guessing, and it turned out he was overcommitted on a side project our director had given him. We agreed that I would talk to the director about the side project and that he would flag any risk to a deadline two days ahead. Over the next quarter he missed no deadlines, and he told me later it was the most useful conversation he had had with a manager.",
            ),
            (
                "plain",
                "strong",
                "marker_free",
                "A volunteer at the youth football club I coordinate had been shouting at the children during matches, and two parents had complained to me. He had been there longer than me and was well liked, so I was nervous. I asked him for a coffee before training, told him exactly what the parents had said and what I had seen myself at the Saturday match, and said that I could not have it continue. He was defensive at first and said that was how he had been coached. I listened, and then I offered him a short coaching course the league runs, which the club would pay for. He went on it the next month. The parents have not raised it again, and he now helps me run the sessions for the youngest group.",
            ),
            (
                "soft",
                "middling",
                "no_numbers",
                "I once had to tell a colleague that her presentations were too long and that people were switching off. I waited for a quiet moment and told her privately, and I gave her an example from the last meeting. She was a bit upset but she thanked me later, and her next few presentations were much shorter.",
            ),
            (
                "process",
                "weak",
                "off_topic",
                "At my last company the expense claims process took forever, with paper forms and three signatures. I suggested moving it to an app, ran a trial with my own team, and wrote a short guide for everyone else. Claims now get paid in about a week instead of a month, and finance have adopted it for the whole company.",
            ),
            (
                "generic",
                "weak",
                "generic",
                "I believe feedback is a gift. When I give difficult feedback I always make sure it's timely, specific and kind. I use the sandwich method, I focus on the behaviour and not the person, and I make sure the other person feels heard.",
            ),
            (
                "none",
                "weak",
                "non_answer",
                "I'm not a manager, so I haven't really had to give difficult feedback to anyone, I don't think.",
            ),
            (
                "ramble",
                "middling",
                "rambling",
                "Right, well, this was at a restaurant, I was sous chef, and the kitchen, you know, it's a pressure cooker, literally sometimes, and there's a hierarchy, and we had a new line cook who was, honestly, quite arrogant, good hands but arrogant, and he didn't clean down his station, ever, and it was affecting the close, because the closing team had to do it, and they were complaining to me, a lot, like every night. And the head chef was away that week, on holiday I think, somewhere hot. So it fell to me. I took him aside after service on the Thursday and told him straight that the station had to be clean before he left, and that the others had noticed. He argued a bit. But the next night it was clean, and it stayed clean after that, mostly.",
            ),
        ),
        (
            "star > soft > generic",
            "plain > ramble > none",
            "star > process",
            "plain > process",
            "soft > none",
            "ramble > generic",
        ),
    ),
    group(
        "held2-process",
        "behavioural",
        "Tell me about a time you improved a process that others took for granted.",
        (
            (
                "plain",
                "strong",
                "marker_free",
                "In the dental practice where I was the practice manager, every patient reminder was phoned by the receptionists the day before, which took about two hours every afternoon, and nobody questioned it because it had always been done that way. I counted the calls for a month and found that two thirds went to voicemail anyway. I set up text reminders through the booking system we already paid for, kept phone calls only for patients without a mobile number, and asked the receptionists to pick the wording. Missed appointments dropped from around twelve a week to five, and the receptionists got most of their afternoons back, which they now spend on the waiting list.",
            ),
            (
                "star",
                "strong",
                "star",
                "At a software company I joined as a QA engineer, every release went through a two-day manual test of the whole app, and everyone assumed that was the price of quality. My goal was to make releases safe without the two days. First I went through a year of bug reports and found that almost every release bug came from the same four areas. Then I automated the tests for those four areas and kept a short manual check for everything else. I also showed the results to the engineering manager each week for a month. As a result, the release test went from two days to about three hours, and the number of bugs reaching customers stayed the same.",
            ),
            (
                "we",
                "middling",
                "we_only",
                "Our team had a weekly reporting process that took a lot of time and we all thought it was just part of the job. We decided to look at it and we found that a lot of it could be automated. We built some scripts and we changed the template. It saves us a lot of time now.",
            ),
            (
                "conflict",
                "weak",
                "off_topic",
                "My manager and I disagreed about whether to hire a contractor or train someone internally. He wanted the contractor because it was faster. I showed him the cost over a year and offered to mentor the internal person myself. He agreed to try it for three months, and it worked out well.",
            ),
            (
                "would",
                "weak",
                "hypothetical",
                "I would start by mapping the current process and talking to the people who use it. Then I would look for the steps that add no value and I would suggest removing them. I think it's important to measure before and after so you can show the improvement.",
            ),
            (
                "thin",
                "middling",
                "thin",
                "In my last job the team used a shared spreadsheet for holiday requests and it was always a mess. I suggested using the calendar tool instead and set it up. People found it easier.",
            ),
            ("short", "weak", "short", "I improved our filing system once. It was better after."),
        ),
        (
            "plain > we > would",
            "star > thin > short",
            "plain > conflict",
            "star > conflict",
            "we > short",
            "thin > would",
        ),
    ),
)
