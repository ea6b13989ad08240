"""The curated question bank: (text, competency, role tags, interview type), from the coaching
data files (interviews/coaching/data/question_bank.toml)."""

from interviews.coaching.bank import QUESTIONS

__all__ = ["QUESTIONS"]
