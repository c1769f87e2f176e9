"""The one table writer: atomic, formula-safe CSV, exact parquet, clear errors; table sets and locks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from analysis.tables import TableError, load_tables, neutralise_formulas, read_provenance, read_table, safe_cell, write_table
from analysis.tableset import StageError, folder_lock, read_manifest, require_ingest, table_set

HOSTILE = ["=HYPERLINK(\"http://x\",\"klik\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "plain", "a=b"]


def test_safe_cell_neutralises_formula_starts_only():
    assert [safe_cell(v) for v in HOSTILE] == ["'" + v for v in HOSTILE[:6]] + ["plain", "a=b"]
    assert safe_cell(-3) == -3 and safe_cell(None) is None


def test_csv_is_formula_safe_and_parquet_exact(tmp_path):
    table = pd.DataFrame({"text": HOSTILE, "n": range(-4, 4)})
    path = write_table(table, tmp_path, "t")
    assert pd.read_parquet(path)["text"].tolist() == HOSTILE
    csv = pd.read_csv(tmp_path / "t.csv", keep_default_na=False)
    assert all(not str(v).startswith(("=", "+", "-", "@", "\t", "\r")) for v in csv["text"])
    assert csv["n"].tolist() == list(range(-4, 4))  # numbers are not text
    assert read_table(tmp_path, "t")["text"].tolist() == HOSTILE  # parquet preferred
    (tmp_path / "t.parquet").unlink()
    assert read_table(tmp_path, "t")["text"].tolist()[:5] == HOSTILE[:5]  # CSV read back restored


def test_neutralise_formulas_for_exporters_leaves_the_input_alone():
    table = pd.DataFrame({"=x": ["=1"]})
    out = neutralise_formulas(table)
    assert list(out.columns) == ["'=x"] and out.iloc[0, 0] == "'=1" and table.iloc[0, 0] == "=1"


def test_writes_leave_no_temporary_files_and_csv_only_tables(tmp_path):
    write_table(pd.DataFrame({"a": [1]}), tmp_path, "one", parquet=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.csv"]


def test_a_file_as_folder_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(TableError, match="is a file, not a folder"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "file", "t")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders; the check cannot fail")
def test_a_read_only_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(TableError, match="read-only"):
            write_table(pd.DataFrame({"a": [1]}), folder, "t")
    finally:
        folder.chmod(0o700)


def test_damaged_parquet_names_the_file(tmp_path):
    (tmp_path / "segments.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(TableError, match="segments.parquet: damaged"):
        read_table(tmp_path, "segments")


def test_table_set_moves_tables_only_when_complete(tmp_path):
    with table_set(tmp_path, "ingest", ingest_id="one"):
        write_table(pd.DataFrame({"x": [1]}), tmp_path, "responses")
        write_table(pd.DataFrame({"x": [1]}), tmp_path, "segments")
    with pytest.raises(RuntimeError):
        with table_set(tmp_path, "ingest", ingest_id="two"):
            write_table(pd.DataFrame({"x": [2]}), tmp_path, "responses")
            raise RuntimeError("killed half-way")
    assert pd.read_parquet(tmp_path / "responses.parquet")["x"].tolist() == [1]
    assert read_manifest(tmp_path)["ingest"]["id"] == "one"
    assert read_provenance(tmp_path / "segments.parquet")["ingest_id"] == "one"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".staging")]
    assert sorted(load_tables(tmp_path)) == ["responses", "segments"]


def test_reingest_removes_derived_tables_but_keeps_edited_labels(tmp_path):
    with table_set(tmp_path, "ingest", ingest_id="one"):
        write_table(pd.DataFrame({"x": [1]}), tmp_path, "segments")
    with table_set(tmp_path, "themes", ingest_id="one"):
        write_table(pd.DataFrame({"t": [1]}), tmp_path, "themes")
        write_table(pd.DataFrame({"label": ["mine"]}), tmp_path, "theme_labels", parquet=False)
    assert read_manifest(tmp_path)["themes"]["ingest_id"] == "one"
    with table_set(tmp_path, "ingest", ingest_id="two"):
        write_table(pd.DataFrame({"x": [2]}), tmp_path, "segments")
    assert not (tmp_path / "themes.parquet").exists() and (tmp_path / "theme_labels.csv").exists()
    assert set(read_manifest(tmp_path)) == {"ingest"}


def test_mixed_or_interrupted_ingest_is_refused(tmp_path):
    other = tmp_path / "other"
    for folder, ident in ((tmp_path, "one"), (other, "two")):
        with table_set(folder, "ingest", ingest_id=ident):
            write_table(pd.DataFrame({"x": [1]}), folder, "responses")
            write_table(pd.DataFrame({"x": [1]}), folder, "segments")
    assert require_ingest(tmp_path) == "one"
    (tmp_path / "segments.parquet").write_bytes((other / "segments.parquet").read_bytes())
    with pytest.raises(StageError, match="another ingest"):
        require_ingest(tmp_path, "analysis run demo --steps ingest")
    (tmp_path / "tables.json").write_text(json.dumps({"ingest": {"state": "moving"}}))
    with pytest.raises(StageError, match="did not finish.*analysis run demo"):
        require_ingest(tmp_path, "analysis run demo --steps ingest")


def test_lock_refuses_a_live_holder_and_takes_over_a_stale_one(tmp_path):
    lock = tmp_path / ".analysis.lock"
    lock.write_text(f"{os.getppid()}\n")  # a live process that is not this one
    with pytest.raises(StageError, match=f"another run \\(pid {os.getppid()}\\)"):
        with folder_lock(tmp_path):
            pass
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock.write_text(dead.stdout)
    with folder_lock(tmp_path):
        assert lock.read_text().split()[0] == str(os.getpid())
        with folder_lock(tmp_path):  # re-entrant in one process
            pass
        assert lock.exists()
    assert not lock.exists()


def test_sigkill_mid_stage_leaves_the_old_tables_and_a_lock_that_is_taken_over(tmp_path):
    with table_set(tmp_path, "ingest", ingest_id="old"):
        write_table(pd.DataFrame({"x": [1]}), tmp_path, "responses")
    script = (
        "import os, signal, pandas as pd\n"
        "from analysis.tables import write_table\n"
        "from analysis.tableset import folder_lock, table_set\n"
        f"folder = {str(tmp_path)!r}\n"
        "with folder_lock(folder), table_set(folder, 'ingest', ingest_id='new'):\n"
        "    write_table(pd.DataFrame({'x': [2]}), folder, 'responses')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    assert subprocess.run([sys.executable, "-c", script], env=env).returncode == -9
    assert pd.read_parquet(tmp_path / "responses.parquet")["x"].tolist() == [1]
    assert read_manifest(tmp_path)["ingest"]["id"] == "old"
    assert (tmp_path / ".analysis.lock").exists()  # left by the killed run
    with folder_lock(tmp_path), table_set(tmp_path, "ingest", ingest_id="again"):
        write_table(pd.DataFrame({"x": [3]}), tmp_path, "responses")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".staging")]
    assert pd.read_parquet(tmp_path / "responses.parquet")["x"].tolist() == [3]


def test_neutralise_formulas_matches_cell_by_cell_rule_on_mixed_columns():
    """Text cells get safe_cell, other cells (numbers, None, lists) stay as they are."""
    mixed = pd.DataFrame({"m": ["=1", 5, None, "ok", ["=x"], "-2"],
                          "s": pd.array(["+a", None, "b", "@c", "d", "e"], dtype="string")})
    out = neutralise_formulas(mixed)
    assert out["m"].tolist() == [safe_cell(v) for v in mixed["m"]]
    assert out["s"].tolist()[2:] == ["b", "'@c", "d", "e"] and out["s"].tolist()[0] == "'+a"
    assert mixed["m"].tolist()[0] == "=1"  # the input is not changed


def test_write_table_csv_turns_carriage_returns_into_newlines(tmp_path):
    table = pd.DataFrame({"text": ["a\r\nb", "c\rd", "e\nf", None], "n": [1, 2, 3, 4]})
    write_table(table, tmp_path, "t")
    back = pd.read_csv(tmp_path / "t.csv", keep_default_na=False)
    assert back["text"].tolist() == ["a\nb", "c\nd", "e\nf", ""]
    assert pd.read_parquet(tmp_path / "t.parquet")["text"].tolist()[:2] == ["a\r\nb", "c\rd"]
