//! The JSON API the page calls: the layouts, a blank report, opening a file, validating,
//! writing, and a source page drawn from the reader's positions.

use crate::{chinese, Reply, Request, State};
use nianbao_convert::{parse_report, validate_years, Host, LoadOptions, Options, Report};
use nianbao_document::{Block, Document, Source};
use nianbao_report::layout::{self, Column, Row};
use nianbao_report::{Layout, Meta, Outcomes, ReviewLitigation, RowTable, Section, Tables};
use serde_json::{json, Value};
use std::sync::Mutex;

/// The standard section headings of both templates.
const SECTIONS: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

fn columns(cs: &[Column]) -> Value {
    cs.iter().map(|c| json!({ "key": c.key, "header": c.header })).collect()
}

fn rows<'a>(rs: impl Iterator<Item = &'a Row>) -> Value {
    rs.map(|r| json!({ "key": r.key, "label": r.label, "columns": columns(r.columns) })).collect()
}

/// Both templates' tables as the page draws them: keys and printed label paths.
pub fn layout() -> Reply {
    let mut out = json!({ "sections": SECTIONS });
    for l in [Layout::Gb2021, Layout::Gb2019] {
        let groups: Vec<Value> = layout::active_disclosure(l)
            .iter()
            .map(|g| json!({ "caption": g.caption, "rows": rows(g.rows.iter()) }))
            .collect();
        out[l.key()] = json!({
            "active_disclosure": { "header": layout::CONTENT_HEADER, "groups": groups },
            "applications": {
                "note": layout::APPLICATIONS_NOTE,
                "caption": layout::APPLICANTS_CAPTION,
                "columns": columns(layout::APPLICANTS),
                "rows": rows(layout::applications(l)),
            },
        });
    }
    out["review_litigation"] = json!({
        "groups": layout::REVIEW_LITIGATION.iter().map(|(k, h)| json!({ "key": k, "header": h })).collect::<Vec<_>>(),
        "outcomes": layout::OUTCOMES.iter().zip(layout::OUTCOME_HEADERS).map(|(k, h)| json!({ "key": k, "header": h })).collect::<Vec<_>>(),
    });
    Reply::json(&out)
}

fn blank_table(layout: Layout, rows: impl Iterator<Item = &'static Row>) -> RowTable {
    let mut t = RowTable::new(layout);
    for r in rows {
        t.rows.insert(r.key.to_string(), r.columns.iter().map(|c| (c.key.to_string(), None)).collect());
    }
    t
}

/// A report of the template with every cell blank: what a clerk starts from.
pub fn blank(layout: Layout) -> Report {
    let mut r =
        Report::new(Meta { title: String::new(), agency: None, year: None, published: None, index_no: None, layout });
    r.sections = SECTIONS
        .iter()
        .zip(1u8..)
        .map(|(t, no)| Section { no: Some(no), title: t.to_string(), paragraphs: Vec::new() })
        .collect();
    let outcomes = || Outcomes { upheld: None, corrected: None, other: None, pending: None, total: None };
    r.tables = Tables {
        active_disclosure: Some(blank_table(layout, layout::active_disclosure(layout).iter().flat_map(|g| g.rows))),
        applications: Some(blank_table(layout, layout::applications(layout))),
        review_litigation: Some(ReviewLitigation {
            review: outcomes(),
            litigation_direct: outcomes(),
            litigation_after_review: outcomes(),
            marks: Default::default(),
            recognized: Default::default(),
        }),
    };
    r
}

pub fn template(req: &Request) -> Reply {
    let layout = match req.param("layout").unwrap_or("gb2021") {
        "gb2021" => Layout::Gb2021,
        "gb2019" => Layout::Gb2019,
        other => return Reply::error(400, format!("no template `{other}`: gb2021 or gb2019")),
    };
    Reply::json(&serde_json::to_value(blank(layout)).expect("reports serialize"))
}

pub fn formats(host: &Host) -> Reply {
    Reply::json(&json!({ "read": host.input_formats(), "write": host.output_formats() }))
}

/// Reads an uploaded file (its name in `?name=`, for the format) into a report with provenance.
pub fn open(req: &Request, host: &Host, state: &Mutex<State>, config: &crate::Config) -> Reply {
    let name = req.param("name").filter(|n| !n.is_empty()).unwrap_or("upload");
    // Only the last part of the name: it is for the format and for messages, never a path.
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name).to_string();
    if req.body.is_empty() {
        return Reply::error(400, format!("{name}: the file is empty"));
    }
    let read = match &config.worker {
        Some(program) => crate::worker::read(program, &name, req.param("from"), &req.body, config),
        None => {
            let options = LoadOptions { provenance: true, ..LoadOptions::default() };
            host.load(&req.body, &name, req.param("from"), &options)
                .map(|l| crate::worker::Read {
                    report: l.report,
                    document: l.document,
                    format: l.format,
                    notes: l.notes,
                })
                .map_err(|e| e.message)
        }
    };
    let read = match read {
        Ok(r) => r,
        Err(message) => return Reply::error(422, message),
    };
    let findings = findings(&read.report, None);
    let id = state.lock().unwrap_or_else(|e| e.into_inner()).keep(read.document);
    Reply::json(&json!({
        "id": id,
        "name": name,
        "format": read.format,
        "report": read.report,
        "notes": read.notes,
        "findings": findings,
    }))
}

/// The findings of a report (and of the previous year's against it), each with its rule in
/// Chinese.
fn findings(report: &Report, previous: Option<&Report>) -> Value {
    let mut all = nianbao_convert::validate(report);
    if let Some(prev) = previous {
        all.extend(validate_years(prev, report));
    }
    all.iter()
        .map(|f| {
            let mut v = serde_json::to_value(f).expect("findings serialize");
            v["chinese"] = json!(chinese::rule_in_chinese(f));
            v
        })
        .collect()
}

fn report_from(v: &Value, what: &str) -> Result<Report, Reply> {
    let bytes = serde_json::to_vec(v).expect("values encode");
    parse_report(&bytes).map_err(|e| Reply::error(400, format!("{what}: {e}")))
}

/// `{"report": …, "previous": …?}` → the findings.
pub fn validate(req: &Request) -> Reply {
    let body: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => return Reply::error(400, format!("the request is not JSON: {e}")),
    };
    let report = match report_from(&body["report"], "the report") {
        Ok(r) => r,
        Err(reply) => return reply,
    };
    let previous = match &body["previous"] {
        Value::Null => None,
        v => match report_from(v, "the previous year's report") {
            Ok(r) => Some(r),
            Err(reply) => return reply,
        },
    };
    Reply::json(&json!({ "findings": findings(&report, previous.as_ref()) }))
}

/// A report (the body) written as `?to=FORMAT`, as a download.
pub fn write(req: &Request, host: &Host) -> Reply {
    let report = match parse_report(&req.body) {
        Ok(r) => r,
        Err(e) => return Reply::error(400, format!("the report: {e}")),
    };
    let to = match host.output_format(req.param("to").unwrap_or("json")) {
        Ok(t) => t,
        Err(e) => return Reply::error(400, e.message),
    };
    match host.write(&report, &to, &Options::new()) {
        Ok(w) => {
            let stem = req.param("name").map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n)).unwrap_or("report");
            let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
            let file = format!("{stem}.{}", to.extension);
            let ascii: String =
                file.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect();
            let mut reply = Reply::new(200, media_type(&to.extension), w.bytes);
            reply.headers.push((
                "Content-Disposition".into(),
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", percent(&file)),
            ));
            reply
        }
        Err(e) => Reply::error(500, e.message),
    }
}

fn media_type(ext: &str) -> &'static str {
    match ext {
        "json" => "application/json",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "html" => "text/html; charset=utf-8",
        "txt" | "csv" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Every piece of text the reader placed on page `page`, with its box.
fn placed(doc: &Document, page: u32) -> Vec<([f32; 4], String)> {
    let mut out = Vec::new();
    let mut take = |source: &Option<Source>, text: &str| {
        if let Some(Source { page: Some(p), bbox: Some(b), .. }) = source {
            if *p == page && !text.trim().is_empty() {
                out.push((*b, text.to_string()));
            }
        }
    };
    for block in &doc.blocks {
        match block {
            Block::Heading { text, source, .. } | Block::Paragraph { text, source, .. } => take(source, text),
            Block::Table(t) => {
                for row in &t.rows {
                    for cell in row {
                        take(&cell.source, &cell.text);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `?id=…&page=N`: the page as an SVG of the text the reader placed on it (boxes in points from
/// the top left), for the page to mark a cell's box on.
pub fn source_page(req: &Request, state: &Mutex<State>) -> Reply {
    let Some(doc) = req.param("id").and_then(|id| state.lock().unwrap_or_else(|e| e.into_inner()).document(id)) else {
        return Reply::error(404, "no such document: it was not opened here, or was dropped; open it again");
    };
    let Some(page) = req.param("page").and_then(|p| p.parse::<u32>().ok()) else {
        return Reply::error(400, "page: a page number from 1");
    };
    let items = placed(&doc, page);
    if items.is_empty() {
        return Reply::error(404, format!("page {page}: nothing was read there, or the format has no pages"));
    }
    // A4 unless the text reaches beyond it.
    let w = items.iter().map(|(b, _)| b[2]).fold(595.0f32, f32::max).ceil();
    let h = items.iter().map(|(b, _)| b[3]).fold(842.0f32, f32::max).ceil();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\">\
         <rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>"
    );
    for (b, text) in items {
        // A paragraph's box spans its lines: drawn as a grey block with its opening words.
        if b[3] - b[1] > 30.0 {
            let opening: String = text.chars().take(((b[2] - b[0]) / 11.0) as usize).collect();
            svg += &format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#eee\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#666\">{}…</text>",
                b[0],
                b[1],
                b[2] - b[0],
                b[3] - b[1],
                b[0] + 2.0,
                b[1] + 12.0,
                escape(&opening)
            );
            continue;
        }
        let size = ((b[3] - b[1]) * 0.8).clamp(4.0, 24.0);
        svg += &format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{size:.1}\" textLength=\"{:.1}\" lengthAdjust=\"spacingAndGlyphs\">{}</text>",
            b[0],
            b[3] - (b[3] - b[1]) * 0.2,
            (b[2] - b[0]).max(1.0),
            escape(&text)
        );
    }
    svg += "</svg>";
    Reply::new(200, "image/svg+xml; charset=utf-8", svg)
}

/// `?id=…&table=N` or `&sheet=NAME[&cell=B7]`: a table of the source as the reader read it, each cell with
/// its text and source, for the page to show a spreadsheet cell or a DOCX/HTML cell in place.
pub fn source_table(req: &Request, state: &Mutex<State>) -> Reply {
    let Some(doc) = req.param("id").and_then(|id| state.lock().unwrap_or_else(|e| e.into_inner()).document(id)) else {
        return Reply::error(404, "no such document: it was not opened here, or was dropped; open it again");
    };
    let tables: Vec<&nianbao_document::Table> =
        doc.blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).collect();
    let sheet = req.param("sheet");
    let index = req.param("table").and_then(|t| t.parse::<u32>().ok());
    // A sheet may have been read as several tables: the one holding the cell asked for.
    let cell = req.param("cell").filter(|c| !c.is_empty());
    let holds = |t: &&&nianbao_document::Table| {
        cell.is_none_or(|c| {
            t.rows.iter().flatten().any(|x| x.source.as_ref().and_then(|s| s.cell.as_deref()) == Some(c))
        })
    };
    let found = tables.iter().filter(holds).find(|t| {
        let s = t.source.as_ref();
        match (sheet, index) {
            (Some(name), _) => {
                s.and_then(|s| s.sheet.as_deref()) == Some(name)
                    || t.rows.iter().flatten().any(|c| c.source.as_ref().and_then(|s| s.sheet.as_deref()) == Some(name))
            }
            (None, Some(i)) => {
                s.and_then(|s| s.table) == Some(i)
                    || t.rows.iter().flatten().any(|c| c.source.as_ref().and_then(|s| s.table) == Some(i))
            }
            _ => false,
        }
    });
    match found {
        Some(t) => {
            let rows: Vec<Vec<Value>> = t
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| json!({ "text": c.text, "rowspan": c.rowspan, "colspan": c.colspan, "source": c.source }))
                        .collect()
                })
                .collect();
            Reply::json(&json!({ "rows": rows }))
        }
        None => Reply::error(404, "no such table in the document: give table=N or sheet=NAME as its provenance says"),
    }
}
