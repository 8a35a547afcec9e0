//! `nianbao validate`: the rules of each report, and of consecutive years of one agency.

use crate::shared::{fail, read_options};
use crate::{status, ReadArgs, Verbosity};
use nianbao_convert::{has_tables, validate_all, Finding, LoadOptions, Report};
use std::path::PathBuf;

const NOTHING: &str = "no statistics tables found: nothing to check";

/// What became of one file.
enum Outcome {
    Read(Box<Report>),
    Unreadable(String),
}

pub fn run(files: &[PathBuf], json: bool, read: &ReadArgs, v: Verbosity) -> u8 {
    let host = match crate::shared::host(v) {
        Ok(h) => h,
        Err(e) => return fail(&e),
    };
    let names: Vec<String> =
        files.iter().map(|f| if f.as_os_str() == "-" { "<stdin>".into() } else { f.display().to_string() }).collect();
    let options = match read_options(&host, read, &names) {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    let load = LoadOptions { plugin: options, provenance: false };
    let outcomes: Vec<(String, Outcome)> = files
        .iter()
        .zip(&names)
        .map(|(f, name)| {
            let loaded = read.input(f).and_then(|b| host.load(&b, name, read.from.as_deref(), &load));
            let outcome = match loaded {
                Ok(l) => Outcome::Read(Box::new(l.report)),
                Err(e) => Outcome::Unreadable(e.message),
            };
            (name.clone(), outcome)
        })
        .collect();
    let reports: Vec<(String, &Report)> = outcomes
        .iter()
        .filter_map(|(n, o)| match o {
            Outcome::Read(r) if has_tables(r) => Some((n.clone(), &**r)),
            _ => None,
        })
        .collect();
    let results = validate_all(&reports);
    let problems = results.iter().flat_map(|(_, f)| f).filter(|f| f.is_problem()).count();
    let unreadable = outcomes.iter().any(|(_, o)| matches!(o, Outcome::Unreadable(_)));
    let nothing = outcomes.iter().any(|(_, o)| matches!(o, Outcome::Read(r) if !has_tables(r)));
    if json {
        print_json(&outcomes, &results);
    } else {
        print_text(&outcomes, &results);
    }
    if unreadable {
        status::FAILED
    } else if problems > 0 {
        status::FINDINGS
    } else if nothing {
        status::NOTHING_TO_CHECK
    } else {
        status::OK
    }
}

fn verdict(findings: &[Finding]) -> &'static str {
    if findings.iter().any(Finding::is_problem) {
        "findings"
    } else {
        "ok"
    }
}

/// Each file in order (with its findings, or why it has none), then each pair of years.
fn print_json(outcomes: &[(String, Outcome)], results: &[(Vec<String>, Vec<Finding>)]) {
    let mut out: Vec<serde_json::Value> = Vec::new();
    for (name, o) in outcomes {
        out.push(match o {
            Outcome::Unreadable(e) => serde_json::json!({ "files": [name], "status": "unreadable", "error": e }),
            Outcome::Read(r) if !has_tables(r) => {
                serde_json::json!({ "files": [name], "status": "nothing_to_check", "error": NOTHING, "findings": [] })
            }
            Outcome::Read(_) => {
                let findings = results.iter().find(|(f, _)| f.len() == 1 && f[0] == *name).map_or(&[][..], |r| &r.1);
                serde_json::json!({ "files": [name], "status": verdict(findings), "findings": findings })
            }
        });
    }
    for (files, findings) in results.iter().filter(|(f, _)| f.len() > 1) {
        out.push(serde_json::json!({ "files": files, "status": verdict(findings), "findings": findings }));
    }
    outln!("{}", serde_json::to_string_pretty(&out).expect("findings serialize"));
}

fn print_text(outcomes: &[(String, Outcome)], results: &[(Vec<String>, Vec<Finding>)]) {
    for (name, o) in outcomes {
        match o {
            Outcome::Unreadable(e) => errln!("error: {e}"),
            Outcome::Read(r) if !has_tables(r) => outln!("{name}: {NOTHING}"),
            Outcome::Read(_) => {}
        }
    }
    for (files, findings) in results {
        let n = findings.iter().filter(|f| f.is_problem()).count();
        let unchecked = findings.len() - n;
        let what = if n == 0 { "ok".to_string() } else { format!("{n} finding{}", if n == 1 { "" } else { "s" }) };
        let extra = if unchecked > 0 { format!(" ({unchecked} not checkable)") } else { String::new() };
        outln!("{}: {what}{extra}", files.join(" → "));
        for f in findings {
            outln!("  {f}");
        }
    }
}
