//! What the commands share: options from the command line, the host, errors and their exit
//! statuses, the recognition warning.

use crate::{status, ReadArgs, Verbosity};
use nianbao_convert::{Error, ErrorKind, Host, Options};
use nianbao_report::{Grade, Report, ReviewKind};
use std::path::Path;

/// `-O KEY=VALUE` pairs (and `--font`) as plugin options.
pub fn parse_options(raw: &[String], font: Option<&Path>) -> Result<Options, Error> {
    let mut opts = Options::new();
    for o in raw {
        let (k, v) = o.split_once('=').ok_or_else(|| Error::usage(format!("bad option `{o}`: expected KEY=VALUE")))?;
        opts.insert(k.trim().to_string(), v.to_string());
    }
    if let Some(f) = font {
        opts.insert("font".into(), f.display().to_string());
    }
    Ok(opts)
}

static PREFERRED: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();

/// The plugins named by `--plugin`, for every command.
pub fn prefer_plugins(names: Vec<String>) {
    let _ = PREFERRED.set(names);
}

/// The plugins named by `--plugin`.
pub fn preferred() -> &'static [String] {
    PREFERRED.get().map_or(&[][..], Vec::as_slice)
}

/// The plugins, new libraries opened in a child process first, with those of `--plugin`
/// first; or the usage error of an unknown `--plugin`.
pub fn discover() -> Result<Host, Error> {
    let program = std::env::current_exe().ok();
    let mut host = match &program {
        Some(p) => Host::discover_probing(p),
        None => Host::discover(),
    };
    host.prefer(PREFERRED.get().map_or(&[][..], Vec::as_slice))?;
    Ok(host)
}

/// [`discover`], with a warning for each library that was found but refused, and for each
/// format several plugins claim unless `--plugin` chose among them.
pub fn host(v: Verbosity) -> Result<Host, Error> {
    let host = discover()?;
    if !v.quiet {
        for p in &host.registry().problems {
            errln!("warning: ignoring plugin {p}");
        }
        let chosen = PREFERRED.get().map_or(&[][..], Vec::as_slice);
        for c in host.registry().conflicts() {
            if !c.plugins.iter().any(|p| chosen.contains(p)) {
                errln!("warning: {c}");
            }
        }
    }
    Ok(host)
}

/// The exit status an error ends a command with.
pub fn code(e: &Error) -> u8 {
    match e.kind {
        ErrorKind::Usage => status::USAGE,
        ErrorKind::Input | ErrorKind::Output => status::FAILED,
    }
}

/// Prints an error and returns its exit status.
pub fn fail(e: &Error) -> u8 {
    errln!("error: {e}");
    code(e)
}

/// Checks the options of a command that reads `names` (before reading them).
pub fn read_options(host: &Host, read: &ReadArgs, names: &[String]) -> Result<Options, Error> {
    let options = parse_options(&read.options, None)?;
    let readers = names.iter().map(|n| host.reader_by_name(n, read.from.as_deref())).collect::<Result<Vec<_>, _>>()?;
    host.check_options(&options, &readers, None)?;
    Ok(options)
}

fn count(n: usize, one: &str, many: &str) -> Option<String> {
    match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    }
}

/// One line for a report whose recognition was not exact, or `None`.
pub fn recognition_warning(name: &str, report: &Report) -> Option<String> {
    let grade = report.recognition.as_ref()?.grade;
    let t = &report.tables;
    let recognized = [
        t.active_disclosure.as_ref().map(|x| &x.recognized),
        t.applications.as_ref().map(|x| &x.recognized),
        t.review_litigation.as_ref().map(|x| &x.recognized),
    ];
    let reviews: Vec<ReviewKind> =
        recognized.iter().flatten().flat_map(|r| r.review_notes.iter().map(|x| x.kind)).collect();
    let kind = |k: ReviewKind| reviews.iter().filter(|x| **x == k).count();
    let rows_missing: usize = recognized[..2].iter().flatten().map(|r| r.missing.len()).sum();
    let cells_missing = recognized[2].map_or(0, |r| r.missing.len());
    let unplaced: usize = recognized.iter().flatten().map(|r| r.unplaced.len()).sum();
    let parts: Vec<String> = [
        count(kind(ReviewKind::FuzzyLabel), "label matched approximately", "labels matched approximately"),
        count(kind(ReviewKind::ByPosition), "row or column placed by position", "rows or columns placed by position"),
        count(rows_missing, "row missing", "rows missing"),
        count(cells_missing, "cell of section 四 missing", "cells of section 四 missing"),
        count(unplaced, "row of numbers unplaced", "rows of numbers unplaced"),
        count(kind(ReviewKind::ExtraRow), "row the template lacks", "rows the template lacks"),
        count(kind(ReviewKind::OddNumber), "number read from unusual text", "numbers read from unusual text"),
        (kind(ReviewKind::Layout) > 0).then(|| "the layout decided on weak evidence".to_string()),
    ]
    .into_iter()
    .flatten()
    .collect();
    match grade {
        Grade::Exact => None,
        Grade::Review if parts.is_empty() => {
            Some(format!("{name}: recognition needs review (nianbao inspect {name} shows why)"))
        }
        Grade::Review => {
            Some(format!("{name}: recognition needs review: {} (nianbao inspect {name} shows each)", parts.join(", ")))
        }
        Grade::Failed => Some(format!(
            "{name}: recognition failed: a statistics table could not be recognized{} (nianbao inspect {name} shows \
             what was read)",
            if parts.is_empty() { String::new() } else { format!("; {}", parts.join(", ")) }
        )),
    }
}
