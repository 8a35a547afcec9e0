//! PDF object syntax, parsed as lopdf's parser does (the same objects from the same bytes, its
//! quirks included), some twenty times faster: lopdf's parser combinators spent some 250
//! instructions a byte on the fonts of a Chromium PDF. Anything this does not take as lopdf
//! would (nesting past its limits, a malformed token) is `None`, and the caller gives the file
//! to lopdf whole.

use lopdf::{Dictionary, Object, StringFormat};

/// Below lopdf's own nesting limits (100 for objects and for parentheses in strings).
const MAX_DEPTH: usize = 90;

pub fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | b'\x0C')
}

fn is_delimiter(c: u8) -> bool {
    matches!(c, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn is_regular(c: u8) -> bool {
    !is_space(c) && !is_delimiter(c)
}

/// Skips white space and comments (a comment must end with its line, as lopdf requires).
pub fn space(b: &[u8], mut i: usize) -> usize {
    loop {
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        if i >= b.len() || b[i] != b'%' {
            return i;
        }
        let mut j = i;
        while j < b.len() && b[j] != b'\n' && b[j] != b'\r' {
            j += 1;
        }
        if j >= b.len() {
            return i;
        }
        i = j;
    }
}

/// A run of digits and its value (`None` past `u64`).
pub fn digits(b: &[u8], i: usize) -> Option<(u64, usize)> {
    let mut j = i;
    let mut v = 0u64;
    while j < b.len() && b[j].is_ascii_digit() {
        v = v.checked_mul(10)?.checked_add(u64::from(b[j] - b'0'))?;
        j += 1;
    }
    (j > i).then_some((v, j))
}

/// One direct object at `i` and the white space after it: the object and where the next
/// token starts.
pub fn object(b: &[u8], i: usize) -> Option<(Object, usize)> {
    let (o, j) = direct(b, i, 0)?;
    Some((o, space(b, j)))
}

fn direct(b: &[u8], i: usize, depth: usize) -> Option<(Object, usize)> {
    if depth > MAX_DEPTH {
        return None;
    }
    let c = *b.get(i)?;
    match c {
        b'n' => b[i..].starts_with(b"null").then_some((Object::Null, i + 4)),
        b't' => b[i..].starts_with(b"true").then_some((Object::Boolean(true), i + 4)),
        b'f' => b[i..].starts_with(b"false").then_some((Object::Boolean(false), i + 5)),
        b'0'..=b'9' => reference(b, i).or_else(|| number(b, i)),
        b'+' | b'-' | b'.' => number(b, i),
        b'/' => name(b, i).map(|(n, j)| (Object::Name(n), j)),
        b'(' => literal(b, i).map(|(s, j)| (Object::String(s, StringFormat::Literal), j)),
        b'<' if b.get(i + 1) == Some(&b'<') => dictionary(b, i, depth).map(|(d, j)| (Object::Dictionary(d), j)),
        b'<' => hex(b, i),
        b'[' => {
            let mut items = Vec::new();
            let mut j = space(b, i + 1);
            loop {
                if b.get(j) == Some(&b']') {
                    return Some((Object::Array(items), j + 1));
                }
                let (o, k) = direct(b, j, depth + 1)?;
                items.push(o);
                j = space(b, k);
            }
        }
        _ => None,
    }
}

/// `<< /Key value … >>`; a key given twice keeps its first place and its last value.
pub fn dictionary(b: &[u8], i: usize, depth: usize) -> Option<(Dictionary, usize)> {
    let mut d = Dictionary::new();
    let mut j = space(b, i + 2);
    loop {
        match b.get(j)? {
            b'>' if b.get(j + 1) == Some(&b'>') => return Some((d, j + 2)),
            b'/' => {
                let (key, k) = name(b, j)?;
                let (value, k) = direct(b, space(b, k), depth + 1)?;
                d.set(key, value);
                j = space(b, k);
            }
            _ => return None,
        }
    }
}

/// `N G R`, as lopdf reads it: two unsigned numbers, white space optional, then `R`.
fn reference(b: &[u8], i: usize) -> Option<(Object, usize)> {
    let (n, j) = digits(b, i)?;
    let (g, j) = digits(b, space(b, j))?;
    let j = space(b, j);
    (b.get(j) == Some(&b'R')).then_some(())?;
    Some((Object::Reference((u32::try_from(n).ok()?, u16::try_from(g).ok()?)), j + 1))
}

/// A real (`1.`, `.5`, `-3.25`) or an integer.
fn number(b: &[u8], i: usize) -> Option<(Object, usize)> {
    let mut j = i;
    let negative = b[j] == b'-';
    if matches!(b[j], b'+' | b'-') {
        j += 1;
    }
    let int_start = j;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    let int_digits = j - int_start;
    if b.get(j) == Some(&b'.') && (int_digits > 0 || b.get(j + 1).is_some_and(u8::is_ascii_digit)) {
        j += 1;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        // lopdf drops a minus sign inside the fraction (`0.00-4142502`): leave that to it.
        if b.get(j) == Some(&b'-') {
            return None;
        }
        let text = std::str::from_utf8(&b[i..j]).ok()?;
        return Some((Object::Real(text.parse::<f32>().ok()?), j));
    }
    if int_digits == 0 {
        return None;
    }
    let (magnitude, _) = digits(b, int_start)?;
    let value = if negative { 0i64.checked_sub_unsigned(magnitude)? } else { i64::try_from(magnitude).ok()? };
    Some((Object::Integer(value), j))
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|v| v as u8)
}

/// `/Name` with `#xx` escapes; a `#` without two hex digits ends the name.
pub fn name(b: &[u8], i: usize) -> Option<(Vec<u8>, usize)> {
    let mut j = i + 1;
    while j < b.len() && b[j] != b'#' && is_regular(b[j]) {
        j += 1;
    }
    if b.get(j) != Some(&b'#') {
        // No escapes (nearly every name): one allocation of the right size.
        return Some((b[i + 1..j].to_vec(), j));
    }
    let mut j = i + 1;
    let mut out = Vec::new();
    loop {
        let start = j;
        while j < b.len() && b[j] != b'#' && is_regular(b[j]) {
            j += 1;
        }
        out.extend_from_slice(&b[start..j]);
        if b.get(j) == Some(&b'#') {
            if let (Some(h), Some(l)) =
                (b.get(j + 1).and_then(|&c| hex_value(c)), b.get(j + 2).and_then(|&c| hex_value(c)))
            {
                out.push((h << 4) | l);
                j += 3;
                continue;
            }
        }
        return Some((out, j));
    }
}

/// `(…)`: escapes, `\` + end of line dropped, an end of line read as `\n`, nested parentheses.
fn literal(b: &[u8], i: usize) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut j = i + 1;
    let mut open = 0usize;
    loop {
        let c = *b.get(j)?;
        match c {
            b'(' => {
                open += 1;
                if open > MAX_DEPTH {
                    return None;
                }
                out.push(c);
                j += 1;
            }
            b')' if open == 0 => return Some((out, j + 1)),
            b')' => {
                open -= 1;
                out.push(c);
                j += 1;
            }
            b'\r' | b'\n' => {
                j += if c == b'\r' && b.get(j + 1) == Some(&b'\n') { 2 } else { 1 };
                out.push(b'\n');
            }
            b'\\' => {
                let e = *b.get(j + 1)?;
                j += 2;
                match e {
                    b'0'..=b'7' => {
                        let mut v = u16::from(e - b'0');
                        for _ in 0..2 {
                            match b.get(j) {
                                Some(&d @ b'0'..=b'7') => {
                                    v = v * 8 + u16::from(d - b'0');
                                    j += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push(v as u8);
                    }
                    b'\r' => {
                        if b.get(j) == Some(&b'\n') {
                            j += 1;
                        }
                    }
                    b'\n' => {}
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(b'\x08'),
                    b'f' => out.push(b'\x0C'),
                    other => out.push(other),
                }
            }
            _ => {
                let start = j;
                while j < b.len() && !matches!(b[j], b'(' | b')' | b'\\' | b'\r' | b'\n') {
                    j += 1;
                }
                out.extend_from_slice(&b[start..j]);
            }
        }
    }
}

/// `<…>`: hex digits, white space between them ignored, an odd last digit padded with 0.
fn hex(b: &[u8], i: usize) -> Option<(Object, usize)> {
    let mut out = Vec::new();
    let mut high = true;
    let mut j = i + 1;
    loop {
        while j < b.len() && is_space(b[j]) {
            j += 1;
        }
        let c = *b.get(j)?;
        if c == b'>' {
            return Some((Object::String(out, StringFormat::Hexadecimal), j + 1));
        }
        let v = hex_value(c)?;
        if high {
            out.push(v << 4);
        } else {
            *out.last_mut()? |= v;
        }
        high = !high;
        j += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each sample parses to what lopdf's parser makes of it.
    #[test]
    fn as_lopdf_parses() {
        let samples: &[&[u8]] = &[
            b"<</Type /Font/W [1 [500 600] 3 5 .5]/N -12/R 3 0 R/X 1 0 0 -1.5 0 0>>",
            b"[(a\\(b\\)c\\\\ \\101\\0121 \\\nx\\q) <4E2D 6> <> /A#20B /C#2 null true false +3 -.25 4.]",
            b"<< /K [1 2 R] /S (line\r\nbreak (nested) ) /D <</E 1>> % comment\n /F 2 >>",
            b"[0 0 612 792]",
            b"<</Differences [0 /g0 /g1 /space]>>",
        ];
        for s in samples {
            let ours = object(s, 0).map(|(o, _)| o);
            let mut content = b"0 0 ".to_vec();
            content.extend_from_slice(s);
            let mut dict = Dictionary::new();
            dict.set("N", 1);
            dict.set("First", 4);
            let stream = lopdf::Stream::new(dict, content);
            let theirs = lopdf::ObjectStream::new(&stream).ok().and_then(|o| o.objects.into_values().next());
            assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "{}", String::from_utf8_lossy(s));
        }
    }
}
