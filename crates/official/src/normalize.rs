//! Text normalization applied to every string of a document before recognition: pinyin that
//! mirror sites inject after characters (`報(bào)告`) removed, and traditional characters
//! converted to simplified when the document is written in them. Full-width forms are kept:
//! the report keeps the document's punctuation, and recognition folds them only to match.

use nianbao_chinese::is_han;
use nianbao_document::Document;
use std::borrow::Cow;

const TONED: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ";

/// One pinyin syllable with a tone mark: at most seven lower-case letters. Requiring the tone
/// mark keeps real parentheticals such as `(www)` intact.
fn is_toned_syllable(s: &str) -> bool {
    let n = s.chars().count();
    (1..=7).contains(&n)
        && s.chars().all(|c| c.is_ascii_lowercase() || c == 'ü' || TONED.contains(c))
        && s.chars().any(|c| TONED.contains(c))
}

/// Removes `(pīn)` written right after a Han character.
pub fn strip_pinyin(s: &str) -> Cow<'_, str> {
    if !s.contains(['(', '（']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut prev: Option<char> = None;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        if (c == '(' || c == '（') && prev.is_some_and(is_han) {
            if let Some(end) = after.find([')', '）']) {
                if is_toned_syllable(&after[..end]) {
                    let close = after[end..].chars().next().map_or(1, char::len_utf8);
                    rest = &after[end + close..];
                    continue;
                }
            }
        }
        out.push(c);
        prev = Some(c);
        rest = after;
    }
    Cow::Owned(out)
}

/// Is the text mostly written in traditional characters? Counts the characters that OpenCC's
/// conversion would change: simplified text changes in almost none.
pub fn is_traditional(sample: &str) -> bool {
    let han = sample.chars().filter(|c| is_han(*c)).count();
    // Loading OpenCC's dictionaries costs a millisecond: first look for the traditional forms
    // that any report is bound to use.
    static COMMON: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    let common_set = COMMON.get_or_init(|| {
        let mut v: Vec<char> = COMMON_TRADITIONAL.chars().collect();
        v.sort_unstable();
        v
    });
    let common = sample.chars().filter(|c| common_set.binary_search(c).is_ok()).take(3).count();
    if han < 8 || common < 3 {
        return false;
    }
    let converted = hanconv::t2s(sample);
    let changed = sample.chars().zip(converted.chars()).filter(|(a, b)| a != b).count();
    changed * 100 >= han * 3 && changed >= 4
}

const COMMON_TRADITIONAL: &str = "報開資訊條與為國會關門區縣鄉鎮廳辦處發務單機構請應議訴訟結總計說書體這個們時來對過還後點無當際問員長專業東於網級導實經濟項號類統";

/// Normalizes every string of the document in place.
pub fn normalize(doc: &mut Document) {
    let mut sample = String::new();
    visit(doc, &mut |s: &mut String| {
        if let Cow::Owned(clean) = strip_pinyin(s) {
            *s = clean;
        }
        if sample.len() < 20_000 {
            sample.push_str(s);
        }
    });
    let traditional = is_traditional(&sample);
    if traditional {
        visit(doc, &mut |s: &mut String| *s = hanconv::t2s(s.as_str()));
    }
}

/// Every string of the document: its properties, then its text.
fn visit(doc: &mut Document, f: &mut impl FnMut(&mut String)) {
    for p in &mut doc.meta {
        f(&mut p.key);
        f(&mut p.value);
    }
    doc.for_each_text_mut(f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injected_pinyin_goes_real_parentheses_stay() {
        assert_eq!(strip_pinyin("本報(bào)告依據(jù)《條例》"), "本報告依據《條例》");
        assert_eq!(strip_pinyin("網站(www.gov.cn)和(下称《条例》)"), "網站(www.gov.cn)和(下称《条例》)");
        assert_eq!(strip_pinyin("电话(0575)"), "电话(0575)");
    }

    #[test]
    fn traditional_text_is_detected_and_simplified_is_not() {
        assert!(is_traditional("芳莊鄉人民政府2021年政府信息公開工作年度報告"));
        assert!(!is_traditional("芳庄乡人民政府2021年政府信息公开工作年度报告"));
        assert!(!is_traditional("我镇无需要说明的其他事项,著作权归本网站所有。"));
    }
}
