//! Text as a reader sees it: HTML whitespace collapsed the way browsers show it, and the
//! `标签：值` pairs of metadata lines.

use nianbao_chinese::is_wide;

/// Marks a hard line break (`<br>`, a block boundary) inside collected raw text.
pub const BREAK: char = '\u{1}';

/// Collapses raw HTML text the way a browser lays it out: runs of source whitespace become
/// one space, except that a line break in the source next to a CJK character disappears (CSS
/// Text's segment-break rule; Word and CMS editors wrap source lines between any two
/// characters). Non-breaking and ideographic spaces, used as padding, count as spaces here;
/// the result is trimmed.
pub fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if is_source_space(c) {
            let mut newline = c == '\n' || c == '\r';
            while let Some(&d) = chars.peek() {
                if !is_source_space(d) {
                    break;
                }
                newline |= d == '\n' || d == '\r';
                chars.next();
            }
            let before = out.chars().next_back();
            let after = chars.peek().copied();
            let joins_cjk = newline && (before.is_some_and(is_wide) || after.is_some_and(is_wide));
            if !joins_cjk {
                out.push(' ');
            }
        } else if matches!(c, '\u{A0}' | '\u{3000}' | '\u{2002}'..='\u{200A}') {
            out.push(' ');
        } else if !matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{AD}') {
            out.push(c);
        }
    }
    squeeze_spaces(&out)
}

fn squeeze_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim_matches(' ').chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

fn is_source_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{C}')
}

/// Splits raw text at hard breaks into clean, non-empty lines.
pub fn lines(raw: &str) -> Vec<String> {
    raw.split(BREAK).map(clean).filter(|l| !l.is_empty()).collect()
}

/// A line made only of `标签：值` pairs, like `发布日期：2023-02-10  信息来源：市政府办公室`:
/// the pairs, labels without their colons. None when any part of the line is not a pair.
pub fn pairs(line: &str) -> Option<Vec<(String, String)>> {
    let line = line.trim().trim_start_matches(['【', '[']);
    let starts = label_starts(line);
    if starts.first().is_none_or(|s| s.0 != 0) {
        return None;
    }
    let mut out = Vec::new();
    for (i, &(start, colon)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(line.len(), |n| n.0);
        let label = &line[start..colon];
        let value = line[colon..end].trim_start_matches([':', '：']);
        let value = value.trim_matches(|c: char| c == ' ' || "【】[]|".contains(c));
        if value.is_empty() || is_widget(value) {
            continue;
        }
        out.push((label.to_string(), value.to_string()));
    }
    (!out.is_empty()).then_some(out)
}

/// Where labels start and where their colon is: a label is 2 to 8 letters (no digits,
/// spaces or punctuation) at the start of the line or after a space, `|` or bracket.
fn label_starts(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (colon, c) in line.char_indices() {
        if c != ':' && c != '：' {
            continue;
        }
        let mut start = colon;
        let mut n = 0;
        for (i, d) in line[..colon].char_indices().rev() {
            if !d.is_alphabetic() {
                break;
            }
            start = i;
            n += 1;
        }
        let boundary = line[..start].chars().next_back().is_none_or(|b| b == ' ' || "【】[]|".contains(b));
        if (2..=8).contains(&n) && boundary {
            out.push((start, colon));
        }
    }
    out
}

/// A font-size widget (`[大 中 小]`) or share buttons: one-character words only.
fn is_widget(value: &str) -> bool {
    let words: Vec<&str> = value.split([' ', '|']).filter(|w| !w.is_empty()).collect();
    words.len() >= 2 && words.iter().all(|w| w.trim_matches(|c: char| "【】[]".contains(c)).chars().count() <= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_line_breaks_between_cjk_vanish() {
        assert_eq!(clean("市政府办公室通过\r\n  当阳市人民政府网站"), "市政府办公室通过当阳市人民政府网站");
        assert_eq!(clean("共收到\n152件"), "共收到152件");
        assert_eq!(clean("  In  force\n now "), "In force now");
        assert_eq!(clean("\u{A0}\u{A0}\u{3000}一、总体情况\u{A0}"), "一、总体情况");
        assert_eq!(clean("发布日期:2023-02-10 \u{A0} 信息来源:办公室"), "发布日期:2023-02-10 信息来源:办公室");
        assert_eq!(clean("1\u{200B}2"), "12");
    }

    #[test]
    fn hard_breaks_make_lines() {
        assert_eq!(lines("商业\n\u{1}企业\u{1}\u{1} "), ["商业", "企业"]);
    }

    #[test]
    fn metadata_lines_split_into_pairs() {
        let p = pairs("发布日期:2023-02-10 信息来源:当阳市政府办公室 浏览次数:1538 字号:[大 中 小]").unwrap();
        assert_eq!(
            p,
            [("发布日期", "2023-02-10"), ("信息来源", "当阳市政府办公室"), ("浏览次数", "1538")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        let p = pairs("【发布时间：2023-03-06 17:30】【来源：背荫河镇】").unwrap();
        assert_eq!(p[0], ("发布时间".into(), "2023-03-06 17:30".into()));
        assert_eq!(p[1], ("来源".into(), "背荫河镇".into()));
        assert_eq!(pairs("索引号：").as_deref(), None);
    }

    #[test]
    fn prose_is_not_pairs() {
        assert_eq!(pairs("现将有关情况报告如下:"), None);
        assert_eq!(pairs("如对本报告有疑问,请联系,电话:0864-66518789。"), None);
        assert_eq!(pairs("2023-02-10 12:45"), None);
    }
}
