//! `nianbao inspect`: the reader's document, the report recognized from it, and everything
//! recognition was not sure of.

use crate::shared::{fail, read_options};
use crate::{status, ReadArgs, Verbosity};
use nianbao_convert::{LoadOptions, INSPECT};
use nianbao_document::{Block, Document, Source};
use nianbao_report::{layout, Layout, Recognized};
use std::path::Path;

/// A one-line excerpt: line breaks inside cells would break the outline.
fn clip(s: &str, n: usize) -> String {
    let mut t: String = s.chars().take(n).map(|c| if c == '\n' { ' ' } else { c }).collect();
    if s.chars().count() > n {
        t.push('…');
    }
    t
}

fn outline(doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    for (i, b) in doc.blocks.iter().enumerate() {
        out.push(match b {
            Block::Heading { level, text, .. } => format!("[{i}] heading {level}: {}", clip(text, 60)),
            Block::Paragraph { text, .. } => format!("[{i}] paragraph: {}", clip(text, 60)),
            Block::Table(t) => {
                let g = t.grid();
                let first: Vec<String> = t
                    .rows
                    .iter()
                    .flatten()
                    .filter(|c| !c.text.trim().is_empty())
                    .take(3)
                    .map(|c| clip(&c.text, 12))
                    .collect();
                format!("[{i}] table {} rows × {} columns: {} …", t.rows.len(), g.width, first.join(" | "))
            }
            Block::Image { alt } => format!("[{i}] image {}", clip(alt, 40)),
        });
    }
    out
}

/// Where something was printed, in words: `page 2 at (90.1, 72.0)–(505.2, 96.4)`, `sheet 依申请公开 B7`.
fn place(s: &Source) -> String {
    let mut parts = Vec::new();
    if let Some(p) = s.page {
        parts.push(format!("page {p}"));
    }
    if let Some([x0, y0, x1, y1]) = s.bbox {
        parts.push(format!("at ({x0:.1}, {y0:.1})–({x1:.1}, {y1:.1})"));
    }
    if let Some(sheet) = &s.sheet {
        parts.push(format!("sheet {sheet}"));
    }
    if let Some(c) = &s.cell {
        parts.push(c.clone());
    }
    if let Some(t) = s.table {
        parts.push(format!("table {t}"));
    }
    if let (Some(r), Some(c)) = (s.row, s.col) {
        parts.push(format!("row {r} column {c}"));
    }
    if let Some(l) = s.line {
        parts.push(format!("line {l}"));
    }
    parts.join(" ")
}

/// The printed label of a row (section 二, 三) or group (section 四) key.
fn label(table: &str, layout: Layout, key: &str) -> String {
    let path: Option<&[&str]> = match table {
        "applications" => layout::applications(layout).find(|r| r.key == key).map(|r| r.label),
        "active_disclosure" => {
            layout::active_disclosure(layout).iter().flat_map(|g| g.rows).find(|r| r.key == key).map(|r| r.label)
        }
        _ => {
            let (group, col) = key.split_once('.').unwrap_or((key, ""));
            let g = layout::REVIEW_LITIGATION.iter().find(|(g, _)| *g == group).map(|(_, p)| p.join("/"));
            let c = layout::OUTCOMES.iter().position(|c| *c == col).map(|i| layout::OUTCOME_HEADERS[i]);
            return match (g, c) {
                (Some(g), Some(c)) => format!("{g}/{c}"),
                (Some(g), None) => g,
                _ => key.to_string(),
            };
        }
    };
    path.map_or_else(
        || key.to_string(),
        |p| p.iter().filter(|l| !l.starts_with("三、") || p.len() == 1).copied().collect::<Vec<_>>().join("/"),
    )
}

fn recognition(name: &str, layout: Layout, r: &Recognized) {
    if r.is_exact() && r.provenance.is_empty() {
        return;
    }
    outln!("  {name}:");
    for k in &r.missing {
        outln!("    missing   {} [{k}]", label(name, layout, k));
    }
    for x in &r.review_notes {
        let key = x.key.as_deref().map(|k| format!(" [{k}]")).unwrap_or_default();
        let printed = x.printed.as_deref().map(|p| format!(" “{}”", clip(p, 40))).unwrap_or_default();
        let kind = serde_json::to_value(x.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        outln!("    review    {kind}{key}{printed}: {}", x.note);
    }
    for u in &r.unplaced {
        let at = u.source.as_ref().map(|s| format!(" ({})", place(s))).unwrap_or_default();
        let label = if u.label.is_empty() { "(no label)".to_string() } else { format!("“{}”", clip(&u.label, 40)) };
        outln!("    unplaced  {label} {}: {}{at}", u.values.join(" | "), u.reason);
    }
    for (k, p) in &r.provenance {
        let at = place(&p.source);
        outln!("    cell      {k} “{}”{}", p.text, if at.is_empty() { String::new() } else { format!(" {at}") });
    }
}

pub fn run(file: &Path, json: bool, stdin_name: Option<String>, read: &ReadArgs, v: Verbosity) -> u8 {
    let host = match crate::shared::host(v) {
        Ok(h) => h,
        Err(e) => return fail(&e),
    };
    let name = if file.as_os_str() == "-" {
        stdin_name.unwrap_or_else(|| "<stdin>".to_string())
    } else {
        file.display().to_string()
    };
    let mut options = match read_options(&host, read, std::slice::from_ref(&name)) {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    options.entry(INSPECT.into()).or_insert_with(|| "true".into());
    let load = LoadOptions { plugin: options, provenance: true };
    let loaded = match read.input(file).and_then(|b| host.load(&b, &name, read.from.as_deref(), &load)) {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    if json {
        let v = serde_json::json!({ "format": loaded.format, "document": loaded.document, "report": loaded.report, "notes": loaded.notes });
        outln!("{}", serde_json::to_string_pretty(&v).expect("serializes"));
        return status::OK;
    }
    let d = &loaded.document;
    outln!("{name} (read as {})", loaded.format);
    outln!("\ndocument: {} blocks", d.blocks.len());
    for p in &d.meta {
        outln!("  meta {}: {}", p.key, clip(&p.value, 60));
    }
    for line in outline(d) {
        outln!("  {line}");
    }
    let r = &loaded.report;
    let m = &r.meta;
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    outln!("\nreport:");
    outln!("  title      {}", if m.title.is_empty() { "-" } else { &m.title });
    outln!("  agency     {}", opt(&m.agency));
    outln!("  year       {}", m.year.map_or("-".into(), |y| y.to_string()));
    outln!("  published  {}", opt(&m.published));
    outln!("  index_no   {}", opt(&m.index_no));
    outln!("  layout     {}", m.layout);
    for s in &r.sections {
        let no = s.no.map_or("-".into(), |n| n.to_string());
        outln!("  section {no} {}: {} paragraphs", s.title, s.paragraphs.len());
    }
    let t = &r.tables;
    outln!(
        "  active_disclosure  {}",
        t.active_disclosure.as_ref().map_or("null".into(), |x| format!("{} ({} rows)", x.layout, x.rows.len()))
    );
    outln!(
        "  applications       {}",
        t.applications.as_ref().map_or("null".into(), |x| format!("{} ({} rows)", x.layout, x.rows.len()))
    );
    outln!("  review_litigation  {}", if t.review_litigation.is_some() { "present" } else { "null" });
    if let Some(rec) = &r.recognition {
        outln!("\nrecognition: {}", rec.grade.key());
        if let Some(x) = &t.active_disclosure {
            recognition("active_disclosure", x.layout, &x.recognized);
        }
        if let Some(x) = &t.applications {
            recognition("applications", x.layout, &x.recognized);
        }
        if let Some(x) = &t.review_litigation {
            recognition("review_litigation", Layout::Gb2021, &x.recognized);
        }
    }
    if !loaded.notes.is_empty() {
        outln!("\nnotes:");
        for n in &loaded.notes {
            outln!("  {n}");
        }
    }
    status::OK
}
