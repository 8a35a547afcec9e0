//! How official documents number their headings and table rows: `一、` for a section, `(三)` for a
//! group under it, `2.` for an item of the group — in full-width or half-width forms.

const NUMERALS: &str = "一二三四五六七八九十";

/// A leading enumeration: its style and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// `一、`, `三.`: a section or a top-level row.
    Chinese(u32),
    /// `(三)`, `（三）`, `(3)`: a group.
    Paren(u32),
    /// `2.`, `2、`: an item.
    Arabic(u32),
}

/// The value of a Chinese numeral from 1 to 99 (`三`, `十`, `十二`, `二十一`), or of ASCII digits.
fn value(s: &str) -> Option<u32> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok().filter(|_| s.len() <= 3);
    }
    let digit = |c: char| NUMERALS.chars().position(|x| x == c).map(|p| p as u32 + 1).filter(|v| *v < 10);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [a] if *a == '十' => Some(10),
        [a] => digit(*a),
        ['十', b] => digit(*b).map(|b| 10 + b),
        [a, '十'] => digit(*a).map(|a| a * 10),
        [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
        _ => None,
    }
}

/// The enumeration a label starts with, and the rest: `(三)不予公开` → `(Paren(3), "不予公开")`.
pub fn numbering(s: &str) -> Option<(Numbering, &str)> {
    let t = s.trim_start();
    if let Some(rest) = t.strip_prefix(['(', '（']) {
        let e = rest.find([')', '）'])?;
        let n = value(&rest[..e])?;
        let close = rest[e..].chars().next().map_or(1, char::len_utf8);
        return Some((Numbering::Paren(n), &rest[e + close..]));
    }
    let n = t.chars().take_while(|c| NUMERALS.contains(*c) || c.is_ascii_digit()).count();
    if n == 0 {
        return None;
    }
    let idx: usize = t.chars().take(n).map(char::len_utf8).sum();
    let mark = t[idx..].chars().next()?;
    if !matches!(mark, '、' | '.' | '．' | ',' | '，') {
        return None;
    }
    let head = &t[..idx];
    let v = value(head)?;
    let kind = if head.bytes().all(|b| b.is_ascii_digit()) { Numbering::Arabic(v) } else { Numbering::Chinese(v) };
    Some((kind, &t[idx + mark.len_utf8()..]))
}

/// Removes one leading enumeration: `一、` `一.` `(一)` `（一）` `1.` `1、` `(1)`.
pub fn strip_numbering(s: &str) -> &str {
    let t = s.trim_start();
    if let Some(rest) = t.strip_prefix(['(', '（']) {
        let end = rest.find([')', '）']);
        if let Some(e) = end {
            let inner = &rest[..e];
            if !inner.is_empty() && inner.chars().all(|c| NUMERALS.contains(c) || c.is_ascii_digit()) {
                return &rest[e + rest[e..].chars().next().map_or(1, char::len_utf8)..];
            }
        }
        return t;
    }
    let n = t.chars().take_while(|c| NUMERALS.contains(*c) || c.is_ascii_digit()).count();
    if n == 0 {
        return t;
    }
    let idx: usize = t.chars().take(n).map(char::len_utf8).sum();
    let rest = &t[idx..];
    match rest.chars().next() {
        Some(c @ ('、' | '.' | '．' | ',' | '，')) => &rest[c.len_utf8()..],
        _ => t,
    }
}

/// The Chinese numeral (1–10) a string starts with, if followed by an enumeration mark or a
/// space; 11 stands for any larger number (`十二、`), which is never a section's.
pub fn leading_numeral(s: &str) -> Option<(u8, &str)> {
    let t = s.trim_start();
    let mut chars = t.char_indices();
    let (_, first) = chars.next()?;
    let mut n = NUMERALS.chars().position(|c| c == first)? as u8 + 1;
    let mut idx = first.len_utf8();
    if n == 10 {
        if let Some((_, c)) = chars.next() {
            if NUMERALS.contains(c) {
                n = 11;
                idx += c.len_utf8();
            }
        }
    }
    let rest = &t[idx..];
    let mark = rest.chars().next()?;
    if matches!(mark, '、' | '.' | '．' | ',' | '，' | ' ') {
        Some((n, rest[mark.len_utf8()..].trim_start()))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_styles_and_values() {
        assert_eq!(numbering("(三)不予公开"), Some((Numbering::Paren(3), "不予公开")));
        assert_eq!(numbering("（七）总计"), Some((Numbering::Paren(7), "总计")));
        assert_eq!(numbering("2.其他法律行政止公开"), Some((Numbering::Arabic(2), "其他法律行政止公开")));
        assert_eq!(numbering("一、本年新收"), Some((Numbering::Chinese(1), "本年新收")));
        assert_eq!(numbering("十二、x"), Some((Numbering::Chinese(12), "x")));
        assert_eq!(numbering("规章"), None);
        assert_eq!(numbering("2021年"), None);
        assert_eq!(numbering("(本列数据)"), None);
    }

    #[test]
    fn numbering_is_stripped_once() {
        assert_eq!(strip_numbering("(二)部分公开"), "部分公开");
        assert_eq!(strip_numbering("1、属于国家秘密"), "属于国家秘密");
        assert_eq!(strip_numbering("(本列数据)"), "(本列数据)");
        assert_eq!(strip_numbering("2021年"), "2021年");
    }

    #[test]
    fn numerals_are_read_with_their_mark() {
        assert_eq!(leading_numeral("三、收到和处理").map(|x| x.0), Some(3));
        assert_eq!(leading_numeral("六. 其他").map(|x| x.0), Some(6));
        assert_eq!(leading_numeral("三是加强"), None);
        assert_eq!(leading_numeral("十二、x").map(|x| x.0), Some(11));
    }
}
