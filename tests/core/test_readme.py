"""The `wip` examples in the README run as written (on the shipped sample region)."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from wip_qgis_plugin.cli import main

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def readme_commands() -> list[list[str]]:
    """Every `.venv/bin/wip …` command of the README, line continuations joined."""
    text = README.read_text(encoding="utf-8").replace("\\\n", " ")
    return [shlex.split(line.split("#")[0])[1:] for line in text.splitlines()
            if re.match(r"\s*\.venv/bin/wip\s", line)]


def test_readme_has_examples():
    cmds = readme_commands()
    assert {c[0] for c in cmds} >= {"presets", "run", "eligibility", "sweep"}


@pytest.mark.parametrize("argv", [c for c in readme_commands() if c[0] != "run"], ids=lambda c: " ".join(c[:2]))
def test_readme_example_runs(argv, tmp_path, monkeypatch, capsys):
    if not (ROOT / "sample_layers" / "revier_sample.gpkg").exists():
        pytest.skip("sample region not generated")
    monkeypatch.chdir(ROOT)
    if "--out-dir" in argv:
        argv = list(argv)
        argv[argv.index("--out-dir") + 1] = str(tmp_path / "out")
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.strip()
    if argv[0] in ("eligibility", "sweep"):
        assert any((tmp_path / "out").iterdir())
