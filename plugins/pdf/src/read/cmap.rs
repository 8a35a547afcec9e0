//! CMaps: how a font's string bytes split into codes, what CID each code selects, and what
//! Unicode text it stands for. Parses embedded CMaps (ToUnicode, embedded encodings) and
//! implements the predefined Chinese ones without Adobe's CMap files: the Unicode-based ones
//! are their own mapping, the GB/GBK/GB18030 ones decode through `encoding_rs`.

use super::lexer::{Lexer, Operand};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for integer keys (character codes): the std SipHash is needlessly slow here.
#[derive(Default)]
pub struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

pub type IntMap<V> = HashMap<u32, V, BuildHasherDefault<IntHasher>>;

/// A ToUnicode map (or a map of any code to text) stops growing here: a hostile bfrange must
/// not allocate gigabytes.
const MAX_ENTRIES: usize = 1 << 18;
/// Codes a map's ranges may set, counting those set again: ranges of 65 536 codes over the
/// same codes, block after block, must not run for hours either.
const MAX_TRIES: usize = 4 * MAX_ENTRIES;

/// The text of one code: a single char inline, longer text in the map's pool.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Uni {
    Char(char),
    Pool(u32, u32),
}

/// Codespace ranges: how many bytes the next code takes.
#[derive(Debug, Clone, Default)]
pub struct CodeSpace {
    ranges: Vec<(u8, [u8; 4], [u8; 4])>,
}

impl CodeSpace {
    fn add(&mut self, lo: &[u8], hi: &[u8]) {
        if lo.is_empty() || lo.len() > 4 || lo.len() != hi.len() {
            return;
        }
        let mut l = [0; 4];
        let mut h = [0; 4];
        l[..lo.len()].copy_from_slice(lo);
        h[..hi.len()].copy_from_slice(hi);
        self.ranges.push((lo.len() as u8, l, h));
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The length of the code at the start of `bytes`: the shortest range that matches byte
    /// for byte, else the shortest length the codespace has (as Acrobat does).
    pub fn code_len(&self, bytes: &[u8]) -> usize {
        let mut shortest = 4;
        for &(n, lo, hi) in &self.ranges {
            let n = n as usize;
            shortest = shortest.min(n);
            if bytes.len() >= n && (0..n).all(|i| lo[i] <= bytes[i] && bytes[i] <= hi[i]) {
                return n;
            }
        }
        if self.ranges.is_empty() {
            1
        } else {
            shortest.min(bytes.len()).max(1)
        }
    }
}

/// Code → text, from a ToUnicode CMap.
#[derive(Debug, Default)]
pub struct UnicodeMap {
    pub codespace: CodeSpace,
    map: IntMap<Uni>,
    pool: String,
    tries: usize,
}

impl UnicodeMap {
    /// Appends the text of `code`; false when the map has none.
    pub fn append(&self, code: u32, out: &mut String) -> bool {
        match self.map.get(&code) {
            Some(Uni::Char(c)) => out.push(*c),
            Some(Uni::Pool(s, e)) => out.push_str(&self.pool[*s as usize..*e as usize]),
            None => return false,
        }
        true
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    fn insert(&mut self, code: u32, utf16: &[u16]) {
        self.tries += 1;
        if self.map.len() >= MAX_ENTRIES || self.tries > MAX_TRIES {
            return;
        }
        let mut chars = char::decode_utf16(utf16.iter().copied()).filter_map(Result::ok).filter(|&c| c != '\0');
        let (Some(first), rest) = (chars.next(), chars.clone().next()) else { return };
        let uni = if rest.is_none() {
            Uni::Char(first)
        } else {
            let start = self.pool.len() as u32;
            self.pool.push(first);
            self.pool.extend(chars);
            Uni::Pool(start, self.pool.len() as u32)
        };
        self.map.insert(code, uni);
    }

    /// Parses a ToUnicode CMap stream. Unreadable parts are skipped, never fatal.
    pub fn parse(data: &[u8]) -> UnicodeMap {
        let mut out = UnicodeMap::default();
        let mut lx = Lexer::new(data);
        let mut utf16 = Vec::new();
        while let Some(op) = lx.next_op() {
            match op {
                b"endcodespacerange" => {
                    for pair in strings(&lx).chunks_exact(2) {
                        out.codespace.add(lx.string(pair[0].0, pair[0].1), lx.string(pair[1].0, pair[1].1));
                    }
                }
                b"endbfchar" => {
                    for pair in strings(&lx).chunks_exact(2) {
                        let code = be(lx.string(pair[0].0, pair[0].1));
                        to_utf16(lx.string(pair[1].0, pair[1].1), &mut utf16);
                        out.insert(code, &utf16);
                    }
                }
                b"endbfrange" => out.bfranges(&lx, &mut utf16),
                _ => {}
            }
        }
        out
    }

    fn bfranges(&mut self, lx: &Lexer, utf16: &mut Vec<u16>) {
        let ops = &lx.operands;
        let mut i = 0;
        while i + 2 < ops.len() {
            let (Operand::Str(a, b), Operand::Str(c, d)) = (ops[i], ops[i + 1]) else {
                i += 1;
                continue;
            };
            let lo = be(lx.string(a, b));
            let hi = be(lx.string(c, d)).min(lo.saturating_add(0xFFFF));
            match ops[i + 2] {
                Operand::Str(s, e) => {
                    to_utf16(lx.string(s, e), utf16);
                    for code in lo..=hi {
                        if self.map.len() >= MAX_ENTRIES || self.tries > MAX_TRIES {
                            return;
                        }
                        self.insert(code, utf16);
                        if let Some(last) = utf16.last_mut() {
                            *last = last.wrapping_add(1);
                        }
                    }
                    i += 3;
                }
                Operand::ArrayStart => {
                    let mut code = lo;
                    i += 3;
                    while i < ops.len() && ops[i] != Operand::ArrayEnd {
                        if let Operand::Str(s, e) = ops[i] {
                            if code <= hi {
                                to_utf16(lx.string(s, e), utf16);
                                self.insert(code, utf16);
                            }
                            code = code.saturating_add(1);
                        }
                        i += 1;
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }
}

fn strings(lx: &Lexer) -> Vec<(u32, u32)> {
    lx.operands.iter().filter_map(|o| if let Operand::Str(s, e) = *o { Some((s, e)) } else { None }).collect()
}

/// A big-endian code of up to 4 bytes.
pub fn be(bytes: &[u8]) -> u32 {
    bytes.iter().take(4).fold(0u32, |acc, &b| acc << 8 | u32::from(b))
}

fn to_utf16(bytes: &[u8], out: &mut Vec<u16>) {
    out.clear();
    out.extend(bytes.chunks(2).map(|c| if c.len() == 2 { u16::from_be_bytes([c[0], c[1]]) } else { u16::from(c[0]) }));
}

/// An embedded encoding CMap (a Type0 font's /Encoding stream): codespace and code → CID.
#[derive(Debug, Default)]
pub struct CidMap {
    pub codespace: CodeSpace,
    ranges: Vec<(u32, u32, u32)>,
    /// The predefined CMap named by `usecmap`, if any.
    pub parent: Option<Vec<u8>>,
    pub vertical: bool,
}

impl CidMap {
    pub fn parse(data: &[u8]) -> CidMap {
        let mut out = CidMap::default();
        let mut lx = Lexer::new(data);
        let mut last_name: Option<&[u8]> = None;
        while let Some(op) = lx.next_op() {
            match op {
                b"endcodespacerange" => {
                    for pair in strings(&lx).chunks_exact(2) {
                        out.codespace.add(lx.string(pair[0].0, pair[0].1), lx.string(pair[1].0, pair[1].1));
                    }
                }
                b"endcidrange" | b"endcidchar" => out.cid_entries(&lx, op == b"endcidrange"),
                b"usecmap" => out.parent = last_name.map(<[u8]>::to_vec),
                b"def" => {
                    if let [Operand::Name(s, e), Operand::Num(n)] = lx.operands[..] {
                        if lx.slice(s, e) == b"WMode" {
                            out.vertical = n == 1.0;
                        }
                    }
                }
                _ => {}
            }
            last_name = lx.operands.iter().rev().find_map(|o| match *o {
                Operand::Name(s, e) => Some(lx.slice(s, e)),
                _ => None,
            });
        }
        out.ranges.sort_unstable();
        out
    }

    fn cid_entries(&mut self, lx: &Lexer, range: bool) {
        let step = if range { 3 } else { 2 };
        for w in lx.operands.chunks_exact(step) {
            let (lo, hi, cid) = match (range, w) {
                (true, [Operand::Str(a, b), Operand::Str(c, d), Operand::Num(n)]) => {
                    (be(lx.string(*a, *b)), be(lx.string(*c, *d)), *n)
                }
                (false, [Operand::Str(a, b), Operand::Num(n)]) => {
                    let c = be(lx.string(*a, *b));
                    (c, c, *n)
                }
                _ => continue,
            };
            if lo <= hi && self.ranges.len() < MAX_ENTRIES {
                self.ranges.push((lo, hi, n_to_u32(cid)));
            }
        }
    }

    pub fn cid(&self, code: u32) -> Option<u32> {
        let i = self.ranges.partition_point(|r| r.0 <= code);
        let (lo, hi, cid) = *self.ranges.get(i.checked_sub(1)?)?;
        (code >= lo && code <= hi).then(|| cid + (code - lo))
    }
}

fn n_to_u32(n: f32) -> u32 {
    if n.is_finite() && n > 0.0 {
        n.min(u32::MAX as f32) as u32
    } else {
        0
    }
}

/// The predefined CMaps this reader understands by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Predefined {
    /// Identity-H/V: two-byte codes that are CIDs.
    Identity,
    /// Uni*-UCS2-*: two-byte UCS-2 codes.
    Ucs2 {
        gb: bool,
    },
    /// Uni*-UTF16-*: UTF-16BE, two or four bytes.
    Utf16 {
        gb: bool,
    },
    /// GB-EUC, GBK-EUC, GBKp-EUC: one byte up to 0x80, else two bytes, decoded as GBK.
    Gbk {
        lead_lo: u8,
        trail_lo: u8,
    },
    /// GBK2K: GB18030 with its four-byte codes.
    Gb18030,
    Big5,
    ShiftJis,
    EucKr,
}

impl Predefined {
    /// Recognizes a CMap name; `-V` variants give the same codes in vertical writing mode.
    pub fn from_name(name: &[u8]) -> Option<(Predefined, bool)> {
        let name = std::str::from_utf8(name).ok()?;
        let (base, vertical) = match name.strip_suffix("-V") {
            Some(b) => (b, true),
            None => (name.strip_suffix("-H").unwrap_or(name), false),
        };
        let gb = base.starts_with("UniGB");
        let p = match base {
            "Identity" => Predefined::Identity,
            b if b.starts_with("Uni") && b.ends_with("UCS2") => Predefined::Ucs2 { gb },
            b if b.starts_with("Uni") && b.ends_with("UTF16") => Predefined::Utf16 { gb },
            "GB-EUC" | "GBpc-EUC" | "GBT-EUC" | "GBTpc-EUC" => Predefined::Gbk { lead_lo: 0xA1, trail_lo: 0xA1 },
            "GBK-EUC" | "GBKp-EUC" => Predefined::Gbk { lead_lo: 0x81, trail_lo: 0x40 },
            "GBK2K" => Predefined::Gb18030,
            "B5pc" | "ETen-B5" | "HKscs-B5" | "ETenms-B5" | "B5" => Predefined::Big5,
            "90ms-RKSJ" | "90msp-RKSJ" | "83pv-RKSJ" | "90pv-RKSJ" => Predefined::ShiftJis,
            "KSC-EUC" | "KSCms-UHC" | "KSCpc-EUC" => Predefined::EucKr,
            _ => return None,
        };
        Some((p, vertical))
    }

    /// The length of the code at the start of `bytes`.
    pub fn code_len(self, bytes: &[u8]) -> usize {
        let b0 = bytes[0];
        let n = match self {
            Predefined::Identity | Predefined::Ucs2 { .. } => 2,
            Predefined::Utf16 { .. } => {
                if (0xD8..=0xDB).contains(&b0) {
                    4
                } else {
                    2
                }
            }
            Predefined::Gbk { lead_lo, .. } => {
                if b0 >= lead_lo && b0 != 0xFF {
                    2
                } else {
                    1
                }
            }
            Predefined::Gb18030 => match (b0, bytes.get(1)) {
                (0x81..=0xFE, Some(0x30..=0x39)) => 4,
                (0x81..=0xFE, _) => 2,
                _ => 1,
            },
            Predefined::Big5 | Predefined::EucKr => {
                if b0 >= 0x81 {
                    2
                } else {
                    1
                }
            }
            Predefined::ShiftJis => {
                if matches!(b0, 0x81..=0x9F | 0xE0..=0xFC) {
                    2
                } else {
                    1
                }
            }
        };
        n.min(bytes.len())
    }

    /// The text a code stands for, decoded from the code itself.
    pub fn decode(self, code: &[u8], out: &mut String) -> bool {
        let before = out.len();
        match self {
            Predefined::Identity => return false,
            Predefined::Ucs2 { .. } | Predefined::Utf16 { .. } => {
                let units = code.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
                out.extend(char::decode_utf16(units).filter_map(Result::ok).filter(|&c| c != '\0'));
            }
            Predefined::Gbk { trail_lo, .. } if code.len() == 2 && code[1] < trail_lo => return false,
            _ => {
                let enc = match self {
                    Predefined::Gbk { .. } => encoding_rs::GBK,
                    Predefined::Gb18030 => encoding_rs::GB18030,
                    Predefined::Big5 => encoding_rs::BIG5,
                    Predefined::ShiftJis => encoding_rs::SHIFT_JIS,
                    _ => encoding_rs::EUC_KR,
                };
                let (text, bad) = enc.decode_without_bom_handling(code);
                if bad || text.contains('\0') {
                    return false;
                }
                out.push_str(&text);
            }
        }
        out.len() > before
    }

    /// CIDs a code may select in Adobe-GB1, for looking up widths: only the ASCII range is
    /// known without Adobe's tables (proportional CIDs 1–95, or half-width 814–907).
    pub fn cid_candidates(self, code: u32) -> [Option<u32>; 2] {
        match self {
            Predefined::Identity => [Some(code), None],
            Predefined::Ucs2 { gb: true } | Predefined::Utf16 { gb: true } if (0x20..=0x7E).contains(&code) => {
                [Some(code - 0x1F), Some(if code == 0x20 { 7716 } else { 814 + code - 0x21 })]
            }
            Predefined::Gbk { .. } | Predefined::Gb18030 if (0x20..=0x7E).contains(&code) => {
                [Some(if code == 0x20 { 7716 } else { 814 + code - 0x21 }), Some(code - 0x1F)]
            }
            _ => [None, None],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOUNICODE: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
        /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
        1 begincodespacerange <0000> <FFFF> endcodespacerange
        2 beginbfchar <0001> <884C> <0002> <D835DC00> endbfchar
        2 beginbfrange <0010> <0012> <4E00> <0020> <0021> [<0041> <00660069>] endbfrange
        endcmap";

    #[test]
    fn bfchar_and_both_bfrange_forms() {
        let m = UnicodeMap::parse(TOUNICODE);
        let text = |code: u32| {
            let mut s = String::new();
            m.append(code, &mut s).then_some(s)
        };
        assert_eq!(text(1).as_deref(), Some("行"));
        assert_eq!(text(2).as_deref(), Some("\u{1D400}"));
        assert_eq!(text(0x12).as_deref(), Some("\u{4E02}"));
        assert_eq!(text(0x20).as_deref(), Some("A"));
        assert_eq!(text(0x21).as_deref(), Some("fi"));
        assert_eq!(text(0x22), None);
        assert_eq!(m.codespace.code_len(&[0, 1]), 2);
    }

    #[test]
    fn mixed_codespace_lengths() {
        let m = UnicodeMap::parse(b"2 begincodespacerange <00> <80> <8140> <FEFE> endcodespacerange");
        assert_eq!(m.codespace.code_len(b"A\xd6\xd0"), 1);
        assert_eq!(m.codespace.code_len(b"\xd6\xd0"), 2);
    }

    #[test]
    fn gbk_codes_decode() {
        let (p, v) = Predefined::from_name(b"GBK-EUC-H").unwrap();
        assert!(!v);
        let bytes = b"A\xd6\xd0\xce\xc4";
        assert_eq!(p.code_len(bytes), 1);
        assert_eq!(p.code_len(&bytes[1..]), 2);
        let mut s = String::new();
        assert!(p.decode(&bytes[1..3], &mut s));
        assert_eq!(s, "中");
        let (p, v) = Predefined::from_name(b"UniGB-UTF16-V").unwrap();
        assert!(v);
        assert_eq!(p.code_len(&[0xD8, 0x40, 0xDC, 0x00]), 4);
    }

    #[test]
    fn hostile_bfrange_is_bounded() {
        let m = UnicodeMap::parse(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange");
        assert!(m.len() <= 0x10000);
    }
}
