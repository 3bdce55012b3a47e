"""A real run for the report tests: the bundled sample branch through the whole pipeline.

The example config and input_samples, with three changes so the hand checks have a published
answer: unit B01 城东支行; the `dimensions` matrix judged by experts E1 and E2 exactly as the
source's worked example (1 2 3 5 / 2 3 / 2), so the combined matrix is the source's (λmax
4.0145, CI 0.0048, RI 0.90, CR 0.0054); a written acceptance of that matrix (unused, since
it is consistent); the first pool allocation's note looks like a formula, kept as text
by the ' before it (the inputs refuse it without).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

import appraisal
from appraisal.result import RunResult
from appraisal.summary import compute_summary

ROOT = Path(__file__).resolve().parents[1]
BOARD_NOTE = "reviewed by the board on 2026-10-05"
FORMULA_NOTE = '\'=HYPERLINK("http://x")'  # ' before it: read as written (docs/inputs.md)
SOURCE_JUDGMENTS = [
    ("financial", "customer", "2"),
    ("financial", "internal_process", "3"),
    ("financial", "learning_growth", "5"),
    ("customer", "internal_process", "2"),
    ("customer", "learning_growth", "3"),
    ("internal_process", "learning_growth", "2"),
]


def build_project(folder: Path, *, language: str = "zh", **config_changes: object) -> Path:
    """Copy the sample project into `folder` with the changes above; returns the config path."""
    shutil.copytree(ROOT / "input_samples", folder / "input_samples")
    (folder / "configs").mkdir()
    judgments = pd.read_csv(folder / "input_samples" / "judgments.csv", encoding="utf-8-sig",
                            dtype=str, keep_default_na=False)
    others = judgments[judgments["matrix"] != "dimensions"]
    source = pd.DataFrame(
        [("dimensions", expert, a, b, v) for expert in ("E1", "E2")
         for a, b, v in SOURCE_JUDGMENTS],
        columns=judgments.columns,
    )
    pd.concat([source, others]).to_csv(folder / "input_samples" / "judgments.csv", index=False,
                                       encoding="utf-8-sig")
    allocations_file = folder / "input_samples" / "pool_allocations.csv"
    allocations = pd.read_csv(allocations_file, encoding="utf-8-sig", dtype=str,
                              keep_default_na=False)
    allocations.loc[0, "note"] = FORMULA_NOTE  # must stay inert text in every workbook
    allocations.to_csv(allocations_file, index=False, encoding="utf-8-sig")
    config = yaml.safe_load((ROOT / "configs" / "example.yaml").read_text(encoding="utf-8"))
    config["unit"] = {**config["unit"], "id": "B01", "name": "城东支行"}
    config["language"] = language
    config.setdefault("weights", {})["accept"] = {"dimensions": {"justification": BOARD_NOTE}}
    for key, value in config_changes.items():
        section, _, name = key.partition("__")
        if name:
            config[section] = {**config.get(section, {}), name: value}
        else:
            config[section] = value
    path = folder / "configs" / "example.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@cache
def sample_run(language: str = "zh") -> RunResult:
    """The sample branch's run (computed once per test session and language)."""
    folder = Path(tempfile.mkdtemp(prefix="appraise-report-"))
    return appraisal.run(build_project(folder, language=language))


def with_managers(result: RunResult, managers: pd.DataFrame) -> RunResult:
    """The run with another managers frame and the summary stage rerun on it."""
    summary = compute_summary(managers, result.scores, result.rollups, result.pool_ledger,
                              result.config)
    return replace(result, managers=managers, summary=summary)


def with_names(result: RunResult, names: list[str] | tuple[str, ...]) -> RunResult:
    """The run with the first managers renamed (the rest keep their names)."""
    managers = result.managers.copy()
    managers.loc[: len(names) - 1, "name"] = list(names)
    return replace(result, managers=managers)
