"""The k choice: the eigengap finds the number of blocks, the boundary warning, determinism."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from analysis.themes import ThemeModel
from analysis.themes.choose_k import (candidate_ks, k_limits, laplacian_spectrum, spectral_gaps,
                                      warn_if_at_boundary)

BLOCKS = [
    ["bus", "train", "ticket", "station", "platform", "timetable"],
    ["school", "teacher", "pupil", "classroom", "homework", "lesson"],
    ["tree", "forest", "park", "meadow", "garden", "flower"],
    ["tax", "budget", "income", "pension", "salary", "money"],
    ["hospital", "doctor", "nurse", "patient", "medicine", "clinic"],
    ["bicycle", "cycling", "helmet", "pedal", "saddle", "lane"],
    ["church", "priest", "prayer", "choir", "organ", "sermon"],
    ["football", "stadium", "goal", "referee", "match", "league"],
    ["library", "book", "reader", "shelf", "novel", "author"],
    ["harbour", "ship", "ferry", "sailor", "dock", "boat"],
    ["farm", "cow", "tractor", "barn", "harvest", "wheat"],
    ["police", "crime", "theft", "arrest", "prison", "court"],
    ["museum", "painting", "sculpture", "gallery", "artist", "exhibition"],
    ["kitchen", "recipe", "bread", "soup", "oven", "dinner"],
    ["weather", "rain", "storm", "snow", "wind", "cloud"],
]


def block_matrix(n_blocks: int, per_block: int, seed: int = 0) -> sp.csr_matrix:
    """Documents × words: each document uses 4 of its block's 8 words and 1 random word."""
    rng = np.random.RandomState(seed)
    rows, cols = [], []
    n_words = 8 * n_blocks
    for b in range(n_blocks):
        for i in range(per_block):
            d = b * per_block + i
            words = list(rng.choice(8, size=4, replace=False) + 8 * b) + [rng.randint(n_words)]
            rows += [d] * len(words)
            cols += words
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_blocks * per_block, n_words))


SHARED = ["city", "people", "plan", "future", "area", "council", "street", "family", "idea", "village"]


def block_texts(n_blocks: int, per_block: int, seed: int = 0) -> list[str]:
    """Short English comments: 4 words of one block's vocabulary and one shared word."""
    rng = np.random.RandomState(seed)
    texts = []
    for b in range(n_blocks):
        for _ in range(per_block):
            w = rng.choice(BLOCKS[b], size=4, replace=False)
            texts.append(f"The {rng.choice(SHARED)} needs {w[0]} and {w[1]}, the {w[2]} and a {w[3]}.")
    return texts


def quiet_fit(texts, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ThemeModel("auto", language="en", random_state=0, **kw).fit(texts)


@pytest.mark.parametrize("n_blocks, per_block", [(4, 40), (15, 40)])
def test_largest_eigengap_is_at_the_number_of_blocks(n_blocks, per_block):
    X = block_matrix(n_blocks, per_block)
    gaps = spectral_gaps(X, 22)
    assert int(np.argmax(gaps)) == n_blocks
    assert gaps[n_blocks] > 2 * np.sort(gaps)[-2]


@pytest.mark.parametrize("n_blocks, per_block", [(4, 40), (15, 32)])
def test_auto_picks_the_number_of_blocks(n_blocks, per_block):
    texts = block_texts(n_blocks, per_block)
    assert k_limits(len(texts))[1] >= n_blocks
    m = quiet_fit(texts)
    diag = m.k_diagnostics_
    assert m.n_themes_ == n_blocks
    assert diag["fitted"].sum() == 3 and diag.loc[diag["fitted"], "stability"].notna().all()
    assert diag["eigengap"].notna().all() and len(diag) == len(range(3, k_limits(len(texts))[1] + 1))


def test_choice_and_diagnostics_are_deterministic():
    texts = block_texts(4, 40)
    a, b = quiet_fit(texts), quiet_fit(texts)
    pd.testing.assert_frame_equal(a.k_diagnostics_, b.k_diagnostics_, check_exact=True)
    assert a.n_themes_ == b.n_themes_


def test_boundary_warning_at_both_ends_and_none_inside():
    with pytest.warns(UserWarning, match="largest one tried"):
        assert "k_range" in warn_if_at_boundary(12, range(3, 13), 40)
    with pytest.warns(UserWarning, match="smallest one tried"):
        assert "from 2" in warn_if_at_boundary(3, range(3, 13), 40)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert warn_if_at_boundary(7, range(3, 13), 40) == ""
        assert warn_if_at_boundary(12, range(3, 13), 12) == ""  # the data allow no more
        assert warn_if_at_boundary(2, [2, 3], 10) == ""  # the range starts at 2


def test_auto_warns_when_the_blocks_lie_outside_the_range():
    texts = block_texts(6, 30)  # six blocks, only 3-4 tried: either choice is at an edge
    with pytest.warns(UserWarning, match="one tried"):
        m = ThemeModel("auto", language="en", random_state=0, k_range=[3, 4]).fit(texts)
    assert m.n_themes_ in (3, 4)
    assert "Widen k_range" in m.k_diagnostics_.loc[m.k_diagnostics_["chosen"], "note"].iloc[0]


def test_range_grows_with_the_corpus():
    assert k_limits(780)[1] < k_limits(2000)[1] < k_limits(100_000)[1] == 40
    assert candidate_ks(780)[0] == 3 and candidate_ks(6) == [2]


def test_disconnected_blocks_each_give_a_zero_eigenvalue():
    # 15 cliques: one Lanczos run on the whole graph found the repeated eigenvalue 0 only
    # 5 times and put the largest gap at k = 5
    A = sp.block_diag([np.ones((30, 30)) - np.eye(30)] * 15).tocsr()
    lam = laplacian_spectrum(A, 17)
    assert (lam[:15] == 0).all() and lam[15] > 0.9
