"""The example config copied into a test's folder, its inputs pointed wherever the test needs."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "configs" / "example.yaml"
SAMPLES = ROOT / "input_samples"


def example_raw() -> dict:
    """configs/example.yaml as a mapping."""
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def write_config(folder: Path, raw: dict, *, inputs_from: Path = SAMPLES,
                 inputs: dict[str, str] | None = None, file: str = "config.yaml") -> Path:
    """A copy of `raw` in `folder` whose input paths point at `inputs_from` (charts off);
    `inputs`: tables pointed elsewhere (name -> path)."""
    raw = copy.deepcopy(raw)
    for name, source in raw["inputs"].items():
        if isinstance(source, dict):
            source["path"] = str(inputs_from / Path(source["path"]).name)
        else:
            raw["inputs"][name] = str(inputs_from / Path(source).name)
    for table, where in (inputs or {}).items():
        source = raw["inputs"].get(table)
        raw["inputs"][table] = {**source, "path": where} if isinstance(source, dict) else where
    raw.setdefault("output", {})["charts"] = False
    path = folder / file
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def refused_run(folder: Path, language: str, change) -> tuple[int, str]:
    """`appraise run` on the example config in `language` after `change(raw)`, in `folder`
    (created): its exit code and output (the config path as CONFIG); asserts nothing was
    written."""
    from click.testing import CliRunner

    from appraisal.cli import main

    raw = example_raw()
    raw["language"] = language
    change(raw)
    folder.mkdir(parents=True)
    config = write_config(folder, raw)
    out = folder / "out"
    ran = CliRunner().invoke(main, ["run", str(config), "--out", str(out), "--quiet"])
    assert not out.exists()
    return ran.exit_code, ran.output.replace(str(config), "CONFIG")
