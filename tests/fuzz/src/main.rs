//! A mutation fuzzer for nianbao's readers, on stable Rust and without instrumentation.
//!
//! It drives the plugins exactly as the host does (the built `libnianbao_*.so` beside this
//! binary, through the plugin ABI), then `recognize` on what they read, so the whole reading
//! path is under test. Each reader runs in worker processes that this process supervises: a
//! worker writes every input to a file before running it, so when it dies (a signal, an abort,
//! `exit`, memory beyond its address-space limit) or stops reporting progress (a hang), the
//! supervisor keeps that file as the finding and starts a fresh worker. Contained panics and
//! inputs slower than a threshold are kept by the worker itself.
//!
//! ```text
//! nianbao-fuzz run [--targets text,html,docx,xlsx,xls,ods,pdf] [--seconds 60] [--out DIR]
//!                  [--slow-ms 1000] [--hang-s 10] [--mem-mb 1024] [--corpus DIR]
//! ```
//!
//! Exit status 1 when anything crashed, hung or panicked; slow inputs are reported only.

use nianbao_plugin::{CallError, Options, Origin, Registry};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A reader under test: the format name the plugin declares, and the corpus folder.
const TARGETS: &[(&str, &str)] = &[
    ("text", "txt"),
    ("html", "html"),
    ("docx", "docx"),
    ("xlsx", "xlsx"),
    ("xls", "xls"),
    ("ods", "ods"),
    ("pdf", "pdf"),
];

struct Args {
    targets: Vec<String>,
    seconds: u64,
    out: PathBuf,
    corpus: PathBuf,
    slow_ms: u64,
    hang_s: u64,
    mem_mb: u64,
    seed: u64,
}

fn parse(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut a = Args {
        targets: TARGETS.iter().map(|t| t.0.to_string()).collect(),
        seconds: 60,
        out: PathBuf::from("fuzz-findings"),
        corpus: here.join("corpus"),
        slow_ms: 1000,
        hang_s: 10,
        mem_mb: 1024,
        seed: 1,
    };
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let num = |v: String| v.parse::<u64>().map_err(|_| format!("{flag}: not a number: {v}"));
        match flag.as_str() {
            "--targets" => a.targets = val()?.split(',').map(str::to_string).collect(),
            "--seconds" => a.seconds = num(val()?)?,
            "--out" => a.out = PathBuf::from(val()?),
            "--corpus" => a.corpus = PathBuf::from(val()?),
            "--slow-ms" => a.slow_ms = num(val()?)?,
            "--hang-s" => a.hang_s = num(val()?)?,
            "--mem-mb" => a.mem_mb = num(val()?)?,
            "--seed" => a.seed = num(val()?)?,
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    for t in &a.targets {
        if !TARGETS.iter().any(|x| x.0 == t) {
            let names: Vec<&str> = TARGETS.iter().map(|t| t.0).collect();
            return Err(format!("unknown target {t}; the targets are {}", names.join(", ")));
        }
    }
    Ok(a)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let result = match args.next().as_deref() {
        Some("run") => parse(args).and_then(|a| run(&a)),
        Some("worker") => parse_worker(args).and_then(|w| worker(&w)),
        _ => Err("usage: nianbao-fuzz run [--targets LIST] [--seconds N] [--out DIR] …".into()),
    };
    match result {
        Ok(clean) => ExitCode::from(if clean { 0 } else { 1 }),
        Err(e) => {
            eprintln!("nianbao-fuzz: {e}");
            ExitCode::from(2)
        }
    }
}

// ---- randomness and mutation

/// xorshift64*: deterministic from the seed, which is all a fuzzer needs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Values that make parsers take unusual paths: limits of integer types, signs, and the
/// delimiters of the formats' text syntaxes.
const INTERESTING: &[&[u8]] = &[
    b"0",
    b"-1",
    b"4294967295",
    b"2147483648",
    b"99999999999999999999",
    b"1e308",
    b"NaN",
    b"\"",
    b"<",
    b">",
    b"</",
    b"/>",
    b"&",
    b"&#0;",
    b"]]>",
    b"<!--",
    b"(",
    b")",
    b"<<",
    b">>",
    b"[",
    b"]",
    b" R ",
    b"obj",
    b"endobj",
    b"stream",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"|",
    b"\t",
    b"\n",
    b"\r\n",
    b"\xe8\x87\xaa\xe7\x84\xb6\xe4\xba\xba",
];

fn mutate_bytes(rng: &mut Rng, data: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let len = data.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = rng.next() as u8;
            }
            2 => {
                let v = INTERESTING[rng.below(INTERESTING.len())];
                let i = rng.below(len + 1);
                data.splice(i..i, v.iter().copied());
            }
            3 if len > 1 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(512));
                data.drain(i..i + n);
            }
            4 if len > 1 => {
                // Duplicate a chunk: repeated structure is where quadratic passes show.
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(4096));
                let chunk: Vec<u8> = data[i..i + n].to_vec();
                let times = 1 + rng.below(16);
                for _ in 0..times {
                    data.splice(i..i, chunk.iter().copied());
                }
            }
            5 if !seeds.is_empty() => {
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() && len > 0 {
                    let a = rng.below(len);
                    let b = rng.below(other.len());
                    let n = rng.below((other.len() - b).min(8192));
                    data.truncate(a);
                    data.extend_from_slice(&other[b..b + n]);
                }
            }
            6 if len > 0 => {
                // Replace a run of digits with an interesting number.
                let start = rng.below(len);
                if let Some(p) = data[start..].iter().position(u8::is_ascii_digit) {
                    let s = start + p;
                    let e = s + data[s..].iter().take_while(|b| b.is_ascii_digit()).count();
                    let v = [&b"0"[..], b"-1", b"4294967295", b"65536", b"1000000000", b"2147483647"][rng.below(6)];
                    data.splice(s..e, v.iter().copied());
                }
            }
            7 if len > 0 => data.truncate(rng.below(len)),
            _ => {
                let i = rng.below(len + 1);
                let n = 1 + rng.below(32);
                let junk: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                data.splice(i..i, junk);
            }
        }
    }
}

/// For ZIP packages (docx, xlsx, ods) most byte mutations only break a checksum; mutating an
/// entry's inflated content and packing it again reaches the XML parsers.
fn mutate_zip(rng: &mut Rng, data: &[u8], seeds: &[Vec<u8>]) -> Option<Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(data)).ok()?;
    let n = z.len();
    if n == 0 {
        return None;
    }
    // The larger parts hold the content; prefer them.
    let mut pick = rng.below(n);
    let mut best = 0;
    for _ in 0..3 {
        let k = rng.below(n);
        let size = z.by_index(k).ok().map_or(0, |f| f.size());
        if size > best {
            best = size;
            pick = k;
        }
    }
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for k in 0..n {
        let mut f = z.by_index(k).ok()?;
        let name = f.name().ok()?.to_string();
        let mut body = Vec::new();
        // Seeds are small; a bounded read keeps a mutated bomb from costing the fuzzer itself.
        f.by_ref().take(64 << 20).read_to_end(&mut body).ok()?;
        if k == pick {
            mutate_bytes(rng, &mut body, seeds);
        }
        out.start_file(name, opts).ok()?;
        out.write_all(&body).ok()?;
    }
    Some(out.finish().ok()?.into_inner())
}

fn mutate(rng: &mut Rng, seed: &[u8], seeds: &[Vec<u8>]) -> Vec<u8> {
    if seed.starts_with(b"PK\x03\x04") && rng.below(4) != 0 {
        if let Some(v) = mutate_zip(rng, seed, seeds) {
            return v;
        }
    }
    let mut v = seed.to_vec();
    mutate_bytes(rng, &mut v, seeds);
    v
}

// ---- the worker

struct Worker {
    format: String,
    corpus: PathBuf,
    current: PathBuf,
    findings: PathBuf,
    slow_ms: u64,
    mem_mb: u64,
    seed: u64,
}

fn parse_worker(mut it: impl Iterator<Item = String>) -> Result<Worker, String> {
    let mut next = || it.next().ok_or("worker: missing argument");
    Ok(Worker {
        format: next()?,
        corpus: next()?.into(),
        current: next()?.into(),
        findings: next()?.into(),
        slow_ms: next()?.parse().map_err(|_| "worker: slow-ms")?,
        mem_mb: next()?.parse().map_err(|_| "worker: mem-mb")?,
        seed: next()?.parse().map_err(|_| "worker: seed")?,
    })
}

fn load_corpus(dir: &Path) -> Result<Vec<Vec<u8>>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    if seeds.is_empty() {
        return Err(format!("{}: no seed files", dir.display()));
    }
    Ok(seeds)
}

fn plugins() -> Registry {
    let dir = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)).unwrap_or_default();
    Registry::from_places(&[(dir, Origin::PluginPath)], None)
}

fn save(dir: &Path, kind: &str, format: &str, data: &[u8], why: &str) -> PathBuf {
    let _ = std::fs::create_dir_all(dir);
    // FNV-1a: a stable name, so the same finding is kept once.
    let h = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ *b as u64).wrapping_mul(0x100_0000_01b3));
    let path = dir.join(format!("{kind}-{format}-{h:016x}"));
    let _ = std::fs::write(&path, data);
    let _ = std::fs::write(path.with_extension("txt"), why);
    path
}

fn worker(w: &Worker) -> Result<bool, String> {
    // A reader that allocates without bound dies here, at the limit, as a finding.
    let limit = w.mem_mb << 20;
    let rl = libc::rlimit { rlim_cur: limit, rlim_max: limit };
    unsafe { libc::setrlimit(libc::RLIMIT_AS, &rl) };
    let seeds = load_corpus(&w.corpus)?;
    let reg = plugins();
    let (plugin, fmt) =
        reg.format(&w.format).ok_or_else(|| format!("no plugin reads {} beside the fuzzer", w.format))?;
    let fmt = fmt.name.clone();
    let mut rng = Rng(w.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let options = Options::new();
    let (mut execs, mut ok, mut errors) = (0u64, 0u64, 0u64);
    let mut last = Instant::now();
    let stdout = std::io::stdout();
    loop {
        let seed = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, seed, &seeds);
        std::fs::write(&w.current, &input).map_err(|e| format!("{}: {e}", w.current.display()))?;
        let t = Instant::now();
        match plugin.read(&fmt, &input, &options) {
            Ok(doc) => {
                let _ = nianbao_official::recognize(&doc);
                ok += 1;
            }
            Err(CallError::Panicked(m)) => {
                let p = save(&w.findings, "panic", &w.format, &input, &m);
                let _ = writeln!(stdout.lock(), "panic {}", p.display());
            }
            Err(CallError::Failed(_)) => errors += 1,
        }
        let ms = t.elapsed().as_millis() as u64;
        if ms > w.slow_ms {
            let p = save(&w.findings, "slow", &w.format, &input, &format!("{ms} ms"));
            let _ = writeln!(stdout.lock(), "slow {ms} {}", p.display());
        }
        execs += 1;
        if last.elapsed() > Duration::from_millis(250) {
            // A line a quarter second is the supervisor's sign of life.
            let _ = writeln!(stdout.lock(), "progress {execs} {ok} {errors}");
            last = Instant::now();
        }
    }
}

// ---- the supervisor

#[derive(Default)]
struct Tally {
    execs: u64,
    ok: u64,
    errors: u64,
    crashes: Vec<String>,
    hangs: Vec<String>,
    panics: Vec<String>,
    slow: Vec<String>,
    restarts: u32,
}

enum Event {
    Line(String),
    Eof,
}

fn run(a: &Args) -> Result<bool, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&a.out).map_err(|e| format!("{}: {e}", a.out.display()))?;
    let reg = plugins();
    let mut clean = true;
    println!("target  execs  exec/s  read  errors  crashes  hangs  panics  slow  (for {} s each)", a.seconds);
    for target in &a.targets {
        let corpus = a.corpus.join(TARGETS.iter().find(|t| t.0 == target).map(|t| t.1).unwrap_or(target));
        if reg.format(target).is_none() {
            return Err(format!("no plugin reads {target} beside {}; build the plugins first", exe.display()));
        }
        let t = fuzz_one(&exe, target, &corpus, a)?;
        let secs = a.seconds.max(1);
        println!(
            "{target:<6} {:>6} {:>7} {:>5} {:>7} {:>8} {:>6} {:>7} {:>5}",
            t.execs,
            t.execs / secs,
            t.ok,
            t.errors,
            t.crashes.len(),
            t.hangs.len(),
            t.panics.len(),
            t.slow.len()
        );
        for f in t.crashes.iter().chain(&t.hangs).chain(&t.panics) {
            println!("  finding: {f}");
            clean = false;
        }
        for f in t.slow.iter().take(5) {
            println!("  slow: {f}");
        }
    }
    Ok(clean)
}

fn fuzz_one(exe: &Path, target: &str, corpus: &Path, a: &Args) -> Result<Tally, String> {
    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let current = a.out.join(format!(".current-{target}"));
    let mut t = Tally::default();
    let mut seed = a.seed;
    while Instant::now() < deadline {
        let mut child = Command::new(exe)
            .arg("worker")
            .arg(target)
            .arg(corpus)
            .arg(&current)
            .arg(&a.out)
            .arg(a.slow_ms.to_string())
            .arg(a.mem_mb.to_string())
            .arg(seed.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start a worker: {e}"))?;
        seed += 1;
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().expect("piped");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(Event::Line(line)).is_err() {
                    return;
                }
            }
            let _ = tx.send(Event::Eof);
        });
        let mut err = child.stderr.take().expect("piped");
        let errs = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        let mut base = (t.execs, t.ok, t.errors);
        let mut seen = (0, 0, 0);
        let hung = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break false;
            }
            match rx.recv_timeout(Duration::from_secs(a.hang_s).min(left + Duration::from_millis(100))) {
                Ok(Event::Line(l)) => {
                    let mut w = l.split_whitespace();
                    match w.next() {
                        Some("progress") => {
                            let n: Vec<u64> = w.filter_map(|x| x.parse().ok()).collect();
                            if let [e, o, r] = n[..] {
                                seen = (e, o, r);
                                t.execs = base.0 + e;
                                t.ok = base.1 + o;
                                t.errors = base.2 + r;
                            }
                        }
                        Some("panic") => t.panics.push(w.collect::<Vec<_>>().join(" ")),
                        Some("slow") => t.slow.push(w.collect::<Vec<_>>().join(" ")),
                        _ => {}
                    }
                }
                Ok(Event::Eof) => break false,
                Err(mpsc::RecvTimeoutError::Timeout) => break Instant::now() < deadline,
                Err(mpsc::RecvTimeoutError::Disconnected) => break false,
            }
        };
        let running = child.try_wait().ok().flatten().is_none();
        if running {
            let _ = child.kill();
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        let stderr = errs.join().unwrap_or_default();
        let data = std::fs::read(&current).unwrap_or_default();
        if hung {
            let p = save(&a.out, "hang", target, &data, &format!("no progress for {} s", a.hang_s));
            t.hangs.push(p.display().to_string());
        } else if !running && Instant::now() < deadline {
            use std::os::unix::process::ExitStatusExt;
            let why = match status.signal() {
                Some(s) => format!("killed by signal {s}"),
                None => format!("exited with status {:?}", status.code()),
            };
            let tail: String = stderr.lines().rev().take(5).collect::<Vec<_>>().join("\n");
            let p = save(&a.out, "crash", target, &data, &format!("{why}\n{tail}"));
            t.crashes.push(format!("{} ({why})", p.display()));
        }
        base = (base.0 + seen.0, base.1 + seen.1, base.2 + seen.2);
        (t.execs, t.ok, t.errors) = base;
        t.restarts += 1;
    }
    let _ = std::fs::remove_file(&current);
    Ok(t)
}
