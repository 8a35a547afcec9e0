//! Finding the report among the site's furniture. The article body runs from the first to the
//! last block of real content (a passage of text or a data table); before it sit the site
//! header, breadcrumb, title and metadata box, after it the tool links and footer. Metadata
//! lines and boxes before the body become properties, link lists around it are dropped, and
//! lines that only site furniture prints are dropped anywhere. Everything else is kept: the
//! host drops what it recognises as chrome too, and a lost paragraph is worse than a stray one.

use super::text::pairs;
use super::walk::Item;
use nianbao_chinese::is_chrome_line;
use nianbao_plugin::{Block, Prop, Table};

/// A passage at least this long (in non-space characters, outside links) is report content.
const PASSAGE_CHARS: usize = 40;

fn is_link_list(item: &Item) -> bool {
    item.chars > 0 && item.link_chars * 10 >= item.chars * 6
}

fn is_content(item: &Item) -> bool {
    match &item.block {
        Block::Paragraph { text, .. } => {
            item.chars - item.link_chars >= PASSAGE_CHARS && !is_link_list(item) && pairs(text).is_none()
        }
        Block::Table(t) => t.rows.len() >= 2 && !is_link_list(item) && box_pairs(t).is_none(),
        Block::Heading { .. } | Block::Image { .. } => false,
    }
}

fn table_text(t: &Table) -> String {
    t.rows.iter().flatten().map(|c| c.text.as_str()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The article's blocks, the metadata pairs found around it, and how many blocks of
/// furniture and metadata were left out.
pub struct Page {
    pub blocks: Vec<Block>,
    pub pairs: Vec<Prop>,
    pub dropped: usize,
}

pub fn tidy(items: Vec<Item>) -> Page {
    // Metadata lines may name furniture (`浏览次数：449`); they are sorted out below.
    let found = items.len();
    let items: Vec<Item> = items.into_iter().filter(|i| is_pair_line(i) || !is_chrome_item(i)).collect();
    let start = items.iter().position(is_content).unwrap_or(items.len());
    let end = items.iter().rposition(is_content).unwrap_or(items.len());
    let mut page = Page { blocks: Vec::new(), pairs: Vec::new(), dropped: found - items.len() };
    for (i, item) in items.into_iter().enumerate() {
        let keep = if i < start {
            head_item(&item, &mut page.pairs)
        } else {
            i <= end || matches!(item.block, Block::Heading { .. }) || !(is_link_list(&item) || is_chrome_item(&item))
        };
        if keep {
            page.blocks.push(item.block);
        } else {
            page.dropped += 1;
        }
    }
    page
}

/// A metadata line; a breadcrumb (`您当前的位置：首页 > …`) is not one.
fn is_pair_line(item: &Item) -> bool {
    match &item.block {
        Block::Paragraph { text, .. } => pairs(text).is_some_and(|p| !is_chrome_line(&p[0].0)),
        _ => false,
    }
}

fn is_chrome_item(item: &Item) -> bool {
    match &item.block {
        Block::Paragraph { text, .. } | Block::Heading { text, .. } => is_chrome_line(text),
        Block::Table(t) => is_chrome_line(&table_text(t)),
        Block::Image { .. } => false,
    }
}

/// Before the body: metadata lines and boxes go to the properties, link lists (menus) go.
fn head_item(item: &Item, out: &mut Vec<Prop>) -> bool {
    let found = match &item.block {
        Block::Paragraph { text, .. } => pairs(text),
        Block::Table(t) => box_pairs(t),
        Block::Heading { .. } | Block::Image { .. } => return true,
    };
    match found {
        Some(found) => {
            for (key, value) in found {
                if !is_chrome_line(&key) && !out.iter().any(|p| p.key == key) {
                    out.push(Prop { key, value });
                }
            }
            false
        }
        None => !is_link_list(item),
    }
}

/// A metadata box: a table whose cells are `标签：` cells each followed by a value cell, or
/// `标签：值` cells. Its pairs, or None if any cell is something else.
fn box_pairs(t: &Table) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for row in &t.rows {
        let cells: Vec<&str> = row.iter().map(|c| c.text.as_str()).filter(|s| !s.is_empty()).collect();
        let mut i = 0;
        while i < cells.len() {
            if let Some(label) = colon_label(cells[i]) {
                let value = cells.get(i + 1).filter(|v| colon_label(v).is_none() && pairs(v).is_none());
                if let Some(v) = value {
                    out.push((label.to_string(), v.replace('\n', " ")));
                    i += 1;
                }
            } else {
                out.extend(pairs(cells[i])?);
            }
            i += 1;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// `索引号：` → `索引号`: a cell that is only a label and its colon.
fn colon_label(cell: &str) -> Option<&str> {
    let label = cell.trim().strip_suffix([':', '：'])?.trim();
    let n = label.chars().count();
    ((1..=8).contains(&n) && label.chars().all(char::is_alphabetic)).then_some(label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nianbao_plugin::{Align, Cell};

    fn p(text: &str, links: usize) -> Item {
        let chars = text.chars().filter(|c| !c.is_whitespace()).count();
        Item {
            block: Block::Paragraph { source: None, text: text.into(), align: Align::Justify },
            chars,
            link_chars: links,
        }
    }

    fn table(rows: &[&[&str]]) -> Item {
        let rows: Vec<Vec<Cell>> = rows.iter().map(|r| r.iter().map(|c| Cell::new(*c)).collect()).collect();
        Item {
            block: Block::Table(Table { source: None, name: String::new(), header_rows: 0, rows }),
            chars: 10,
            link_chars: 0,
        }
    }

    fn texts(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph { text, .. } | Block::Heading { text, .. } => text.clone(),
                Block::Table(_) => "<table>".into(),
                Block::Image { alt } => format!("<img {alt}>"),
            })
            .collect()
    }

    const PASSAGE: &str =
        "2022年，市政府办公室通过当阳市人民政府网站主动公开政府信息67条，其中工作动态34条、通知公告12条。";

    #[test]
    fn furniture_around_the_article_goes_and_metadata_stays() {
        let page = tidy(vec![
            p("首页 政务公开 政务服务 互动交流", 14),
            p("您当前的位置:首页 > 政务公开", 6),
            table(&[
                &["索引号:", "1144623179023662T/2024-114143", "分类:", "政府信息公开年报"],
                &["发布机构:", "杨和镇", "发文日期:", "2024-03-05"],
            ]),
            Item {
                block: Block::Heading { source: None, level: 1, text: "年度报告".into() }, chars: 4, link_chars: 0
            },
            p("发布日期:2024-03-05 信息来源:杨和镇 浏览次数:449 字号:[大 中 小]", 0),
            p(PASSAGE, 0),
            p("杨和镇人民政府", 0),
            p("打印本页 关闭窗口", 8),
            p("相关文章 2021年度报告 2020年度报告", 14),
        ]);
        assert_eq!(texts(&page.blocks), ["年度报告", PASSAGE, "杨和镇人民政府"]);
        let kv: Vec<(&str, &str)> = page.pairs.iter().map(|p| (p.key.as_str(), p.value.as_str())).collect();
        assert_eq!(
            kv,
            [
                ("索引号", "1144623179023662T/2024-114143"),
                ("分类", "政府信息公开年报"),
                ("发布机构", "杨和镇"),
                ("发文日期", "2024-03-05"),
                ("发布日期", "2024-03-05"),
                ("信息来源", "杨和镇"),
            ]
        );
    }

    #[test]
    fn body_lines_that_look_like_pairs_stay() {
        let page = tidy(vec![p(PASSAGE, 0), p("联系电话：0864-66518789", 0), p(PASSAGE, 0)]);
        assert_eq!(page.blocks.len(), 3);
        assert!(page.pairs.is_empty());
    }

    #[test]
    fn a_page_without_passages_keeps_its_text() {
        let page = tidy(vec![p("一、总体情况", 0), p("本年无", 0)]);
        assert_eq!(texts(&page.blocks), ["一、总体情况", "本年无"]);
    }
}
