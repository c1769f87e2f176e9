"""Small, safe HTML building blocks: every value is escaped, nothing loads from the network.

>>> table(["a"], [["<b>"]], empty="none")
'<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>&lt;b&gt;</td></tr></tbody></table>'
>>> table(["a"], [], empty="none")
'<p class="empty">none</p>'
"""

from __future__ import annotations

import base64
import html as _html
import json
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["esc", "table", "figure", "page", "script_json", "CSS"]

CSS = """
body{font-family:Georgia,'Times New Roman',serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
color:#1a1a1a;line-height:1.5;background:#fff}
h1{font-size:1.9rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
h3{margin-top:1.6rem}.subtitle{color:#555;margin-top:0}
table{border-collapse:collapse;margin:.8rem 0;font-size:.92rem;width:100%}
th,td{border-bottom:1px solid #e3e3e3;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4;font-family:Helvetica,Arial,sans-serif;font-size:.85rem}
td.num,th.num{text-align:right;white-space:nowrap}
figure{margin:1.4rem 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.9rem;color:#333}.caveats{background:#fff7e6;border-left:4px solid #E69F00;
padding:.5rem 1rem}.empty{color:#666;font-style:italic}.small{font-size:.85rem;color:#555}
blockquote{margin:.4rem 0 .4rem 1rem;padding-left:.6rem;border-left:3px solid #0072B2}
.kind{color:#888}.tag{display:inline-block;font-family:Helvetica,Arial,sans-serif;
font-size:.78rem;background:#eef4fa;border-radius:3px;padding:0 .3rem;margin:0 .2rem .1rem 0}
.support{background:#dbeaf5}.concern{background:#fbe9d0}.request{background:#e2f3fb}
.neutral{background:#f0f0f0}footer{margin-top:3rem;font-size:.8rem;color:#666}
@media print{body{max-width:none}h2{page-break-after:avoid}figure{page-break-inside:avoid}}
"""


def esc(value: Any) -> str:
    """``value`` as text safe inside HTML (quotes included); missing values as ''.

    >>> esc('<script>"x"</script>')
    '&lt;script&gt;&quot;x&quot;&lt;/script&gt;'
    """
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return _html.escape(str(value), quote=True)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, empty: str,
          numeric: Sequence[int] = (), raw: Sequence[int] = ()) -> str:
    """An HTML table (escaped cells); a paragraph saying ``empty`` when there are no rows.

    ``numeric`` columns are right-aligned; ``raw`` columns hold HTML made by this module.
    """
    rows = list(rows)
    if not rows:
        return f'<p class="empty">{esc(empty)}</p>'

    def cell(tag: str, i: int, value: Any) -> str:
        cls = ' class="num"' if i in numeric else ""
        return f"<{tag}{cls}>{value if i in raw else esc(value)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(r)) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def figure(png: bytes, *, title: str, caption: str, number: str) -> str:
    """A figure with an inline PNG (base64) and its caption."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img alt="{esc(title)}" src="data:image/png;base64,{data}">'
            f"<figcaption><b>{esc(number)}. {esc(title)}.</b> {esc(caption)}</figcaption></figure>")


def page(*, title: str, language: str, body: str, css: str = CSS, script: str = "") -> str:
    """A whole self-contained page: inline styles (and script), no external resource.

    A Content-Security-Policy forbids any request to the network.
    """
    csp = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
           "script-src 'unsafe-inline'")
    return ("<!DOCTYPE html>\n"
            f'<html lang="{esc(language)}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{css}</style></head><body>\n{body}\n"
            + (f"<script>{script}</script>" if script else "") + "</body></html>\n")


def script_json(data: Any) -> str:
    """JSON safe to embed in a ``<script>``: ``<``, ``>``, ``&`` and line separators escaped.

    >>> script_json({"t": "</script><b>"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, allow_nan=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                       ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text
