// How numbers look, the way the CLI prints them (cli/.../render/Cells.java).

export function percent(ratio) {
  return ratio == null ? '-' : (ratio * 100).toFixed(2) + '%';
}

export function rps(v) {
  return v == null ? '-' : v.toFixed(1) + 'rps';
}

export function latency(seconds) {
  if (seconds == null) return '-';
  const ms = seconds * 1000;
  if (ms >= 10000) return (ms / 1000).toFixed(1) + 's';
  if (ms < 0.95) return ms.toFixed(1) + 'ms';
  return ms.toFixed(0) + 'ms';
}

/** The success-rate colour class: green at 100 %, amber from 95 %, red below. */
export function rateClass(ratio) {
  if (ratio == null) return 'sr-none';
  if (ratio >= 0.9999) return 'sr-good';
  if (ratio >= 0.95) return 'sr-warn';
  return 'sr-bad';
}

/** An element with attributes and children; strings become text nodes, so nothing is parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c == null) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** A table with a header row and one row per item; cells are strings or elements. */
export function table(id, headers, rows, empty) {
  const t = el('table', { id, class: 'grid' },
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.map((r) => el('tr', r.attrs || {}, r.cells.map((c) => el('td', c.attrs || {}, c.content ?? c))))));
  if (rows.length === 0) {
    t.tBodies[0].append(el('tr', {}, el('td', { colspan: headers.length, class: 'muted' }, empty)));
  }
  return t;
}

/** A success-rate cell with its colour. */
export function rateCell(ratio) {
  return { attrs: { class: 'num ' + rateClass(ratio), 'data-sr': ratio == null ? '' : String(ratio) }, content: percent(ratio) };
}

export function numCell(text, raw) {
  return { attrs: { class: 'num', 'data-value': raw == null ? '' : String(raw) }, content: text };
}

/** SUCCESS RATE, RPS, P50, P95, P99 of an API row. */
export function goldenCells(r) {
  return [rateCell(r.success_rate), numCell(rps(r.rps), r.rps), numCell(latency(r.latency_p50_seconds), r.latency_p50_seconds),
    numCell(latency(r.latency_p95_seconds), r.latency_p95_seconds), numCell(latency(r.latency_p99_seconds), r.latency_p99_seconds)];
}

export function workloadHref(ns, kind, name) {
  return '#/namespaces/' + encodeURIComponent(ns) + '/' + encodeURIComponent(kind) + '/' + encodeURIComponent(name);
}
