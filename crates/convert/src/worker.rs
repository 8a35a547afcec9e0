//! Conversions in worker processes, so that a plugin that crashes, hangs, calls `exit` or eats
//! memory on one file costs that file and nothing else.
//!
//! The parent starts workers (the `nianbao` binary again, with a hidden subcommand that calls
//! [`serve`]), sends each a [`Request`] as a line of JSON on its standard input and reads the
//! answer from its standard output: a line of JSON, followed by the output's bytes when they
//! come back. Each file has a deadline ([`Limits::timeout`]): past it the worker is killed with
//! SIGKILL. Each worker has an address-space limit ([`Limits::max_memory`], `RLIMIT_AS`), so an
//! unbounded allocation fails in the worker instead of the machine. A worker that dies is
//! reported with its cause (the signal by name, the exit status, the memory limit) and
//! replaced by a fresh one for the next file.

use crate::{read_input_limited, validate, write_file, Error, ErrorKind, Finding, Host, LoadOptions, Options, Report};
use nianbao_document::{Block, Document};
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::io::{BufRead, Read, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

/// Default time one file may take: generous for a long PDF, short enough that a hang does not
/// hold up a batch for long.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Default address space of a worker, in MiB: several times what the largest real report needs.
pub const DEFAULT_MAX_MEMORY_MB: u64 = 1024;
/// How much of a worker's standard error is kept to explain its death.
const STDERR_TAIL: usize = 4096;

/// What one file may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall time from sending a file to its answer.
    pub timeout: Duration,
    /// Address space of a worker process in bytes (`RLIMIT_AS`); `None` for no limit.
    pub max_memory: Option<u64>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS), max_memory: Some(DEFAULT_MAX_MEMORY_MB << 20) }
    }
}

/// The program a worker runs: typically `std::env::current_exe()` and the hidden subcommand
/// that calls [`serve`].
#[derive(Debug, Clone)]
pub struct Program {
    pub path: PathBuf,
    pub args: Vec<OsString>,
}

/// What a worker makes of a file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum Produce {
    /// The report, its validation findings, the format and pages: a dataset's row.
    Dataset,
    /// The report written in a format (`to`): to `target`, or sent back when `None`.
    Write {
        to: String,
        target: Option<PathBuf>,
        /// One line of the canonical JSON, for several reports on standard output.
        json_line: bool,
        /// Make the target's folder first.
        make_dir: bool,
    },
}

/// One file for a worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    /// Where the bytes are.
    pub path: PathBuf,
    /// How to name the input in messages (`<stdin>` for standard input saved to `path`).
    pub name: String,
    /// `--from`, if given.
    pub from: Option<String>,
    pub options: Options,
    pub provenance: bool,
    pub produce: Produce,
}

/// A file a worker did: what the pipeline made of it, and what a dataset row needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Done {
    /// The format it was read as.
    pub format: String,
    /// The number of pages, for formats with pages.
    pub pages: Option<u32>,
    pub report: Report,
    /// Validation's findings ([`Produce::Dataset`] only).
    pub findings: Vec<Finding>,
    /// The reader's and recognition's notes, as [`crate::Loaded::notes`].
    pub notes: Vec<String>,
    /// The writer's notes.
    pub written_notes: Vec<String>,
    /// The output, when it was sent back rather than written.
    #[serde(skip)]
    pub bytes: Option<Vec<u8>>,
}

/// Why a file gave no result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cause {
    /// The pipeline said why (unreadable, not a report, no plugin for it, …).
    Error,
    /// It took longer than the time limit; the worker was killed.
    Timeout,
    /// Its worker needed more memory than the limit allows.
    OutOfMemory,
    /// Its worker was killed by this signal (`SIGSEGV`, `SIGABRT`, …).
    Signal(String),
    /// Its worker exited with this status while reading it.
    Exit(i32),
    /// No worker could be started.
    NoWorker,
}

impl Cause {
    /// A short name for counting failures by cause.
    pub fn label(&self) -> String {
        match self {
            Cause::Error => "could not be read".into(),
            Cause::Timeout => "timed out".into(),
            Cause::OutOfMemory => "out of memory".into(),
            Cause::Signal(s) => format!("crashed ({s})"),
            Cause::Exit(c) => format!("exited (status {c})"),
            Cause::NoWorker => "no worker".into(),
        }
    }
}

/// A file that gave no result: why, in a sentence naming it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Failure {
    pub cause: Cause,
    pub kind: Kind,
    pub message: String,
    /// The format it was being read as, when known.
    pub format: Option<String>,
}

/// [`ErrorKind`] on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Usage,
    Input,
    Output,
}

impl From<ErrorKind> for Kind {
    fn from(k: ErrorKind) -> Kind {
        match k {
            ErrorKind::Usage => Kind::Usage,
            ErrorKind::Input => Kind::Input,
            ErrorKind::Output => Kind::Output,
        }
    }
}

impl Failure {
    pub fn error(&self) -> Error {
        let kind = match self.kind {
            Kind::Usage => ErrorKind::Usage,
            Kind::Input => ErrorKind::Input,
            Kind::Output => ErrorKind::Output,
        };
        Error { kind, message: self.message.clone() }
    }
}

/// A finished file with its id (the sha256 of its bytes), or why it failed.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub id: Option<String>,
    pub result: Result<Done, Failure>,
}

#[derive(Serialize, Deserialize)]
struct Reply {
    id: Option<String>,
    result: Result<Done, Failure>,
    /// Bytes of output that follow the line.
    bytes: Option<usize>,
}

/// The sha256 of bytes in lowercase hex: the id a dataset gives a document (the same as
/// `nianbao_dataset::id_of`).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The number of pages a document says it has: the last page any block or cell was printed on.
pub fn pages(doc: &Document) -> Option<u32> {
    let mut last: Option<u32> = None;
    let mut see = |p: Option<u32>| {
        if let Some(p) = p {
            last = Some(last.map_or(p, |l| l.max(p)));
        }
    };
    for b in &doc.blocks {
        see(b.source().and_then(|s| s.page));
        if let Block::Table(t) = b {
            for c in t.rows.iter().flatten() {
                see(c.source.as_ref().and_then(|s| s.page));
            }
        }
    }
    last
}

/// Does one request, in this process: what a worker does for each line it is sent. Inputs
/// longer than `max_input` bytes are refused.
pub fn work(host: &Host, req: &Request, max_input: u64) -> Outcome {
    let bytes = match read_input_limited(&req.path, max_input) {
        Ok(b) => b,
        Err(e) => return Outcome { id: None, result: Err(failure(e, None)) },
    };
    let id = Some(sha256_hex(&bytes));
    let format = host.reader_by_name(&req.name, req.from.as_deref()).ok().flatten().map(|r| match r {
        crate::Reader::Json => crate::JSON.to_string(),
        crate::Reader::Plugin { format, .. } => format,
    });
    let load = LoadOptions { plugin: req.options.clone(), provenance: req.provenance };
    let loaded = match host.load(&bytes, &req.name, req.from.as_deref(), &load) {
        Ok(l) => l,
        Err(e) => return Outcome { id, result: Err(failure(e, format)) },
    };
    drop(bytes);
    let mut done = Done {
        format: loaded.format.clone(),
        pages: pages(&loaded.document),
        findings: Vec::new(),
        notes: loaded.notes,
        written_notes: Vec::new(),
        bytes: None,
        report: loaded.report,
    };
    match &req.produce {
        Produce::Dataset => done.findings = validate(&done.report),
        Produce::Write { to, target, json_line, make_dir } => {
            let written = if *json_line {
                crate::Written { bytes: crate::json_line(&done.report), notes: Vec::new() }
            } else {
                let to = match host.output_format(to) {
                    Ok(t) => t,
                    Err(e) => return Outcome { id, result: Err(failure(e, Some(done.format))) },
                };
                match host.write(&done.report, &to, &req.options) {
                    Ok(w) => w,
                    Err(e) => {
                        let e = Error { message: format!("{}: {e}", req.name), ..e };
                        return Outcome { id, result: Err(failure(e, Some(done.format))) };
                    }
                }
            };
            done.written_notes = written.notes;
            match target {
                None => done.bytes = Some(written.bytes),
                Some(path) => {
                    if let Err(e) = write_to(path, &written.bytes, *make_dir) {
                        return Outcome { id, result: Err(failure(e, Some(done.format))) };
                    }
                }
            }
        }
    }
    Outcome { id, result: Ok(done) }
}

fn write_to(path: &Path, bytes: &[u8], make_dir: bool) -> Result<(), Error> {
    if make_dir {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::output(format!("{}: cannot create the folder: {e}", dir.display())))?;
        }
    }
    write_file(path, bytes)
}

fn failure(e: Error, format: Option<String>) -> Failure {
    Failure { cause: Cause::Error, kind: e.kind.into(), message: e.message, format }
}

/// The worker's side: answers requests from standard input until it closes. Standard output
/// is kept for the answers; whatever a plugin prints goes to standard error instead.
pub fn serve(host: &Host, max_input: u64) -> std::io::Result<()> {
    // SAFETY: plain descriptor calls on the process's own standard descriptors, before any
    // other thread could use them.
    let protocol = unsafe {
        let fd = libc::dup(1);
        if fd < 0 || libc::dup2(2, 1) < 0 {
            return Err(std::io::Error::last_os_error());
        }
        <std::fs::File as std::os::fd::FromRawFd>::from_raw_fd(fd)
    };
    let mut out = std::io::BufWriter::new(protocol);
    // The parent waits for this line before its first deadline, so that finding plugins does
    // not count against a file's time.
    out.write_all(b"ready\n")?;
    out.flush()?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let reply = match serde_json::from_str::<Request>(&line) {
            Ok(req) => {
                let o = work(host, &req, max_input);
                let bytes = o.result.as_ref().ok().and_then(|d| d.bytes.clone());
                Reply { id: o.id, bytes: bytes.as_ref().map(Vec::len), result: o.result }.with(bytes)
            }
            Err(e) => Reply {
                id: None,
                bytes: None,
                result: Err(Failure {
                    cause: Cause::Error,
                    kind: Kind::Usage,
                    message: format!("the worker cannot read its request: {e}"),
                    format: None,
                }),
            }
            .with(None),
        };
        out.write_all(&reply)?;
        out.flush()?;
    }
    Ok(())
}

impl Reply {
    fn with(self, bytes: Option<Vec<u8>>) -> Vec<u8> {
        let mut v = serde_json::to_vec(&self).expect("replies serialize");
        v.push(b'\n');
        if let Some(b) = bytes {
            v.extend_from_slice(&b);
        }
        v
    }
}

// ---- the parent's side

/// How a worker stopped answering.
enum Stop {
    Timeout,
    Eof,
    Io(std::io::Error),
}

/// One worker process and what it has sent that was not read yet.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
    stderr: ChildStderr,
    pending: Vec<u8>,
    err_tail: Vec<u8>,
    stdout_open: bool,
    stderr_open: bool,
}

impl Worker {
    fn start(program: &Program, limits: &Limits) -> std::io::Result<Worker> {
        use std::os::unix::process::CommandExt;
        let mut cmd = Command::new(&program.path);
        cmd.args(&program.args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let max = limits.max_memory;
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                // Its own process group, so that Ctrl-C reaches the parent only, which stops
                // cleanly; and dead with the parent, so that a killed run leaves no workers.
                libc::setpgid(0, 0);
                #[cfg(target_os = "linux")]
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                let none = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
                libc::setrlimit(libc::RLIMIT_CORE, &none);
                if let Some(bytes) = max {
                    let lim = libc::rlimit { rlim_cur: bytes as libc::rlim_t, rlim_max: bytes as libc::rlim_t };
                    if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn()?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        Ok(Worker {
            child,
            stdin,
            stdout,
            stderr,
            pending: Vec::new(),
            err_tail: Vec::new(),
            stdout_open: true,
            stderr_open: true,
        })
    }

    /// Waits for more output until the deadline, keeping the tail of standard error.
    fn fill(&mut self, deadline: Instant) -> Result<(), Stop> {
        loop {
            if !self.stdout_open {
                return Err(Stop::Eof);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Stop::Timeout);
            }
            let mut fds = [
                libc::pollfd { fd: self.stdout.as_raw_fd(), events: libc::POLLIN, revents: 0 },
                libc::pollfd {
                    fd: if self.stderr_open { self.stderr.as_raw_fd() } else { -1 },
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            let ms = left.as_millis().clamp(1, i32::MAX as u128) as i32;
            // SAFETY: two valid pollfd structs.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, ms) };
            if n < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(Stop::Io(e));
            }
            let ready = |f: &libc::pollfd| f.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0;
            let mut buf = [0u8; 64 * 1024];
            if self.stderr_open && ready(&fds[1]) {
                match self.stderr.read(&mut buf) {
                    Ok(0) | Err(_) => self.stderr_open = false,
                    Ok(k) => self.keep_stderr(&buf[..k]),
                }
            }
            if ready(&fds[0]) {
                match self.stdout.read(&mut buf) {
                    Ok(0) => self.stdout_open = false,
                    Ok(k) => {
                        self.pending.extend_from_slice(&buf[..k]);
                        return Ok(());
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(Stop::Io(e)),
                }
            }
        }
    }

    /// Reads standard error until it closes or the deadline passes.
    fn drain_stderr(&mut self, deadline: Instant) {
        let mut buf = [0u8; 16 * 1024];
        while self.stderr_open {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            let mut fd = libc::pollfd { fd: self.stderr.as_raw_fd(), events: libc::POLLIN, revents: 0 };
            // SAFETY: one valid pollfd struct.
            if unsafe { libc::poll(&mut fd, 1, left.as_millis().clamp(1, 1000) as i32) } <= 0 {
                continue;
            }
            match self.stderr.read(&mut buf) {
                Ok(0) | Err(_) => self.stderr_open = false,
                Ok(k) => self.keep_stderr(&buf[..k]),
            }
        }
    }

    fn keep_stderr(&mut self, bytes: &[u8]) {
        self.err_tail.extend_from_slice(bytes);
        if self.err_tail.len() > STDERR_TAIL {
            let cut = self.err_tail.len() - STDERR_TAIL;
            self.err_tail.drain(..cut);
        }
    }

    fn read_line(&mut self, deadline: Instant) -> Result<Vec<u8>, Stop> {
        loop {
            if let Some(i) = self.pending.iter().position(|b| *b == b'\n') {
                let mut line: Vec<u8> = self.pending.drain(..=i).collect();
                line.pop();
                return Ok(line);
            }
            self.fill(deadline)?;
        }
    }

    fn read_exact(&mut self, n: usize, deadline: Instant) -> Result<Vec<u8>, Stop> {
        while self.pending.len() < n {
            self.fill(deadline)?;
        }
        Ok(self.pending.drain(..n).collect())
    }

    /// Kills the worker (it may be dead already) and says why it stopped.
    fn end(mut self, stop: Stop, limits: &Limits, name: &str) -> (Cause, String) {
        // The whole group: a process the worker started must not outlive it.
        // SAFETY: a signal to the worker's own process group.
        unsafe { libc::kill(-(self.child.id() as libc::pid_t), libc::SIGKILL) };
        let _ = self.child.kill();
        let status = self.child.wait();
        // What is left on standard error explains an abort (a failed allocation says so); read
        // briefly, as a descendant could still hold it open.
        self.drain_stderr(Instant::now() + Duration::from_millis(200));
        let tail = String::from_utf8_lossy(&self.err_tail);
        let last = tail.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
        let secs = limits.timeout.as_secs_f64();
        if let Stop::Timeout = stop {
            return (
                Cause::Timeout,
                format!("{name}: gave up after {secs} s (the time limit, --timeout): reading it did not finish"),
            );
        }
        if let Stop::Io(e) = &stop {
            return (Cause::NoWorker, format!("{name}: lost the worker reading it: {e}"));
        }
        let oom = tail.contains("memory allocation of") || tail.contains("std::bad_alloc");
        if oom {
            let message = match limits.max_memory {
                Some(b) => format!(
                    "{name}: needs more than the {} MB memory limit (--max-memory): reading it was stopped",
                    b >> 20
                ),
                None => format!("{name}: the worker reading it ran out of memory"),
            };
            return (Cause::OutOfMemory, message);
        }
        use std::os::unix::process::ExitStatusExt;
        let detail = if last.is_empty() { String::new() } else { format!(" (it said: {last})") };
        match status {
            Ok(s) if s.signal().is_some() => {
                let sig = s.signal().unwrap_or(0);
                let (short, what) = signal_name(sig);
                (
                    Cause::Signal(short.clone()),
                    format!("{name}: the worker reading it was killed by {short} ({what}): a plugin crashed on this file{detail}"),
                )
            }
            Ok(s) => {
                let code = s.code().unwrap_or(-1);
                (
                    Cause::Exit(code),
                    format!("{name}: the worker reading it exited with status {code} before answering{detail}"),
                )
            }
            Err(e) => (Cause::NoWorker, format!("{name}: lost the worker reading it: {e}")),
        }
    }
}

/// A signal's name and what it usually means.
pub fn signal_name(sig: i32) -> (String, &'static str) {
    let (n, what) = match sig {
        libc::SIGSEGV => ("SIGSEGV", "segmentation fault"),
        libc::SIGABRT => ("SIGABRT", "aborted"),
        libc::SIGBUS => ("SIGBUS", "bus error"),
        libc::SIGILL => ("SIGILL", "illegal instruction"),
        libc::SIGFPE => ("SIGFPE", "arithmetic error"),
        libc::SIGKILL => ("SIGKILL", "killed, perhaps by the system for want of memory"),
        libc::SIGTERM => ("SIGTERM", "terminated"),
        libc::SIGINT => ("SIGINT", "interrupted"),
        libc::SIGPIPE => ("SIGPIPE", "broken pipe"),
        libc::SIGSYS => ("SIGSYS", "bad system call"),
        libc::SIGXCPU => ("SIGXCPU", "CPU time limit"),
        _ => return (format!("signal {sig}"), "a signal"),
    };
    (n.to_string(), what)
}

/// Runs requests in `jobs` worker processes, calling `on_result` in this thread with each
/// request's index and outcome as they finish (in the order they finish; with one job, in
/// order). A worker that dies is replaced for the next request. Once `stop` says so (after
/// a Ctrl-C, say), no new request is taken.
pub fn run<F: FnMut(usize, Outcome)>(
    program: &Program,
    limits: &Limits,
    jobs: usize,
    requests: Vec<Request>,
    stop: &(dyn Fn() -> bool + Sync),
    mut on_result: F,
) {
    let total = requests.len();
    let queue = Mutex::new(requests.into_iter().enumerate());
    // Bounded, so that workers wait for a slow consumer instead of piling up reports.
    let (tx, rx) = mpsc::sync_channel::<(usize, Outcome)>(2 * jobs.max(1));
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, total.max(1)) {
            let tx = tx.clone();
            let queue = &queue;
            s.spawn(move || {
                let mut worker: Option<Worker> = None;
                loop {
                    if stop() {
                        break;
                    }
                    let Some((i, req)) = queue.lock().unwrap_or_else(|e| e.into_inner()).next() else { break };
                    let outcome = supervise(program, limits, &mut worker, &req);
                    if tx.send((i, outcome)).is_err() {
                        break;
                    }
                }
                if let Some(w) = worker {
                    close(w);
                }
            });
        }
        drop(tx);
        for (i, o) in rx {
            on_result(i, o);
        }
    });
}

fn close(w: Worker) {
    let Worker { mut child, stdin, .. } = w;
    drop(stdin);
    let _ = child.wait();
}

/// One request through a worker, starting one when there is none.
fn supervise(program: &Program, limits: &Limits, slot: &mut Option<Worker>, req: &Request) -> Outcome {
    let fail = |cause: Cause, message: String| Outcome {
        id: None,
        result: Err(Failure { cause, kind: Kind::Input, message, format: None }),
    };
    if slot.is_none() {
        let mut w = match Worker::start(program, limits) {
            Ok(w) => w,
            Err(e) => {
                return fail(
                    Cause::NoWorker,
                    format!("{}: cannot start a worker ({}): {e}", req.name, program.path.display()),
                )
            }
        };
        // Finding plugins has its own, longer deadline: it is not the file's fault.
        let ready = Instant::now() + limits.timeout.max(Duration::from_secs(60));
        match w.read_line(ready) {
            Ok(l) if l == b"ready" => *slot = Some(w),
            Ok(l) => {
                return fail(
                    Cause::NoWorker,
                    format!(
                        "{}: the worker ({}) did not start: it said {:?}",
                        req.name,
                        program.path.display(),
                        String::from_utf8_lossy(&l)
                    ),
                )
            }
            Err(stop) => {
                let (cause, msg) = w.end(stop, limits, &req.name);
                return fail(Cause::NoWorker, format!("the worker did not start ({}); {msg}", cause.label()));
            }
        }
    }
    let mut w = slot.take().expect("a worker");
    let deadline = Instant::now() + limits.timeout;
    let mut line = serde_json::to_vec(req).expect("requests serialize");
    line.push(b'\n');
    let answer = match w.stdin.write_all(&line).and_then(|_| w.stdin.flush()) {
        Err(_) => Err(Stop::Eof),
        Ok(()) => w.read_line(deadline).and_then(|l| {
            let reply: Reply = serde_json::from_slice(&l)
                .map_err(|e| Stop::Io(std::io::Error::other(format!("a garbled answer: {e}"))))?;
            let bytes = match reply.bytes {
                Some(n) => Some(w.read_exact(n, deadline)?),
                None => None,
            };
            Ok((reply, bytes))
        }),
    };
    match answer {
        Ok((reply, bytes)) => {
            *slot = Some(w);
            let result = reply.result.map(|mut d| {
                d.bytes = bytes;
                d
            });
            Outcome { id: reply.id, result }
        }
        Err(stop) => {
            let (cause, message) = w.end(stop, limits, &req.name);
            Outcome { id: None, result: Err(Failure { cause, kind: Kind::Input, message, format: None }) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The supervisor alone, with `sh` scripts as workers.
    fn one(script: &str, limits: Limits) -> Outcome {
        let program = Program { path: "sh".into(), args: vec!["-c".into(), script.into()] };
        let req = Request {
            path: "a.pdf".into(),
            name: "a.pdf".into(),
            from: None,
            options: Options::new(),
            provenance: false,
            produce: Produce::Dataset,
        };
        let mut out = Vec::new();
        run(&program, &limits, 1, vec![req], &|| false, |_, o| out.push(o));
        assert_eq!(out.len(), 1);
        out.pop().unwrap()
    }

    fn failure(o: Outcome) -> Failure {
        o.result.expect_err("a failure")
    }

    #[test]
    fn a_worker_that_dies_is_named_by_its_signal_or_status() {
        let limits = Limits { timeout: Duration::from_secs(10), max_memory: None };
        let f = failure(one("echo ready; read l; kill -SEGV $$", limits));
        assert_eq!(f.cause, Cause::Signal("SIGSEGV".into()));
        assert!(
            f.message.starts_with("a.pdf: the worker reading it was killed by SIGSEGV (segmentation fault)"),
            "{}",
            f.message
        );
        let f = failure(one("echo ready; read l; echo 'it went wrong' >&2; exit 7", limits));
        assert_eq!(f.cause, Cause::Exit(7));
        assert_eq!(
            f.message,
            "a.pdf: the worker reading it exited with status 7 before answering (it said: it went wrong)"
        );
        let f =
            failure(one("echo ready; read l; echo 'memory allocation of 99 bytes failed' >&2; kill -ABRT $$", limits));
        assert_eq!(f.cause, Cause::OutOfMemory);
    }

    #[test]
    fn a_worker_past_its_deadline_is_killed() {
        let limits = Limits { timeout: Duration::from_millis(300), max_memory: None };
        let start = Instant::now();
        let f = failure(one("echo ready; read l; sleep 30", limits));
        assert_eq!(f.cause, Cause::Timeout);
        assert_eq!(f.message, "a.pdf: gave up after 0.3 s (the time limit, --timeout): reading it did not finish");
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_program_that_is_not_a_worker_is_reported() {
        let limits = Limits { timeout: Duration::from_secs(10), max_memory: None };
        let f = failure(one("echo hello", limits));
        assert_eq!(f.cause, Cause::NoWorker);
        assert_eq!(f.message, "a.pdf: the worker (sh) did not start: it said \"hello\"");
        let f = failure(one("exit 3", limits));
        assert_eq!(f.cause, Cause::NoWorker);
        assert!(f.message.contains("exited with status 3"), "{}", f.message);
    }
}
