//! `nianbao batch`: many reports to one dataset, with progress, a summary, Ctrl-C that leaves
//! a resumable run, shards and their merge. The work is `nianbao_batch`'s.

use crate::shared::{fail, parse_options};
use crate::{status, LimitArgs, ReadArgs, Verbosity};
use nianbao_batch::Format;
use nianbao_batch::{Batch, Shard, Summary, Tally};
use nianbao_convert::Error;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub struct Args {
    pub inputs: Vec<PathBuf>,
    pub output: PathBuf,
    pub to: Option<String>,
    pub jobs: Option<usize>,
    pub resume: bool,
    pub shard: Option<String>,
    pub merge: bool,
    pub no_provenance: bool,
    pub read: ReadArgs,
    pub limits: LimitArgs,
}

/// Exit status of a batch that some files failed in.
const SOME_FAILED: u8 = 1;
/// Exit status of a batch stopped by Ctrl-C (or SIGTERM): resumable.
const INTERRUPTED: u8 = 130;

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::Relaxed);
}

fn format_of(to: Option<&str>) -> Result<Option<Format>, Error> {
    to.map(|t| {
        Format::from_name(t)
            .ok_or_else(|| Error::usage(format!("--to {t}: a dataset is written as parquet, csv, xlsx or jsonl")))
    })
    .transpose()
}

pub fn run(a: &Args, v: Verbosity) -> u8 {
    if a.merge {
        return merge(a, v);
    }
    match prepare(a, v) {
        Ok(b) => go(&b.0, &b.1, v),
        Err(e) => fail(&e),
    }
}

fn prepare(a: &Args, v: Verbosity) -> Result<(nianbao_convert::Host, Batch), Error> {
    let format = format_of(a.to.as_deref())?;
    let shard = a.shard.as_deref().map(Shard::parse).transpose()?;
    let limits = a.limits.limits()?;
    let options = parse_options(&a.read.options, None)?;
    let host = crate::shared::host(v)?;
    host.check_options(&options, &[None], None)?;
    if let Some(f) = &a.read.from {
        host.reader_by_name("x", Some(f))?;
    }
    let inputs = nianbao_batch::inputs(&host, &a.inputs, Some(&a.output))?;
    let jobs = a.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let batch = Batch {
        inputs,
        output: a.output.clone(),
        format,
        resume: a.resume,
        shard,
        from: a.read.from.clone(),
        options,
        provenance: !a.no_provenance,
        jobs,
        limits,
        program: crate::shared::worker_program(&a.read)?,
    };
    Ok((host, batch))
}

/// Progress: a bar on a terminal, a line every few seconds otherwise, nothing when quiet.
enum Progress {
    Bar { bar: indicatif::ProgressBar, start: Instant },
    Lines { last: Instant, start: Instant },
    Quiet,
}

impl Progress {
    fn new(v: Verbosity) -> Progress {
        if v.quiet {
            Progress::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::hidden();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{wide_bar} {pos}/{len} files, {msg}, ETA {eta}")
                    .expect("a valid template"),
            );
            Progress::Bar { bar, start: Instant::now() }
        } else {
            Progress::Lines { last: Instant::now(), start: Instant::now() }
        }
    }

    fn update(&mut self, t: &Tally) {
        match self {
            Progress::Bar { bar, start } => {
                if bar.is_hidden() && t.total > 0 {
                    // Shown once there is something to count.
                    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(200));
                }
                bar.set_length(t.total as u64);
                bar.set_position(t.done as u64);
                let rate = t.done as f64 / start.elapsed().as_secs_f64().max(1e-3);
                bar.set_message(format!("{} failed, {rate:.0} files/s", t.failed()));
            }
            Progress::Lines { last, start } => {
                if last.elapsed() >= Duration::from_secs(5) && t.done < t.total {
                    *last = Instant::now();
                    let rate = t.done as f64 / start.elapsed().as_secs_f64().max(1e-3);
                    let eta = (t.total - t.done) as f64 / rate.max(1e-3);
                    errln!(
                        "batch: {}/{} files, {} failed, {rate:.0} files/s, about {eta:.0} s left",
                        t.done,
                        t.total,
                        t.failed()
                    );
                }
            }
            Progress::Quiet => {}
        }
    }

    fn println(&self, line: &str) {
        match self {
            Progress::Bar { bar, .. } if !bar.is_hidden() => bar.println(line),
            _ => errln!("{line}"),
        }
    }

    fn finish(&self) {
        if let Progress::Bar { bar, .. } = self {
            bar.finish_and_clear();
        }
    }
}

fn go(host: &nianbao_convert::Host, b: &Batch, v: Verbosity) -> u8 {
    // SAFETY: the handler only stores to an atomic.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t);
    }
    let start = Instant::now();
    let mut progress = Progress::new(v);
    let mut shown = 0;
    let result = nianbao_batch::run(host, b, &STOP, |t| {
        // Each failure once, as it happens: errors are printed even with --quiet.
        for f in &t.failures[shown..] {
            progress.println(&format!("error: {f}"));
        }
        shown = t.failures.len();
        progress.update(t);
    });
    progress.finish();
    let t = match result {
        Ok(t) => t,
        Err(e) => return fail(&e),
    };
    let secs = start.elapsed().as_secs_f64();
    if t.interrupted {
        errln!(
            "interrupted: {} of {} files done and kept; continue with the same command and --resume",
            t.done,
            t.total
        );
        return INTERRUPTED;
    }
    if !v.quiet {
        summary(b, &t, secs);
    }
    // The dataset decides, so that a resumed run says how the whole batch went.
    let (rows, failed) = t.summary.as_ref().map_or((0, 0), |s| (s.reports, s.failed));
    if rows == 0 {
        if !v.quiet {
            errln!("nothing to do: every input belongs to another shard");
        }
        status::OK
    } else if failed == rows {
        status::FAILED
    } else if failed > 0 {
        SOME_FAILED
    } else {
        status::OK
    }
}

fn list(m: &std::collections::BTreeMap<String, usize>) -> String {
    let mut v: Vec<(&String, &usize)> = m.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.iter().map(|(k, n)| format!("{n} {k}")).collect::<Vec<_>>().join(", ")
}

fn summary(b: &Batch, t: &Tally, secs: f64) {
    let mut line = format!("converted {} of {} files", t.converted, t.total);
    if !t.grades.is_empty() {
        line += &format!(" (recognition: {})", list(&t.grades));
    }
    if t.failed() > 0 {
        line += &format!("; {} failed: {}", t.failed(), list(&t.causes));
    }
    if t.resumed > 0 {
        line += &format!("; {} done before (resumed)", t.resumed);
    }
    if t.other_shards > 0 {
        line += &format!("; {} left to other shards", t.other_shards);
    }
    line += &format!("; {secs:.1} s");
    if t.total > 0 {
        line += &format!(", {:.0} files/s", t.done as f64 / secs.max(1e-3));
    }
    errln!("{line}");
    if let Some(s) = &t.summary {
        errln!("{}", dataset_line(&b.output, s));
    }
}

fn dataset_line(out: &std::path::Path, s: &Summary) -> String {
    let mut line = format!("dataset {}: {} reports", out.display(), s.reports);
    if s.failed > 0 {
        line += &format!(" ({} failed)", s.failed);
    }
    for (name, n) in [("cells", s.cells), ("findings", s.findings), ("sections", s.sections)] {
        if let Some(n) = n {
            line += &format!(", {n} {name}");
        }
    }
    if s.duplicates > 0 {
        line += &format!("; {} duplicates (the same bytes as another input: rows not repeated)", s.duplicates);
    }
    if s.truncated > 0 {
        line += &format!("; {} texts cut to Excel's 32,767 characters", s.truncated);
    }
    line
}

fn merge(a: &Args, v: Verbosity) -> u8 {
    let format = match format_of(a.to.as_deref()) {
        Ok(f) => f.unwrap_or_else(|| Format::from_path(&a.output)),
        Err(e) => return fail(&e),
    };
    match nianbao_batch::merge(&a.inputs, &a.output, format) {
        Ok(s) => {
            if !v.quiet {
                errln!("merged {} datasets; {}", a.inputs.len(), dataset_line(&a.output, &s));
            }
            status::OK
        }
        Err(e) => fail(&Error::output(e.0)),
    }
}
