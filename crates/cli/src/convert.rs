//! `nianbao convert`: everything that can be refused is refused before the first file is read;
//! then each input is read, recognized and written — in a worker process, under the time and
//! memory limits, unless it is JSON to JSON — and a batch goes on past a bad file.

use crate::shared::{code, fail, parse_options, recognition_warning};
use crate::{status, LimitArgs, ReadArgs, Verbosity};
use nianbao_convert::worker::{self, Done, Produce, Request};
use nianbao_convert::{
    expand_inputs, extension, is_batch, json_line, plan_outputs, write_file, Error, Host, Job, LoadOptions, Plan,
    Reader, Target,
};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

pub struct Args {
    pub inputs: Vec<PathBuf>,
    pub output: Option<PathBuf>,
    pub to: Option<String>,
    pub read: ReadArgs,
    pub font: Option<PathBuf>,
    pub force: bool,
    pub provenance: bool,
    pub limits: LimitArgs,
}

pub fn run(a: &Args, v: Verbosity) -> u8 {
    let host = match crate::shared::host(v) {
        Ok(h) => h,
        Err(e) => return fail(&e),
    };
    match prepare(&host, a) {
        Ok((plan, to, options)) => convert(&host, a, v, &plan, &to, &options),
        Err(e) => fail(&e),
    }
}

/// The plan, the output format and the options, or why the command cannot be carried out.
fn prepare(host: &Host, a: &Args) -> Result<(Plan, nianbao_convert::OutputFormat, nianbao_convert::Options), Error> {
    let options = parse_options(&a.read.options, a.font.as_deref())?;
    let batch = is_batch(&a.inputs);
    let output = a.output.as_deref();
    let stdout = output.is_none_or(|o| o.as_os_str() == "-");
    let to = match (&a.to, output) {
        (Some(t), _) => t.clone(),
        (None, Some(o)) if !stdout && !batch && !o.is_dir() => extension(&o.to_string_lossy()).ok_or_else(|| {
            Error::usage(format!("{}: cannot tell the output format from the file name; say --to FORMAT", o.display()))
        })?,
        _ => {
            return Err(Error::usage(format!(
                "say which format to write with --to FORMAT (or -o FILE with an extension); formats that can be \
                 written: {}",
                host.output_formats().join(", ")
            )))
        }
    };
    let to = host.output_format(&to)?;
    let out_dir = output.filter(|_| batch && !stdout);
    let readable = |p: &Path| {
        extension(&p.to_string_lossy())
            .is_some_and(|e| host.reader_by_name(&format!("x.{e}"), None).ok().flatten().is_some())
    };
    let inputs = expand_inputs(&a.inputs, &readable, out_dir)?;
    let names: Vec<String> = inputs.iter().map(|i| i.name()).collect();
    let readers =
        names.iter().map(|n| host.reader_by_name(n, a.read.from.as_deref())).collect::<Result<Vec<_>, _>>()?;
    host.check_options(&options, &readers, Some(&to))?;
    let plan = plan_outputs(inputs, output, &to, batch)?;
    plan.check_overwrites(a.force)?;
    let to_terminal = plan.jobs.iter().any(|j| j.target == Target::Stdout) && std::io::stdout().is_terminal();
    if to_terminal && !to.text && output.is_none() {
        return Err(Error::usage(format!(
            "{} is a binary format: not writing it to the terminal; say -o FILE, or -o - to write it to standard \
             output anyway",
            to.name
        )));
    }
    Ok((plan, to, options))
}

fn convert(
    host: &Host,
    a: &Args,
    v: Verbosity,
    plan: &Plan,
    to: &nianbao_convert::OutputFormat,
    options: &nianbao_convert::Options,
) -> u8 {
    let load = LoadOptions { plugin: options.clone(), provenance: a.provenance };
    let from = a.read.from.as_deref();
    // JSON to JSON runs no plugin: nothing to isolate, and it stays cheap.
    let in_process = to.is_json()
        && plan.jobs.iter().all(|j| {
            !j.input.is_stdin() && matches!(host.reader_by_name(&j.input.name(), from), Ok(Some(Reader::Json)))
        });
    let mut failed = 0;
    let mut last_error = None;
    if in_process {
        for job in &plan.jobs {
            if let Err(e) = one(host, a, v, plan, job, to, &load) {
                errln!("error: {e}");
                failed += 1;
                last_error = Some(e);
            }
        }
    } else {
        match in_workers(a, v, plan, to, options) {
            Ok((f, e)) => (failed, last_error) = (f, e),
            Err(e) => return fail(&e),
        }
    }
    let n = plan.jobs.len();
    if n > 1 && !v.quiet {
        let tail = if failed > 0 { format!("; {failed} failed") } else { String::new() };
        errln!("converted {} of {n} files{tail}", n - failed);
    }
    match (n, last_error) {
        // One file: its error decides (a usage error stays one).
        (1, Some(e)) => code(&e),
        (_, Some(_)) => status::FAILED,
        _ => status::OK,
    }
}

/// The jobs through one worker process, in order: (how many failed, the last error).
fn in_workers(
    a: &Args,
    v: Verbosity,
    plan: &Plan,
    to: &nianbao_convert::OutputFormat,
    options: &nianbao_convert::Options,
) -> Result<(usize, Option<Error>), Error> {
    let limits = a.limits.limits()?;
    let program = crate::shared::worker_program(&a.read)?;
    // Standard input is read here and handed to the worker as a file.
    let mut stdin_file = None;
    let mut requests = Vec::new();
    for job in &plan.jobs {
        let input = if job.input.is_stdin() {
            let bytes = a.read.input(&job.input.path)?;
            let mut f = tempfile::Builder::new()
                .prefix("nianbao-stdin-")
                .tempfile()
                .map_err(|e| Error::input(format!("<stdin>: cannot keep it in a temporary file: {e}")))?;
            std::io::Write::write_all(&mut f, &bytes)
                .map_err(|e| Error::input(format!("<stdin>: cannot keep it in a temporary file: {e}")))?;
            let p = f.path().to_path_buf();
            stdin_file = Some(f);
            p
        } else {
            job.input.path.clone()
        };
        let target = match &job.target {
            Target::Stdout => None,
            Target::File(p) => Some(p.clone()),
        };
        requests.push(Request {
            path: input,
            name: job.input.name(),
            from: a.read.from.clone(),
            options: options.clone(),
            provenance: a.provenance,
            produce: Produce::Write {
                to: to.name.clone(),
                target,
                json_line: plan.json_lines,
                make_dir: plan.out_dir.is_some(),
            },
        });
    }
    let mut failed = 0;
    let mut last = None;
    worker::run(&program, &limits, 1, requests, &|| false, |i, o| match o.result {
        Ok(done) => finished(v, &plan.jobs[i], done),
        Err(f) => {
            errln!("error: {}", f.message);
            failed += 1;
            last = Some(f.error());
        }
    });
    drop(stdin_file);
    Ok((failed, last))
}

/// What the parent does with a file a worker converted: the messages, and the bytes for
/// standard output.
fn finished(v: Verbosity, job: &Job, done: Done) {
    let name = job.input.name();
    if !v.quiet {
        if let Some(w) = recognition_warning(&name, &done.report) {
            errln!("warning: {w}");
        }
    }
    if v.verbose {
        for n in &done.notes {
            errln!("note: {name}: {n}");
        }
    }
    if !v.quiet {
        for n in &done.written_notes {
            errln!("note: {name}: {n}");
        }
    }
    match &job.target {
        Target::Stdout => crate::out::bytes(done.bytes.as_deref().unwrap_or_default()),
        Target::File(path) => {
            if v.verbose {
                errln!("{name} → {} (read as {})", path.display(), done.format);
            }
        }
    }
}

fn one(
    host: &Host,
    a: &Args,
    v: Verbosity,
    plan: &Plan,
    job: &Job,
    to: &nianbao_convert::OutputFormat,
    load: &LoadOptions,
) -> Result<(), Error> {
    let name = job.input.name();
    let bytes = a.read.input(&job.input.path)?;
    let loaded = host.load(&bytes, &name, a.read.from.as_deref(), load)?;
    if !v.quiet {
        if let Some(w) = recognition_warning(&name, &loaded.report) {
            errln!("warning: {w}");
        }
    }
    if v.verbose {
        for n in &loaded.notes {
            errln!("note: {name}: {n}");
        }
    }
    let written = if plan.json_lines {
        nianbao_convert::Written { bytes: json_line(&loaded.report), notes: Vec::new() }
    } else {
        host.write(&loaded.report, to, &load.plugin).map_err(|e| Error { message: format!("{name}: {e}"), ..e })?
    };
    if !v.quiet {
        for n in &written.notes {
            errln!("note: {name}: {n}");
        }
    }
    match &job.target {
        Target::Stdout => crate::out::bytes(&written.bytes),
        Target::File(path) => {
            if plan.out_dir.is_some() {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| Error::output(format!("{}: cannot create the folder: {e}", dir.display())))?;
                }
            }
            write_file(path, &written.bytes)?;
            if v.verbose {
                errln!("{name} → {} (read as {})", path.display(), loaded.format);
            }
        }
    }
    Ok(())
}
