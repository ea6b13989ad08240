"""docs/calibration.md from calibration reports."""

from __future__ import annotations

from collections import Counter

from interviews.coaching.calibration.metrics import PAIRWISE_TARGET, Report
from interviews.coaching.calibration.samples import BANDS, Group


def _summary(report: Report) -> list[str]:
    return [
        f"- Spearman (expected tier against overall): **{report.spearman:.2f}** "
        f"(the best a perfect engine can reach on this half: {report.max_spearman:.2f})",
        f"- Band hit rate: **{report.band_hit_rate:.0%}** ({report.band_hits}/{len(report.rows)})",
        f"- Pairwise ordering accuracy: **{report.pairwise_accuracy:.1%}** "
        f"({len(report.orderings) - len(report.ordering_violations)}/{len(report.orderings)}; "
        f"target {PAIRWISE_TARGET:.0%})",
        f"- False-absence notes: **{len(report.false_absence_notes)}** (target 0)"
        + (": " + "; ".join(report.false_absence_notes) if report.false_absence_notes else ""),
        f"- Answers capped: {len(report.capped)} ("
        + (", ".join(r.sample.id for r in report.capped) or "none")
        + ")",
    ]


def _by_kind(report: Report) -> list[str]:
    total: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for row in report.rows:
        kind = row.sample.kind or "legacy"
        total[kind] += 1
        hits[kind] += row.in_band
    lines = ["| Kind of answer | In band |", "|---|---|"]
    lines += [f"| {kind} | {hits[kind]}/{total[kind]} |" for kind in sorted(total)]
    return lines


def render_markdown(
    heldout: list[Report],
    *,
    dev: Report | None,
    heldout_groups: tuple[Group, ...],
    parts: dict[str, Report] | None = None,
) -> str:
    questions = len(heldout_groups)
    answers = sum(len(g.samples) for g in heldout_groups)
    lines = [
        "# Coach calibration",
        "",
        "How well each coaching engine agrees with answers written for Mockingbird, each with the "
        "band a careful coach would put its overall score in, and orderings between answers to "
        "the same question. The answers are test data "
        "(`tests/interviews/coaching/data/*.toml`, not shipped in the wheel), loaded and "
        "validated by `interviews/coaching/calibration/`.",
        "",
        "The set has a **development half** (`dev.toml` and the 18 earlier answers in "
        "`legacy.toml`) that the local coach was tuned against, and a **held-out half** "
        f"({answers} answers to {questions} questions the development half does not ask) that "
        "nobody tuned against. The held-out half comes in four parts, each written before "
        "the change it measures: A (`heldout_a.toml`) with the development half, committed "
        "before the coach was changed (2f9e413); B after A had been measured once, committed "
        "(7320779) before the relevance cues were broadened; C after B had been measured, "
        "committed (697b92f) before the foci for the bank's remaining people questions; D "
        "(issue 21) written from the issue's description only, before the coach was changed "
        'for it, and committed on its own ("calibration: held-out part D"): 65 answers to 13 '
        "questions over the five "
        "question types (behavioural, situational, technical or design, motivation, knowledge "
        "or opinion), many in spoken style (lowercase, fillers, no punctuation), with better "
        "and worse answers to the same question, stories that tell each STAR part in plain "
        "narrative with none of the usual cue words and stories that lack a part (each "
        "behavioural answer lists the parts it really has). A part that has been looked at "
        "measures later changes less honestly, so the first look at each is kept below. Tests "
        "pin the fingerprints of all four parts, so they cannot quietly change. The figures "
        "below are for the whole held-out half.",
        "",
        "**False-absence notes**: a note, improvement or summary that says a STAR part is "
        'missing ("no result", "missing: the situation", "open with context") on an answer '
        "that has it, or any STAR absence on a question that asks for no story. The target is "
        "zero.",
        "",
        "Measurements as they were taken (Spearman / band hit rate / pairwise ordering):",
        "",
        "- A, first look, coach at 6b0ab7c (tuned on the development half only): 0.80 / 88% / 92%.",
        "- B, first look, same coach: 0.71 / 76% / 90%. After broadening the cues that decide "
        "whether a question was answered (7b3b8d1): 0.78 / 81% / 93%.",
        "- C, first look, coach at 4c7fb2f: 0.77 / 72% / 92%. After the people foci: "
        "0.84 / 94% / 96%.",
        '- D, first look, coach unchanged (at "coach data as data"): 0.72 / 54% / 89%, 27 '
        "false-absence "
        "notes, 6 on-topic answers capped (A-C at the same time: 97% pairwise, 24 false-absence "
        "notes, 2 on-topic answers capped).",
        "- A-D, first look after the issue 21 coach (evidence-or-silence notes, question "
        "types, relevance only on evidence; tuned on the development half only): 0.80 / 71% / "
        "94.1%, 2 false-absence notes, no on-topic answer capped. Both notes were a final "
        'sentence holding an action and its outcome ("everyone coped well and we moved '
        'back"); after the rule that such a sentence is not "nothing after the last action": '
        "0.80 / 72% / 94.6%, 0 false-absence notes.",
        "- Later changes were made against the development half and the coach's own tests "
        'only (an outcome told as an action, such as "we served every booking", is not '
        '"nothing after the last action"; each sentence is quoted under one dimension). The '
        "current figures follow, per part and together.",
        "",
        "Each behavioural question has a strong answer told with the usual signposts and one "
        "told as plain narrative, and weaker ones: results without numbers, stories told with "
        "“we” only, thin or rambling stories, a polished story that answers a different "
        "question, stock phrases, self-descriptions, hypotheticals, non-answers and one-liners; "
        "the other types have reasoned answers, spoken ones, vague and stock ones, and "
        "one-liners.",
        "",
        "Expected bands of the overall score (1-5): "
        + ", ".join(f"{tier} {lo}-{hi}" for tier, (lo, hi) in BANDS.items())
        + ". The built-in coach caps an answer at 2.5 only on evidence that its story answers "
        "another question (it meets every criterion of another ask and not the core of this "
        "one); a model's relevance score of 2 or less caps too.",
        "",
        "## How to rerun",
        "",
        "```",
        "python manage.py coach_calibration                 # local coach, held-out half",
        "python manage.py coach_calibration --engine openai # also the configured model",
        "python manage.py coach_calibration --half dev      # the development half (print only)",
        "python manage.py coach_calibration --no-write      # print only",
        "```",
        "",
        "`--engine openai` runs the model coach with `OPENAI_API_KEY`, `OPENAI_BASE_URL` and "
        "`OPENAI_COACH_MODEL`, one model call per answer. The test suite runs the local engine "
        "on both halves and the openai engine against the fake OpenAI server (scripted replies: "
        "its numbers there test the plumbing, not a model).",
        "",
    ]
    for report in heldout:
        lines += [f"## Engine: {report.engine} (held-out half)", "", *_summary(report), ""]
        if report.engine == "local":
            for name, part in (parts or {}).items():
                lines += [f"Part {name} alone:", "", *_summary(part), ""]
        misses = report.largest_misses()
        if misses:
            lines += ["Largest misses:", ""]
            lines += [
                "| Answer | Kind | Expected | Band | Overall | Off by |",
                "|---|---|---|---|---|---|",
            ]
            for row in misses:
                lo, hi = row.sample.band
                lines.append(
                    f"| {row.sample.id} | {row.sample.kind} | {row.sample.tier} | {lo}-{hi} | "
                    f"{row.overall:.1f} | {row.miss:.1f} |"
                )
            lines.append("")
        wrong = report.ordering_violations
        lines += [
            "Orderings it gets wrong: " + ("none." if not wrong else "; ".join(wrong) + "."),
            "",
        ]
        lines += [*_by_kind(report), ""]
        lines += [
            "| Answer | Kind | Expected | Band | Overall | In band |",
            "|---|---|---|---|---|---|",
        ]
        for row in report.rows:
            lo, hi = row.sample.band
            lines.append(
                f"| {row.sample.id} | {row.sample.kind} | {row.sample.tier} | {lo}-{hi} | "
                f"{row.overall:.1f} | {'yes' if row.in_band else 'no'} |"
            )
        lines.append("")
    if not any(report.engine == "openai" for report in heldout):
        lines += [
            "## Engine: openai",
            "",
            "Not measured in this copy of the document: it needs a model. Run "
            "`python manage.py coach_calibration --engine openai` with an API key.",
            "",
        ]
    if dev is not None:
        lines += [
            f"## Engine: {dev.engine} (development half, tuned against: not evidence)",
            "",
            *_summary(dev),
            "",
        ]
    lines += [
        "## Limits",
        "",
        "- The local coach reads English only and uses lexical cues: it sees structure, "
        "ownership, specifics, results and, for other question types, what they ask for; it "
        "cannot judge whether a story is true or wise, and an unusual wording of a part can go "
        "unseen (its notes then say what would make the part clearer rather than calling it "
        "missing: a part is called missing only on structural evidence).",
        "- It does not judge relevance without evidence: a polished story to a different "
        "question whose words overlap the asked question's criteria is not capped, and then "
        "scores as the story it is (most off-topic misses above). Its relevance note says so, "
        "and the feedback says it is a quick check without a model.",
        "- Bands and orderings were set by the author of the answers, not by a panel of raters; "
        "the held-out half guards against tuning to the samples, not against the author's taste.",
        "",
    ]
    return "\n".join(lines)
