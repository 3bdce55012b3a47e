"""Statements written by a pool of processes: the same files, byte for byte, whatever the number
of workers or the chunking, and in the managers' order."""

from __future__ import annotations

from dataclasses import replace

import pytest
from report_fixture import sample_run

from appraisal.report import statements as module
from appraisal.report.statements import write_statements


def _bytes(paths):
    return {p.name: p.read_bytes() for p in paths}


@pytest.mark.parametrize("formats", [("xlsx",), ("xlsx", "pdf")])
def test_files_do_not_depend_on_the_number_of_workers(tmp_path, monkeypatch, formats):
    result = sample_run("zh")
    one = write_statements(result, tmp_path / "one", formats=formats, workers=1)
    monkeypatch.setattr(module, "_MIN_CHUNK", 7)  # several chunks of 7-8 managers each
    two = write_statements(result, tmp_path / "two", formats=formats, workers=2)
    assert [p.name for p in two] == [p.name for p in one]
    assert _bytes(two) == _bytes(one)


def test_paths_follow_the_managers_order_across_chunks(tmp_path, monkeypatch):
    result = sample_run("en")
    reordered = replace(result, managers=result.managers.iloc[::-1])
    monkeypatch.setattr(module, "_MIN_CHUNK", 5)
    monkeypatch.setattr(module, "_MAX_CHUNK", 5)
    paths = write_statements(reordered, tmp_path, workers=2)
    assert [p.stem for p in paths] == list(reordered.managers["manager_id"])


def test_a_small_run_is_written_in_process_by_default(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("no process pool for a small run")

    monkeypatch.setattr(module, "ProcessPoolExecutor", refuse)
    paths = write_statements(sample_run("zh"), tmp_path)
    assert len(paths) == len(sample_run("zh").managers)
