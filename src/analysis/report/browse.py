"""The response browser: one self-contained offline page (``browse.html``).

Themes (each sentence counted under its strongest theme) and priorities with counts
(sentences, after the filters); clicking one lists its quotes; clicking a quote opens
the whole (redacted) response with its sentences marked by theme, priority and stance;
filters by respondent type and stance; text search. The data is embedded as JSON
(escaped so no text can close the ``<script>``); the script only ever sets
``textContent``, so no response text is parsed as HTML. Nothing is loaded from the
network (a Content-Security-Policy forbids it).

>>> data = browser_data({}, None)
>>> data["themes"], data["responses"]
([], {})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.config import StudyConfig
from analysis.report import i18n, markup
from analysis.report.figures import analysed_responses, study_labels

__all__ = ["browser_data", "browser_html"]

_UI_KEYS = ("browse_title", "browse_themes", "browse_priorities", "browse_search",
            "browse_all_types", "browse_all_stances", "browse_quotes", "browse_response",
            "browse_pick", "browse_pick_quote", "browse_hits", "browse_no_hits",
            "browse_legend", "browse_back", "th_stance", "th_themes", "th_priority", "th_evidence", "none")


def _pieces(text: str, segs: pd.DataFrame) -> list[list[Any]]:
    """The response text cut into ``[text, segment index or -1]`` pieces, in order."""
    out, pos = [], 0
    for i, (start, end) in enumerate(zip(segs["start"].astype(int), segs["end"].astype(int))):
        if start < pos or end > len(text):
            continue  # overlapping or out of range: keep the text, skip the mark
        if start > pos:
            out.append([text[pos:start], -1])
        out.append([text[start:end], i])
        pos = end
    if pos < len(text):
        out.append([text[pos:], -1])
    return out


def browser_data(tables: Mapping[str, pd.DataFrame], study: StudyConfig | None,
                 language: str | None = None) -> dict[str, Any]:
    """Everything the browser shows, as plain JSON-able data (deterministic order)."""
    lang = i18n.language_of(language or (study.language if study is not None else "en"))
    names = study_labels(study)
    plabels = dict(zip(names["priority"]["priority_id"].astype(str), names["priority"]["label"]))
    analysed = analysed_responses(tables)
    segments = tables.get("segments", pd.DataFrame())
    themes = tables.get("themes", pd.DataFrame())
    st = tables.get("segment_themes", pd.DataFrame())
    sp = tables.get("segment_priorities", pd.DataFrame())
    ss = tables.get("segment_stance", pd.DataFrame())
    tlabel = dict(zip(themes["theme_id"].astype(str), themes["label"].astype(str))) \
        if {"theme_id", "label"} <= set(themes) else {}
    seg_themes: dict[str, list[str]] = {}
    if {"segment_id", "theme_id"} <= set(st):
        ordered = st.sort_values(["segment_id", "weight"] if "weight" in st else ["segment_id"],
                                 ascending=[True, False][: 2 if "weight" in st else 1], kind="mergesort")
        for sid, tid in zip(ordered["segment_id"].astype(str), ordered["theme_id"].astype(str)):
            seg_themes.setdefault(sid, []).append(tid)
    seg_prios: dict[str, list[str]] = {}
    seg_evidence: dict[str, list[str]] = {}
    if {"segment_id", "priority_id"} <= set(sp):
        for sid, pid, ev in zip(sp["segment_id"].astype(str), sp["priority_id"].astype(str),
                                sp["evidence"].astype(str) if "evidence" in sp else [""] * len(sp)):
            if pid not in seg_prios.setdefault(sid, []):
                seg_prios[sid].append(pid)
            if ev and ev not in seg_evidence.setdefault(sid, []):
                seg_evidence[sid].append(ev)
    stance_of = dict(zip(ss["segment_id"].astype(str), ss["stance"].astype(str))) \
        if {"segment_id", "stance"} <= set(ss) else {}
    responses: dict[str, Any] = {}
    for _, resp in analysed.iterrows():
        rid = str(resp["response_id"])
        segs = segments[segments["response_id"].astype(str) == rid].sort_values("start", kind="mergesort") \
            if "response_id" in segments else segments
        rows = []
        for _, seg in segs.iterrows():
            sid = str(seg["segment_id"])
            kind = str(seg["kind"]) if "kind" in segs and pd.notna(seg["kind"]) else "content"
            rows.append({"id": sid, "text": str(seg["text"]), "kind": kind,
                         "themes": seg_themes.get(sid, []), "priorities": seg_prios.get(sid, []),
                         "evidence": seg_evidence.get(sid, []),
                         "stance": stance_of.get(sid, "neutral")})
        kind = str(resp.get("respondent_type", "unknown"))
        responses[rid] = {"type": kind, "segments": rows,
                          "pieces": _pieces(str(resp.get("text", "")), segs) if len(segs) else
                          [[str(resp.get("text", "")), -1]]}
    themes_out = []
    if "theme_id" in themes:
        for _, t in themes.sort_values("size", ascending=False, kind="mergesort").iterrows():
            themes_out.append({"id": str(t["theme_id"]), "label": str(t.get("label", t["theme_id"]))})
    used = {p for ps in seg_prios.values() for p in ps}
    prios_out = [{"id": p, "label": plabels.get(p, p)} for p in plabels if p in used]
    prios_out += [{"id": p, "label": p} for p in sorted(used - set(plabels))]
    types = sorted({r["type"] for r in responses.values()})
    stances = sorted({s["stance"] for r in responses.values() for s in r["segments"]})
    return {
        "language": lang,
        "title": study.title if study is not None else "",
        "ui": {k: i18n.text(lang, k) for k in _UI_KEYS},
        "themes": themes_out, "themeLabels": tlabel, "priorities": prios_out,
        "priorityLabels": {p["id"]: p["label"] for p in prios_out},
        "types": [{"id": t, "label": i18n.respondent_type(lang, t)} for t in types],
        "stances": [{"id": s, "label": i18n.stance(lang, s)} for s in stances],
        "responses": responses,
    }


_CSS = markup.CSS + """
body{max-width:none;margin:0;padding:0;font-family:Helvetica,Arial,sans-serif;font-size:.95rem}
header{padding:.6rem 1rem;background:#0072B2;color:#fff}header h1{font-size:1.3rem;margin:0}
#app{display:grid;grid-template-columns:19rem 1fr 1.2fr;gap:0;height:calc(100vh - 3.2rem)}
#app>section{overflow:auto;padding:.6rem 1rem;border-right:1px solid #ddd}
.item{display:flex;justify-content:space-between;width:100%;text-align:left;border:0;
background:none;padding:.3rem .4rem;cursor:pointer;border-radius:3px;font:inherit}
.item:hover{background:#eef4fa}.item.active{background:#0072B2;color:#fff}
.count{font-variant-numeric:tabular-nums;color:inherit;opacity:.8;margin-left:.5rem}
select,input{width:100%;margin:.2rem 0 .5rem;padding:.3rem;font:inherit;box-sizing:border-box}
.quote{border-left:4px solid #bbb;padding:.3rem .6rem;margin:.5rem 0;cursor:pointer;background:#fafafa}
.quote:hover{background:#eef4fa}.meta{font-size:.8rem;color:#555}
#response .seg{padding:1px 0}#response .seg.themed{text-decoration:underline dotted #0072B2}
#response .seg.prio{background:#fff3c4}#response .seg.current{outline:2px solid #D55E00}
.st-support{border-left-color:#0072B2}.st-concern{border-left-color:#E69F00}
.st-request{border-left-color:#56B4E9}.st-oppose{border-left-color:#D55E00}
#response .seg.st-support{box-shadow:inset 0 -2px #0072B2}#response .seg.st-concern{box-shadow:inset 0 -2px #E69F00}
#response .seg.st-request{box-shadow:inset 0 -2px #56B4E9}#response .seg.st-oppose{box-shadow:inset 0 -2px #D55E00}
#response .text{white-space:pre-wrap;line-height:1.6}h2{font-size:1.05rem;margin-top:.8rem}
"""

_JS = r"""
(function(){
const D = JSON.parse(document.getElementById('data').textContent);
const U = D.ui, $ = id => document.getElementById(id);
const state = {kind: null, id: null, type: '', stance: '', q: ''};
const all = [];
for (const rid of Object.keys(D.responses).sort()) {
  D.responses[rid].segments.forEach((s, i) => all.push({rid, i, s, type: D.responses[rid].type}));
}
function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
function passes(x) {
  if (state.type && x.type !== state.type) return false;
  if (state.stance && x.s.stance !== state.stance) return false;
  if (state.q && x.s.text.toLowerCase().indexOf(state.q) < 0) return false;
  return x.s.kind === 'content' || x.s.kind === 'heading';
}
function matches(kind, id) {
  return all.filter(x => passes(x) && (kind === 'theme' ? x.s.themes[0] === id
                                                        : x.s.priorities.indexOf(id) >= 0));
}
function fillSelect(sel, first, items) {
  sel.appendChild(el('option', {value: ''}, first));
  for (const it of items) sel.appendChild(el('option', {value: it.id}, it.label));
}
function list(box, kind, items) {
  box.textContent = '';
  if (!items.length) box.appendChild(el('p', {'class': 'empty'}, U.none));
  for (const it of items) {
    const n = matches(kind, it.id).length;
    const b = el('button', {'class': 'item' + (state.kind === kind && state.id === it.id ? ' active' : ''),
                            'data-kind': kind, 'data-id': it.id});
    b.appendChild(el('span', {}, it.label));
    b.appendChild(el('span', {'class': 'count'}, String(n)));
    b.addEventListener('click', () => { state.kind = kind; state.id = it.id; render(); });
    box.appendChild(b);
  }
}
function labelsOf(s) {
  const t = s.themes.map(x => D.themeLabels[x] || x), p = s.priorities.map(x => D.priorityLabels[x] || x);
  return {t, p};
}
function quotes() {
  const box = $('quotes'); box.textContent = '';
  let rows = [];
  if (state.kind) rows = matches(state.kind, state.id);
  else if (state.q) rows = all.filter(passes);
  else { box.appendChild(el('p', {'class': 'empty'}, U.browse_pick)); $('hits').textContent = ''; return; }
  $('hits').textContent = rows.length ? U.browse_hits.replace('{n}', rows.length) : U.browse_no_hits;
  if (rows.length) box.appendChild(el('p', {'class': 'small'}, U.browse_pick_quote));
  for (const x of rows) {
    const q = el('div', {'class': 'quote st-' + x.s.stance, 'data-rid': x.rid, 'data-seg': x.s.id});
    q.appendChild(el('div', {}, x.s.text));
    const L = labelsOf(x.s), type = (D.types.find(t => t.id === x.type) || {label: x.type}).label;
    const st = (D.stances.find(t => t.id === x.s.stance) || {label: x.s.stance}).label;
    q.appendChild(el('div', {'class': 'meta'}, U.browse_response + ' ' + x.rid + ' · ' + type + ' · ' + st +
                     (L.p.length ? ' · ' + L.p.join(', ') : '')));
    q.addEventListener('click', () => openResponse(x.rid, x.i));
    box.appendChild(q);
  }
}
function openResponse(rid, current) {
  const r = D.responses[rid], box = $('response'); box.textContent = '';
  const type = (D.types.find(t => t.id === r.type) || {label: r.type}).label;
  box.appendChild(el('h2', {id: 'response-title'}, U.browse_response + ' ' + rid + ' (' + type + ')'));
  box.appendChild(el('p', {'class': 'small'}, U.browse_legend));
  const text = el('div', {'class': 'text'});
  let target = null;
  for (const [piece, i] of r.pieces) {
    if (i < 0) { text.appendChild(document.createTextNode(piece)); continue; }
    const s = r.segments[i], L = labelsOf(s);
    let cls = 'seg st-' + s.stance;
    if (s.themes.length) cls += ' themed';
    if (s.priorities.length) cls += ' prio';
    if (i === current) cls += ' current';
    const span = el('span', {'class': cls, 'data-seg': s.id,
      title: [U.th_themes + ': ' + (L.t.join(', ') || '–'), U.th_priority + ': ' + (L.p.join(', ') || '–'),
              U.th_evidence + ': ' + (s.evidence.join(', ') || '–'), U.th_stance + ': ' + s.stance].join('\n')}, piece);
    if (i === current) target = span;
    text.appendChild(span);
  }
  box.appendChild(text);
  if (target) target.scrollIntoView({block: 'center'});
}
function render() {
  list($('themes'), 'theme', D.themes);
  list($('priorities'), 'priority', D.priorities);
  quotes();
}
fillSelect($('type'), U.browse_all_types, D.types);
fillSelect($('stance'), U.browse_all_stances, D.stances);
$('type').addEventListener('change', e => { state.type = e.target.value; render(); });
$('stance').addEventListener('change', e => { state.stance = e.target.value; render(); });
$('search').addEventListener('input', e => { state.q = e.target.value.trim().toLowerCase(); render(); });
render();
document.body.setAttribute('data-ready', '1');
})();
"""


def browser_html(data: Mapping[str, Any]) -> str:
    """The browser page for ``data`` (from :func:`browser_data`): HTML, CSS, JS and data inline."""
    ui = data["ui"]
    body = (f"<header><h1>{markup.esc(ui['browse_title'])} · {markup.esc(data.get('title', ''))}</h1></header>"
            '<div id="app"><section id="left">'
            f'<input id="search" type="search" placeholder="{markup.esc(ui["browse_search"])}" '
            f'aria-label="{markup.esc(ui["browse_search"])}">'
            '<select id="type" aria-label="type"></select><select id="stance" aria-label="stance"></select>'
            f'<h2>{markup.esc(ui["browse_themes"])}</h2><div id="themes"></div>'
            f'<h2>{markup.esc(ui["browse_priorities"])}</h2><div id="priorities"></div></section>'
            f'<section><h2>{markup.esc(ui["browse_quotes"])}</h2><p id="hits" class="small"></p>'
            '<div id="quotes"></div></section><section id="response"></section></div>'
            f'<script type="application/json" id="data">{markup.script_json(data)}</script>')
    return markup.page(title=f"{ui['browse_title']} · {data.get('title', '')}",
                       language=data.get("language", "en"), body=body, css=_CSS, script=_JS)
