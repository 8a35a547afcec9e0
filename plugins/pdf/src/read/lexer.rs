//! A content-stream tokenizer that hands the interpreter one operator at a time with its
//! operands, reusing two buffers so that a page of text costs no allocation per glyph.

/// One operand. Strings and names point into the lexer's buffers or the stream itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operand {
    Num(f32),
    /// A name without its slash, as a range of the stream.
    Name(u32, u32),
    /// A string's decoded bytes, as a range of the string buffer.
    Str(u32, u32),
    ArrayStart,
    ArrayEnd,
    /// A dictionary (marked-content properties), as a range of the stream.
    Dict(u32, u32),
    Other,
}

/// Operands beyond this are dropped: no real operator takes more, and a stream of a million
/// numbers must not grow the stack without bound.
const MAX_OPERANDS: usize = 4096;

pub struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
    pub operands: Vec<Operand>,
    pub strings: Vec<u8>,
}

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delim(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delim(b)
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8]) -> Lexer<'a> {
        Lexer { data, pos: 0, operands: Vec::with_capacity(16), strings: Vec::with_capacity(256) }
    }

    /// The bytes of a name or dictionary operand.
    pub fn slice(&self, start: u32, end: u32) -> &'a [u8] {
        &self.data[start as usize..end as usize]
    }

    pub fn string(&self, start: u32, end: u32) -> &[u8] {
        &self.strings[start as usize..end as usize]
    }

    /// Reads operands up to the next operator and returns the operator's bytes, or `None` at
    /// the end of the stream. Operands are in `self.operands` until the next call.
    pub fn next_op(&mut self) -> Option<&'a [u8]> {
        self.operands.clear();
        self.strings.clear();
        loop {
            self.skip_white();
            let b = *self.data.get(self.pos)?;
            let operand = match b {
                b'/' => self.name(),
                b'(' => self.literal(),
                b'<' if self.data.get(self.pos + 1) == Some(&b'<') => self.dict(),
                b'<' => self.hex(),
                b'[' => {
                    self.pos += 1;
                    Operand::ArrayStart
                }
                b']' => {
                    self.pos += 1;
                    Operand::ArrayEnd
                }
                b'0'..=b'9' | b'+' | b'-' | b'.' => self.number(),
                b'>' | b')' | b'{' | b'}' => {
                    self.pos += 1;
                    Operand::Other
                }
                _ => {
                    let word = self.word();
                    match word {
                        b"true" | b"false" | b"null" => Operand::Other,
                        b"BI" => {
                            self.skip_inline_image();
                            return Some(b"BI");
                        }
                        _ => return Some(word),
                    }
                }
            };
            if self.operands.len() < MAX_OPERANDS {
                self.operands.push(operand);
            }
        }
    }

    fn skip_white(&mut self) {
        while let Some(&b) = self.data.get(self.pos) {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.data.get(self.pos).is_some_and(|&b| b != b'\n' && b != b'\r') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn word(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.data.get(self.pos).is_some_and(|&b| is_regular(b)) {
            self.pos += 1;
        }
        if self.pos == start {
            // A stray delimiter: step over it so the loop always advances.
            self.pos += 1;
        }
        &self.data[start..self.pos]
    }

    fn name(&mut self) -> Operand {
        self.pos += 1;
        let start = self.pos;
        while self.data.get(self.pos).is_some_and(|&b| is_regular(b)) {
            self.pos += 1;
        }
        Operand::Name(start as u32, self.pos as u32)
    }

    fn number(&mut self) -> Operand {
        let start = self.pos;
        while self.data.get(self.pos).is_some_and(|&b| is_regular(b)) {
            self.pos += 1;
        }
        Operand::Num(parse_number(&self.data[start..self.pos]))
    }

    fn literal(&mut self) -> Operand {
        self.pos += 1;
        let start = self.strings.len();
        let mut depth = 0usize;
        while let Some(&b) = self.data.get(self.pos) {
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    self.strings.push(b);
                }
                b')' if depth == 0 => break,
                b')' => {
                    depth -= 1;
                    self.strings.push(b);
                }
                b'\\' => self.escape(),
                _ => self.strings.push(b),
            }
        }
        Operand::Str(start as u32, self.strings.len() as u32)
    }

    fn escape(&mut self) {
        let Some(&b) = self.data.get(self.pos) else { return };
        self.pos += 1;
        let out = match b {
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'b' => 8,
            b'f' => 12,
            b'0'..=b'7' => {
                let mut v = u32::from(b - b'0');
                for _ in 0..2 {
                    match self.data.get(self.pos) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                v as u8
            }
            b'\r' => {
                if self.data.get(self.pos) == Some(&b'\n') {
                    self.pos += 1;
                }
                return;
            }
            b'\n' => return,
            other => other,
        };
        self.strings.push(out);
    }

    fn hex(&mut self) -> Operand {
        self.pos += 1;
        let start = self.strings.len();
        let mut high: Option<u8> = None;
        while let Some(&b) = self.data.get(self.pos) {
            self.pos += 1;
            if b == b'>' {
                break;
            }
            if let Some(v) = hex_val(b) {
                match high.take() {
                    Some(h) => self.strings.push(h << 4 | v),
                    None => high = Some(v),
                }
            }
        }
        if let Some(h) = high {
            self.strings.push(h << 4);
        }
        Operand::Str(start as u32, self.strings.len() as u32)
    }

    /// Skips a dictionary, nested ones and strings inside it included.
    fn dict(&mut self) -> Operand {
        let start = self.pos;
        let mut depth = 0usize;
        while self.pos < self.data.len() {
            match self.data[self.pos] {
                b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                    depth += 1;
                    self.pos += 2;
                }
                b'>' if self.data.get(self.pos + 1) == Some(&b'>') => {
                    depth -= 1;
                    self.pos += 2;
                    if depth == 0 {
                        break;
                    }
                }
                b'(' => {
                    let mark = self.strings.len();
                    self.literal();
                    self.strings.truncate(mark);
                }
                // A hex string: its closing `>` must not pair with the dictionary's.
                b'<' => {
                    while self.pos < self.data.len() && self.data[self.pos] != b'>' {
                        self.pos += 1;
                    }
                    self.pos += 1;
                }
                _ => self.pos += 1,
            }
        }
        Operand::Dict(start as u32, self.pos as u32)
    }

    /// Inline image data is binary: find the `EI` that ends it (delimited by white space).
    fn skip_inline_image(&mut self) {
        let Some(id) = find(&self.data[self.pos..], b"ID") else {
            self.pos = self.data.len();
            return;
        };
        let mut at = self.pos + id + 3;
        while at + 2 <= self.data.len() {
            let Some(ei) = find(&self.data[at..], b"EI") else { break };
            let p = at + ei;
            let before = p == 0 || is_white(self.data[p - 1]);
            let after = self.data.get(p + 2).is_none_or(|&b| is_white(b));
            if before && after {
                self.pos = p + 2;
                return;
            }
            at = p + 2;
        }
        self.pos = self.data.len();
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Parses a PDF number leniently (`--5`, `5.`, `.5`, `1.2.3` all give a value, as readers do).
pub fn parse_number(s: &[u8]) -> f32 {
    let mut neg = false;
    let mut i = 0;
    while i < s.len() && (s[i] == b'-' || s[i] == b'+') {
        neg ^= s[i] == b'-';
        i += 1;
    }
    let mut int: f64 = 0.0;
    while i < s.len() && s[i].is_ascii_digit() {
        int = int * 10.0 + f64::from(s[i] - b'0');
        i += 1;
    }
    if i < s.len() && s[i] == b'.' {
        i += 1;
        let mut scale = 0.1;
        while i < s.len() && s[i].is_ascii_digit() {
            int += f64::from(s[i] - b'0') * scale;
            scale *= 0.1;
            i += 1;
        }
    }
    let v = if neg { -int } else { int };
    if v.is_finite() {
        v as f32
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_with_operands() {
        let mut lx = Lexer::new(b"BT /F1 12 Tf [(a\\(b) -250 <4E2D>] TJ ET");
        assert_eq!(lx.next_op(), Some(&b"BT"[..]));
        assert_eq!(lx.next_op(), Some(&b"Tf"[..]));
        assert!(matches!(lx.operands[..], [Operand::Name(..), Operand::Num(n)] if n == 12.0));
        assert_eq!(lx.next_op(), Some(&b"TJ"[..]));
        let Operand::Str(s, e) = lx.operands[1] else { panic!() };
        assert_eq!(lx.string(s, e), b"a(b");
        let Operand::Str(s, e) = lx.operands[3] else { panic!() };
        assert_eq!(lx.string(s, e), [0x4E, 0x2D]);
        assert_eq!(lx.next_op(), Some(&b"ET"[..]));
        assert_eq!(lx.next_op(), None);
    }

    #[test]
    fn inline_images_and_dicts_are_skipped() {
        let mut lx = Lexer::new(b"/P <</MCID 0 /T (x>>) /A <FEFF>>> BDC BI /W 1 ID \x00EI\xff EI Q");
        assert_eq!(lx.next_op(), Some(&b"BDC"[..]));
        assert!(matches!(lx.operands[..], [Operand::Name(..), Operand::Dict(..)]), "{:?}", lx.operands);
        assert_eq!(lx.next_op(), Some(&b"BI"[..]));
        assert_eq!(lx.next_op(), Some(&b"Q"[..]));
    }

    #[test]
    fn numbers_are_lenient() {
        assert_eq!(parse_number(b"-.5"), -0.5);
        assert_eq!(parse_number(b"--3"), 3.0);
        assert_eq!(parse_number(b"4."), 4.0);
    }
}
