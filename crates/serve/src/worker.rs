//! Reading an upload in a child process (`nianbao inspect --json -`), with a time and a memory
//! limit, so that a file that hangs or crashes its reader stops only that child and the page
//! says why.

use crate::Config;
use nianbao_document::Document;
use nianbao_report::Report;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What reading an upload gives the page.
pub struct Read {
    pub report: Report,
    pub document: Document,
    pub format: String,
    pub notes: Vec<String>,
}

#[derive(serde::Deserialize)]
struct Inspected {
    format: String,
    document: Document,
    report: Report,
    notes: Vec<String>,
}

/// Reads `bytes` (an upload named `name`) in a child `program inspect --json`, within the
/// config's limits; the error is a sentence naming the file.
pub fn read(program: &Path, name: &str, from: Option<&str>, bytes: &[u8], config: &Config) -> Result<Read, String> {
    let mut cmd = Command::new(program);
    // The format from `from`, else from the name as for a file, else from the content.
    cmd.args(&config.worker_args).args(["inspect", "--json", "--quiet", "--stdin-name", name]);
    if let Some(f) = from {
        cmd.args(["--from", f]);
    }
    cmd.arg("-").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let limit = config.max_memory_mb.saturating_mul(1 << 20);
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let rl = libc::rlimit { rlim_cur: limit as libc::rlim_t, rlim_max: limit as libc::rlim_t };
                libc::setrlimit(libc::RLIMIT_AS, &rl);
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn().map_err(|e| format!("{name}: cannot start {} to read it: {e}", program.display()))?;
    let mut stdin = child.stdin.take().expect("piped");
    let input = bytes.to_vec();
    let feeder = std::thread::spawn(move || {
        // A reader that stops early closes its end; that is its answer, not an error here.
        let _ = stdin.write_all(&input);
    });
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("piped")));
    let err = drain(Box::new(child.stderr.take().expect("piped")));
    let deadline = Instant::now() + Duration::from_secs(config.timeout_secs);
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = feeder.join();
                return Err(format!(
                    "{name}: reading it took longer than {} s and was stopped (nianbao serve --timeout)",
                    config.timeout_secs
                ));
            }
            Err(e) => return Err(format!("{name}: {e}")),
        }
    };
    let _ = feeder.join();
    let (out, err) = (out.join().unwrap_or_default(), err.join().unwrap_or_default());
    if status.success() {
        let i: Inspected =
            serde_json::from_slice(&out).map_err(|e| format!("{name}: the reader's answer is not readable: {e}"))?;
        return Ok(Read { report: i.report, document: i.document, format: i.format, notes: i.notes });
    }
    let said = String::from_utf8_lossy(&err);
    let said = said.lines().rev().find(|l| l.starts_with("error: ")).map(|l| l.trim_start_matches("error: "));
    if let Some(message) = said {
        return Err(message.replace("<stdin>", name));
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            let cause = nianbao_convert::signal_name(sig);
            return Err(format!(
                "{name}: the reader crashed on it ({cause}){}",
                if sig == 6 {
                    "; it may have needed more memory than nianbao serve --max-memory-mb allows"
                } else {
                    ""
                }
            ));
        }
    }
    Err(format!("{name}: the reader stopped with {status}"))
}
