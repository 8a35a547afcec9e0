//! Dates, years and index numbers (索引号) as official documents and their web pages print them,
//! scanned by hand: these run on every line of every document, and compiling regular
//! expressions would cost more than the scan.

/// `(byte start, byte end, YYYY-MM-DD)` of the first date in `s`: `2022年1月11日`,
/// `2022-01-11`, `2022/1/11`, `2022.01.11`.
pub fn find_date(s: &str) -> Option<(usize, usize, String)> {
    let b = s.as_bytes();
    let mut i = 0;
    while i + 4 <= b.len() {
        if let Some(found) = date_at(s, i) {
            return Some(found);
        }
        i += 1;
    }
    None
}

fn digits(s: &str, at: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let n = s[at..].bytes().take(max + 1).take_while(u8::is_ascii_digit).count();
    if n < min || n > max {
        return None;
    }
    Some((s[at..at + n].parse().ok()?, at + n))
}

fn skip_spaces(s: &str, at: usize) -> usize {
    at + s[at..].bytes().take_while(|b| *b == b' ').count()
}

fn sep(s: &str, at: usize, seps: &[&str]) -> Option<usize> {
    let at = skip_spaces(s, at);
    seps.iter().find(|x| s[at..].starts_with(**x)).map(|x| skip_spaces(s, at + x.len()))
}

fn date_at(s: &str, i: usize) -> Option<(usize, usize, String)> {
    if !s.is_char_boundary(i) || (i > 0 && s.as_bytes()[i - 1].is_ascii_digit()) {
        return None;
    }
    let (y, at) = digits(s, i, 4, 4)?;
    let at = sep(s, at, &["-", "年", "/", "."])?;
    let (m, at) = digits(s, at, 1, 2)?;
    let at = sep(s, at, &["-", "月", "/", "."])?;
    let (d, mut at) = digits(s, at, 1, 2)?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let after = skip_spaces(s, at);
    if s[after..].starts_with('日') {
        at = after + '日'.len_utf8();
    }
    Some((i, at, format!("{y}-{m:02}-{d:02}")))
}

const CN_DIGITS: &str = "〇一二三四五六七八九";

fn cn_digit(c: char) -> Option<u32> {
    if c == '零' || c == 'O' || c == '０' {
        return Some(0);
    }
    CN_DIGITS.chars().position(|d| d == c).map(|p| p as u32)
}

/// A month or day in Chinese numerals: 五, 十, 十二, 二十, 二十五, 三十一.
fn cn_small(s: &str) -> Option<(u32, usize)> {
    let mut chars = s.char_indices().peekable();
    let mut value = 0;
    let mut end = 0;
    let mut seen = false;
    while let Some(&(i, c)) = chars.peek() {
        if c == '十' {
            value = if seen { value * 10 } else { 10 };
        } else if let Some(d) = cn_digit(c).filter(|d| *d > 0) {
            value = if value >= 10 && value % 10 == 0 { value + d } else { value * 10 + d };
        } else {
            break;
        }
        seen = true;
        end = i + c.len_utf8();
        chars.next();
    }
    seen.then_some((value, end))
}

/// `二〇二四年二月五日`, as signatures of official documents print dates.
fn cn_date_at(s: &str, i: usize) -> Option<(usize, usize, String)> {
    let mut y = 0;
    let mut at = i;
    for _ in 0..4 {
        let c = s[at..].chars().next()?;
        y = y * 10 + cn_digit(c)?;
        at += c.len_utf8();
    }
    let at = at + s[at..].strip_prefix('年').map(|_| '年'.len_utf8())?;
    let (m, n) = cn_small(&s[at..])?;
    let at = at + n + s[at + n..].strip_prefix('月').map(|_| '月'.len_utf8())?;
    let (d, n) = cn_small(&s[at..])?;
    let at = at + n + s[at + n..].strip_prefix('日').map(|_| '日'.len_utf8())?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| (i, at, format!("{y}-{m:02}-{d:02}")))
}

/// A line that is only a date, possibly with a time of day (`2022-01-11 10:30`).
pub fn date_line(text: &str) -> Option<String> {
    let t = text.trim();
    let (start, end, iso) = date_at(t, 0).or_else(|| cn_date_at(t, 0)).filter(|d| d.0 == 0)?;
    let rest = t[end..].trim();
    let time = rest.len() <= 8 && rest.contains(':') && rest.chars().all(|c| c.is_ascii_digit() || c == ':');
    (start == 0 && (rest.is_empty() || time)).then_some(iso)
}

/// Years written `2021年` (19xx or 20xx): `(byte start, byte end after 年, year)`.
pub fn years(s: &str) -> impl Iterator<Item = (usize, usize, i32)> + '_ {
    s.match_indices('年').filter_map(move |(j, _)| {
        let before = s[..j].trim_end_matches(' ');
        let n = before.bytes().rev().take_while(u8::is_ascii_digit).count();
        if n != 4 {
            return None;
        }
        let start = before.len() - 4;
        let y: i32 = before[start..].parse().ok()?;
        (1900..2100).contains(&y).then_some((start, j + '年'.len_utf8(), y))
    })
}

/// An index number (索引号) standing alone: `12330703766405351H/2022-115518`.
pub fn is_index_no(text: &str) -> bool {
    let t = text.trim();
    let Some((code, rest)) = t.split_once(['/', '-']) else { return false };
    let Some((year, serial)) = rest.split_once('-') else { return false };
    (6..=20).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_alphanumeric())
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && serial.len() >= 2
        && serial.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_their_printed_forms() {
        assert_eq!(date_line("2022年1月11日"), Some("2022-01-11".into()));
        assert_eq!(date_line("2022-01-11 10:30"), Some("2022-01-11".into()));
        assert_eq!(date_line("2022 年 1 月 11 日"), Some("2022-01-11".into()));
        assert_eq!(date_line("2022年1月11日起"), None);
        assert_eq!(date_line("二〇二四年二月五日"), Some("2024-02-05".into()));
        assert_eq!(date_line("二〇二三年十二月三十一日"), Some("2023-12-31".into()));
        assert_eq!(date_line("二〇二〇年十月十日"), Some("2020-10-10".into()));
        assert_eq!(date_line("二〇二〇年十三月一日"), None);
        assert_eq!(find_date("时间:2024-01-17 17:17").map(|d| d.2), Some("2024-01-17".into()));
        assert_eq!(find_date("自2023年1月1日至").map(|d| d.2), Some("2023-01-01".into()));
        assert_eq!(find_date("2023年13月1日"), None);
    }

    #[test]
    fn years_and_index_numbers() {
        let y: Vec<i32> = years("2019年度浏阳市 2020 年,12345年").map(|x| x.2).collect();
        assert_eq!(y, [2019, 2020]);
        assert!(is_index_no("12330703766405351H/2022-115518"));
        assert!(is_index_no("000014349/2021-00123"));
        assert!(!is_index_no("2022-01-11"));
        assert!(!is_index_no("主动公开"));
    }
}
