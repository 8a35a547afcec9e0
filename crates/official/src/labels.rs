//! Matching printed labels on meaning, not bytes, and reading cell values.

use crate::normalize::is_han;

/// The comparable core of a label: numbering (`一、`, `(三)`, `2.`) and parenthetical notes
/// removed, then everything but Han characters, letters and digits dropped. So
/// `(二)部分公开(区分处理的,只计这一情形,不计其他情形)` and `部分公开` compare equal, as do
/// `3.危及“三安全一稳定”` and `3.危及"三安全一稳定"`.
pub fn core(label: &str) -> String {
    let s: String = label.chars().filter(|c| !c.is_whitespace()).collect();
    let s = strip_numbering(&s);
    let out = core_chars(s, true);
    // A label that is all parenthesis, like the applications table's corner note.
    if out.is_empty() {
        core_chars(s, false)
    } else {
        out
    }
}

fn core_chars(s: &str, skip_notes: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' | '（' | '〔' | '[' | '【' => depth += 1,
            ')' | '）' | '〕' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth > 0 && skip_notes => {}
            _ if is_han(c) || c.is_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

const NUMERALS: &str = "一二三四五六七八九十";

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

/// The Chinese numeral (1–10) a string starts with, if followed by an enumeration mark.
pub fn leading_numeral(s: &str) -> Option<(u8, &str)> {
    let t = s.trim_start();
    let mut chars = t.char_indices();
    let (_, first) = chars.next()?;
    let mut n = NUMERALS.chars().position(|c| c == first)? as u8 + 1;
    let mut idx = first.len_utf8();
    if n == 10 {
        // 十一 and up are never section numbers here.
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

/// What a table cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Number(f64),
    /// Blank, or a printed "no value" marker (kept to print it back).
    Null(Option<String>),
    /// Anything else: a label or header.
    Text,
}

const NULL_MARKS: &[&str] = &["—", "——", "–", "-", "--", "―", "/", "／", "无", "不适用", "\\", "－", "一一"];

pub fn cell_value(text: &str) -> CellValue {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
    if t.is_empty() {
        return CellValue::Null(None);
    }
    if NULL_MARKS.contains(&t) {
        return CellValue::Null(Some(t.to_string()));
    }
    match parse_number(t) {
        Some(n) => CellValue::Number(n),
        None => CellValue::Text,
    }
}

pub use nianbao_chinese::parse_number;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cores_ignore_numbering_notes_quotes_and_breaks() {
        assert_eq!(core("(二)部分公开(区分处理的,只计这一情形,不计其他情形)"), "部分公开");
        assert_eq!(core("3.危及“三安全一稳定”"), core("3.危及\"三安全一稳定\""));
        assert_eq!(core("商业\n企业"), "商业企业");
        assert_eq!(core("一、本年新收政府信息公开申请数量"), "本年新收政府信息公开申请数量");
        assert_eq!(core("（七）总计"), "总计");
        assert_eq!(core("上一年项目数量(指2019年事项数)"), "上一年项目数量");
        assert!(
            core("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)").starts_with("本列数据的勾稽关系")
        );
    }

    #[test]
    fn numerals_are_read_with_their_mark() {
        assert_eq!(leading_numeral("三、收到和处理").map(|x| x.0), Some(3));
        assert_eq!(leading_numeral("六. 其他").map(|x| x.0), Some(6));
        assert_eq!(leading_numeral("三是加强"), None);
        assert_eq!(leading_numeral("十二、x").map(|x| x.0), Some(11));
    }

    #[test]
    fn cell_values() {
        assert_eq!(cell_value(" 0 "), CellValue::Number(0.0));
        assert_eq!(cell_value("1,234"), CellValue::Number(1234.0));
        assert_eq!(cell_value("75394432.52元"), CellValue::Number(75394432.52));
        assert_eq!(cell_value("-3"), CellValue::Number(-3.0));
        assert_eq!(cell_value(""), CellValue::Null(None));
        assert_eq!(cell_value("—"), CellValue::Null(Some("—".into())));
        assert_eq!(cell_value("/"), CellValue::Null(Some("/".into())));
        assert_eq!(cell_value("规章"), CellValue::Text);
        assert_eq!(cell_value("1.属于国家秘密"), CellValue::Text);
        assert_eq!(cell_value("2021年"), CellValue::Text);
    }
}
