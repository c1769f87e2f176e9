"""The written report, its exports and figure values, built from contract-shaped tables
(notebooks not run): self-contained, escaped, in the study's language, deterministic."""

from __future__ import annotations

import dataclasses
import re

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.config import load_study  # noqa: E402
from analysis.report import build as report, i18n  # noqa: E402
from analysis.report.figures import _with_group  # noqa: E402
from analysis.tables import write_table  # noqa: E402

from test_report import STUDY, contract_tables  # noqa: E402

HOSTILE_TITLE = "Høring <script>alert('x')</script> & co"
FORMULA = "=HYPERLINK(\"http://example.invalid\",\"klik\")"


def _build(root, n_responses: int, **changes):
    study = load_study(STUDY, processed_root=root / "processed", report_root=root / "reports")
    study = dataclasses.replace(study, **changes) if changes else study
    tables = contract_tables(n_responses=n_responses)
    tables["responses"].loc[0, "text"] = FORMULA + " " + tables["responses"].loc[0, "text"]
    for name, table in tables.items():
        write_table(table, study.processed_dir, name)
    return study, report.build_report(study, progress=False, notebooks=False)


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("large"), 8, title=HOSTILE_TITLE)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("small"), 2, language="en")


def _no_network(html: str) -> None:
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html), "external URL"
    assert "<link" not in html and "@import" not in html and "url(" not in html


def test_report_is_self_contained_escaped_and_danish(large):
    study, paths = large
    html = paths["report"].read_text(encoding="utf-8")
    _no_network(html)
    assert "<script" not in html  # the written report runs no code, the title is text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in html
    assert '<html lang="da">' in html and "Temaer efter størrelse" in html
    assert "Themes by size" not in html
    shown = [f for f in report.report_figures(contract_tables(n_responses=8), study) if not f.empty]
    assert html.count('src="data:image/png;base64,') == len(shown)
    assert html.count("n = ") >= len(shown) - 1  # captions give n
    words = re.sub(r"base64,[A-Za-z0-9+/=]+", "", html)
    assert "Unnamed" not in words and "NaN" not in words and ">1.0<" not in words


def test_empty_tables_say_none_and_small_study_is_annotated(small):
    study, paths = small
    html = paths["report"].read_text(encoding="utf-8")
    _no_network(html)
    assert "Each response, sentence by sentence" in html
    assert "<img" not in html  # two responses: no distributions
    assert "Response r1 (committee)" in html
    # no segment_priorities table: the priority tables say "none" instead of bare headers
    assert '<p class="empty">none</p>' in html


def test_figure_values_are_saved_with_n(large):
    study, paths = large
    csvs = [p for p in paths["figures"] if p.suffix == ".csv"]
    assert len(csvs) == len([p for p in paths["figures"] if p.suffix == ".png"])
    for path in csvs:
        assert "n" in pd.read_csv(path).columns, path.name
    heat = pd.read_csv(study.figures_dir / "themes-by-respondent-type.csv")
    assert heat.groupby("respondent_type")["share"].sum().round(6).eq(1.0).all()
    assert set(heat["n"]) == {4}  # 8 responses, two types


def test_group_means_count_responses_without_the_theme():
    rt = pd.DataFrame({"response_id": ["a", "a", "b"], "theme_id": [0, 1, 0],
                       "share": [0.2, 0.8, 1.0]})
    responses = pd.DataFrame({"response_id": ["a", "b"], "respondent_type": ["citizen"] * 2})
    joined = _with_group(rt, responses, "respondent_type")
    means = joined.groupby("theme_id")["share"].mean()
    assert means.to_dict() == {0: pytest.approx(0.6), 1: pytest.approx(0.4)}  # not 0.8 for theme 1


def test_save_figure_refuses_values_without_n(tmp_path):
    import matplotlib.pyplot as plt

    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="column 'n'"):
        report.save_figure(fig, "v", tmp_path, inputs={}, config={}, seed=0,
                           values=pd.DataFrame({"value": [1]}))
    plt.close(fig)


def test_xlsx_has_every_table_a_readme_and_no_formula(large):
    import openpyxl

    study, paths = large
    wb = openpyxl.load_workbook(paths["xlsx"])
    assert wb.sheetnames[0] == i18n.text("da", "xlsx_readme")
    tables = contract_tables(n_responses=8)
    assert set(wb.sheetnames[1:]) == set(tables)
    ws = wb["responses"]
    header = [c.value for c in ws[1]]
    texts = [row[header.index("text")] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert texts[0].startswith("'=HYPERLINK")
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    readme = [tuple(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert ("responses", "response_id", "id of the response", 8) in readme


def test_docx_holds_the_report_text_tables_and_figures(large):
    import docx

    study, paths = large
    document = docx.Document(str(paths["docx"]))
    assert document.paragraphs[0].text == HOSTILE_TITLE
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Metode" in text and "Figur 1." in text
    assert len(document.tables) >= 3
    shown = [f for f in report.report_figures(contract_tables(n_responses=8), study) if not f.empty]
    assert len(document.inline_shapes) == len(shown)
    assert document.core_properties.created.year == 2000


def test_browser_data_is_escaped_against_script_injection(large):
    _, paths = large
    html = paths["browser"].read_text(encoding="utf-8")
    _no_network(html)
    data = html[html.index('id="data">'):]
    data = data[:data.index("</script>")]
    assert "<" not in data.removeprefix('id="data">')  # nothing inside can open or close a tag


@pytest.mark.slow
def test_rerun_is_byte_identical(large, tmp_path):
    study, paths = large
    other, again = _build(tmp_path, 8, title=HOSTILE_TITLE)
    for key in ("report", "browser", "xlsx", "docx"):
        assert paths[key].read_bytes() == again[key].read_bytes(), key
    first = {p.name: p.read_bytes() for p in paths["figures"] if p.suffix != ".json"}
    second = {p.name: p.read_bytes() for p in again["figures"] if p.suffix != ".json"}
    assert first == second


def test_every_language_has_every_string():
    from analysis.report.i18n import STRINGS

    for lang in ("da", "de"):
        missing = set(STRINGS["en"]) - set(STRINGS[lang])
        assert not missing, f"{lang} lacks {sorted(missing)}"
        for key, template in STRINGS["en"].items():  # same placeholders in every language
            assert set(re.findall(r"{(\w+)}", template)) == set(
                re.findall(r"{(\w+)}", STRINGS[lang][key])), (lang, key)


@pytest.mark.parametrize("lang", ["en", "da", "de"])
def test_method_says_how_k_was_chosen_and_what_the_documents_were(lang):
    from analysis.report.written import _method_themes

    auto = _method_themes(lang, "nmf", {"k": 4, "ks": [2, 3, 4, 5], "k_criterion": "eigengap", "unit": "segment"})
    fixed = _method_themes(lang, "nmf", {"k": 5, "ks": [5], "k_criterion": "fixed", "unit": "response"})
    other = _method_themes(lang, "nmf", {"k": 3, "ks": [2, 3], "k_criterion": "corrected", "unit": "segment"})
    assert "igengap" in auto and "2–5" in auto and "k = 4" in auto
    assert "igengap" not in fixed and "k = 5" in fixed and "2–5" not in fixed
    assert '"corrected"' in other
    docs = {"en": ("sentences", "responses"), "da": ("sætningerne", "svarene"), "de": ("Sätze", "Stellungnahmen")}[lang]
    assert docs[0] in auto and docs[1] in fixed and docs[1] not in auto.split(";")[0]
