"""The memory and speed cuts for 1M segments give the same numbers as before."""

import numpy as np

from analysis.alignment.resampling import _bootstrap_counts
from analysis.corpus.duplicates import _eligible_sets


def _counts_at_once(n, n_boot, rng, chunk=100):
    """The former chunk-at-once draw: one (chunk x n) index array, one bincount."""
    done = 0
    while done < n_boot:
        c = min(chunk, n_boot - done)
        idx = rng.integers(0, n, size=(c, n))
        offs = (np.arange(c)[:, None] * n + idx).ravel()
        yield np.bincount(offs, minlength=c * n).reshape(c, n).astype(float)
        done += c


def test_bootstrap_counts_are_the_chunk_at_once_draws():
    for n, n_boot in ((1, 3), (7, 250), (1_001, 120)):
        new = list(_bootstrap_counts(n, n_boot, np.random.default_rng([4, 101])))
        old = list(_counts_at_once(n, n_boot, np.random.default_rng([4, 101])))
        assert len(new) == len(old)
        for a, b in zip(new, old):
            assert a.dtype == b.dtype and np.array_equal(a, b)


def test_eligible_sets_do_not_depend_on_the_block():
    rng = np.random.default_rng(0)
    words = ["vi", "vil", "have", "flere", "træer", "i", "byen", "og", "mindre", "trafik", "ja"]
    texts = [" ".join(rng.choice(words, size=rng.integers(1, 30))) for _ in range(300)] + [None, ""]
    whole = _eligible_sets(texts, 20, 2, 3, block=10**6)
    for block in (1, 7, 64):
        part = _eligible_sets(texts, 20, 2, 3, block=block)
        assert list(part) == list(whole)
        assert all(np.array_equal(part[k], whole[k]) for k in whole)
    assert 0 < len(whole) < len(texts)


def test_transform_smoothed_matches_transform():
    from analysis.scale.themes import no_clear_theme_of
    from analysis.themes import ThemeModel

    docs = ["bus og metro kører hver dag", "park og træer gror i byen", "cykelsti langs havnen",
            "flere bænke i parken"] * 6
    model = ThemeModel(2, min_fit=0.5).fit(docs)
    new = ["metro og bus", "træer i parken", "havnen", "ukendt ord"]
    W, Xs = model.transform_smoothed(new)
    assert np.array_equal(W, model.transform(new))
    assert Xs.shape[0] == len(new)
    assert np.array_equal(no_clear_theme_of(model, new, W, Xs), no_clear_theme_of(model, new, W))
