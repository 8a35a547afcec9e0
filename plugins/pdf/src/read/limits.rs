//! The budgets a PDF is read within, set by the options every nianbao plugin shares that mean
//! something for a PDF: `max-part-mb` (one stream decoded) and `max-inflated-mb` (all streams
//! decoded, every time they are, and the objects parsed from object streams). Each error says
//! which option raises the limit.

use nianbao_plugin::{Error, Options};

/// A megabyte as the options count it.
pub const MB: u64 = 1 << 20;
/// One stream, decoded.
const PART_MB: u64 = 64;
/// All decoded streams, and at most this many times the size of the file unless
/// `max-inflated-mb` is given: content streams compress some 3–10 times, a deflate bomb a
/// thousand.
const INFLATED_MB: u64 = 256;
const INFLATION: u64 = 200;
/// lopdf parses an object stream whole into objects, some 50 bytes of memory for each byte
/// decoded: object (and cross-reference) streams may take this fraction of `max-part-mb`.
const OBJECT_STREAM_SHARE: u64 = 16;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub part: u64,
    pub inflated: u64,
    input: u64,
    inflated_given: bool,
}

fn option(options: &Options, key: &str) -> Result<Option<u64>, Error> {
    match options.get(key) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|&n| n > 0)
            .map(Some)
            .ok_or_else(|| Error::new(format!("option {key}={v}: not a positive whole number"))),
    }
}

impl Limits {
    pub fn new(options: &Options, input: usize) -> Result<Limits, Error> {
        let input = input as u64;
        let given = option(options, "max-inflated-mb")?;
        Ok(Limits {
            part: option(options, "max-part-mb")?.unwrap_or(PART_MB).saturating_mul(MB),
            inflated: match given {
                Some(mb) => mb.saturating_mul(MB),
                None => (INFLATED_MB * MB).min(input.saturating_mul(INFLATION)),
            },
            input,
            inflated_given: given.is_some(),
        })
    }

    /// What lopdf may decode of one object or cross-reference stream while it loads the file.
    pub fn object_stream(&self) -> u64 {
        (self.part / OBJECT_STREAM_SHARE).min(self.inflated)
    }

    /// The memory the objects of the file may take once parsed (their streams' data included).
    pub fn objects(&self) -> u64 {
        self.input.saturating_add(self.inflated)
    }

    pub fn inflated_error(&self, what: &str) -> Error {
        let how = if self.inflated_given {
            "-O max-inflated-mb=N raises it".to_string()
        } else {
            let file = if self.input < 1024 { format!("{}-byte", self.input) } else { size(self.input) };
            format!("the limit for a {file} file; -O max-inflated-mb=N raises it")
        };
        Error::new(format!("{what} past {} ({how})", size(self.inflated)))
    }

    pub fn part_error(&self) -> Error {
        Error::new(format!("a stream of the PDF inflates past {} (-O max-part-mb=N raises it)", size(self.part)))
    }

    /// For lopdf's refusal of a stream while loading, which had `limit`.
    pub fn load_error(&self, limit: u64) -> Error {
        if limit < self.inflated {
            Error::new(format!(
                "an object stream of the PDF inflates past {} (object streams may take a sixteenth of max-part-mb; -O max-part-mb=N raises it)",
                size(limit)
            ))
        } else {
            self.inflated_error("an object stream of the PDF inflates")
        }
    }
}

/// A byte count as people say it: `512 bytes`, `9 KB`, `1.8 MB`, `256 MB`.
pub fn size(bytes: u64) -> String {
    let (kb, mb) = (bytes as f64 / 1024.0, bytes as f64 / MB as f64);
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < MB {
        format!("{kb:.0} KB")
    } else if mb < 10.0 && !bytes.is_multiple_of(MB) {
        format!("{mb:.1} MB")
    } else {
        format!("{mb:.0} MB")
    }
}
