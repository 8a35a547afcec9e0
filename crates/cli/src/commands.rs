//! The subcommands. Each returns the process exit status.

use crate::io::{parse_options, read_input, write_output, Host};
use nianbao_document::{Block, Document};
use nianbao_plugin::{search_path, Origin};
use nianbao_report::{validate as check, validate_years, Finding, Report};
use std::path::{Path, PathBuf};

pub const OK: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const FAILED: u8 = 2;

fn fail(msg: &str) -> u8 {
    eprintln!("error: {msg}");
    FAILED
}

pub fn convert(
    inputs: &[PathBuf],
    output: Option<&Path>,
    from: Option<&str>,
    to: Option<&str>,
    raw_opts: &[String],
    font: Option<&Path>,
) -> u8 {
    let options = match parse_options(raw_opts, font) {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    let out_ext = |p: &Path| p.extension().and_then(|e| e.to_str()).map(str::to_lowercase);
    let many = inputs.len() > 1;
    let out_dir = output.filter(|o| many || o.is_dir());
    let to: String = match (to, output) {
        (Some(t), _) => t.to_string(),
        (None, Some(o)) if out_dir.is_none() && o.as_os_str() != "-" => match out_ext(o) {
            Some(e) => e,
            None => {
                return fail(&format!(
                    "{}: cannot tell the output format from the file name; say --to FORMAT",
                    o.display()
                ))
            }
        },
        _ => return fail("say which format to write with --to FORMAT (or -o FILE with an extension)"),
    };
    if many && output.is_none() {
        return fail("with several inputs, -o must name a directory for the outputs");
    }
    let host = Host::new();
    if let Some(dir) = out_dir {
        if let Err(e) = std::fs::create_dir_all(dir) {
            return fail(&format!("{}: cannot create the output directory: {e}", dir.display()));
        }
    }
    let ext = host.extension(&to);
    let mut failed = 0;
    let mut seen = std::collections::HashSet::new();
    for input in inputs {
        let target: PathBuf = match out_dir {
            Some(dir) => {
                let stem = input.file_stem().map_or_else(|| "stdin".into(), |s| s.to_string_lossy().into_owned());
                dir.join(format!("{stem}.{ext}"))
            }
            None => output.map_or_else(|| PathBuf::from("-"), Path::to_path_buf),
        };
        if target.as_os_str() != "-" && !seen.insert(target.clone()) {
            eprintln!(
                "error: {}: its output {} would overwrite another input's output; skipped",
                input.display(),
                target.display()
            );
            failed += 1;
            continue;
        }
        let result = read_input(input)
            .and_then(|i| host.load(&i, from, &options).map(|l| (i, l)))
            .and_then(|(i, l)| {
                host.write(&l.report, &to, &options).map_err(|e| format!("{}: cannot write {to}: {e}", i.name))
            })
            .and_then(|bytes| write_output(&target, &bytes));
        if let Err(e) = result {
            eprintln!("error: {e}");
            failed += 1;
        }
    }
    if many {
        eprintln!(
            "converted {} of {} files{}",
            inputs.len() - failed,
            inputs.len(),
            if failed > 0 { format!("; {failed} failed") } else { String::new() }
        );
    }
    if failed > 0 {
        FAILED
    } else {
        OK
    }
}

pub fn validate(files: &[PathBuf], json: bool, from: Option<&str>) -> u8 {
    let host = Host::new();
    let mut unreadable = false;
    let mut reports: Vec<(String, Report)> = Vec::new();
    let mut results: Vec<(Vec<String>, Vec<Finding>)> = Vec::new();
    for f in files {
        match read_input(f).and_then(|i| host.load(&i, from, &Default::default()).map(|l| (i.name, l.report))) {
            Ok((name, report)) => {
                results.push((vec![name.clone()], check(&report)));
                reports.push((name, report));
            }
            Err(e) => {
                eprintln!("error: {e}");
                unreadable = true;
            }
        }
    }
    // Consecutive years of one agency.
    for (pn, prev) in &reports {
        for (cn, cur) in &reports {
            let same = prev.meta.agency.is_some() && prev.meta.agency == cur.meta.agency;
            if same && matches!((prev.meta.year, cur.meta.year), (Some(a), Some(b)) if b == a + 1) {
                results.push((vec![pn.clone(), cn.clone()], validate_years(prev, cur)));
            }
        }
    }
    let problems = results.iter().flat_map(|(_, f)| f).filter(|f| f.is_problem()).count();
    if json {
        let out: Vec<serde_json::Value> = results
            .iter()
            .map(|(files, findings)| serde_json::json!({ "files": files, "findings": findings }))
            .collect();
        println!("{}", serde_json::to_string_pretty(&out).expect("findings serialize"));
    } else {
        for (files, findings) in &results {
            let n = findings.iter().filter(|f| f.is_problem()).count();
            let unchecked = findings.len() - n;
            let what = if n == 0 { "ok".to_string() } else { format!("{n} finding{}", if n == 1 { "" } else { "s" }) };
            let extra = if unchecked > 0 { format!(" ({unchecked} not checkable)") } else { String::new() };
            println!("{}: {what}{extra}", files.join(" → "));
            for f in findings {
                println!("  {f}");
            }
        }
    }
    if unreadable {
        FAILED
    } else if problems > 0 {
        FINDINGS
    } else {
        OK
    }
}

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

pub fn inspect(file: &Path, json: bool, from: Option<&str>, raw_opts: &[String]) -> u8 {
    let mut options = match parse_options(raw_opts, None) {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    options.entry("inspect".into()).or_insert_with(|| "true".into());
    let host = Host::new();
    let loaded = match read_input(file).and_then(|i| host.load(&i, from, &options)) {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    if json {
        let v = serde_json::json!({ "format": loaded.format, "document": loaded.document, "report": loaded.report, "notes": loaded.notes });
        println!("{}", serde_json::to_string_pretty(&v).expect("serializes"));
        return OK;
    }
    let d = &loaded.document;
    println!("{} (read as {})", file.display(), loaded.format);
    println!("\ndocument: {} blocks", d.blocks.len());
    for p in &d.meta {
        println!("  meta {}: {}", p.key, clip(&p.value, 60));
    }
    for line in outline(d) {
        println!("  {line}");
    }
    let r = &loaded.report;
    let m = &r.meta;
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    println!("\nreport:");
    println!("  title      {}", if m.title.is_empty() { "-" } else { &m.title });
    println!("  agency     {}", opt(&m.agency));
    println!("  year       {}", m.year.map_or("-".into(), |y| y.to_string()));
    println!("  published  {}", opt(&m.published));
    println!("  index_no   {}", opt(&m.index_no));
    println!("  layout     {}", m.layout);
    for s in &r.sections {
        let no = s.no.map_or("-".into(), |n| n.to_string());
        println!("  section {no} {}: {} paragraphs", s.title, s.paragraphs.len());
    }
    let t = &r.tables;
    println!(
        "  active_disclosure  {}",
        t.active_disclosure.as_ref().map_or("null".into(), |x| format!("{} ({} rows)", x.layout, x.rows.len()))
    );
    println!(
        "  applications       {}",
        t.applications.as_ref().map_or("null".into(), |x| format!("{} ({} rows)", x.layout, x.rows.len()))
    );
    println!("  review_litigation  {}", if t.review_litigation.is_some() { "present" } else { "null" });
    if !loaded.notes.is_empty() {
        println!("\nnotes:");
        for n in &loaded.notes {
            println!("  {n}");
        }
    }
    OK
}

pub fn plugins(json: bool) -> u8 {
    let host = Host::new();
    let reg = &host.registry;
    if json {
        let plugins: Vec<serde_json::Value> = reg
            .plugins
            .iter()
            .map(|p| {
                serde_json::json!({
                    "name": p.name, "version": p.version, "path": p.path, "origin": p.origin.to_string(),
                    "formats": p.formats.iter().map(|f| serde_json::json!({
                        "name": f.name, "description": f.description, "extensions": f.extensions,
                        "media_types": f.media_types, "read": f.read, "write": f.write,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let problems: Vec<String> = reg.problems.iter().map(|p| p.to_string()).collect();
        let v = serde_json::json!({ "plugins": plugins, "problems": problems });
        println!("{}", serde_json::to_string_pretty(&v).expect("serializes"));
        return OK;
    }
    println!("searched, in order:");
    for (dir, origin) in search_path() {
        let mark = if dir.exists() { "" } else { " (missing)" };
        println!("  {} ({origin}){mark}", dir.display());
    }
    println!();
    println!("json      read write   (built in: the canonical report model)");
    for p in &reg.plugins {
        for f in &p.formats {
            let rw = format!("{:<5} {:<5}", if f.read { "read" } else { "" }, if f.write { "write" } else { "" });
            let exts: Vec<String> = f.extensions.iter().map(|e| format!(".{e}")).collect();
            println!("{:<9} {rw}   {} — {}", f.name, exts.join(" "), f.description);
        }
        let origin =
            if p.origin == Origin::BesideBinary { "beside the binary".to_string() } else { p.origin.to_string() };
        println!("          plugin {} {} from {} ({origin})", p.name, p.version, p.path.display());
    }
    for (name, path) in &reg.shadowed {
        println!("shadowed: {name} at {} (a plugin of that name was found earlier)", path.display());
    }
    for p in &reg.problems {
        println!("refused: {p}");
    }
    OK
}

pub fn schema() -> u8 {
    println!("{}", serde_json::to_string_pretty(&nianbao_report::schema()).expect("schema serializes"));
    OK
}
