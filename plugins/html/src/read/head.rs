//! The page's own metadata: `<html lang>`, `<title>` and `<meta name content>`, with the
//! common names of CMS article pages (`ArticleTitle`, `PubDate`, Dublin Core) also given under
//! the plain keys `title`, `author` and `date`.

use super::dom::{Dom, NodeId};
use super::text::clean;
use html5ever::local_name;
use nianbao_plugin::{Block, Prop};

const TITLE_NAMES: &[&str] = &["articletitle", "dc.title", "dcterms.title"];
const AUTHOR_NAMES: &[&str] = &["author", "dc.creator", "dcterms.creator"];
const DATE_NAMES: &[&str] = &[
    "date",
    "pubdate",
    "publishdate",
    "publishtime",
    "pubtime",
    "firstpublishedtime",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.issued",
    "dcterms.created",
    "created",
];
/// Standard names, given in lower case whatever the page's spelling.
const STANDARD_NAMES: &[&str] = &["author", "description", "keywords", "generator", "date", "subject"];

/// Browser and search-engine hints: not properties of the document.
fn is_technical(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "viewport",
        "robots",
        "googlebot",
        "renderer",
        "format-detection",
        "referrer",
        "theme-color",
        "color-scheme",
        "handheldfriendly",
        "mobileoptimized",
        "csrf-token",
        "csrf-param",
        "full-screen",
        "browsermode",
        "wap-font-scale",
        "applicable-device",
        "mobile-agent",
        "force-rendering",
        "imagemode",
        "nightmode",
    ];
    const PREFIXES: &[&str] =
        &["apple-", "msapplication-", "x5-", "twitter:", "og:", "fb:", "baidu-", "360-", "sogou", "shenma-", "google"];
    EXACT.contains(&name) || PREFIXES.iter().any(|p| name.starts_with(p)) || name.contains("verification")
}

fn elements(dom: &Dom, tag: &html5ever::LocalName) -> Vec<NodeId> {
    (0..dom.nodes.len()).filter(|&i| dom.is(i, tag) && is_attached(dom, i)).collect()
}

/// Nodes the tree builder created and then dropped still sit in the arena.
fn is_attached(dom: &Dom, mut id: NodeId) -> bool {
    while let Some(p) = dom.nodes[id].parent {
        id = p;
    }
    id == Dom::ROOT
}

pub fn props(dom: &Dom) -> Vec<Prop> {
    let mut out: Vec<Prop> = Vec::new();
    let mut add = |key: &str, value: &str| {
        let value = clean(value);
        if !value.is_empty() && !out.iter().any(|p| p.key == key) {
            out.push(Prop { key: key.to_string(), value });
        }
    };
    if let Some(&html) = elements(dom, &local_name!("html")).first() {
        if let Some(lang) = dom.attr(html, "lang").or_else(|| dom.attr(html, "xml:lang")) {
            add("lang", lang);
        }
    }
    let metas: Vec<(String, String)> = elements(dom, &local_name!("meta"))
        .into_iter()
        .filter_map(|m| Some((dom.attr(m, "name")?.trim().to_string(), dom.attr(m, "content")?.to_string())))
        .filter(|(n, _)| !n.is_empty() && !is_technical(&n.to_ascii_lowercase()))
        .collect();
    let named = |names: &[&str]| {
        metas.iter().find(|(n, v)| names.contains(&n.to_ascii_lowercase().as_str()) && !clean(v).is_empty())
    };
    if let Some((_, v)) = named(TITLE_NAMES) {
        add("title", v);
    }
    if let Some(&t) = elements(dom, &local_name!("title")).first() {
        let text: String = dom.children(t).filter_map(|c| dom.text(c)).collect();
        add("title", &text);
    }
    if let Some((_, v)) = named(AUTHOR_NAMES) {
        add("author", v);
    }
    if let Some((_, v)) = named(DATE_NAMES) {
        add("date", &iso_date(v).unwrap_or_else(|| v.clone()));
    }
    for (name, value) in &metas {
        let lower = name.to_ascii_lowercase();
        let key = if STANDARD_NAMES.contains(&lower.as_str()) { lower.as_str() } else { name.as_str() };
        add(key, value);
    }
    out
}

/// `2023-03-06 17:30`, `2023/3/6`, `2023年3月6日`, `20230306` → `2023-03-06`.
fn iso_date(s: &str) -> Option<String> {
    let s = s.trim();
    let nums: Vec<&str> = s.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).collect();
    let (y, m, d) = match nums.as_slice() {
        [ymd, ..] if ymd.len() == 8 => (&ymd[..4], &ymd[4..6], &ymd[6..]),
        [y, m, d, ..] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => (*y, *m, *d),
        _ => return None,
    };
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Site titles append the site's name (`报告_某市人民政府`, `报告 - 某市`): when the page
/// prints the part before the separator as a heading or line of its own, that part is the title.
pub fn settle_title(meta: &mut [Prop], blocks: &[Block]) {
    let Some(title) = meta.iter_mut().find(|p| p.key == "title") else { return };
    let printed = |s: &str| {
        blocks.iter().any(|b| matches!(b, Block::Heading { text, .. } | Block::Paragraph { text, .. } if text == s))
    };
    if printed(&title.value) {
        return;
    }
    for sep in ["_", " - ", " | ", "|", "——", " — ", "－", "-"] {
        if let Some((first, _)) = title.value.rsplit_once(sep) {
            let first = first.trim();
            if printed(first) {
                title.value = first.to_string();
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::dom::parse;
    use nianbao_plugin::Align;

    fn kv(props: &[Prop]) -> Vec<(&str, &str)> {
        props.iter().map(|p| (p.key.as_str(), p.value.as_str())).collect()
    }

    #[test]
    fn cms_names_give_the_plain_keys_too() {
        let dom = parse(
            "<html lang=zh-CN><head><meta name=viewport content='width=device-width'>\
             <meta name=ArticleTitle content='五常市背荫河镇人民政府2022年政府信息公开工作年度报告'>\
             <meta name=PubDate content='2023-03-06 17:30'><meta name=ContentSource content='背荫河镇'>\
             <meta name=Keywords content='年报'><title>五常市背荫河镇人民政府2022年政府信息公开工作年度报告_五常市</title>",
        )
        .unwrap();
        assert_eq!(
            kv(&props(&dom)),
            [
                ("lang", "zh-CN"),
                ("title", "五常市背荫河镇人民政府2022年政府信息公开工作年度报告"),
                ("date", "2023-03-06"),
                ("ArticleTitle", "五常市背荫河镇人民政府2022年政府信息公开工作年度报告"),
                ("PubDate", "2023-03-06 17:30"),
                ("ContentSource", "背荫河镇"),
                ("keywords", "年报"),
            ]
        );
    }

    #[test]
    fn dates() {
        assert_eq!(iso_date("2023年3月6日").as_deref(), Some("2023-03-06"));
        assert_eq!(iso_date("2023/12/31 08:00:00").as_deref(), Some("2023-12-31"));
        assert_eq!(iso_date("20240105").as_deref(), Some("2024-01-05"));
        assert_eq!(iso_date("2023-13-01"), None);
        assert_eq!(iso_date("March"), None);
    }

    #[test]
    fn site_suffix_goes_when_the_title_is_printed() {
        let mut meta = vec![Prop {
            key: "title".into(),
            value: "某局2022年政府信息公开工作年度报告_某市人民政府".into(),
        }];
        let blocks = [Block::Heading {
            source: None, level: 1, text: "某局2022年政府信息公开工作年度报告".into()
        }];
        settle_title(&mut meta, &blocks);
        assert_eq!(meta[0].value, "某局2022年政府信息公开工作年度报告");
        let mut meta = vec![Prop { key: "title".into(), value: "报告_附件".into() }];
        settle_title(&mut meta, &[Block::Paragraph { source: None, text: "正文".into(), align: Align::Justify }]);
        assert_eq!(meta[0].value, "报告_附件");
    }
}
