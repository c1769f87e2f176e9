"""Themes: which themes do respondents raise?

``policy`` (what counts as evidence) → ``unit`` (segments or responses) → ``features``
(terms) → ``backends`` (NMF, k-means, LDA, embeddings) → ``choose_k`` (the number of
themes) → ``describe`` (terms, labels, quotes) → ``hierarchy`` (tree, levels, map) →
``tables`` (the theme tables). :class:`ThemeModel` (``model``) coordinates them;
``vectors`` holds the building blocks, ``embeddings`` the optional embedding backend.
Corpora larger than memory use the same model on a Dask cluster (:mod:`analysis.scale`).
"""

from analysis.themes.vectors import (  # noqa: F401
    BACKENDS,
    PLACEHOLDER_WORDS,
    THEME_COLUMNS,
    term_similarity,
    smooth_terms,
    npmi_coherence,
    match_themes,
    label_from_terms,
    k_bounds,
)
from analysis.themes.model import (  # noqa: F401
    ThemeModel,
)
from analysis.themes.describe import NO_THEME_ID, theme_label  # noqa: F401
from analysis.themes.labels import attach_labels  # noqa: F401
from analysis.themes.hierarchy import segment_map, theme_levels, theme_tree  # noqa: F401
from analysis.themes.tables import (  # noqa: F401
    theme_quotes,
    theme_tables,
    merge_themes,
    write_theme_tables,
    hearing_titles,
)
from analysis.themes.embeddings import (  # noqa: F401
    EMBEDDING_MODEL,
    EMBEDDING_PACKAGE,
    embedding_cache_dir,
    embed_texts,
)
