//! Conventions of Chinese official documents and of the government web pages that publish them,
//! kept in one place so that every reader and the recognizer agree on them: which characters
//! are Han or wide, what a page number looks like, how a number is printed in a table cell, and
//! which words only page furniture uses. It knows nothing about any file format or about the
//! annual report itself; plugins may depend on it.

mod dates;
mod numbering;

pub use dates::{date_line, find_date, is_index_no, years};
pub use numbering::{leading_numeral, numbering, strip_numbering, Numbering};
use std::borrow::Cow;

/// A Han ideograph (the URO, extension A, compatibility ideographs, and the supplementary
/// planes' extensions).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}')
}

/// A wide character: CJK ideographs, kana, hangul, CJK and full-width punctuation and forms.
/// Chinese typesetting puts no spaces between wide characters, nor between them and Latin
/// text; a gap next to one is typography, not a space.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x2E80..=0x303F | 0x3040..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// Folds full-width ASCII forms (`１２`, `（`, `：`) and odd spaces to their plain forms, for
/// matching. CJK punctuation proper (`、。《》“”`) is kept. Strings with nothing to fold are
/// not copied.
pub fn fold_width(s: &str) -> Cow<'_, str> {
    let odd = |c: char| matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200B}' | '\u{202F}' | '\u{FEFF}');
    if !s.contains(odd) {
        return Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200A}' | '\u{202F}' => ' ',
            '\u{200B}' | '\u{FEFF}' => '\u{200B}',
            _ => c,
        })
        .filter(|c| *c != '\u{200B}')
        .collect()
}

const DASHES: [char; 4] = ['-', '—', '–', '─'];

/// A page number as official documents print it (GB/T 9704: `— 5 —`), or as a copy of a
/// printed page keeps it: `-5-`, `第5页`, `第5页 共6页`. Strict enough to apply to any line of
/// text or any cell: a bare `5` is not one (it is a table value as often as a folio).
pub fn is_folio(text: &str) -> bool {
    let t = text.trim();
    let n = t.trim_matches(DASHES).trim();
    let digits = |n: &str| (1..=4).contains(&n.len()) && n.chars().all(|c| c.is_ascii_digit());
    let dashed = t.starts_with(DASHES) && t.ends_with(DASHES) && digits(n);
    let counted = t.split_whitespace().all(|w| {
        w.strip_prefix('第').or_else(|| w.strip_prefix('共')).and_then(|w| w.strip_suffix('页')).is_some_and(digits)
    });
    dashed || (counted && !t.is_empty())
}

/// A page mark in a page's header or footer band, where anything short and numeric is one:
/// besides [`is_folio`]'s forms, a bare `5` or `５`, `2/6`, `Page 4 of 9`. Only for text known
/// to sit in those bands.
pub fn is_page_mark(text: &str) -> bool {
    let mut rest = text.replace("Page", "").replace("page", "").replace("of", "");
    rest.retain(|c| !c.is_whitespace() && !"-—–―─‒_~·•|()（）[]【】<>第页共/".contains(c));
    !rest.is_empty()
        && rest.chars().count() <= 8
        && rest.chars().all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
}

/// Units a number may be printed with in a cell.
const UNITS: &[&str] = &["万元", "元", "件", "个", "项", "条", "人次", "次", "%"];

/// The number printed in a table cell: ASCII or full-width digits; thousands separators, inner
/// spaces, a sign and a trailing unit allowed (`251000元`, `1,234`, `- 3`, `３件`). None for
/// anything else, including a label that starts with digits (`1.属于国家秘密`, `2021年`).
pub fn parse_number(text: &str) -> Option<f64> {
    let folded = fold_width(text);
    let mut s: String = folded.chars().filter(|c| !c.is_whitespace() && *c != ',' && *c != '，').collect();
    for u in UNITS {
        if let Some(x) = s.strip_suffix(u) {
            s = x.to_string();
            break;
        }
    }
    let body = s.strip_prefix(['+', '-', '−', '－']).unwrap_or(&s);
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.') || body.starts_with('.') {
        return None;
    }
    if body.matches('.').count() > 1 || body.len() > 18 {
        return None;
    }
    let v: f64 = body.parse().ok()?;
    let neg = s.starts_with(['-', '−', '－']);
    Some(if neg { -v } else { v })
}

/// What a table cell prints for "no value": dashes, a slash, `无`, `不适用`.
pub const NULL_MARKS: &[&str] = &["—", "——", "–", "-", "--", "―", "/", "／", "无", "不适用", "\\", "－", "一一"];

/// Is the cell's text (trimmed) a printed "no value" marker?
pub fn is_null_mark(text: &str) -> bool {
    NULL_MARKS.contains(&text.trim())
}

/// Does the cell hold a number (see [`parse_number`])?
pub fn is_number(text: &str) -> bool {
    parse_number(text).is_some()
}

/// Words that only page furniture prints: breadcrumbs, tool links, share widgets, related-link
/// lists, footers. Matched case-insensitively in lines of at most [`CHROME_LINE_CHARS`].
pub const CHROME_WORDS: &[&str] = &[
    "您当前的位置",
    "您现在的位置",
    "您的位置",
    "当前位置",
    "所在位置",
    "打印本页",
    "打印此页",
    "关闭窗口",
    "关闭本页",
    "【打印】",
    "【关闭】",
    "[打印]",
    "[关闭]",
    "扫一扫",
    "手机上查看",
    "手机扫描",
    "分享到",
    "附件下载",
    "相关解读",
    "文字解读",
    "图片解读",
    "视频解读",
    "访谈解读",
    "媒体报道",
    "相关链接",
    "相关文章",
    "相关阅读",
    "相关新闻",
    "上一篇",
    "下一篇",
    "返回顶部",
    "icp备",
    "icp证",
    "网安备",
    "网站标识码",
    "版权所有",
    "copyright",
    "主办单位",
    "承办单位",
    "技术支持",
    "联系我们",
    "网站地图",
    "收藏本页",
    "设为首页",
    "加入收藏",
    "浏览次数",
    "访问次数",
    "阅读次数",
    "次浏览",
    "主办 ",
    "承办 ",
];

/// A line longer than this is text, whatever words it contains.
pub const CHROME_LINE_CHARS: usize = 80;

/// A line of page furniture: a breadcrumb (`首页 > 信息公开`), tool links, a footer, the font
/// size switch (`字体：大 中 小`), a bare `附件：`, or a row of separators.
pub fn is_chrome_line(text: &str) -> bool {
    let t = text.trim();
    if t.chars().count() > CHROME_LINE_CHARS {
        return false;
    }
    let lower = t.to_lowercase();
    CHROME_WORDS.iter().any(|w| lower.contains(w))
        || (t.contains("首页") && t.contains(['>', '»', '›']))
        || ((t.contains("字体") || t.contains("字号")) && t.contains('大') && t.contains('小'))
        || t.trim_end_matches([':', '：']) == "附件"
        || (!t.is_empty() && t.chars().all(|c| c == '|' || c == ' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_and_wide() {
        assert!(is_han('报') && is_han('𠀀') && !is_han('A') && !is_han('，'));
        assert!(is_wide('，') && is_wide('报') && is_wide('“') && !is_wide('a') && !is_wide('1'));
    }

    #[test]
    fn full_width_forms_fold() {
        assert_eq!(fold_width("（一）２０２１年：１２件\u{3000}"), "(一)2021年:12件 ");
        assert_eq!(fold_width("、。《》“”"), "、。《》“”");
        assert!(matches!(fold_width("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn folios_strict_and_page_marks_lenient() {
        for t in ["— 5 —", "-5-", "第5页", "第3页 共6页", "－12－"] {
            assert!(is_folio(&fold_width(t)), "{t}");
        }
        for t in ["5", "2023年2月10日", "一、总体情况", "-", "第页"] {
            assert!(!is_folio(t), "{t}");
        }
        for t in ["-1-", "— 12 —", "第 3 页", "第1页 共6页", "2/6", "Page 4 of 9", "５", "7"] {
            assert!(is_page_mark(t), "{t}");
        }
        for t in ["2023年2月10日", "一、总体情况", "0864-66518789"] {
            assert!(!is_page_mark(t), "{t}");
        }
    }

    #[test]
    fn numbers_as_printed() {
        assert_eq!(parse_number(" 0 "), Some(0.0));
        assert_eq!(parse_number("1,234"), Some(1234.0));
        assert_eq!(parse_number("75394432.52元"), Some(75394432.52));
        assert_eq!(parse_number("-3"), Some(-3.0));
        assert_eq!(parse_number("３件"), Some(3.0));
        assert_eq!(parse_number("1.属于国家秘密"), None);
        assert_eq!(parse_number("2021年"), None);
        assert_eq!(parse_number("1.2.3"), None);
        assert_eq!(parse_number(".5"), None);
        assert!(is_number("12") && !is_number("规章"));
    }

    #[test]
    fn chrome_lines() {
        for t in [
            "您当前的位置:首页 > 政务公开",
            "首页 > 信息公开 > 年报",
            "【打印】【关闭】",
            "字体:[大 中 小]",
            "附件:",
            "Copyright 2023",
            "| |",
        ] {
            assert!(is_chrome_line(t), "{t}");
        }
        for t in ["一、总体情况", "本年度共收到申请3件。"] {
            assert!(!is_chrome_line(t), "{t}");
        }
    }
}
