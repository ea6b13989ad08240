"""The coach's data files are loaded once and validated: a malformed entry is refused with an
error naming the file and the entry, never a traceback deep in the coach."""

from __future__ import annotations

import pytest

from interviews.coaching import datafiles
from interviews.coaching.competencies import COMPETENCIES, FOCI
from interviews.coaching.competencies.criteria import load_competencies
from interviews.coaching.datafiles import DataFileError


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A data folder of our own, read afresh (the cache is per process)."""
    monkeypatch.setattr(datafiles, "DATA_DIR", tmp_path)
    datafiles.load.cache_clear()
    load_competencies.cache_clear()
    yield tmp_path
    datafiles.load.cache_clear()
    load_competencies.cache_clear()


def test_the_shipped_files_load() -> None:
    assert len(COMPETENCIES) == 6
    assert FOCI
    assert all(c.criteria for c in COMPETENCIES.values())


def test_a_bad_regular_expression_names_the_file_and_the_entry(data_dir) -> None:
    (data_dir / "competencies.toml").write_text(
        '[[competency]]\nkey = "failure"\nlabel = "F"\nasks = "a"\ncriteria = ["x"]\n'
        '[[competency.criterion]]\nkey = "x"\nlabel = "x"\ndescription = "d"\n'
        'cues = ["(unclosed"]\n',
        encoding="utf-8",
    )
    with pytest.raises(
        DataFileError,
        match=r"competencies.toml competency 1 failure criterion 1 cue 1: invalid regular",
    ):
        load_competencies()


def test_an_unknown_criterion_is_refused(data_dir) -> None:
    (data_dir / "competencies.toml").write_text(
        '[[competency]]\nkey = "failure"\nlabel = "F"\nasks = "a"\ncriteria = ["nope"]\n',
        encoding="utf-8",
    )
    with pytest.raises(
        DataFileError, match=r"competencies.toml competency 1 failure: unknown criterion .nope."
    ):
        load_competencies()


def test_a_missing_or_unreadable_file_says_which(data_dir) -> None:
    with pytest.raises(DataFileError, match=r"competencies.toml"):
        load_competencies()
    (data_dir / "competencies.toml").write_text("[[competency]\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"competencies.toml"):
        load_competencies()
