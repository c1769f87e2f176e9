"""Themes: which themes do respondents raise?

``features`` (terms) → ``model`` (:class:`ThemeModel`) → ``tables`` (theme tables);
``vectors`` holds the building blocks, ``embeddings`` the optional embedding backend,
``outofcore`` the streaming path for corpora larger than memory.
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
from analysis.themes.tables import (  # noqa: F401
    attach_labels,
    theme_quotes,
    theme_tree,
    segment_map,
    theme_tables,
    merge_themes,
    write_theme_tables,
)
from analysis.themes.embeddings import (  # noqa: F401
    EMBEDDING_MODEL,
    EMBEDDING_PACKAGE,
    embedding_cache_dir,
    embed_texts,
)
