"""Report: figures, the written report, the response browser, exports and notebooks."""

from analysis.report.build import (  # noqa: F401
    FIGURE_DPI,
    NOTEBOOKS_DIR,
    hash_input,
    save_figure,
    ReportFigure,
    study_labels,
    report_figures,
    execute_notebook,
    build_report,
    write_figures,
)
