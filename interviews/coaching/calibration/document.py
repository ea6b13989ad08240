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
        f"- Pairwise ordering accuracy: **{report.pairwise_accuracy:.0%}** "
        f"({len(report.orderings) - len(report.ordering_violations)}/{len(report.orderings)}; "
        f"target {PAIRWISE_TARGET:.0%})",
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
        "the same question (`interviews/coaching/calibration/`).",
        "",
        "The set has a **development half** (`dev.py` and the 18 earlier answers in "
        "`legacy.py`) that the local coach was tuned against, and a **held-out half** "
        f"({answers} answers to {questions} questions the development half does not ask) that "
        "nobody tuned against. The held-out half comes in three parts, each written before "
        "the change it measures: A (`heldout.py`) with the development half, committed before "
        "the coach was changed (2f9e413); B (`heldout2.py`) after A had been measured once, "
        "committed (7320779) before the relevance cues were broadened; C (`heldout3.py`) after "
        "B had been measured, committed (697b92f) before the foci for the bank's remaining "
        "people questions. A part that has been looked at measures later changes less "
        "honestly, so the first look at each is kept below. Tests pin the fingerprints of all "
        "three parts, so they cannot quietly change. The figures below are for the whole "
        "held-out half.",
        "",
        "Measurements as they were taken (Spearman / band hit rate / pairwise ordering):",
        "",
        "- A, first look, coach at 6b0ab7c (tuned on the development half only): 0.80 / 88% / 92%.",
        "- B, first look, same coach: 0.71 / 76% / 90%. After broadening the cues that decide "
        "whether a question was answered (7b3b8d1): 0.78 / 81% / 93%.",
        "- C, first look, coach at 4c7fb2f: 0.77 / 72% / 92%. After the people foci: "
        "0.84 / 94% / 96%.",
        "- The current figures follow, per part and together.",
        "",
        "Each question has a strong answer told with the usual signposts and one told as plain "
        "narrative, and weaker ones: results without numbers, stories told with “we” only, "
        "thin or rambling stories, a polished story that answers a different question, stock "
        "phrases, self-descriptions, hypotheticals, non-answers and one-liners.",
        "",
        "Expected bands of the overall score (1-5): "
        + ", ".join(f"{tier} {lo}-{hi}" for tier, (lo, hi) in BANDS.items())
        + ". An answer that does not answer the question is capped at 2.5 whichever engine "
        "judged it.",
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
        "ownership, specifics, results and what the question's competency asks for in the "
        "words; it cannot judge whether a story is true or wise, and an unusual wording of a "
        "part can go unseen (its notes then say what would make the part clearer rather than "
        "calling it missing).",
        "- The largest misses are real answers whose core part (what went wrong, how the cause "
        "was found, what was competing) is worded in a way the cues do not catch: the coach then "
        "says the question was not answered and the cap applies. Its note names the part it "
        "looked for, so the candidate can say it plainly, but the score is too low.",
        "- Bands and orderings were set by the author of the answers, not by a panel of raters; "
        "the held-out half guards against tuning to the samples, not against the author's taste.",
        "",
    ]
    return "\n".join(lines)
