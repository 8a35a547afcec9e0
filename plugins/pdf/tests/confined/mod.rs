//! Reading hostile inputs in a child process confined in memory and time, and making deflate
//! bombs without deflating anything. Shared by the reader's bad-input tests.
#![allow(dead_code)]

use nianbao_plugin::{FormatPlugin, Options};

/// The address space a confined read may use: the hostile inputs must fail cleanly within it.
pub const CONFINED_BYTES: u64 = 1 << 30;
/// A generous bound on a confined read: a hang is caught, a slow machine is not.
pub const CONFINED_SECS: u32 = 600;

/// What a confined read reported: per input `Ok(summary)` or `Err(message)`; its peak memory.
pub struct Confined {
    pub results: Vec<Result<String, String>>,
    pub peak_kb: u64,
    pub secs: f64,
}

/// Reads each input in a child process (this test binary again, running the ignored test
/// `confined_child`, which calls [`confined_child`]) limited to [`CONFINED_BYTES`] of address
/// space and [`CONFINED_SECS`]: an abort, a hang or a runaway allocation kills the child and
/// fails the test, instead of taking the test process (or the machine) down with it. `None`
/// (after a visible SKIP) when `prlimit` or `timeout` is missing.
pub fn read_confined(inputs: &[Vec<u8>], options: &[(&str, &str)]) -> Option<Confined> {
    for tool in ["prlimit", "timeout"] {
        let found = std::process::Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success());
        if !found {
            println!("SKIP: {tool} is not installed; the confined read is not run");
            return None;
        }
    }
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("nianbao-pdf-confined-{}-{run}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let paths: Vec<String> = inputs
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let path = dir.join(format!("{i}.bin"));
            std::fs::write(&path, bytes).unwrap();
            path.to_string_lossy().into_owned()
        })
        .collect();
    let options: Vec<String> = options.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let started = std::time::Instant::now();
    let out = std::process::Command::new("timeout")
        .args(["-s", "KILL", &CONFINED_SECS.to_string(), "prlimit", &format!("--as={CONFINED_BYTES}"), "--"])
        .arg(std::env::current_exe().unwrap())
        .args(["confined_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env("NIANBAO_CONFINED", paths.join("\n"))
        .env("NIANBAO_CONFINED_OPTIONS", options.join("\n"))
        .output()
        .unwrap();
    let secs = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let results: Vec<Result<String, String>> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("RESULT "))
        .map(|r| match r.strip_prefix("OK ") {
            Some(ok) => Ok(ok.to_string()),
            None => Err(r.strip_prefix("ERR ").unwrap_or(r).to_string()),
        })
        .collect();
    let peak_kb = stdout.lines().find_map(|l| l.strip_prefix("PEAK ")?.trim().parse().ok()).unwrap_or(0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && results.len() == inputs.len(),
        "the confined read did not finish ({}; {} of {} results); stderr: {}",
        out.status,
        results.len(),
        inputs.len(),
        stderr.chars().rev().take(1500).collect::<String>().chars().rev().collect::<String>()
    );
    println!("confined read of {} input(s): {secs:.2} s, peak {} MB", inputs.len(), peak_kb / 1024);
    Some(Confined { results, peak_kb, secs })
}

/// The child's side of [`read_confined`]: reads the files it is given and says what came of
/// each. Does nothing outside a confined run.
pub fn confined_child() {
    let Ok(list) = std::env::var("NIANBAO_CONFINED") else { return };
    // The test harness has printed `test confined_child ... ` without a line end.
    println!();
    let mut options = Options::new();
    for kv in std::env::var("NIANBAO_CONFINED_OPTIONS").unwrap_or_default().lines() {
        if let Some((k, v)) = kv.split_once('=') {
            options.insert(k.into(), v.into());
        }
    }
    for path in list.lines() {
        let bytes = std::fs::read(path).unwrap();
        match nianbao_pdf::Pdf::read("pdf", &bytes, &options) {
            Ok(mut doc) => {
                let mut chars = 0;
                doc.for_each_text_mut(|t| chars += t.chars().count());
                println!("RESULT OK blocks={} chars={chars}", doc.blocks.len());
            }
            Err(e) => println!("RESULT ERR {}", e.0.replace('\n', " ")),
        }
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).unwrap_or("0 kB");
    println!("PEAK {}", peak.trim().trim_end_matches("kB").trim());
}

/// Raw deflate data made without compressing anything: one block of fixed Huffman codes, of
/// literals and of runs that repeat the last one to four bytes (matches of 258 bytes at that
/// distance, 13 bits each: some 160 times smaller than what they stand for). Keeps the
/// Adler-32 of what it stands for, for zlib.
#[derive(Default)]
pub struct Deflate {
    bits: Bits,
    last: Vec<u8>,
    adler: (u64, u64),
}

impl Deflate {
    pub fn new() -> Deflate {
        let mut d = Deflate { adler: (1, 0), ..Deflate::default() };
        d.bits.put(1, 1); // last block
        d.bits.put(1, 2); // fixed Huffman codes
        d
    }

    fn count(&mut self, b: u8) {
        self.adler.0 = (self.adler.0 + u64::from(b)) % 65521;
        self.adler.1 = (self.adler.1 + self.adler.0) % 65521;
    }

    pub fn literal(&mut self, bytes: &[u8]) -> &mut Deflate {
        for &v in bytes {
            match v {
                0..=143 => self.bits.code(0x30 + u32::from(v), 8),
                _ => self.bits.code(0x190 + u32::from(v) - 144, 9),
            }
            self.count(v);
            self.last.push(v);
        }
        self
    }

    /// `len` more bytes repeating the last `distance` (1 to 4) written.
    pub fn repeat(&mut self, distance: usize, len: usize) -> &mut Deflate {
        let pattern = self.last[self.last.len() - distance..].to_vec();
        let (runs, rest) = (len / 258, len % 258);
        for _ in 0..runs {
            self.bits.code(0xC5, 8); // length 258
            self.bits.code(distance as u32 - 1, 5); // distance 1..4: codes 0..3
        }
        for k in 0..runs * 258 {
            self.count(pattern[k % distance]);
        }
        let tail: Vec<u8> = (0..rest).map(|k| pattern[(runs * 258 + k) % distance]).collect();
        self.literal(&tail);
        self.last.truncate(0);
        let n = self.last.len();
        self.last.extend((0..distance).map(|k| pattern[(len + k + n) % distance]));
        self
    }

    pub fn raw(&mut self) -> Vec<u8> {
        let mut bits = std::mem::take(&mut self.bits);
        bits.code(0, 7); // end of block
        bits.bytes
    }

    /// As a zlib stream (PDF's FlateDecode).
    pub fn zlib(&mut self) -> Vec<u8> {
        let adler = ((self.adler.1 << 16) | self.adler.0) as u32;
        [vec![0x78, 0x01], self.raw(), adler.to_be_bytes().to_vec()].concat()
    }
}

/// A zlib stream that inflates to `len` copies of `byte`.
pub fn zlib_run(byte: u8, len: usize) -> Vec<u8> {
    Deflate::new().literal(&[byte]).repeat(1, len - 1).zlib()
}

#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    used: u32,
}

impl Bits {
    /// `n` bits of `v`, least significant first (block headers, extra bits).
    fn put(&mut self, v: u32, n: u32) {
        for i in 0..n {
            if self.used.is_multiple_of(8) {
                self.bytes.push(0);
            }
            let last = self.bytes.last_mut().unwrap();
            *last |= (((v >> i) & 1) as u8) << (self.used % 8);
            self.used += 1;
        }
    }

    /// A Huffman code of `n` bits, most significant first.
    fn code(&mut self, v: u32, n: u32) {
        let reversed = (0..n).fold(0, |acc, i| acc | (((v >> i) & 1) << (n - 1 - i)));
        self.put(reversed, n);
    }
}
