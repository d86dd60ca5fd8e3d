"""German-Excel copies of the engine's tables (core/data/excel_csv.py, the csv_format of a job)."""
from __future__ import annotations

import csv
import json

import pytest

from wip_qgis_plugin.core.data.excel_csv import csv_paths, excel_cell, excel_copy, excel_path
from wip_qgis_plugin.core.jobs.protocol import Job, ProtocolError

TABLE = "name,ags,total_ha,eligible_ha,eligible_pct\nZörbig,15082430,11491.3,2111.0,18.37\nTOTAL,,11491.3,2111.0,1e-05\n"


def test_numbers_get_a_decimal_comma_and_texts_stay():
    assert [excel_cell(c) for c in ("2111.0", "-0.5", "18", "1e-05", "15082430", "E-141/4200", "v1.2.3", "")] == \
        ["2111,0", "-0,5", "18", "1e-05".replace(".", ","), "15082430", "E-141/4200", "v1.2.3", ""]


def test_the_copy_is_what_german_excel_reads(tmp_path):
    table = tmp_path / "wind_table.csv"
    table.write_text(TABLE, encoding="utf-8")
    copy = excel_copy(table)
    assert copy == excel_path(table) == tmp_path / "wind_table_excel.csv"
    raw = copy.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte order mark: Excel reads the umlauts
    assert raw.decode("utf-8-sig").splitlines()[1] == "Zörbig;15082430;11491,3;2111,0;18,37"
    with open(copy, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["name", "ags", "total_ha", "eligible_ha", "eligible_pct"] and len(rows) == 3
    assert table.read_text(encoding="utf-8") == TABLE  # the engine's own table stays as it is
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wind_table.csv", "wind_table_excel.csv"]


def test_the_result_names_the_tables(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("x\n1.5\n", encoding="utf-8")
    b.write_text("x\n2\n", encoding="utf-8")
    (tmp_path / "a_excel.csv").write_text("", encoding="utf-8")
    result = {"files": {"table": str(a), "other": [str(b), str(tmp_path / "a_excel.csv"), str(tmp_path / "no.csv")]},
              "n": 3}
    assert csv_paths(result) == [a, b]


def test_a_job_with_excel_de_writes_the_copies_and_says_so(tmp_path, monkeypatch):
    from wip_qgis_plugin.core.jobs import protocol

    monkeypatch.delenv("WIP_CSV_FORMAT", raising=False)
    table = tmp_path / "t.csv"
    entry = protocol.ENTRY_POINTS["eligibility"]

    def fake(arguments, single_process, progress):
        table.write_text("a,b\n1.25,x\n", encoding="utf-8")
        return {"files": {"table": str(table)}}

    monkeypatch.setattr(protocol, "resolve", lambda ref: fake)
    monkeypatch.setattr(protocol, "job_outputs", lambda job: [])
    assert entry is not None
    plain = protocol.run_job(Job("eligibility", {}))
    assert "excel_csv" not in plain and not excel_path(table).exists()
    result = protocol.run_job(Job("eligibility", {}, csv_format="excel_de"))
    assert result["excel_csv"] == [str(excel_path(table))]
    assert excel_path(table).read_text(encoding="utf-8-sig").splitlines() == ["a;b", "1,25;x"]
    excel_path(table).unlink()
    monkeypatch.setenv("WIP_CSV_FORMAT", "excel_de")  # the command line's way
    assert protocol.run_job(Job("eligibility", {}))["excel_csv"] == [str(excel_path(table))]


def test_the_format_travels_with_the_job_and_nothing_else_is_accepted(tmp_path):
    job = Job("eligibility", {"outputs": {}}, csv_format="excel_de")
    assert Job.read(job.write(tmp_path / "j.json")).csv_format == "excel_de"
    data = json.loads((tmp_path / "j.json").read_text(encoding="utf-8"))
    data["csv_format"] = "xlsx"
    with pytest.raises(ProtocolError, match="csv_format"):
        Job.from_dict(data)
