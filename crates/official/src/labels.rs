//! Matching printed labels on meaning, not bytes, and reading cell values.

use nianbao_chinese::{fold_width, is_han, is_null_mark};
use nianbao_chinese::{parse_number, strip_numbering};

/// The comparable core of a label: numbering (`一、`, `(三)`, `2.`) and parenthetical notes
/// removed, then everything but Han characters, letters and digits dropped. So
/// `(二)部分公开(区分处理的,只计这一情形,不计其他情形)` and `部分公开` compare equal, as do
/// `3.危及“三安全一稳定”` and `3.危及"三安全一稳定"`.
pub fn core(label: &str) -> String {
    let folded = fold_width(label);
    let s: std::borrow::Cow<str> = if folded.contains(char::is_whitespace) {
        folded.chars().filter(|c| !c.is_whitespace()).collect::<String>().into()
    } else {
        folded
    };
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
    /// A figure that is no number (`约3`), where a value is printed: never placed in a cell.
    Odd,
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

/// Text in a value cell that holds a figure but is no number: `约3`, `3左右`, `2021年`. Such a
/// cell is read as an unsure value, never as a label or a number.
pub fn looks_numeric(text: &str) -> bool {
    let t = fold_width(text.trim());
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let other = t.chars().filter(|c| !c.is_ascii_digit() && !c.is_ascii_punctuation() && !c.is_whitespace()).count();
    digits > 0 && other <= 2 && t.chars().count() <= 10 && strip_numbering(&t).len() == t.len()
}

/// Units a number may be printed with that are no surprise in an amount column.
const AMOUNT_UNITS: &[&str] = &["元", "万元"];

/// What is unusual in the printed text of a number (`3件`, `１２`, `1,234`, `1 2`), if anything;
/// `amount` for the amount columns, where `元` and `万元` are the normal way to print one.
pub fn oddity(printed: &str, amount: bool) -> Option<&'static str> {
    let t = printed.trim();
    if t.chars().any(|c| ('０'..='９').contains(&c)) {
        return Some("full-width digits");
    }
    if t.contains([',', '，']) {
        return Some("a thousands separator");
    }
    if t.contains(char::is_whitespace) {
        return Some("spaces inside the number");
    }
    if t.starts_with(['+', '＋']) {
        return Some("a plus sign");
    }
    if t.ends_with(|c: char| !c.is_ascii_digit() && c != '.') {
        let unit = amount && AMOUNT_UNITS.iter().any(|u| t.ends_with(u));
        return (!unit).then_some("a unit after the number");
    }
    None
}

/// How alike two label cores are: 1 − edit distance / the longer length, over characters.
pub fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if ca == cb { diag } else { 1 + diag.min(up).min(row[j]) };
            diag = up;
        }
    }
    1.0 - row[b.len()] as f64 / longest as f64
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

    #[test]
    fn figures_that_are_no_numbers() {
        for t in ["约3", "3左右", "2021年", "３个多"] {
            assert!(looks_numeric(t), "{t}");
        }
        for t in ["1.属于国家秘密", "规章", "(七)总计", "第1项情形", "本年收费金额(单位:万元)"]
        {
            assert!(!looks_numeric(t), "{t}");
        }
    }

    #[test]
    fn unusual_printed_numbers() {
        assert_eq!(oddity("3件", false), Some("a unit after the number"));
        assert_eq!(oddity("１２", false), Some("full-width digits"));
        assert_eq!(oddity("1,234", false), Some("a thousands separator"));
        assert_eq!(oddity("75394432.52元", true), None);
        assert_eq!(oddity("12", false), None);
        assert_eq!(oddity("-3", false), None);
        assert_eq!(oddity("0.5", false), None);
    }

    #[test]
    fn similarity_of_cores() {
        // The WPS typo of issue 11: three characters lost out of twelve.
        assert_eq!(similarity("其他法律行政止公开", "其他法律行政法规禁止公开"), 0.75);
        assert!(similarity("其他法律行政止公开", "危及三安全一稳定") < 0.2);
        assert_eq!(similarity("规章", "规章"), 1.0);
        assert_eq!(similarity("行政处法", "行政处罚"), 0.75);
    }
}
