//! Finding the title and the meta: the title among the lines before the first heading (also set
//! over two lines), the agency from the title or the signature, the year, the publication date
//! and the 索引号 from the properties, the signature or the text.

use crate::recognize::items::{is_prop_line, Item, Line, Props};
use nianbao_chinese::{date_line, find_date, fold_width, is_chrome_line, is_han, years};
use nianbao_document::Align;
use nianbao_report::{Layout, Meta, Section};

pub fn is_report_title(text: &str) -> bool {
    let n = text.chars().count();
    (6..=90).contains(&n)
        && (text.contains("报告") || text.contains("年报"))
        && !text.contains('。')
        && !text.starts_with('本')
        && !text.starts_with("根据")
        && !text.starts_with("按照")
        && !is_chrome_line(text)
        // `索引号: …/2024-114143 分类: 政府信息公开年报`: a metadata line, however it ends.
        && !is_prop_line(text)
}

/// Finds the title among the items before the first section heading. Returns it and the index
/// where the report body (preamble) starts.
pub fn find_title(items: &[Item], limit: usize) -> (Option<Line>, usize) {
    let texts: Vec<(usize, &Line, Option<u8>, Align)> = items[..limit]
        .iter()
        .enumerate()
        .filter_map(|(i, it)| match it {
            Item::Text { line, level, align, .. } => Some((i, line, *level, *align)),
            _ => None,
        })
        .collect();
    // A title names its agency or its year; a bare `政府信息公开年报` is a site's column name.
    let names =
        |t: &str| agency_from_title(t).is_some() || t.contains(|c: char| c.is_ascii_digit()) || t.contains('〇');
    // In order: a top heading that names them, any line that does, a top heading, any line.
    let pick = [(true, true), (false, true), (true, false), (false, false)].iter().find_map(|&(top, named)| {
        texts.iter().position(|t| is_report_title(&t.1.key) && (!top || t.2 == Some(1)) && (!named || names(&t.1.key)))
    });
    let titled = |l: Option<u8>, a: Align| l.is_some() || a == Align::Center;
    let Some(k) = pick else {
        // A title broken where neither line is one alone (`…政府信息公开工作` / `年度报告`):
        // two adjacent lines both set as a title.
        return texts
            .windows(2)
            .find(|w| {
                w[0].0 + 1 == w[1].0
                    && titled(w[0].2, w[0].3)
                    && titled(w[1].2, w[1].3)
                    && is_report_title(&format!("{}{}", w[0].1.key, w[1].1.key))
            })
            .map_or((None, 0), |w| (Some(w[0].1.join(w[1].1)), w[1].0 + 1));
    };
    let (idx, line, level, align) = texts[k];
    let mut title = line.clone();
    let mut start = idx + 1;
    // A title printed over two lines (`泉州市安溪县人力资源和社会保障局` / `2025年政府信息公开工作
    // 年度报告`, or broken anywhere by a writer's line balancing): the line above belongs to it
    // when both are set as a title (headings, or centred) and only together do they name the
    // agency. A title that names its agency alone is whole: the line above is a site name.
    if k > 0 {
        let (pi, prev, pl, pa) = texts[k - 1];
        let joined = prev.join(&title);
        // Without styles (a converter dropped them) the line above must be an agency's name
        // and nothing else.
        let bare_agency = prev.key.chars().count() <= 30 && looks_like_agency(prev.key.trim());
        if pi + 1 == idx
            && ((titled(pl, pa) && titled(level, align)) || bare_agency)
            && agency_from_title(&title.key).is_none()
            && agency_from_title(&joined.key).is_some()
        {
            title = joined;
        }
    }
    if !title.key.ends_with("报告") {
        if let Some(&(ni, next, _, _)) = texts.get(k + 1) {
            if ni == idx + 1 && next.key.ends_with("报告") && next.key.chars().count() <= 30 && !next.key.contains('。')
            {
                title = title.join(next);
                start = ni + 1;
            }
        }
    }
    // The title found in a key-value table of properties (a spreadsheet's 报告信息 sheet) is
    // printed again as the first line of the text: up to that line, all is title matter.
    if let Some(&(ni, _, _, _)) = texts.iter().skip(k + 1).find(|t| t.0 >= start && t.1.key == title.key) {
        start = ni + 1;
    }
    (Some(title), start)
}

fn prop<'a>(props: &'a Props, labels: &[&str]) -> Option<&'a str> {
    labels.iter().find_map(|l| props.iter().find(|(k, v)| k == l && !v.is_empty()).map(|(_, v)| v.as_str()))
}

const AGENCY_ENDINGS: &[&str] = &[
    "政府",
    "办公室",
    "委员会",
    "局",
    "厅",
    "中心",
    "院",
    "所",
    "处",
    "站",
    "队",
    "委",
    "会",
    "部",
    "署",
    "办",
    "街道",
    "镇",
    "乡",
    "馆",
    "社",
    "司",
    "公司",
    "集团",
    "管委会",
    "园区",
];

pub fn looks_like_agency(s: &str) -> bool {
    let n = s.chars().count();
    (3..=40).contains(&n)
        && s.chars().all(|c| is_han(c) || "()()".contains(c))
        && AGENCY_ENDINGS.iter().any(|e| s.ends_with(e))
}

/// The reporting body named in a title such as `2019年度浏阳市达浒镇人民政府政府信息公开工作年度报告`
/// or `晋江市龙湖镇人民政府关于2023年政府信息公开工作年度报告`.
pub fn agency_from_title(title: &str) -> Option<String> {
    let t: String = title.chars().filter(|c| !c.is_whitespace() && !"《》".contains(*c)).collect();
    let mut t = t;
    loop {
        let Some((a, b, _)) = years(&t).next() else { break };
        let b = if t[b..].starts_with('度') { b + '度'.len_utf8() } else { b };
        t.replace_range(a..b, "");
    }
    let cut = ["政府信息公开", "政务公开", "信息公开"].iter().filter_map(|k| t.find(k)).min()?;
    let mut a = t[..cut].trim_end_matches("关于").trim_end_matches('的').trim_start_matches("关于").to_string();
    if a.ends_with("人民") {
        a.push_str("政府");
    }
    looks_like_agency(&a).then_some(a)
}

/// The meta of the report titled `title`: its agency as printed in the title or the signature,
/// else as the properties give it.
pub fn meta(title: Option<Line>, sections: &[Section], props: &Props, layout: Layout) -> Meta {
    let fold = |s: &str| fold_width(s).into_owned();
    let title = title.unwrap_or_else(|| {
        prop(props, &["标题", "title", "名称"])
            .filter(|t| is_report_title(&fold(t)))
            .map(Line::new)
            .unwrap_or(Line::new(""))
    });
    // The signature: the last paragraphs, an agency over a date.
    let tail: Vec<&String> = sections.last().map(|s| s.paragraphs.iter().rev().take(3).collect()).unwrap_or_default();
    let sig_date = tail.iter().find_map(|p| date_line(&fold(p)));
    let sig_agency = tail.iter().map(|p| p.trim()).find(|p| looks_like_agency(&fold(p))).map(str::to_string);
    // The agency as the title prints it.
    let in_title = agency_from_title(&title.key).map(|a| match title.key.find(&a) {
        Some(at) => title.range(at, at + a.len()).text,
        None => a,
    });

    let agency = prop(props, &["报告主体"]).map(str::to_string).or(in_title).or(sig_agency).or_else(|| {
        prop(props, &["发布机构", "author", "来源"]).filter(|a| looks_like_agency(&fold(a))).map(str::to_string)
    });

    let published = sig_date.or_else(|| {
        // Not the format's own `date`: a file's creation date is not when the report was published.
        prop(props, &["发布日期", "发文日期", "成文日期", "公开日期", "发布时间", "时间", "日期", "生成日期"])
            .and_then(|v| find_date(&fold(v)).map(|d| d.2))
    });

    let year = prop(props, &["统计年度", "年度"])
        .and_then(|v| years(&format!("{}年", fold(v))).next().map(|y| y.2))
        .or_else(|| years(&title.key).next().map(|y| y.2))
        .or_else(|| narrative_year(sections))
        .or_else(|| published.as_ref().and_then(|p| p[..4].parse::<i32>().ok()).map(|y| y - 1));

    let index_no = prop(props, &["索引号"]).map(fold);
    Meta { title: title.text, agency, year, published, index_no, layout }
}

/// The year the narrative talks about most (`统计期限自2021年1月1日`, `2021年,我镇…`).
fn narrative_year(sections: &[Section]) -> Option<i32> {
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for p in sections.iter().take(2).flat_map(|s| &s.paragraphs) {
        for (_, _, y) in years(&fold_width(p)) {
            match counts.iter_mut().find(|(x, _)| *x == y) {
                Some(e) => e.1 += 1,
                None => counts.push((y, 1)),
            }
        }
    }
    counts.into_iter().max_by_key(|&(y, n)| (n, -y)).map(|(y, _)| y)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(t: &str, level: Option<u8>, align: Align) -> Item {
        Item::Text { line: Line::new(t), level, align, source: None }
    }

    #[test]
    fn agencies_from_titles() {
        assert_eq!(
            agency_from_title("2019年度浏阳市达浒镇人民政府政府信息公开工作年度报告").as_deref(),
            Some("浏阳市达浒镇人民政府")
        );
        assert_eq!(
            agency_from_title("晋江市龙湖镇人民政府关于2023年政府信息公开工作年度报告").as_deref(),
            Some("晋江市龙湖镇人民政府")
        );
        assert_eq!(agency_from_title("2023年政府信息公开工作年度报告"), None);
    }

    #[test]
    fn the_title_is_found_and_joined_over_two_centred_lines() {
        let items = vec![
            line("泉州市人民政府", Some(1), Align::Justify),
            line("泉州市安溪县人力资源和社会保障局", None, Align::Center),
            line("2025年政府信息公开工作年度报告", None, Align::Center),
            line("本报告依据《条例》编制。", None, Align::Justify),
        ];
        let (title, start) = find_title(&items, items.len());
        assert_eq!(
            title.map(|t| t.text).as_deref(),
            Some("泉州市安溪县人力资源和社会保障局2025年政府信息公开工作年度报告")
        );
        assert_eq!(start, 3);
    }

    #[test]
    fn meta_from_properties_and_signature() {
        let sections = vec![Section {
            no: Some(6),
            title: "其他需要报告的事项".into(),
            paragraphs: vec!["无。".into(), "某县人民政府办公室".into(), "2024年1月20日".into()],
        }];
        let props = vec![("索引号".to_string(), "X1/2024-00001".to_string())];
        let m = meta(Some(Line::new("2023年政府信息公开工作年度报告")), &sections, &props, Layout::Gb2021);
        assert_eq!(m.agency.as_deref(), Some("某县人民政府办公室"));
        assert_eq!(m.published.as_deref(), Some("2024-01-20"));
        assert_eq!(m.year, Some(2023));
        assert_eq!(m.index_no.as_deref(), Some("X1/2024-00001"));
        // Printed with full-width forms: read through them, kept as printed.
        let sections =
            vec![Section {
                no: Some(6), title: String::new(), paragraphs: vec!["２０２４年１月２０日".into()]
            }];
        let m = meta(
            Some(Line::new("某县（区）人民政府２０２３年政府信息公开工作年度报告")),
            &sections,
            &Vec::new(),
            Layout::Gb2021,
        );
        assert_eq!(m.title, "某县（区）人民政府２０２３年政府信息公开工作年度报告");
        assert_eq!(m.agency.as_deref(), Some("某县（区）人民政府"));
        assert_eq!((m.year, m.published.as_deref()), (Some(2023), Some("2024-01-20")));
    }
}
