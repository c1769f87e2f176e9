"""Every figure function: returns an Axes, honours ``ax``, survives empty input, keeps
æ/ø/å, and keeps text inside the figure without overlapping tick labels."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from analysis.report import plots  # noqa: E402

WORDS = ("bolig tryghed beskæftigelse uddannelse børn unge sundhed grønne områder fællesskab "
         "kriminalitet ældre trafik cykelstier klimatilpasning energi affald naboskab").split()
TYPES = ["committee", "local_council", "organisation", "citizen", "unknown"]
PRIORITIES = ["beskæftigelse", "uddannelse og læring", "tryghed i boligområderne", "sundhed",
              "fællesskaber og foreningsliv med en meget lang etiket, der skal ombrydes pænt"]
GOALS = ["Gode livschancer for alle københavnere", "Trygge og attraktive byområder",
         "Koordinering med nationale indsatser"]
MORE_GOALS = ["Klimapositiv by i 2035", "Halvering af det forbrugsbaserede klimaaftryk",
              "Grøn energiforsyning og varme", "Klimavenligt byggeri og anlæg"]


def make_tables(n_responses: int, k: int, n_segments: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Synthetic tables shaped like the data contract."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(3, 200, k)
    labels = [", ".join(rng.choice(WORDS, 4, replace=False)) for _ in range(k)]
    labels[0] = ("Tryghed, trivsel og ældres hverdag i de udsatte byområder på Nørrebro, i "
                 "Sydhavnen og på Amager")
    themes = pd.DataFrame({"theme_id": range(k), "label": labels, "size": sizes,
                           "share": sizes / sizes.sum(), "coherence": rng.random(k),
                           "stability": rng.random(k)})
    rows = []
    for r in range(n_responses):
        for t, w in enumerate(rng.dirichlet(np.ones(k))):
            rows.append((f"resp-{r:03d}", t, w, TYPES[r % len(TYPES)]))
    response_themes = pd.DataFrame(rows, columns=["response_id", "theme_id", "share",
                                                  "respondent_type"])
    groups = TYPES[: min(n_responses, len(TYPES))]
    comp = []
    for g in groups:
        for p in PRIORITIES:
            v = rng.random() * 0.6
            comp.append((g, p, v, max(v - 0.1, 0), v + 0.1, 10))
    comparison = pd.DataFrame(comp, columns=["group", "priority_id", "value", "ci_low",
                                             "ci_high", "n"])
    goals = GOALS if n_responses < 10 else GOALS + MORE_GOALS
    pg = pd.DataFrame([(p, g, m, rng.random()) for p in PRIORITIES for g in goals
                       for m in ("lexical", "embedding")],
                      columns=["priority_id", "goal_id", "method", "value"])
    sp = pd.DataFrame({"segment_id": [f"s{i}" for i in range(n_segments)],
                       "priority_id": rng.choice(PRIORITIES, n_segments),
                       "stance": rng.choice(["support", "oppose", "neutral"], n_segments)})
    cov_v = rng.random(len(GOALS)) * 0.8
    cov_v[-1] = 0.0
    coverage = pd.DataFrame({"goal_id": GOALS, "value": cov_v, "ci_low": np.clip(cov_v - .1, 0, 1),
                             "ci_high": np.clip(cov_v + .1, 0, 1), "n": n_responses})
    segmap = pd.DataFrame({"segment_id": [f"s{i}" for i in range(n_segments)],
                           "x": rng.normal(size=n_segments), "y": rng.normal(size=n_segments),
                           "theme_id": rng.integers(0, k, n_segments)})
    ks = list(range(2, 2 + max(2, k)))
    kdiag = pd.DataFrame({"k": ks, "stability": rng.random(len(ks)),
                          "coherence": -3 * rng.random(len(ks)),
                          "chosen": [x == ks[len(ks) // 2] for x in ks]})
    n_groups = max(0, n_responses // 3)
    campaigns = pd.DataFrame({"duplicate_group": [f"dup-{i:03d}" for i in range(n_groups)],
                              "size": rng.integers(2, 30, n_groups)})
    return {"themes": themes, "response_themes": response_themes, "comparison": comparison,
            "priority_goal": pg, "segment_priorities": sp, "coverage": coverage,
            "segment_map": segmap, "k_diagnostics": kdiag, "campaigns": campaigns}


def calls(t: dict[str, pd.DataFrame]):
    """(name, function, table, kwargs) for every figure."""
    return [
        ("theme_sizes", plots.theme_sizes, t["themes"], {}),
        ("theme_heatmap", plots.theme_heatmap, t["response_themes"], {"labels": t["themes"]}),
        ("theme_heatmap_by_response", plots.theme_heatmap, t["response_themes"],
         {"group": "response_id", "labels": t["themes"]}),
        ("priority_goal_heatmap", plots.priority_goal_heatmap, t["priority_goal"],
         {"method": "lexical"}),
        ("respondent_comparison", plots.respondent_comparison, t["comparison"], {}),
        ("stance_by_priority", plots.stance_by_priority, t["segment_priorities"], {}),
        ("goal_coverage", plots.goal_coverage, t["coverage"], {}),
        ("segment_map", plots.segment_map, t["segment_map"], {"labels": t["themes"]}),
        ("k_diagnostics", plots.k_diagnostics, t["k_diagnostics"], {}),
        ("campaign_sizes", plots.campaign_sizes, t["campaigns"], {}),
    ]


SMALL = make_tables(n_responses=1, k=3, n_segments=20)
LARGE = make_tables(n_responses=41, k=14, n_segments=1000)
NAMES = [c[0] for c in calls(SMALL)]


@pytest.fixture(autouse=True)
def _style_and_cleanup():
    with plots.use_style():
        yield
    plt.close("all")


def _find(name: str, tables: dict[str, pd.DataFrame]):
    return next(c for c in calls(tables) if c[0] == name)


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 - 0.5 and b.x0 < a.x1 - 0.5 and a.y0 < b.y1 - 0.5 and b.y0 < a.y1 - 0.5


def _drawn_ticklabels(axis):
    """Tick labels matplotlib actually draws (inside the view interval, non-empty)."""
    lo, hi = sorted(axis.get_view_interval())
    return [t.label1 for t in axis.get_major_ticks()
            if t.label1.get_visible() and t.label1.get_text().strip()
            and lo - 1e-9 <= t.get_loc() <= hi + 1e-9]


def assert_readable(fig) -> None:
    """Nothing drawn outside the figure; no two tick labels of one axis overlap."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    for ax in fig.axes:
        tight = ax.get_tightbbox(renderer)
        assert tight.x0 >= box.x0 - 1 and tight.x1 <= box.x1 + 1, f"clipped (x) in {ax.get_title(loc='left')!r}"
        assert tight.y0 >= box.y0 - 1 and tight.y1 <= box.y1 + 1, f"clipped (y) in {ax.get_title(loc='left')!r}"
        for axis in (ax.xaxis, ax.yaxis):
            shown = _drawn_ticklabels(axis)
            extents = [t.get_window_extent(renderer) for t in shown]
            angle = np.deg2rad(shown[0].get_rotation() % 180) if shown else 0.0
            if axis is ax.xaxis and 0.1 < angle < np.pi / 2:
                # rotated x labels: their boxes always overlap; the text lines must not.
                # Neighbouring labels are parallel strips; their distance is gap * sin(angle).
                s_ = np.sin(angle)
                order = sorted(range(len(shown)), key=lambda i: extents[i].x1)
                for a, b in zip(order, order[1:]):
                    t = shown[a]
                    lines = t.get_text().count("\n") + 1
                    height = lines * 1.2 * t.get_fontsize() * fig.dpi / 72
                    gap = extents[b].x1 - extents[a].x1
                    assert gap * s_ >= 0.95 * height, (
                        f"rotated tick labels overlap: {t.get_text()!r} / {shown[b].get_text()!r}")
                continue
            for i in range(len(extents)):
                for j in range(i + 1, len(extents)):
                    assert not _overlap(extents[i], extents[j]), (
                        f"tick labels overlap: {shown[i].get_text()!r} / {shown[j].get_text()!r}")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("size", ["small", "large"])
def test_returns_axes_and_text_fits(name, size):
    tables = SMALL if size == "small" else LARGE
    _, func, table, kwargs = _find(name, tables)
    ax = func(table, **kwargs)
    assert isinstance(ax, Axes)
    assert ax.get_title(loc="left")
    assert_readable(ax.figure)


@pytest.mark.parametrize("name", NAMES)
def test_draws_on_given_axes(name):
    _, func, table, kwargs = _find(name, LARGE)
    fig, ax = plt.subplots(figsize=(9, 7), layout="constrained")
    out = func(table, ax=ax, **kwargs)
    assert out is ax
    assert len(fig.axes) >= 1 and fig.axes[0] is ax
    assert_readable(fig)


def test_two_heatmaps_side_by_side_stay_readable():
    fig, axes = plt.subplots(1, 2, figsize=(13, 6), layout="constrained")
    for ax, method in zip(axes, ("lexical", "embedding")):
        plots.priority_goal_heatmap(LARGE["priority_goal"], ax=ax, method=method)
    assert_readable(fig)


@pytest.mark.parametrize("name", NAMES)
def test_empty_table_says_no_data(name):
    _, func, table, kwargs = _find(name, SMALL)
    for empty in (table.iloc[0:0], pd.DataFrame()):
        ax = func(empty, **kwargs)
        texts = [t.get_text() for t in ax.texts]
        assert any("no data" in t or "no duplicate" in t for t in texts), texts


def test_missing_column_is_named():
    with pytest.raises(KeyError, match="size"):
        plots.theme_sizes(pd.DataFrame({"label": ["a"], "n": [1]}))


def test_theme_sizes_orders_bars_and_wraps_long_labels():
    themes = LARGE["themes"]
    ax = plots.theme_sizes(themes, label_width=30)
    bars = [p.get_width() for p in ax.patches]
    assert bars == sorted(themes["size"].astype(float), reverse=True)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(themes)
    assert all(len(line) <= 30 for lab in labels for line in lab.split("\n"))
    assert all(lab.count("\n") <= 1 for lab in labels)
    assert any(lab.endswith("…") for lab in labels)  # the long label is cut, not clipped
    notes = [t.get_text() for t in ax.texts]
    assert len(notes) == len(themes) and all("%" in n for n in notes)


def test_heatmap_has_one_cell_per_group_and_theme():
    rt = LARGE["response_themes"]
    ax = plots.theme_heatmap(rt, group="response_id")
    image = ax.images[0].get_array()
    assert image.shape == (rt["response_id"].nunique(), rt["theme_id"].nunique())
    assert ax.get_ylabel() == "response id"


def test_priority_goal_heatmap_needs_a_method_when_several():
    pg = SMALL["priority_goal"]
    with pytest.raises(ValueError, match="method"):
        plots.priority_goal_heatmap(pg)
    ax = plots.priority_goal_heatmap(pg, method="embedding")
    assert ax.images[0].get_array().shape == (len(PRIORITIES), pg["goal_id"].nunique())
    assert "embedding" in ax.get_title(loc="left")


def test_respondent_comparison_one_series_per_group_with_intervals():
    table = LARGE["comparison"]
    ax = plots.respondent_comparison(table)
    assert len(ax.containers) == table["group"].nunique()
    legend = [t.get_text().split(" (n=")[0] for t in ax.get_legend().get_texts()]  # labels carry n
    assert sorted(legend) == sorted(g.replace("_", " ") for g in table["group"].unique())
    # every point has a horizontal error bar
    for container in ax.containers:
        assert container.has_xerr


def test_stance_bars_sum_to_one_per_priority():
    sp = LARGE["segment_priorities"]
    ax = plots.stance_by_priority(sp)
    n_prio, n_stance = sp["priority_id"].nunique(), sp["stance"].nunique()
    assert len(ax.patches) == n_prio * n_stance
    widths = np.array([p.get_width() for p in ax.patches]).reshape(n_stance, n_prio)
    assert np.allclose(widths.sum(axis=0), 1.0)
    assert {t.get_text() for t in ax.get_legend().get_texts()} == set(sp["stance"])


def test_stance_accepts_counts():
    agg = pd.DataFrame({"priority_id": ["a", "a", "b"], "stance": ["support", "oppose", "support"],
                        "n": [3, 1, 2]})
    ax = plots.stance_by_priority(agg, count="n", normalize=False)
    assert sorted(p.get_width() for p in ax.patches) == [0.0, 1.0, 2.0, 3.0]


def test_goal_coverage_marks_gaps():
    cov = SMALL["coverage"]
    ax = plots.goal_coverage(cov)
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == int((cov["value"] <= 0).sum()) == 1
    assert any(t.get_text().startswith("gap") for t in ax.texts)
    flagged = cov.assign(gap=[True, False, False])
    ax2 = plots.goal_coverage(flagged)
    assert len([p for p in ax2.patches if p.get_hatch()]) == 1


def test_segment_map_one_group_per_theme():
    sm = LARGE["segment_map"]
    ax = plots.segment_map(sm, labels=LARGE["themes"])
    assert len(ax.collections) == sm["theme_id"].nunique()
    assert sum(len(c.get_offsets()) for c in ax.collections) == len(sm)


def test_k_diagnostics_marks_chosen_k():
    kd = LARGE["k_diagnostics"]
    ax = plots.k_diagnostics(kd)
    chosen = int(kd.loc[kd["chosen"], "k"].iloc[0])
    assert any(f"k = {chosen}" in t.get_text() for t in ax.texts)
    assert hasattr(ax, "right_ax")  # coherence on a twin axis
    ax2 = plots.k_diagnostics(kd.drop(columns=["coherence", "chosen"]), chosen=3)
    assert not hasattr(ax2, "right_ax")
    assert any("k = 3" in t.get_text() for t in ax2.texts)


def test_campaign_sizes_keeps_top_groups():
    camp = LARGE["campaigns"]
    ax = plots.campaign_sizes(camp, top=5)
    assert len(ax.patches) == 5
    assert f"{len(camp) - 5} smaller groups" in ax.get_xlabel()
    assert max(p.get_width() for p in ax.patches) == camp["size"].max()


def test_figure_height_grows_with_rows():
    small = plots.theme_sizes(SMALL["themes"]).figure.get_size_inches()[1]
    large = plots.theme_sizes(LARGE["themes"]).figure.get_size_inches()[1]
    assert large > small


def test_danish_characters_render(tmp_path):
    themes = pd.DataFrame({"theme_id": [0, 1], "label": ["æøå ÆØÅ fællesskab", "Grønne områder"],
                           "size": [4, 2], "share": [0.67, 0.33]})
    ax = plots.theme_sizes(themes, title="Temaer – størrelse")
    assert "æøå ÆØÅ fællesskab" in [t.get_text() for t in ax.get_yticklabels()]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" would raise here
        ax.figure.savefig(tmp_path / "da.png")
        ax.figure.savefig(tmp_path / "da.svg")
    assert (tmp_path / "da.png").stat().st_size > 0


def test_shorten_wraps_and_ellipsises():
    assert plots.shorten("kort", 10) == "kort"
    out = plots.shorten("en meget lang etiket om tryghed og trivsel", width=10, max_lines=2)
    lines = out.split("\n")
    assert len(lines) == 2 and lines[-1].endswith("…") and all(len(x) <= 10 for x in lines)
    assert plots.shorten("æøå " * 20, 8, 1).endswith("…")


def test_use_style_restores_settings():
    plt.rcdefaults()
    assert matplotlib.rcParams["svg.hashsalt"] is None
    with plots.use_style():
        assert matplotlib.rcParams["svg.hashsalt"] == "analysis-figures"
        assert "DejaVu Sans" in matplotlib.rcParams["font.sans-serif"]
    assert matplotlib.rcParams["svg.hashsalt"] is None


def test_priority_gaps_marks_raised_and_unraised_priorities():
    table = pd.DataFrame({
        "priority_id": ["funding", "coordination"], "value": [0.0, 0.6], "ci_low": [0.0, 0.4],
        "ci_high": [0.0, 0.8], "reason": ["delivery only", "delivery only"], "raised": [False, True]})
    with plots.use_style():
        ax = plots.priority_gaps(table, labels={"coordination": "Koordinering", "funding": "Finansiering"})
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        notes = [t.get_text() for t in ax.texts]
    assert ticks == ["Koordinering", "Finansiering"]  # raised first
    assert notes[0].startswith("60%") and notes[1].startswith("not raised")
    plt.close(ax.figure)
