//! Helpers shared by the integration tests.
#![allow(dead_code)]

use nianbao_plugin::{Block, Document, Options, Table};
use std::path::PathBuf;

pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn read(bytes: &[u8]) -> Document {
    nianbao_xlsx::read(bytes, &Options::new()).unwrap_or_else(|e| panic!("read failed: {e}"))
}

/// The document without its source positions, to compare texts and spans.
pub fn plain(mut doc: Document) -> Document {
    for b in &mut doc.blocks {
        match b {
            Block::Heading { source, .. } | Block::Paragraph { source, .. } => *source = None,
            Block::Table(t) => {
                t.source = None;
                t.rows.iter_mut().flatten().for_each(|c| c.source = None);
            }
            Block::Image { .. } => {}
        }
    }
    doc
}

pub fn read_err(bytes: &[u8]) -> String {
    match nianbao_xlsx::read(bytes, &Options::new()) {
        Ok(doc) => panic!("expected an error, got {} blocks", doc.blocks.len()),
        Err(e) => e.0,
    }
}

pub fn tables(doc: &Document) -> Vec<&Table> {
    doc.blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).collect()
}

/// The cell whose text is `text`, with its spans.
pub fn find<'a>(t: &'a Table, text: &str) -> &'a nianbao_plugin::Cell {
    t.rows.iter().flatten().find(|c| c.text == text).unwrap_or_else(|| panic!("no cell {text:?}"))
}

/// The text at a grid position.
pub fn at(t: &Table, row: usize, col: usize) -> String {
    let g = t.grid();
    g.slots[row][col].map(|s| t.cell(s).text.clone()).unwrap_or_default()
}

pub fn has(program: &str) -> bool {
    std::process::Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
}

pub const REPORTS: [&str; 7] = ["s1-r001", "s1-r002", "s1-r003", "s1-r004", "s1-r005", "s1-r006", "s1-r008"];

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
        if !has(tool) {
            println!("SKIP: {tool} is not installed; the confined read is not run");
            return None;
        }
    }
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("nianbao-xlsx-confined-{}-{run}", std::process::id()));
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
        match nianbao_xlsx::read(&bytes, &options) {
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

/// Raw deflate data that inflates to `len` copies of `byte`, made without compressing them:
/// one block of fixed Huffman codes, a literal and then matches of 258 bytes at distance 1
/// (13 bits each, some 160 times smaller than what they stand for).
pub fn deflate_run(byte: u8, len: usize) -> Vec<u8> {
    let mut w = Bits::default();
    w.put(1, 1); // last block
    w.put(1, 2); // fixed Huffman codes
    let literal = |w: &mut Bits, v: u8| match v {
        0..=143 => w.code(0x30 + u32::from(v), 8),
        _ => w.code(0x190 + u32::from(v) - 144, 9),
    };
    let mut left = len;
    if left > 0 {
        literal(&mut w, byte);
        left -= 1;
    }
    while left >= 258 {
        w.code(0xC5, 8); // length 258
        w.code(0, 5); // distance 1
        left -= 258;
    }
    for _ in 0..left {
        literal(&mut w, byte);
    }
    w.code(0, 7); // end of block
    w.bytes
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

/// CRC-32 (as ZIP wants it).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A ZIP entry as written: its name, compression method (0 stored, 8 deflated), data as
/// stored, and what the headers say of it.
pub struct RawEntry {
    pub name: String,
    pub method: u16,
    pub data: Vec<u8>,
    pub size: u32,
    pub crc: u32,
}

impl RawEntry {
    pub fn stored(name: &str, data: &[u8]) -> RawEntry {
        RawEntry { name: name.into(), method: 0, data: data.to_vec(), size: data.len() as u32, crc: crc32(data) }
    }
}

/// A ZIP file of the entries, headers saying whatever the entries say.
pub fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    let (mut out, mut central) = (Vec::new(), Vec::new());
    for e in entries {
        let offset = out.len() as u32;
        let fields = |v: &mut Vec<u8>| {
            v.extend(20u16.to_le_bytes());
            v.extend(0u16.to_le_bytes());
            v.extend(e.method.to_le_bytes());
            v.extend([0, 0, 0x21, 0]); // time, date
            v.extend(e.crc.to_le_bytes());
            v.extend((e.data.len() as u32).to_le_bytes());
            v.extend(e.size.to_le_bytes());
            v.extend((e.name.len() as u16).to_le_bytes());
            v.extend(0u16.to_le_bytes());
        };
        out.extend(b"PK\x03\x04");
        fields(&mut out);
        out.extend(e.name.as_bytes());
        out.extend(&e.data);
        central.extend(b"PK\x01\x02");
        central.extend(20u16.to_le_bytes());
        fields(&mut central);
        central.extend([0u8; 6]); // comment length, disk, internal attributes
        central.extend(0u32.to_le_bytes());
        central.extend(offset.to_le_bytes());
        central.extend(e.name.as_bytes());
    }
    let at = out.len() as u32;
    out.extend(&central);
    out.extend(b"PK\x05\x06\0\0\0\0");
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// The parts of a ZIP package, inflated.
pub fn parts(package: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(package)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut data).unwrap();
            (f.name().unwrap().into_owned(), data)
        })
        .collect()
}
