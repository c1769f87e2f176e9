"""CPU seconds per step of the in-memory themes stage (``time.process_time`` around each call).

Runs ``write_theme_tables`` (k = 10, NMF, as ``scaling.py --stages themes``) on a kept
scaling work folder and prints a markdown table; nested steps are inside their parents.
Works on older checkouts too (a step a checkout lacks is left out)::

    PYTHONPATH=src python benchmarks/themes_steps.py /tmp/t100k/n100000
"""
import sys, time, resource, warnings
warnings.simplefilter("ignore")
from pathlib import Path
import analysis.corpus  # noqa
import analysis.themes.model as M, analysis.themes.tables as T, analysis.themes.features as F
import analysis.themes.choose_k as CK, analysis.themes.backends as B
T0 = {}
def wrap(owner, name, label):
    f = getattr(owner, name)
    def g(*a, **k):
        t = time.process_time(); r = f(*a, **k)
        T0[label] = T0.get(label, 0) + time.process_time() - t
        return r
    setattr(owner, name, g)
for owner, name, label in [
    (M, "kinds_once" if hasattr(M, "kinds_once") else "segment_kinds", "segment kinds"),
    (M.ThemeModel, "_stop_extra", "sender names / stop words"),
    (F.TermFeatures, "walk_texts", "walk texts"),
    (F, "find_multiword_terms", "multi-word terms (find)"),
    (F, "join_multiword_terms", "multi-word terms (join)"),
    (F.TermFeatures, "fit_transform_walked", "TF-IDF fit (incl. multi-word)"),
    (M, "term_similarity", "term similarity"),
    (M, "smooth_terms", "smoothing (sample + chunks)"),
    (B, "nndsvda", "SVD start (nndsvda)"),
    (B, "fit_backend", "NMF fits (full + 3 resamples, incl. SVD)"),
    (M.ThemeModel, "_weigh_documents", "weigh all documents (transform, fits)"),
    (M.ThemeModel, "_describe", "describe (term vectors, coherence)"),
    (T, "theme_tables", "theme tables"),
    (T, "write_table", "write tables"),
]:
    if hasattr(owner, name):
        wrap(owner, name, label)
wd = Path(sys.argv[1])
t = time.process_time()
T.write_theme_tables(wd / "processed", n_themes=10, backend="nmf", language="da", random_state=0)
tot = time.process_time() - t
for k, v in T0.items():
    print(f"| {k} | {v:.1f} |")
print(f"| total | {tot:.1f} |  peak MB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f}")
