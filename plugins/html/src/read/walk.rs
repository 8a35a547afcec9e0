//! The page tree to a flat list of blocks: one paragraph per block element or `<br>`-separated
//! line, headings, data tables with their spans, image placeholders. Scripts, forms, hidden
//! elements and the site's menus and footers (by their tags and class names) are skipped;
//! layout tables are unwrapped into the blocks of their cells.

use std::collections::HashMap;

use super::dom::{Data, Dom, NodeId};
use super::text::{clean, lines, BREAK};
use super::Limits;
use html5ever::{local_name, LocalName};
use nianbao_chinese::is_number;
use nianbao_plugin::document::{Source, MAX_SPAN};
use nianbao_plugin::{Align, Block, Cell, Error, Table};

/// A block and how much of its text sits inside links (menus and link lists are mostly links).
pub struct Item {
    pub block: Block,
    pub chars: usize,
    pub link_chars: usize,
}

/// Site furniture by class or id token, skipped when it is light (see `is_light`).
const CHROME_TOKENS: &[&str] = &[
    "header",
    "topbar",
    "nav",
    "navbar",
    "menu",
    "footer",
    "foot",
    "bottom",
    "crumb",
    "crumbs",
    "breadcrumb",
    "bread",
    "position",
    "location",
    "weizhi",
    "dqwz",
    "share",
    "bdshare",
    "fenxiang",
    "print",
    "toolbar",
    "tools",
    "related",
    "relevant",
    "xgwz",
    "xglj",
    "sidebar",
    "aside",
    "copyright",
    "banner",
    "logo",
    "qrcode",
    "ewm",
    "erweima",
    "search",
    "login",
    "friendlink",
    "yqlj",
    "pager",
    "pagination",
    "gotop",
    "backtop",
];

/// Class or id tokens of the article's own parts (`article-header`, `content-bottom`): an
/// element named with one of these is never furniture, whatever else its name says.
const ARTICLE_TOKENS: &[&str] = &["article", "content", "detail", "main", "text", "title", "zoom", "zw", "wz", "news"];

/// Text a chrome-named element may hold and still be skipped: footers and menus are short.
const LIGHT_CHARS: usize = 400;

/// A cell holding more text than this is a page region, not a table cell.
const LAYOUT_CELL_CHARS: usize = 400;

/// Images smaller than this (by their width/height attributes) are icons.
const ICON_PX: u32 = 48;

#[derive(Clone, Copy)]
struct Ctx {
    align: Align,
    link: bool,
    pre: bool,
    /// Inside `<article>` or `<main>`, where `<header>`/`<footer>` belong to the text.
    article: bool,
}

struct Walk<'a> {
    dom: &'a Dom,
    limits: &'a Limits,
    /// Each `<table>` element's number in the order the page opens them, from 0: where its
    /// cells are in the source.
    tables: HashMap<NodeId, u32>,
    /// The first limit a table broke: the walk ends in this error.
    error: Option<Error>,
    items: Vec<Item>,
    raw: String,
    raw_links: usize,
    raw_align: Option<Align>,
}

pub fn walk(dom: &Dom, limits: &Limits) -> Result<Vec<Item>, Error> {
    // The arena holds elements in the order the parser created them, which is the order of
    // their start tags in the source.
    let is_table = |n: &super::dom::Node| matches!(&n.data, Data::Element { name, html: true, .. } if *name == local_name!("table"));
    let tables = dom.nodes.iter().enumerate().filter(|(_, n)| is_table(n)).map(|(id, _)| id).zip(0..).collect();
    let mut w =
        Walk { dom, limits, tables, error: None, items: Vec::new(), raw: String::new(), raw_links: 0, raw_align: None };
    let ctx = Ctx { align: Align::Justify, link: false, pre: false, article: false };
    w.children(Dom::ROOT, ctx);
    w.flush();
    match w.error {
        Some(e) => Err(e),
        None => Ok(w.items),
    }
}

fn is_heading(tag: &LocalName) -> Option<u8> {
    match *tag {
        local_name!("h1") => Some(1),
        local_name!("h2") => Some(2),
        local_name!("h3") => Some(3),
        local_name!("h4") => Some(4),
        local_name!("h5") => Some(5),
        local_name!("h6") => Some(6),
        _ => None,
    }
}

/// Elements that never show report text.
fn is_skipped(tag: &LocalName) -> bool {
    matches!(
        *tag,
        local_name!("head")
            | local_name!("script")
            | local_name!("style")
            | local_name!("noscript")
            | local_name!("template")
            | local_name!("iframe")
            | local_name!("object")
            | local_name!("embed")
            | local_name!("select")
            | local_name!("option")
            | local_name!("button")
            | local_name!("input")
            | local_name!("textarea")
            | local_name!("canvas")
            | local_name!("audio")
            | local_name!("video")
            | local_name!("map")
            | local_name!("datalist")
            | local_name!("frameset")
            | local_name!("nav")
            | local_name!("aside")
    )
}

fn is_block(tag: &LocalName) -> bool {
    matches!(
        *tag,
        local_name!("address")
            | local_name!("article")
            | local_name!("blockquote")
            | local_name!("body")
            | local_name!("center")
            | local_name!("dd")
            | local_name!("details")
            | local_name!("dialog")
            | local_name!("dir")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("dt")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("form")
            | local_name!("header")
            | local_name!("hgroup")
            | local_name!("hr")
            | local_name!("html")
            | local_name!("li")
            | local_name!("main")
            | local_name!("menu")
            | local_name!("ol")
            | local_name!("p")
            | local_name!("pre")
            | local_name!("section")
            | local_name!("summary")
            | local_name!("ul")
            | local_name!("legend")
            | local_name!("caption")
            | local_name!("tr")
            | local_name!("td")
            | local_name!("th")
            | local_name!("table")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
    )
}

fn style_of(dom: &Dom, id: NodeId) -> String {
    dom.attr(id, "style").unwrap_or("").to_ascii_lowercase().replace([' ', '\t', '\n', '\r'], "")
}

fn is_hidden(dom: &Dom, id: NodeId) -> bool {
    if dom.attr(id, "hidden").is_some() {
        return true;
    }
    let s = style_of(dom, id);
    s.contains("display:none") || s.contains("visibility:hidden") || s.contains("mso-hide:all")
}

/// The alignment an element sets for its text, from `align` or `text-align`.
fn own_align(dom: &Dom, id: NodeId) -> Option<Align> {
    if dom.is(id, &local_name!("center")) {
        return Some(Align::Center);
    }
    let style = style_of(dom, id);
    let value = style
        .split(';')
        .find_map(|d| d.strip_prefix("text-align:"))
        .map(str::to_string)
        .or_else(|| dom.attr(id, "align").map(|a| a.trim().to_ascii_lowercase()))?;
    match value.as_str() {
        "left" | "start" => Some(Align::Left),
        "right" | "end" => Some(Align::Right),
        "center" | "middle" => Some(Align::Center),
        "justify" => Some(Align::Justify),
        _ => None,
    }
}

fn class_tokens(dom: &Dom, id: NodeId) -> impl Iterator<Item = String> + '_ {
    let class = dom.attr(id, "class").unwrap_or("");
    let ident = dom.attr(id, "id").unwrap_or("");
    class
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .chain(ident.split(|c: char| c.is_whitespace() || c == '-' || c == '_'))
        .filter(|t| !t.is_empty())
        .map(|t| t.to_ascii_lowercase())
}

/// A `rowspan`/`colspan` as browsers read it: leading digits, clamped (a huge value is the
/// largest span, not 1).
fn span(dom: &Dom, id: NodeId, name: &str) -> u32 {
    let digits: String = dom.attr(id, name).unwrap_or("").trim().chars().take_while(char::is_ascii_digit).collect();
    match digits.parse::<u64>() {
        Ok(n) => n.clamp(1, u64::from(MAX_SPAN)) as u32,
        Err(_) if digits.is_empty() => 1,
        Err(_) => MAX_SPAN,
    }
}

impl Walk<'_> {
    fn children(&mut self, id: NodeId, ctx: Ctx) {
        let kids: Vec<NodeId> = self.dom.children(id).collect();
        for k in kids {
            self.node(k, ctx);
        }
    }

    fn node(&mut self, id: NodeId, ctx: Ctx) {
        let dom = self.dom;
        match &dom.nodes[id].data {
            Data::Text(t) => self.text(t, ctx),
            Data::Element { .. } => self.element(id, ctx),
            Data::Document | Data::Other => {}
        }
    }

    fn text(&mut self, t: &str, ctx: Ctx) {
        if ctx.pre {
            let mut parts = t.split('\n');
            if let Some(first) = parts.next() {
                self.push(first, ctx);
            }
            for part in parts {
                self.flush();
                self.push(part, ctx);
            }
        } else {
            self.push(t, ctx);
        }
    }

    fn push(&mut self, t: &str, ctx: Ctx) {
        if self.raw_align.is_none() && t.chars().any(|c| !c.is_whitespace()) {
            self.raw_align = Some(ctx.align);
        }
        if ctx.link {
            self.raw_links += t.chars().filter(|c| !c.is_whitespace()).count();
        }
        self.raw.push_str(t);
    }

    /// Ends the paragraph being collected.
    fn flush(&mut self) {
        let text = clean(&self.raw);
        let align = self.raw_align.take().unwrap_or_default();
        let links = std::mem::take(&mut self.raw_links);
        self.raw.clear();
        if !text.is_empty() {
            let chars = text.chars().filter(|c| !c.is_whitespace()).count();
            self.items.push(Item {
                block: Block::Paragraph { source: None, text, align },
                chars,
                link_chars: links.min(chars),
            });
        }
    }

    fn element(&mut self, id: NodeId, mut ctx: Ctx) {
        let dom = self.dom;
        let Some(tag) = dom.tag(id) else { return }; // SVG, MathML: no report text
        if is_skipped(tag) || is_hidden(dom, id) || self.is_chrome(id, tag, ctx) {
            return;
        }
        if let Some(level) = is_heading(tag) {
            self.flush();
            let (raw, links) = self.collect(id, '\n');
            let text = clean(&raw);
            if !text.is_empty() {
                let chars = text.chars().filter(|c| !c.is_whitespace()).count();
                self.items.push(Item {
                    block: Block::Heading { source: None, level, text },
                    chars,
                    link_chars: links.min(chars),
                });
            }
            return;
        }
        match *tag {
            local_name!("br") | local_name!("hr") => self.flush(),
            local_name!("img") => self.image(id),
            local_name!("table") => {
                self.flush();
                self.table(id, ctx);
            }
            local_name!("a") => {
                ctx.link = true;
                self.children(id, ctx);
            }
            _ if is_block(tag) => {
                self.flush();
                if let Some(a) = own_align(dom, id) {
                    ctx.align = a;
                }
                ctx.pre |= *tag == local_name!("pre");
                ctx.article |= matches!(*tag, local_name!("article") | local_name!("main"));
                self.children(id, ctx);
                self.flush();
            }
            _ => self.children(id, ctx),
        }
    }

    /// Site header, footer, menus and tool bars: by HTML5 tag outside an article, or by class
    /// name when the element holds little text and no `h1`/`h2` (so a wrongly named wrapper
    /// of the report is never lost).
    fn is_chrome(&self, id: NodeId, tag: &LocalName, ctx: Ctx) -> bool {
        let dom = self.dom;
        if !ctx.article && matches!(*tag, local_name!("header") | local_name!("footer")) {
            return self.is_light(id);
        }
        let tokens: Vec<String> = class_tokens(dom, id).collect();
        tokens.iter().any(|t| CHROME_TOKENS.contains(&t.as_str()))
            && !tokens.iter().any(|t| ARTICLE_TOKENS.contains(&t.as_str()))
            && self.is_light(id)
    }

    fn is_light(&self, id: NodeId) -> bool {
        let headings = [local_name!("h1"), local_name!("h2")];
        self.dom.text_len(id) <= LIGHT_CHARS && !self.dom.contains(id, &headings)
    }

    fn image(&mut self, id: NodeId) {
        let dom = self.dom;
        let px = |a: &str| dom.attr(id, a).and_then(|v| v.trim().trim_end_matches("px").parse::<u32>().ok());
        if px("width").is_some_and(|w| w < ICON_PX) || px("height").is_some_and(|h| h < ICON_PX) {
            return;
        }
        self.flush();
        let alt = clean(dom.attr(id, "alt").or_else(|| dom.attr(id, "title")).unwrap_or(""));
        self.items.push(Item { block: Block::Image { alt }, chars: 0, link_chars: 0 });
    }

    /// The text below a node as one string: `<br>` and block boundaries become `brk`.
    /// Returns the raw text and how many of its characters are link text.
    fn collect(&self, id: NodeId, brk: char) -> (String, usize) {
        let mut raw = String::new();
        let mut links = 0;
        self.collect_into(id, brk, false, &mut raw, &mut links);
        (raw, links)
    }

    fn collect_into(&self, id: NodeId, brk: char, link: bool, raw: &mut String, links: &mut usize) {
        let dom = self.dom;
        for k in dom.children(id) {
            match &dom.nodes[k].data {
                Data::Text(t) => {
                    raw.push_str(t);
                    if link {
                        *links += t.chars().filter(|c| !c.is_whitespace()).count();
                    }
                }
                Data::Element { .. } => {
                    let Some(tag) = dom.tag(k) else { continue };
                    if is_skipped(tag) || is_hidden(dom, k) {
                        continue;
                    }
                    if *tag == local_name!("br") {
                        raw.push(brk);
                        continue;
                    }
                    let block = is_block(tag);
                    if block {
                        raw.push(brk);
                    }
                    self.collect_into(k, brk, link || *tag == local_name!("a"), raw, links);
                    if block {
                        raw.push(brk);
                    }
                }
                Data::Document | Data::Other => {}
            }
        }
    }

    // ---- tables

    /// The rows of a table (not of tables nested in it), each with its cells, in source order.
    fn rows(&self, table: NodeId) -> Vec<Row> {
        let dom = self.dom;
        let mut rows = Vec::new();
        let row = |tr: NodeId, head: bool| Row {
            cells: dom
                .children(tr)
                .filter(|&c| dom.is(c, &local_name!("td")) || dom.is(c, &local_name!("th")))
                .collect(),
            hidden: is_hidden(dom, tr),
            head,
        };
        for part in dom.children(table) {
            match dom.tag(part).map(|t| &**t) {
                Some("tr") => rows.push(row(part, false)),
                Some(s @ ("thead" | "tbody" | "tfoot")) => rows.extend(
                    dom.children(part).filter(|&r| dom.is(r, &local_name!("tr"))).map(|tr| row(tr, s == "thead")),
                ),
                _ => {}
            }
        }
        rows
    }

    /// A table used to lay out the page rather than to hold data: one column, or cells that
    /// hold other tables, headings or whole passages of text.
    fn is_layout(&self, table: NodeId, rows: &[&Row]) -> bool {
        let dom = self.dom;
        if dom.attr(table, "role").is_some_and(|r| r == "presentation" || r == "none") {
            return true;
        }
        let width = rows
            .iter()
            .map(|r| r.cells.iter().map(|&c| span(dom, c, "colspan") as usize).sum::<usize>())
            .max()
            .unwrap_or(0);
        if width <= 1 {
            return true;
        }
        let regions = [
            local_name!("table"),
            local_name!("h1"),
            local_name!("h2"),
            local_name!("h3"),
            local_name!("h4"),
            local_name!("h5"),
            local_name!("h6"),
        ];
        rows.iter().flat_map(|r| &r.cells).any(|&c| dom.contains(c, &regions) || dom.text_len(c) > LAYOUT_CELL_CHARS)
    }

    fn table(&mut self, id: NodeId, ctx: Ctx) {
        let dom = self.dom;
        let rows = self.rows(id);
        // Hidden rows are not shown, but they hold their place in the source's grid.
        let shown: Vec<&Row> = rows.iter().filter(|r| !r.hidden).collect();
        if self.is_layout(id, &shown) {
            for part in dom.children(id).filter(|&p| dom.is(p, &local_name!("caption"))).collect::<Vec<_>>() {
                self.node(part, ctx);
            }
            // Each cell is a block of the page, furniture checks and alignment included.
            for &cell in shown.iter().flat_map(|r| &r.cells) {
                self.node(cell, ctx);
            }
            return;
        }
        if let Some(caption) = dom.children(id).find(|&p| dom.is(p, &local_name!("caption"))) {
            self.node(caption, ctx);
        }
        if self.error.is_some() {
            return;
        }
        let no = self.tables.get(&id).copied().unwrap_or(u32::MAX);
        let Some(starts) = origins(dom, &rows, self.limits.cells) else {
            self.error = Some(Error::new(format!(
                "table {no} of the page (counting its <table> elements from 0) has more than {} cells in its {} rows \
                 (-O max-cells=N raises the limit)",
                self.limits.cells,
                rows.len()
            )));
            return;
        };
        let mut table = Table {
            source: Some(Source { table: Some(no), ..Source::default() }),
            name: dom.attr(id, "data-name").unwrap_or("").to_string(),
            header_rows: shown.iter().take_while(|r| r.head).count() as u32,
            rows: Vec::new(),
        };
        let (mut chars, mut links) = (0, 0);
        for (r, (row, starts)) in rows.iter().zip(&starts).enumerate().filter(|(_, (row, _))| !row.hidden) {
            let mut out = Vec::new();
            for (&cell, &col) in row.cells.iter().zip(starts) {
                let (raw, l) = self.collect(cell, BREAK);
                let text = lines(&raw).join("\n");
                chars += text.chars().filter(|c| !c.is_whitespace()).count();
                links += l;
                let at = Source::table_cell(no, r as u32, col);
                out.push(Cell::span(text, span(dom, cell, "rowspan"), span(dom, cell, "colspan")).at(at));
            }
            table.rows.push(out);
        }
        drop_spacer_rows(&mut table);
        if chars == 0 {
            return;
        }
        fold_blank_subheaders(&mut table);
        self.items.push(Item { block: Block::Table(table), chars, link_chars: links.min(chars) });
    }
}

/// A row of a table as the page has it.
struct Row {
    cells: Vec<NodeId>,
    hidden: bool,
    /// In the table's `<thead>`.
    head: bool,
}

/// The grid column each cell starts at, by the HTML table model: a cell takes the first column
/// of its row that no rowspan from above covers (spans clamped, rowspans cut at the last row).
/// None when the grid would have more than `max` positions; the work done is bounded by that.
fn origins(dom: &Dom, rows: &[Row], max: usize) -> Option<Vec<Vec<u32>>> {
    let n = rows.len();
    // Per column, the first row below the rowspans that cover it.
    let mut free_from: Vec<usize> = Vec::new();
    let mut width = 0;
    let mut out = Vec::with_capacity(n);
    for (r, row) in rows.iter().enumerate() {
        let mut col = 0;
        let mut starts = Vec::with_capacity(row.cells.len());
        for &cell in &row.cells {
            while free_from.get(col).is_some_and(|&f| f > r) {
                col += 1;
            }
            let end = col + span(dom, cell, "colspan") as usize;
            let below = r + (span(dom, cell, "rowspan") as usize).min(n - r);
            if end > width {
                width = end;
                if n.saturating_mul(width) > max {
                    return None;
                }
                free_from.resize(width, 0);
            }
            for f in &mut free_from[col..end] {
                *f = (*f).max(below);
            }
            starts.push(col as u32);
            col = end;
        }
        out.push(starts);
    }
    Some(out)
}

/// Word ends tables with an invisible row of empty cells that only fixes column widths.
fn drop_spacer_rows(t: &mut Table) {
    while t.rows.last().is_some_and(|r| r.iter().all(|c| c.text.is_empty() && c.rowspan == 1)) {
        t.rows.pop();
    }
    t.header_rows = t.header_rows.min(t.rows.len() as u32);
}

/// Some pages write the last header row with empty cells under the headers that should span
/// down into it (`自然人` over an empty cell beside `商业企业 … 其他`). In a sub-header row —
/// its text cells all subdivide a wider cell above, and it holds no numbers — an empty cell
/// exactly under a one-row-deep header cell is that cell's continuation: extend the rowspan.
fn fold_blank_subheaders(t: &mut Table) {
    for r in 1..t.rows.len().min(8) {
        if t.rows[r].iter().any(|c| is_number(&c.text)) {
            return;
        }
        let grid = t.grid();
        let cols = columns(t, r);
        let above = |col: usize| grid.slots[r - 1][col];
        let mut merges = Vec::new();
        let mut subdivides = false;
        let mut ok = true;
        for (i, (cell, start)) in t.rows[r].iter().zip(&cols).enumerate() {
            let Some(slot) = above(*start) else {
                ok = false;
                break;
            };
            let up = t.cell(slot);
            let up_start = grid.slots[slot.row].iter().position(|s| *s == Some(slot)).unwrap_or(0);
            let same_columns = up_start == *start && up.colspan == cell.colspan;
            if cell.text.is_empty() {
                let ends_here = slot.row + up.rowspan as usize == r;
                if !(same_columns && ends_here && !up.text.is_empty() && cell.rowspan == 1) {
                    ok = false;
                    break;
                }
                merges.push((i, slot));
            } else if up.colspan > cell.colspan {
                subdivides = true;
            } else {
                ok = false;
                break;
            }
        }
        if ok && subdivides && !merges.is_empty() {
            for &(_, slot) in &merges {
                t.rows[slot.row][slot.index].rowspan += 1;
            }
            for &(i, _) in merges.iter().rev() {
                t.rows[r].remove(i);
            }
        }
    }
}

/// The starting column of each cell of row `r`.
fn columns(t: &Table, r: usize) -> Vec<usize> {
    let grid = t.grid();
    let mut out = vec![0; t.rows[r].len()];
    for (c, slot) in grid.slots[r].iter().enumerate() {
        if let Some(s) = slot {
            if s.row == r && s.origin {
                out[s.index] = c;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::dom::parse;

    fn blocks(html: &str) -> Vec<Block> {
        let limits = Limits { cells: 100_000 };
        walk(&parse(html).unwrap(), &limits).unwrap().into_iter().map(|i| i.block).collect()
    }

    fn para(text: &str) -> Block {
        Block::Paragraph { source: None, text: text.into(), align: Align::Justify }
    }

    #[test]
    fn paragraphs_lines_and_alignment() {
        let b = blocks("<div>一、总体情况<p align=right>当阳市人民政府办公室<br>2023年2月10日</p><center><b>标题</b></center></div>");
        assert_eq!(
            b,
            [
                para("一、总体情况"),
                Block::Paragraph { source: None, text: "当阳市人民政府办公室".into(), align: Align::Right },
                Block::Paragraph { source: None, text: "2023年2月10日".into(), align: Align::Right },
                Block::Paragraph { source: None, text: "标题".into(), align: Align::Center },
            ]
        );
    }

    #[test]
    fn word_runs_join_into_one_number() {
        let b = blocks("<table><tr><td><p class=MsoNormal><span lang=EN-US>1</span><font>2</font><span>3<o:p></o:p></span></p></td><td>x</td></tr><tr><td>a</td><td>b</td></tr></table>");
        let Block::Table(t) = &b[0] else { panic!("{b:?}") };
        assert_eq!(t.rows[0][0].text, "123");
    }

    #[test]
    fn headings_join_their_lines() {
        let b = blocks("<h1>当阳市人民政府办公室<br>\n2022年政府信息公开工作年度报告</h1>");
        assert_eq!(
            b,
            [Block::Heading {
                source: None,
                level: 1,
                text: "当阳市人民政府办公室2022年政府信息公开工作年度报告".into()
            }]
        );
    }

    #[test]
    fn cells_keep_line_breaks_and_spans() {
        let b = blocks(
            "<table><thead><tr><th rowspan=2>申请人<br>情况</th><th colspan=2>法人</th></tr>\
             <tr><th><p>商业</p><p>企业</p></th><th>其他</th></tr></thead><tr><td>1</td><td>2</td><td>3</td></tr></table>",
        );
        let Block::Table(t) = &b[0] else { panic!("{b:?}") };
        assert_eq!(t.header_rows, 2);
        assert_eq!(t.rows[0][0], Cell::span("申请人\n情况", 2, 1).at(Source::table_cell(0, 0, 0)));
        assert_eq!(t.rows[0][1], Cell::span("法人", 1, 2).at(Source::table_cell(0, 0, 1)));
        // In the grid: 其他 is right of 商业企业, under 法人 and beside the rowspan.
        assert_eq!(t.rows[1][1].source, Some(Source::table_cell(0, 1, 2)));
        assert_eq!(t.rows[2][2].source, Some(Source::table_cell(0, 2, 2)));
        assert_eq!(t.rows[1][0].text, "商业\n企业");
        assert_eq!(t.rows[2].len(), 3);
    }

    #[test]
    fn layout_tables_unwrap_into_their_content() {
        let b = blocks(
            "<table><tr><td><h1>年度报告</h1></td></tr><tr><td><p>正文</p>\
             <table><tr><td>a</td><td>b</td></tr><tr><td>1</td><td>2</td></tr></table></td></tr></table>",
        );
        assert_eq!(b[0], Block::Heading { source: None, level: 1, text: "年度报告".into() });
        assert_eq!(b[1], para("正文"));
        assert!(matches!(&b[2], Block::Table(t) if t.rows.len() == 2));
    }

    #[test]
    fn scripts_hidden_text_and_light_chrome_are_skipped() {
        let b = blocks(
            "<div class=header>某市人民政府</div><nav>首页</nav><script>var x</script>\
             <p style='display:none'>隐藏</p><p>正文</p><div class='bottom-copyright'>版权所有</div>",
        );
        assert_eq!(b, [para("正文")]);
    }

    #[test]
    fn a_chrome_named_wrapper_with_the_report_is_kept() {
        let b = blocks("<div class=header><h1>年度报告</h1><p>正文</p></div>");
        assert_eq!(b.len(), 2);
        let b = blocks("<div class='article-header'><div class=tit>某局2022年政府信息公开工作年度报告</div></div>");
        assert_eq!(b, [para("某局2022年政府信息公开工作年度报告")]);
    }

    #[test]
    fn images_become_placeholders_and_icons_vanish() {
        let b = blocks("<p>表格如下<img src=t.png alt='主动公开情况表'><img src=i.gif width=16></p>");
        assert_eq!(b, [para("表格如下"), Block::Image { alt: "主动公开情况表".into() }]);
    }

    #[test]
    fn blank_cells_under_headers_fold_into_rowspans() {
        let b = blocks(
            "<table><tr><td>自然人</td><td colspan=2>法人或其他组织</td><td>总计</td></tr>\
             <tr><td></td><td>商业企业</td><td>其他</td><td></td></tr>\
             <tr><td>1</td><td>2</td><td>3</td><td>6</td></tr></table>",
        );
        let Block::Table(t) = &b[0] else { panic!() };
        assert_eq!(t.rows[0][0].rowspan, 2);
        assert_eq!(t.rows[0][2].rowspan, 2);
        let at = |c| Source::table_cell(0, 1, c);
        assert_eq!(t.rows[1], [Cell::new("商业企业").at(at(1)), Cell::new("其他").at(at(2))]);
    }

    #[test]
    fn blank_data_cells_stay_blank() {
        let b = blocks("<table><tr><td>信息内容</td><td>件数</td></tr><tr><td>规章</td><td></td></tr></table>");
        let Block::Table(t) = &b[0] else { panic!() };
        let at = |c| Source::table_cell(0, 1, c);
        assert_eq!(t.rows[1], [Cell::new("规章").at(at(0)), Cell::new("").at(at(1))]);
    }
}
