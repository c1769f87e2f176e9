"""The coding round trip: a human coder checks the model's codes, blind.

1. :func:`sample_for_coding` draws a stratified sample of content segments (strata:
   first priority raised or "none", cue stance, respondent type; round-robin over
   strata so rare cells are seen) and :func:`write_coding_sheet` writes it as an Excel
   sheet **without** the model's codes: the coder picks a stance from a drop-down and
   marks each priority that the segment raises with 1 (blank or 0 = not raised). The
   model's codes stay in ``coding_key.csv`` in the study's processed folder.
2. :func:`read_coding_sheet` reads the filled sheet back and checks it against the key:
   unknown codes, missing or uncoded rows, edited ids or edited texts are errors that
   name the rows and the fix.
3. :func:`agreement_table` scores model against coder: per priority precision, recall,
   F1 and Cohen's κ; for stance the same per class and macro; each with a 95 %
   percentile bootstrap interval over the coded segments.
4. The coder's codes can retrain the learned stance model (:mod:`analysis.alignment.learned`;
   :func:`training_table` joins the stance codes to the texts) and the learned priority model
   (:mod:`analysis.alignment.priority_model`; :func:`priority_training_table`).

Command line: ``analysis sample-coding STUDY`` and ``analysis agreement STUDY SHEET``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.alignment.stance import STANCES

SHEET = "coding"
KEY = "coding_key"
ID = "coding_id"
NONE = "none"
PREFIX = "raises: "
MARKS = {"1": 1, "x": 1, "ja": 1, "yes": 1, "0": 0, "": 0, "nej": 0, "no": 0}


class CodingSheetError(ValueError):
    """A filled coding sheet does not fit its key (message names rows and the fix)."""


def _digest(text: str) -> str:
    return hashlib.sha1(str(text).encode("utf-8")).hexdigest()[:12]


def sample_for_coding(segments: pd.DataFrame, segment_priorities: pd.DataFrame, responses: pd.DataFrame | None,
                      *, n: int = 120, random_state: int = 0) -> pd.DataFrame:
    """A stratified sample of content segments with the model's codes (the key).

    Returns ``coding_id, segment_id, response_id, respondent_type, text, text_sha1,
    stratum, model_stance, model_priorities`` (priorities joined by ";").

    >>> seg = pd.DataFrame({"segment_id": ["a", "b", "c"], "response_id": ["r", "r", "s"],
    ...                     "text": ["Flere job.", "Vi savner tryghed.", "Tak."]})
    >>> sp = pd.DataFrame({"segment_id": ["a", "b"], "priority_id": ["jobs", "safety"],
    ...                    "stance": ["neutral", "concern"]})
    >>> sample_for_coding(seg, sp, None, n=2)["coding_id"].tolist()
    ['C001', 'C002']
    """
    from analysis.alignment.resampling import content_segments
    from analysis.alignment.stance import segment_stance

    seg = content_segments(segments).copy()
    seg["segment_id"] = seg["segment_id"].astype(str)
    seg = seg[seg["text"].fillna("").astype(str).str.strip().str.len() > 0]
    sp = segment_priorities.assign(segment_id=segment_priorities["segment_id"].astype(str))
    prios = sp.groupby("segment_id", sort=False)["priority_id"].agg(lambda s: ";".join(map(str, s)))
    if "stance" in sp.columns and len(sp):
        st = sp.drop_duplicates("segment_id").set_index("segment_id")["stance"]
    else:
        st = pd.Series(dtype=str)
    seg["model_priorities"] = seg["segment_id"].map(prios).fillna("")
    missing = ~seg["segment_id"].isin(st.index)
    seg["model_stance"] = seg["segment_id"].map(st)
    if missing.any():
        seg.loc[missing, "model_stance"] = segment_stance(seg[missing]).set_index("segment_id")["stance"].reindex(
            seg.loc[missing, "segment_id"]).to_numpy()
    rtype = {}
    if responses is not None and "respondent_type" in responses.columns:
        rtype = dict(zip(responses["response_id"].astype(str), responses["respondent_type"].astype(str)))
    seg["respondent_type"] = seg["response_id"].astype(str).map(rtype).fillna("unknown")
    first = seg["model_priorities"].str.split(";").str[0].replace("", NONE)
    seg["stratum"] = first + " | " + seg["model_stance"].astype(str) + " | " + seg["respondent_type"]
    rng = np.random.default_rng(random_state)
    seg = seg.iloc[rng.permutation(len(seg))]
    seg["_rank"] = seg.groupby("stratum", sort=False).cumcount()
    strata_order = {s: i for i, s in enumerate(sorted(seg["stratum"].unique()))}
    seg["_s"] = seg["stratum"].map(strata_order)
    picked = seg.sort_values(["_rank", "_s"], kind="stable").head(int(n))
    picked = picked.sort_values(["_s", "_rank"], kind="stable").reset_index(drop=True)
    picked.insert(0, ID, [f"C{i + 1:03d}" for i in range(len(picked))])
    picked["text_sha1"] = picked["text"].map(_digest)
    cols = [ID, "segment_id", "response_id", "respondent_type", "text", "text_sha1", "stratum",
            "model_stance", "model_priorities"]
    return picked[cols]


def write_coding_sheet(key: pd.DataFrame, priority_ids: list[str], path: str | Path,
                       labels: dict[str, str] | None = None) -> Path:
    """Write the coder's Excel sheet (no model codes) with drop-down lists of allowed codes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    header = [ID, "segment_id", "respondent_type", "text", "stance", *[PREFIX + p for p in priority_ids], "note"]
    ws.append(header)
    for row in key.itertuples(index=False):
        ws.append([row.coding_id, row.segment_id, row.respondent_type, row.text, None,
                   *[None] * len(priority_ids), None])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.column_dimensions["D"].width = 90
    for r in range(2, len(key) + 2):
        ws.cell(r, 4).alignment = Alignment(wrap_text=True, vertical="top")
    last = len(key) + 1
    stance = DataValidation(type="list", formula1='"' + ",".join(STANCES) + '"', allow_blank=False,
                            showErrorMessage=True, errorTitle="stance", error="Pick one of: " + ", ".join(STANCES))
    ws.add_data_validation(stance)
    stance.add(f"E2:E{max(last, 2)}")
    mark = DataValidation(type="list", formula1='"1,0"', allow_blank=True, showErrorMessage=True,
                          errorTitle="priority", error="1 = the segment raises this priority; blank or 0 = not.")
    ws.add_data_validation(mark)
    from openpyxl.utils import get_column_letter

    if priority_ids:
        mark.add(f"F2:{get_column_letter(5 + len(priority_ids))}{max(last, 2)}")
    ws.freeze_panes = "E2"
    codes = wb.create_sheet("codes")
    codes.append(["code", "meaning"])
    for s, meaning in zip(STANCES, ("endorses the policy or an element of it", "criticism, worry, something missing, "
                                    "opposition", "asks for or proposes a change or an action",
                                    "description, background, procedure")):
        codes.append([s, meaning])
    for p in priority_ids:
        codes.append([PREFIX + p, (labels or {}).get(p, p)])
    wb.properties.creator = "analysis"
    wb.save(path)
    return path


def read_coding_sheet(path: str | Path, key: pd.DataFrame, priority_ids: list[str]) -> pd.DataFrame:
    """Read a filled sheet and check it against ``key``; returns coder codes per coding_id.

    Columns: coding_id, segment_id, coder_stance, coder_priorities (";"-joined).
    Raises :class:`CodingSheetError` naming every problem row at once.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such coding sheet; write one with `analysis sample-coding STUDY`.")
    try:
        sheet = pd.read_excel(path, sheet_name=SHEET, dtype=str).fillna("")
    except ValueError as exc:
        raise CodingSheetError(f"{path}: no sheet {SHEET!r} ({exc}); return the sheet written by sample-coding.") from exc
    problems: list[str] = []
    need = [ID, "segment_id", "text", "stance", *[PREFIX + p for p in priority_ids]]
    absent = [c for c in need if c not in sheet.columns]
    if absent:
        raise CodingSheetError(f"{path}: column(s) {absent} are missing; do not rename or delete columns.")
    rowno = {cid: i + 2 for i, cid in enumerate(sheet[ID])}  # Excel row numbers
    known = dict(zip(key[ID].astype(str), key["segment_id"].astype(str)))
    sheet_ids = sheet[ID].astype(str).str.strip()
    unknown = [f"row {rowno[c]} ({c or 'empty'})" for c in sheet_ids if c not in known]
    if unknown:
        problems.append(f"unknown or edited {ID}(s): {', '.join(unknown[:10])}; restore the ids as written.")
    dup = sheet_ids[sheet_ids.duplicated()].tolist()
    if dup:
        problems.append(f"duplicated {ID}(s) {dup[:10]}; each segment must appear once.")
    missing = sorted(set(known) - set(sheet_ids))
    if missing:
        problems.append(f"{len(missing)} row(s) of the sample are missing ({', '.join(missing[:10])}); "
                        "put them back (a row may stay uncoded only if you remove nothing).")
    ok = sheet_ids.isin(known)
    moved = [f"row {rowno[c]}" for c, s in zip(sheet_ids[ok], sheet["segment_id"][ok].astype(str).str.strip())
             if known[c] != s]
    if moved:
        problems.append(f"segment_id edited in {', '.join(moved[:10])}; restore it.")
    sha = dict(zip(key[ID].astype(str), key["text_sha1"]))
    edited = [f"row {rowno[c]}" for c, t in zip(sheet_ids[ok], sheet["text"][ok]) if _digest(t) != sha[c]]
    if edited:
        problems.append(f"text edited in {', '.join(edited[:10])}; code the text as given (use the note column).")
    st = sheet["stance"].astype(str).str.strip().str.lower()
    blank = [f"row {rowno[c]}" for c, s in zip(sheet_ids, st) if s == ""]
    if blank:
        problems.append(f"stance not coded in {', '.join(blank[:10])}" + (" …" if len(blank) > 10 else "")
                        + f"; pick one of {list(STANCES)}.")
    bad = [f"row {rowno[c]} ({s!r})" for c, s in zip(sheet_ids, st) if s and s not in STANCES]
    if bad:
        problems.append(f"unknown stance code(s) in {', '.join(bad[:10])}; allowed: {list(STANCES)}.")
    marks = {}
    for p in priority_ids:
        col = sheet[PREFIX + p].astype(str).str.strip().str.lower().str.replace(r"\.0$", "", regex=True)
        wrong = [f"row {rowno[c]} ({v!r})" for c, v in zip(sheet_ids, col) if v not in MARKS]
        if wrong:
            problems.append(f"column {PREFIX + p!r}: unknown mark(s) in {', '.join(wrong[:10])}; use 1 or leave blank.")
        marks[p] = col.map(MARKS)
    if problems:
        raise CodingSheetError(f"{path}: the coding sheet does not fit its sample:\n- " + "\n- ".join(problems))
    coder_p = [";".join(p for p in priority_ids if marks[p].iloc[i] == 1) for i in range(len(sheet))]
    return pd.DataFrame({ID: sheet_ids.to_numpy(), "segment_id": sheet["segment_id"].astype(str).str.strip().to_numpy(),
                         "coder_stance": st.to_numpy(), "coder_priorities": coder_p})


def _scores(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float, float, float]:
    """Precision, recall, F1, kappa of binary arrays (pred = model, gold = coder)."""
    tp = float(np.sum(gold & pred))
    fp = float(np.sum(~gold & pred))
    fn = float(np.sum(gold & ~pred))
    n = len(gold)
    p = tp / (tp + fp) if tp + fp else np.nan
    r = tp / (tp + fn) if tp + fn else np.nan
    f = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else np.nan
    po = (n - fp - fn) / n if n else np.nan
    pg, pp = gold.mean() if n else np.nan, pred.mean() if n else np.nan
    pe = pg * pp + (1 - pg) * (1 - pp)
    k = (po - pe) / (1 - pe) if n and pe < 1 else np.nan
    return p, r, f, k


def _kappa_multi(a: np.ndarray, b: np.ndarray) -> float:
    from analysis.evaluate import cohen_kappa

    return cohen_kappa(list(a), list(b)) if len(a) else np.nan


def agreement_table(merged: pd.DataFrame, priority_ids: list[str], *, n_boot: int = 1000,
                    random_state: int = 0) -> pd.DataFrame:
    """Model against coder: rows (item, metric, value, ci_low, ci_high, n).

    ``merged`` has ``model_stance``, ``coder_stance``, ``model_priorities``,
    ``coder_priorities`` (";"-joined ids). Items: each priority, each stance, and
    ``stance (macro)``. Intervals: 95 % percentile bootstrap over the coded segments
    (``numpy.random.default_rng(random_state)``).

    >>> m = pd.DataFrame({"model_stance": ["support", "concern"], "coder_stance": ["support", "concern"],
    ...                   "model_priorities": ["jobs", ""], "coder_priorities": ["jobs", ""]})
    >>> t = agreement_table(m, ["jobs"], n_boot=50)
    >>> t[(t.item == "jobs") & (t.metric == "f1")]["value"].tolist()
    [1.0]
    """
    n = len(merged)
    has = lambda col, p: merged[col].fillna("").astype(str).str.split(";").map(lambda xs: p in xs).to_numpy()
    blocks: list[tuple[str, np.ndarray, np.ndarray]] = [(p, has("coder_priorities", p), has("model_priorities", p))
                                                        for p in priority_ids]
    ms, cs = merged["model_stance"].astype(str).to_numpy(), merged["coder_stance"].astype(str).to_numpy()
    blocks += [(f"stance: {s}", cs == s, ms == s) for s in STANCES]
    rng = np.random.default_rng(random_state)
    idx = rng.integers(0, n, size=(n_boot, n)) if n else np.empty((0, 0), dtype=int)
    rows = []
    metrics = ("precision", "recall", "f1", "kappa")
    for item, gold, pred in blocks:
        point = _scores(gold, pred)
        reps = np.array([_scores(gold[i], pred[i]) for i in idx]) if n else np.empty((0, 4))
        for j, m in enumerate(metrics):
            col = reps[:, j][np.isfinite(reps[:, j])] if len(reps) else np.array([])
            lo, hi = (np.percentile(col, 2.5), np.percentile(col, 97.5)) if len(col) else (np.nan, np.nan)
            rows.append((item, m, point[j], lo, hi, n, int(gold.sum())))

    def macro(i):
        per = [_scores(cs[i] == s, ms[i] == s) for s in STANCES]
        return [np.nanmean([p[j] for p in per]) for j in range(3)] + [_kappa_multi(cs[i], ms[i])]

    point = macro(np.arange(n))
    reps = np.array([macro(i) for i in idx]) if n else np.empty((0, 4))
    for j, m in enumerate(metrics):
        col = reps[:, j][np.isfinite(reps[:, j])] if len(reps) else np.array([])
        lo, hi = (np.percentile(col, 2.5), np.percentile(col, 97.5)) if len(col) else (np.nan, np.nan)
        rows.append(("stance (macro)", m, point[j], lo, hi, n, n))
    return pd.DataFrame(rows, columns=["item", "metric", "value", "ci_low", "ci_high", "n", "n_coder_positive"])


def training_table(key: pd.DataFrame, coded: pd.DataFrame, language: str = "da") -> pd.DataFrame:
    """The coder's stance codes with their texts: ``source, segment_id, language, text, label``."""
    m = key.merge(coded, on=[ID, "segment_id"], how="inner")
    return pd.DataFrame({"source": "coding", "segment_id": m["segment_id"], "language": language,
                         "text": m["text"], "label": m["coder_stance"]})


def priority_training_table(key: pd.DataFrame, coded: pd.DataFrame) -> pd.DataFrame:
    """The coder's priorities with the texts and the codebook's hits: ``segment_id,
    response_id, text, hits, label`` (";"-joined ids), for
    :class:`analysis.alignment.priority_model.PriorityModel`.

    >>> key = pd.DataFrame({"coding_id": ["C001"], "segment_id": ["s"], "response_id": ["r"],
    ...                     "text": ["Flere job."], "model_priorities": ["jobs"]})
    >>> coded = pd.DataFrame({"coding_id": ["C001"], "segment_id": ["s"], "coder_priorities": ["jobs;safety"]})
    >>> priority_training_table(key, coded)[["hits", "label"]].values.tolist()
    [['jobs', 'jobs;safety']]
    """
    m = key.merge(coded, on=[ID, "segment_id"], how="inner")
    return pd.DataFrame({"segment_id": m["segment_id"], "response_id": m["response_id"], "text": m["text"],
                         "hits": m["model_priorities"].fillna(""), "label": m["coder_priorities"].fillna("")})
