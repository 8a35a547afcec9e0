//! Matching printed labels on meaning, not bytes, and reading cell values.

use nianbao_chinese::{fold_width, is_han, is_null_mark};
use nianbao_chinese::{parse_number, strip_numbering};

/// The comparable core of a label: numbering (`一、`, `(三)`, `2.`) and parenthetical notes
/// removed, then everything but Han characters, letters and digits dropped. So
/// `(二)部分公开(区分处理的,只计这一情形,不计其他情形)` and `部分公开` compare equal, as do
/// `3.危及“三安全一稳定”` and `3.危及"三安全一稳定"`.
pub fn core(label: &str) -> String {
    let s: String = fold_width(label).chars().filter(|c| !c.is_whitespace()).collect();
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

/// What a table cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Number(f64),
    /// Blank, or a printed "no value" marker (kept to print it back).
    Null(Option<String>),
    /// Anything else: a label or header.
    Text,
}

pub fn cell_value(text: &str) -> CellValue {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
    if t.is_empty() {
        return CellValue::Null(None);
    }
    if is_null_mark(t) {
        return CellValue::Null(Some(t.to_string()));
    }
    match parse_number(t) {
        Some(n) => CellValue::Number(n),
        None => CellValue::Text,
    }
}

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
        assert_eq!(core("１．属于国家秘密"), "属于国家秘密");
        assert_eq!(core("上一年项目数量(指2019年事项数)"), "上一年项目数量");
        assert!(
            core("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)").starts_with("本列数据的勾稽关系")
        );
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
