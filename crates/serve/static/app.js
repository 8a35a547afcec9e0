// The clerk's page: one report in memory, drawn in the official layout, checked by the server
// as she types. Plain JavaScript, no build step.
"use strict";

const S = { layout: null, report: null, id: null, name: "report", previous: null, findings: [], timer: null };
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function status(text, error) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

async function api(path, options) {
  const r = await fetch(path, options);
  const type = r.headers.get("Content-Type") || "";
  if (!r.ok) {
    const j = type.startsWith("application/json") ? await r.json() : { error: r.statusText };
    throw new Error(j.error);
  }
  return r;
}

// ---- header cells of merged paths: [["法人或其他组织","商业企业"], …] → rows of th

function headerRows(paths, depth) {
  const rows = Array.from({ length: depth }, () => []);
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i];
    for (let d = 0; d < p.length; d++) {
      const same = (j) => j >= 0 && paths[j].length > d && paths[j].slice(0, d + 1).join("\u0001") === p.slice(0, d + 1).join("\u0001");
      if (same(i - 1)) continue;
      let span = 1;
      while (i + span < paths.length && same(i + span)) span++;
      const last = d === p.length - 1;
      rows[d].push({ text: p[d], colspan: span, rowspan: last ? depth - d : 1 });
    }
  }
  return rows;
}

// ---- cells

function value(table, row, col) {
  const t = S.report.tables[table];
  if (!t) return null;
  if (table === "review_litigation") return t[row] ? t[row][col] : null;
  return t.rows[row] ? t.rows[row][col] : null;
}

function setValue(table, row, col, v) {
  const t = S.report.tables[table];
  if (table === "review_litigation") t[row][col] = v;
  else {
    if (!t.rows[row]) t.rows[row] = {};
    t.rows[row][col] = v;
  }
  const key = row + "." + col;
  if (t.marks && key in t.marks && v !== null) delete t.marks[key];
}

function numberCell(table, row, col, r, c) {
  const t = S.report.tables[table];
  const v = value(table, row, col);
  const key = row + "." + col;
  const mark = t && t.marks ? t.marks[key] : undefined;
  const input = el("input", {
    class: "num", inputmode: "decimal", "data-table": table, "data-row": row, "data-col": col,
    "data-r": r, "data-c": c, value: v === null || v === undefined ? "" : String(v), placeholder: mark || "",
    "aria-label": table + "." + key,
  });
  input.addEventListener("input", () => {
    const s = input.value.trim();
    const td = input.parentElement;
    if (s === "") { setValue(table, row, col, null); td.classList.remove("invalid"); }
    else if (/^-?\d+(\.\d+)?$/.test(s)) { setValue(table, row, col, Number(s)); td.classList.remove("invalid"); }
    else { td.classList.add("invalid"); return; }
    schedule();
  });
  input.addEventListener("focus", () => showSource(table, key));
  input.addEventListener("keydown", navigate);
  const td = el("td", { class: t && t.provenance && t.provenance[key] ? "provenance" : "" }, input);
  return td;
}

// Arrow keys and Enter move between the cells of a table, as in a spreadsheet.
function navigate(ev) {
  const i = ev.target;
  const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], Enter: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
  const m = moves[ev.key];
  if (!m) return;
  if (ev.key === "ArrowLeft" && i.selectionStart > 0) return;
  if (ev.key === "ArrowRight" && i.selectionEnd < i.value.length) return;
  const table = i.closest("table");
  let r = Number(i.dataset.r) + m[0], c = Number(i.dataset.c) + m[1];
  for (let tries = 0; tries < 40; tries++) {
    const next = table.querySelector(`input[data-r="${r}"][data-c="${c}"]`);
    if (next) { ev.preventDefault(); next.focus(); next.select(); return; }
    if (m[0]) r += m[0]; else c += m[1];
  }
}

// ---- the three tables

function activeDisclosure(layout) {
  const groups = S.layout[layout].active_disclosure.groups;
  const width = Math.max(...groups.map((g) => Math.max(...g.rows.map((r) => r.columns.length))));
  const body = el("tbody");
  let r = 0;
  for (const g of groups) {
    body.append(el("tr", {}, el("th", { colspan: width + 1 }, g.caption)));
    const cols = g.rows[0].columns;
    const head = el("tr", {}, el("th", {}, S.layout[layout].active_disclosure.header));
    cols.forEach((c, j) => head.append(el("th", { colspan: j === cols.length - 1 ? width - cols.length + 1 : 1 }, c.header.join(""))));
    body.append(head);
    for (const row of g.rows) {
      const tr = el("tr", {}, el("td", { class: "label" }, row.label.join("")));
      row.columns.forEach((c, j) => {
        const td = numberCell("active_disclosure", row.key, c.key, r, j);
        if (j === row.columns.length - 1) td.colSpan = width - row.columns.length + 1;
        tr.append(td);
      });
      body.append(tr);
      r++;
    }
  }
  return el("table", { class: "official", id: "t-active_disclosure" }, body);
}

function applications(layout) {
  const L = S.layout[layout].applications;
  const paths = L.columns.map((c) => [L.caption, ...c.header]);
  const heads = headerRows(paths, 3);
  const depth = Math.max(...L.rows.map((r) => r.label.length));
  const thead = el("thead");
  heads.forEach((cells, d) => {
    const tr = el("tr");
    if (d === 0) tr.append(el("th", { colspan: depth, rowspan: heads.length }, L.note));
    for (const h of cells) tr.append(el("th", { colspan: h.colspan, rowspan: h.rowspan }, h.text));
    thead.append(tr);
  });
  const tbody = el("tbody");
  L.rows.forEach((row, r) => {
    const tr = el("tr");
    row.label.forEach((text, d) => {
      const prefix = (x) => x.label.slice(0, d + 1).join("\u0001");
      if (r > 0 && L.rows[r - 1].label.length > d && prefix(L.rows[r - 1]) === prefix(row)) return;
      let span = 1;
      while (r + span < L.rows.length && L.rows[r + span].label.length > d && prefix(L.rows[r + span]) === prefix(row)) span++;
      const last = d === row.label.length - 1;
      tr.append(el("td", { class: "label", rowspan: span, colspan: last ? depth - d : 1 }, text));
    });
    L.columns.forEach((c, j) => tr.append(numberCell("applications", row.key, c.key, r, j)));
    tbody.append(tr);
  });
  return el("table", { class: "official", id: "t-applications" }, thead, tbody);
}

function reviewLitigation() {
  const L = S.layout.review_litigation;
  const cols = [];
  for (const g of L.groups) for (const o of L.outcomes) cols.push({ group: g.key, col: o.key, path: [...g.header, o.header] });
  const thead = el("thead");
  for (const cells of headerRows(cols.map((c) => c.path), 3)) {
    thead.append(el("tr", {}, ...cells.map((h) => el("th", { colspan: h.colspan, rowspan: h.rowspan }, h.text))));
  }
  const tr = el("tr");
  cols.forEach((c, j) => tr.append(numberCell("review_litigation", c.group, c.col, 0, j)));
  return el("table", { class: "official", id: "t-review_litigation" }, thead, el("tbody", {}, tr));
}

// ---- the report

function render() {
  const R = S.report;
  const layout = R.meta.layout === "gb2019" ? "gb2019" : "gb2021";
  const meta = $("meta");
  meta.replaceChildren();
  const fields = [["title", "标题"], ["agency", "报告主体"], ["year", "年度"], ["published", "发布日期"], ["index_no", "索引号"]];
  for (const [k, label] of fields) {
    const input = el("input", { id: "meta-" + k, value: R.meta[k] ?? "" });
    input.addEventListener("input", () => {
      const s = input.value.trim();
      R.meta[k] = k === "title" ? input.value : s === "" ? null : k === "year" ? (Number.isInteger(Number(s)) ? Number(s) : R.meta[k]) : s;
      schedule();
    });
    meta.append(el("label", { for: "meta-" + k }, label), input);
  }
  const sections = $("sections");
  sections.replaceChildren();
  const titles = S.layout.sections;
  for (let no = 1; no <= 6; no++) {
    let sec = R.sections.find((s) => s.no === no);
    if (!sec) { sec = { no, title: titles[no - 1], paragraphs: [] }; R.sections.push(sec); R.sections.sort((a, b) => (a.no ?? 99) - (b.no ?? 99)); }
    const text = el("textarea", { "aria-label": sec.title }, sec.paragraphs.join("\n\n"));
    text.addEventListener("input", () => { sec.paragraphs = text.value.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean); schedule(); });
    const box = el("section", { class: "section" }, el("h2", {}, sec.title || titles[no - 1]), text);
    if (no === 2) box.append(R.tables.active_disclosure ? activeDisclosure(R.tables.active_disclosure.layout === "gb2019" ? "gb2019" : layout) : el("p", { class: "hint" }, "（原文没有此表）"));
    if (no === 3) box.append(R.tables.applications ? applications(R.tables.applications.layout === "gb2019" ? "gb2019" : layout) : el("p", { class: "hint" }, "（原文没有此表）"));
    if (no === 4) box.append(R.tables.review_litigation ? reviewLitigation() : el("p", { class: "hint" }, "（原文没有此表）"));
    sections.append(box);
  }
  notes();
}

function notes() {
  const list = $("notes");
  list.replaceChildren();
  for (const table of ["active_disclosure", "applications", "review_litigation"]) {
    const t = S.report.tables[table];
    if (!t) continue;
    for (const n of t.review_notes || []) {
      list.append(el("li", { onclick: () => focusKey(table, n.key) }, `${n.note}${n.printed ? "（原文：" + n.printed + "）" : ""}`));
    }
    for (const u of t.unplaced || []) list.append(el("li", {}, `未能放入表格：${u.label} ${u.values.join(" ")}（${u.reason}）`));
  }
  if (!list.children.length) list.append(el("li", { class: "hint" }, S.id ? "识别无需复核。" : "（空白模板）"));
}

function focusKey(table, key) {
  if (!key) return;
  const sel = `input[data-table="${table}"][data-row="${key.split(".").slice(0, -1).join(".") || key}"]`;
  const exact = document.querySelector(`input[aria-label="${table}.${key}"]`) || document.querySelector(sel) ||
    document.querySelector(`input[data-table="${table}"][data-row="${key}"]`);
  if (exact) exact.focus();
}

// ---- validation

function schedule() {
  clearTimeout(S.timer);
  S.timer = setTimeout(validate, 150);
}

function cellOf(key) {
  const parts = key.split(".");
  const table = parts[0], col = parts[parts.length - 1], row = parts.slice(1, -1).join(".");
  return document.querySelector(`input[data-table="${table}"][data-row="${row}"][data-col="${col}"]`);
}

async function validate() {
  try {
    const r = await api("/api/validate", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ report: S.report, previous: S.previous }) });
    showFindings((await r.json()).findings);
  } catch (e) { status(e.message, true); }
}

function showFindings(findings) {
  S.findings = findings;
  document.querySelectorAll("td.broken, td.unchecked").forEach((td) => td.classList.remove("broken", "unchecked"));
  const list = $("findings");
  list.replaceChildren();
  let broken = 0, unchecked = 0;
  for (const f of findings) {
    const cls = f.severity === "violation" ? "broken" : f.severity === "not_checkable" ? "unchecked" : "";
    if (f.severity === "violation") broken++;
    if (f.severity === "not_checkable") unchecked++;
    for (const k of f.cells) { const i = cellOf(k); if (i && cls) i.parentElement.classList.add(cls); }
    list.append(el("li", { class: f.severity, onclick: () => { const i = f.cells.map(cellOf).find(Boolean); if (i) i.focus(); } },
      f.chinese, el("small", {}, f.message)));
  }
  $("summary").textContent = broken ? `${broken} 处不符合勾稽关系` + (unchecked ? `，${unchecked} 处无法核对` : "")
    : unchecked ? `没有违反勾稽关系；${unchecked} 处因空白无法核对` : "全部勾稽关系成立";
}

// ---- where a number was printed

async function showSource(table, key) {
  const box = $("source");
  const t = S.report.tables[table];
  const p = t && t.provenance ? t.provenance[key] : null;
  if (!p) { box.replaceChildren(el("p", { class: "hint" }, S.id ? "这个单元格没有出处（空白，或已修改）。" : "空白模板没有原文。")); return; }
  const where = p.page ? `第 ${p.page} 页` : p.sheet ? `工作表“${p.sheet}” 单元格 ${p.cell}` : p.table !== undefined ? `第 ${p.table + 1} 个表格 第 ${p.row + 1} 行 第 ${p.col + 1} 列` : p.line ? `第 ${p.line} 行` : "";
  box.replaceChildren(el("p", { class: "where" }, `原文“${p.text}”，印于${where}`));
  if ((p.sheet || p.table !== undefined) && S.id) {
    try {
      const q = p.sheet ? `sheet=${encodeURIComponent(p.sheet)}&cell=${encodeURIComponent(p.cell || "")}` : `table=${p.table}`;
      const t = await (await api(`/api/table?id=${S.id}&${q}`)).json();
      const grid = el("table", { class: "official source-table" });
      t.rows.forEach((row) => {
        const tr = el("tr");
        for (const c of row) {
          const s = c.source || {};
          const here = p.sheet ? s.cell === p.cell : s.row === p.row && s.col === p.col;
          tr.append(el("td", { rowspan: c.rowspan > 1 ? c.rowspan : null, colspan: c.colspan > 1 ? c.colspan : null, class: here ? "spot" : "" }, c.text));
        }
        grid.append(tr);
      });
      box.append(grid);
      const spot = grid.querySelector("td.spot");
      if (spot) spot.scrollIntoView({ block: "nearest" });
    } catch (e) { box.append(el("p", { class: "hint" }, e.message)); }
  }
  if (p.page && p.bbox && S.id) {
    try {
      const svg = await (await api(`/api/page?id=${S.id}&page=${p.page}`)).text();
      const holder = el("div");
      holder.innerHTML = svg;
      const s = holder.querySelector("svg");
      const [x0, y0, x1, y1] = p.bbox;
      const mark = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      for (const [k, v] of Object.entries({ x: x0 - 2, y: y0 - 2, width: x1 - x0 + 4, height: y1 - y0 + 4, fill: "none", stroke: "#d00", "stroke-width": 2, class: "spot" })) mark.setAttribute(k, v);
      s.append(mark);
      box.append(holder);
    } catch (e) { box.append(el("p", { class: "hint" }, e.message)); }
  }
}

// ---- files

async function open(file, previous) {
  status(`正在读取 ${file.name} …`);
  try {
    const r = await api("/api/open?name=" + encodeURIComponent(file.name), { method: "POST", body: file });
    const j = await r.json();
    if (previous) { S.previous = j.report; status(`上年报告：${file.name}`); validate(); return; }
    Object.assign(S, { report: j.report, id: j.id, name: j.name });
    render();
    showFindings(j.findings);
    const grade = j.report.recognition ? j.report.recognition.grade : "exact";
    status(`${j.name}（${j.format}）` + (grade === "exact" ? "" : grade === "review" ? "：识别结果需要复核，见右侧说明" : "：未能识别出表格"));
  } catch (e) { status(e.message, true); }
}

async function blank() {
  const r = await api("/api/template?layout=" + $("layout").value);
  Object.assign(S, { report: await r.json(), id: null, name: "report" });
  render();
  validate();
  status("空白模板");
}

async function download(format) {
  try {
    const r = await api(`/api/write?to=${format}&name=${encodeURIComponent(S.name)}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(S.report) });
    const blob = await r.blob();
    const name = (S.name.replace(/\.[^.]*$/, "") || "report") + "." + format;
    const a = el("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    a.remove();
  } catch (e) { status(e.message, true); }
}

async function main() {
  S.layout = await (await api("/api/layout")).json();
  const formats = (await (await api("/api/formats")).json()).write;
  for (const f of formats) $("downloads").append(el("button", { type: "button", "data-format": f, onclick: () => download(f) }, "下载 " + f.toUpperCase()));
  $("open").addEventListener("change", (e) => e.target.files[0] && open(e.target.files[0], false));
  $("previous").addEventListener("change", (e) => e.target.files[0] && open(e.target.files[0], true));
  $("blank").addEventListener("click", blank);
  await blank();
}

main().catch((e) => status(e.message, true));
