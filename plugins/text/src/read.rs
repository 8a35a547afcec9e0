//! Text → Document: a paragraph per non-empty line (or per paragraph of hard-wrapped text),
//! `#` headings, `|`- or tab-separated rows as tables, rows set in columns as a cell a line, and
//! a `---` front matter of `key: value` lines as the document's properties.

use nianbao_chinese::{fold_width, is_folio};
use nianbao_plugin::document::Source;
use nianbao_plugin::{Align, Block, Cell, Document, Error, Options, Prop, Table};

/// Positions of one table's grid (rows × columns): the official tables have about 300. Each
/// limit here is raised by the plugin option of the same name (`-O max-cells=N`), as in every
/// plugin.
pub const MAX_CELLS: usize = 100_000;
/// Characters of one table cell.
pub const MAX_CELL_CHARS: usize = 100_000;
/// Blocks and table cells of the whole Document, what crosses the plugin boundary: a report
/// makes about a thousand, and each costs a few hundred bytes on either side of it.
pub const MAX_BLOCKS: usize = 500_000;

pub struct Limits {
    pub cells: usize,
    pub cell_chars: usize,
    pub blocks: usize,
}

impl Limits {
    pub fn new(options: &Options) -> Result<Limits, Error> {
        Ok(Limits {
            cells: number(options, "max-cells", MAX_CELLS)?,
            cell_chars: number(options, "max-cell-chars", MAX_CELL_CHARS)?,
            blocks: number(options, "max-blocks", MAX_BLOCKS)?,
        })
    }
}

fn number(options: &Options, key: &str, default: usize) -> Result<usize, Error> {
    match options.get(key) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| Error(format!("-O {key}={v}: the limit must be a whole number"))),
    }
}

/// Decodes text: a BOM decides, else UTF-8 when valid, else GB18030 (a superset of GBK and
/// GB2312). Binary data is refused rather than turned into mojibake.
pub fn decode(bytes: &[u8]) -> Result<String, Error> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, bad) = enc.decode(&bytes[bom..]);
        if bad {
            return Err(format!("not valid {} text", enc.name()).into());
        }
        return Ok(text.into_owned());
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
            if bad {
                return Err("not a text file: the bytes are neither UTF-8 nor GB18030 text".into());
            }
            text.into_owned()
        }
    };
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) {
        return Err("not a text file: it holds binary control characters".into());
    }
    Ok(text)
}

/// Text, and not markup or a binary container that another plugin should read.
pub fn looks_like_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let trimmed = head.iter().skip_while(|b| b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF);
    if trimmed.clone().next().is_some_and(|b| matches!(b, b'<' | b'{' | b'%')) {
        return false;
    }
    // A cut in the middle of a UTF-8 sequence at the end of the sample is fine.
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    let gb = || !encoding_rs::GB18030.decode_without_bom_handling(head).1;
    !head.is_empty() && !head.contains(&0) && (valid || gb())
}

pub fn read(bytes: &[u8], options: &Options) -> Result<Document, Error> {
    let limits = Limits::new(options)?;
    let text = decode(bytes)?;
    // An empty report would pass for one with nothing to say; it is more likely a failed download.
    if text.trim().is_empty() {
        return Err(Error::new("the file is empty"));
    }
    let mut doc = Document::default();
    let mut budget = Budget { left: limits.blocks, max: limits.blocks };
    // Numbered from 1, as editors show them: each block's source is its first line.
    let mut lines = text.lines().zip(1u32..).peekable();
    if lines.peek().map(|(l, _)| l.trim()) == Some("---") {
        lines.next();
        for (line, _) in lines.by_ref() {
            if line.trim() == "---" {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                budget.take(1)?;
                doc.meta.push(Prop { key: k.trim().to_string(), value: v.trim().to_string() });
            }
        }
    }
    let lines = lines.map(|(l, n)| (l.trim_start_matches('\u{c}'), n));
    let wrap = Wrap::of(lines.clone().map(|(l, _)| l));
    // The paragraph a hard-wrapped line may go on, and the width of its last line.
    let mut open: Option<(usize, usize)> = None;
    let mut table: Option<Table> = None;
    let mut table_width = 0;
    let paragraph =
        |text: String, align: Align, n: u32| Block::Paragraph { text, align, source: Some(Source::line(n)) };
    for (line, n) in lines {
        let t = line.trim();
        if t.contains('|') || t.contains('\t') {
            let row = row(t, n, &limits)?;
            budget.take(row.len())?;
            let tab = table.get_or_insert_with(|| {
                table_width = 0;
                Table { source: Some(Source::line(n)), ..Table::default() }
            });
            if row.iter().all(|c| is_rule(&c.text)) && !row.is_empty() {
                // A Markdown separator: the rows above it are the header.
                if tab.header_rows == 0 {
                    tab.header_rows = tab.rows.len() as u32;
                }
            } else {
                table_width = table_width.max(row.len());
                tab.rows.push(row);
                if tab.rows.len().saturating_mul(table_width) > limits.cells {
                    let first = tab.source.as_ref().and_then(|s| s.line).unwrap_or(n);
                    return Err(Error(format!(
                        "the table from line {first} has more than {} cells by line {n} (-O max-cells=N raises the limit)",
                        limits.cells
                    )));
                }
            }
            continue;
        }
        if let Some(tab) = table.take() {
            budget.take(1)?;
            doc.blocks.push(Block::Table(tab));
            open = None;
        }
        if t.is_empty() || is_folio(&fold_width(t)) {
            // Page breaks of text taken from a printed page: the paragraph goes on after them.
            if !t.is_empty() {
                budget.take(1)?;
                doc.blocks.push(paragraph(t.to_string(), Align::default(), n));
            }
            continue;
        }
        let t_owned;
        let t = match &wrap {
            Some(_) => {
                t_owned = unspace(t);
                t_owned.as_str()
            }
            None => t,
        };
        if let (Some(w), Some((k, last))) = (&wrap, open) {
            if w.ended_full(last, t) && w.continues(line) && columns(t).is_none() {
                if let Some(Block::Paragraph { text, .. }) = doc.blocks.get_mut(k) {
                    if text.ends_with(|c: char| c.is_ascii_alphanumeric())
                        && t.starts_with(|c: char| c.is_ascii_alphanumeric())
                    {
                        text.push(' ');
                    }
                    text.push_str(t);
                    open = Some((k, width(line.trim_end())));
                    continue;
                }
            }
        }
        open = None;
        let hashes = t.chars().take_while(|c| *c == '#').count();
        if let Some(fields) = columns(t) {
            // A row of a table set in columns with spaces (`pdftotext -layout`): a cell per
            // line, the form recognize re-folds, wrapped label lines and all.
            budget.take(fields.len())?;
            for f in fields {
                doc.blocks.push(paragraph(f.to_string(), Align::default(), n));
            }
        } else if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
            budget.take(1)?;
            let text = t[hashes..].trim().to_string();
            doc.blocks.push(Block::Heading { level: hashes as u8, text, source: Some(Source::line(n)) });
        } else {
            // Only the title's lines are told apart by centring: recognize joins a title set
            // over two centred lines; in a table set in columns, centring means nothing.
            let title_zone = doc.blocks.len() < 4;
            let align = if title_zone && wrap.as_ref().is_some_and(|w| w.centred(line)) {
                Align::Center
            } else {
                Align::default()
            };
            budget.take(1)?;
            doc.blocks.push(paragraph(t.to_string(), align, n));
            if wrap.is_some() {
                open = Some((doc.blocks.len() - 1, width(line.trim_end())));
            }
        }
    }
    if let Some(tab) = table {
        budget.take(1)?;
        doc.blocks.push(Block::Table(tab));
    }
    // A title set larger can fill its first line to the margin; the centred line under it
    // says it is a title too.
    if let [Block::Paragraph { text, align: first @ Align::Justify, .. }, Block::Paragraph { align: Align::Center, .. }, ..] =
        &mut doc.blocks[..]
    {
        if wrap.is_some() && !text.contains('。') && text.chars().count() <= 40 {
            *first = Align::Center;
        }
    }
    Ok(doc)
}

/// What is left of the Document's blocks and cells ([`Limits::blocks`]).
struct Budget {
    left: usize,
    max: usize,
}

impl Budget {
    fn take(&mut self, n: usize) -> Result<(), Error> {
        self.left = self.left.checked_sub(n).ok_or_else(|| {
            Error(format!(
                "the text makes more than {} paragraphs and table cells (-O max-blocks=N raises the limit)",
                self.max
            ))
        })?;
        Ok(())
    }
}

/// The cells of a `|`- or tab-separated row on line `n`, each at that line. Counted before
/// they are made: one line can hold millions.
fn row(t: &str, n: u32, limits: &Limits) -> Result<Vec<Cell>, Error> {
    let pipes = t.contains('|');
    let separators = t.bytes().filter(|&b| b == if pipes { b'|' } else { b'\t' }).count();
    if separators > limits.cells {
        return Err(Error(format!(
            "line {n} is a table row of more than {} cells (-O max-cells=N raises the limit)",
            limits.cells
        )));
    }
    let cells = if pipes { pipe_row(t) } else { t.split('\t').map(|c| Cell::new(c.trim())).collect() };
    if let Some(long) =
        cells.iter().find(|c| c.text.len() > limits.cell_chars && c.text.chars().count() > limits.cell_chars)
    {
        let start: String = long.text.chars().take(12).collect();
        return Err(Error(format!(
            "a cell on line {n} (“{start}…”) holds more than {} characters (-O max-cell-chars=N raises the limit)",
            limits.cell_chars
        )));
    }
    Ok(cells.into_iter().map(|c| c.at(Source::line(n))).collect())
}

/// Text wrapped at a fixed width (taken from a printed page, e.g. by `pdftotext`): most of its
/// lines run to about the same width, and a paragraph goes on while its lines are full.
struct Wrap {
    /// The width of a full line, in columns (a CJK character takes two).
    full: usize,
}

impl Wrap {
    fn of<'a>(lines: impl Iterator<Item = &'a str>) -> Option<Wrap> {
        // Widths counted, not kept: a file may have millions of lines. Past `WIDEST` a
        // line's width makes no difference.
        const WIDEST: usize = 1024;
        let mut count = vec![0usize; WIDEST + 1];
        // Prose lines only: not table rows, nor lines spaced out in columns.
        for l in lines.filter(|l| !l.trim().is_empty() && !l.contains(['|', '\t']) && !l.trim().contains("   ")) {
            count[width(l.trim_end()).min(WIDEST)] += 1;
        }
        let lines: usize = count.iter().sum();
        let mut below = 0;
        let full = (0..=WIDEST).find(|&w| {
            below += count[w];
            below > lines * 9 / 10
        })?;
        let lines_where = |f: &dyn Fn(usize) -> bool| (0..=WIDEST).filter(|&w| f(w)).map(|w| count[w]).sum::<usize>();
        // Web text has a line per paragraph, of any length; in wrapped text most long lines
        // are full (the short ones are table cells, headings and paragraph ends).
        let long = lines_where(&|w| w * 2 >= full);
        // A page's lines run to its width and no further.
        let at_full = lines_where(&|w| w * 100 >= full * 85 && w * 100 <= full * 110);
        ((30..=200).contains(&full) && long >= 8 && at_full * 2 >= long).then_some(Wrap { full })
    }

    /// Whether a line `last` columns wide ended only because the page did: it is full, or the
    /// next line's first word (a web address, a number) would not have fitted after it.
    fn ended_full(&self, last: usize, next: &str) -> bool {
        let word = next.chars().take_while(|c| c.is_ascii_graphic() || *c == '（' || *c == '(').collect::<String>();
        last * 100 >= self.full * 85 || (width(&word) > 4 && last + width(&word) > self.full)
    }

    /// Whether the line goes on the paragraph above (whose last line was full): not indented,
    /// and not a numbered heading.
    fn continues(&self, line: &str) -> bool {
        let t = line.trim();
        indent(line) < 2 && !is_numbered_heading(t)
    }

    /// A short line of a page printed with its layout kept, set in well past a paragraph's
    /// indent: centred (or right-aligned; the title zone has no right-aligned lines).
    fn centred(&self, line: &str) -> bool {
        indent(line) >= 4 && (width(line.trim()) + indent(line)) * 10 < self.full * 9
    }
}

/// A line of text taken from a printed page without the spaces the extraction put between
/// Chinese and Latin letters or digits (`2022 年` for `2022年`): they stand for glyph spacing
/// on the page, not for spaces in the text.
fn unspace(t: &str) -> String {
    let wide = |c: char| unicode_width::UnicodeWidthChar::width(c) == Some(2);
    let mut out = String::with_capacity(t.len());
    let mut before = None;
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if let (' ', Some(a), Some(&b)) = (c, before, chars.peek()) {
            if (wide(a) && b.is_ascii_alphanumeric()) || (a.is_ascii_alphanumeric() && wide(b)) {
                before = Some(c);
                continue;
            }
        }
        out.push(c);
        before = Some(c);
    }
    out
}

/// Display columns: CJK characters and full-width forms take two.
fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

fn indent(line: &str) -> usize {
    width(&line[..line.len() - line.trim_start().len()])
}

/// `一、…`, `（二）…`, `3.…` at the start of a line.
fn is_numbered_heading(t: &str) -> bool {
    let numerals = |s: &str| s.chars().take_while(|c| "一二三四五六七八九十".contains(*c)).count();
    let n = numerals(t);
    (n > 0 && t[n * 3..].starts_with('、'))
        || (t.starts_with(['（', '(']) && {
            let rest = t.trim_start_matches(['（', '(']);
            let m = numerals(rest);
            m > 0 && rest[m * 3..].starts_with(['）', ')'])
        })
}

/// The fields of a line set in columns: parted by two or more spaces, at least one of them a
/// number, or parted by a gap of six spaces or more (label pieces of one row). Prose never
/// spaces its words so, nor does it stand numbers alone between them.
fn columns(line: &str) -> Option<Vec<&str>> {
    let fields: Vec<&str> = line.split("  ").map(str::trim).filter(|f| !f.is_empty()).collect();
    let number = |f: &&str| f.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',');
    (fields.len() >= 2 && (fields.iter().any(number) || line.trim().contains("      "))).then_some(fields)
}

fn is_rule(s: &str) -> bool {
    let t = s.trim().trim_matches(':');
    t.len() >= 3 && t.chars().all(|c| c == '-')
}

/// Cells of a `|`-separated row. Outer pipes are optional; `\|` is a literal pipe and `<br>` a
/// line break inside a cell.
fn pipe_row(line: &str) -> Vec<Cell> {
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cur.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    cells.push(cur);
    if line.starts_with('|') {
        cells.remove(0);
    }
    if line.ends_with('|') && !line.ends_with("\\|") {
        cells.pop();
    }
    cells.into_iter().map(|c| Cell::new(c.trim().replace("<br>", "\n"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<Document, Error> {
        super::read(bytes, &Options::new())
    }

    fn text_of(b: &Block) -> String {
        match b {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } => text.clone(),
            Block::Table(t) => format!("table {}x{}", t.rows.len(), t.grid().width),
            Block::Image { .. } => "image".into(),
        }
    }

    #[test]
    fn lines_tables_and_front_matter() {
        let doc = read("---\ntitle: 年报\n索引号: 1/2022-1\n---\n# 年报\n\n第一段\n| a | b |\n|---|---|\n| 1 | \\| |\n一、总体情况\n".as_bytes()).unwrap();
        assert_eq!(doc.prop("索引号"), Some("1/2022-1"));
        let texts: Vec<String> = doc.blocks.iter().map(text_of).collect();
        assert_eq!(texts, vec!["年报", "第一段", "table 2x2", "一、总体情况"]);
        let Block::Table(t) = &doc.blocks[2] else { panic!() };
        assert_eq!(t.header_rows, 1);
        assert_eq!(t.rows[1][1].text, "|");
    }

    #[test]
    fn scraped_rows_keep_their_empty_cells() {
        let doc = read("第二十条第(一)项 | |||\n规章 | 0 | 0 | 0 |\n".as_bytes()).unwrap();
        let Block::Table(t) = &doc.blocks[0] else { panic!() };
        assert_eq!(t.rows[0].len(), 4);
        assert_eq!(t.rows[1].iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), ["规章", "0", "0", "0"]);
    }

    #[test]
    fn gbk_text_is_decoded_and_binary_refused() {
        let (gbk, _, _) = encoding_rs::GBK.encode("一、总体情况\n");
        let doc = read(&gbk).unwrap();
        assert_eq!(text_of(&doc.blocks[0]), "一、总体情况");
        let err = read(b"\x00\x01\x02PK\x03\x04").unwrap_err();
        assert!(err.0.contains("not a text file"), "{err}");
        assert!(!looks_like_text(b"%PDF-1.7"));
        assert!(!looks_like_text(b"<!DOCTYPE html>"));
        assert!(looks_like_text("年度报告".as_bytes()));
    }

    fn texts(text: &str) -> Vec<String> {
        read(text.as_bytes()).unwrap().blocks.iter().map(text_of).collect()
    }

    #[test]
    fn tab_separated_rows_are_a_table() {
        // A table copied out of a spreadsheet or a Word table.
        assert_eq!(
            texts("三、收到和处理政府信息公开申请情况\n信息内容\t本年制发件数\n规章\t0\n说明"),
            ["三、收到和处理政府信息公开申请情况", "table 2x2", "说明"]
        );
    }

    #[test]
    fn rows_set_in_columns_become_a_cell_a_line() {
        let t =
            texts("一、本年新收政府信息公开申请数量        128   15   0      1\n  地址：文化路148号  邮编：426689\n");
        assert_eq!(t, ["一、本年新收政府信息公开申请数量", "128", "15", "0", "1", "地址：文化路148号  邮编：426689"]);
    }

    #[test]
    fn hard_wrapped_lines_are_joined_into_paragraphs() {
        // Lines of a printed page: full lines go on, an indented line or a numbered heading
        // starts anew, a short line ends its paragraph, page numbers do not interrupt.
        let full = "根据中华人民共和国政府信息公开条例的要求特向社会公布本年度报";
        let mut text = String::from("        某局2023年政府\n        信息公开工作年度报告\n\n");
        text += &format!(
            "   {full}\n{full}\n告全文。\n   {full}\n{full}\n\n          — 1 —\n\u{c}{full}\n续完。\n一、总体情况\n"
        );
        for _ in 0..4 {
            text += &format!("   {full}\n{full}\n第二行完。\n");
        }
        let doc = read(text.as_bytes()).unwrap();
        let t: Vec<String> = doc.blocks.iter().map(text_of).collect();
        assert_eq!(t[0], "某局2023年政府");
        assert_eq!(t[2], format!("{full}{full}告全文。"));
        assert_eq!(t[3], format!("{full}{full}{full}续完。"));
        assert_eq!(t[4], "— 1 —");
        assert_eq!(t[5], "一、总体情况");
        assert_eq!(t.len(), 10);
        // The title's two lines are set in: centred, for recognize to join.
        assert!(matches!(doc.blocks[0], Block::Paragraph { align: Align::Center, .. }));
    }

    #[test]
    fn web_text_keeps_a_paragraph_a_line() {
        let lines = [
            "一、总体情况",
            "2023年，我局认真贯彻落实《条例》，全面推进政务公开。",
            "二、主动公开政府信息情况",
            "本年度主动公开政府信息128条，其中工作动态52条，通知公告31条，政策文件45条，均已按时公开。",
            "三、收到和处理政府信息公开申请情况",
            "本年度共收到申请6件。",
            "四、政府信息公开行政复议、行政诉讼情况",
            "无。",
            "五、存在的主要问题及改进情况",
            "一是公开形式较为单一，二是解读质量有待提高。下一步将加强培训。",
            "六、其他需要报告的事项",
            "无。",
        ];
        assert_eq!(texts(&lines.join("\n")), lines);
    }

    #[test]
    fn printed_page_text_loses_its_extraction_spacing() {
        // `第1页` folios, a web address wrapped whole to the next line, and the spaces an
        // extraction puts between Chinese and digits.
        let full = "本报告所列数据的统计期限自2022年1月1日起至年12月31日止本年度报告";
        let mut text = String::new();
        for _ in 0..5 {
            text += &format!("   {full}\n{full}\n完。\n");
        }
        text += &format!("   本报告公布在某某市某某区某某镇人民政府的门户网站\n(www.example.gov.cn)政府信息公开专栏。\n   {full}\n              第2页\n\u{c}续 2023 年完。\n");
        let t = texts(&text);
        assert_eq!(t[5], "本报告公布在某某市某某区某某镇人民政府的门户网站(www.example.gov.cn)政府信息公开专栏。");
        assert_eq!(t[6], format!("{full}续2023年完。"));
        assert_eq!(t[7], "第2页");
    }

    #[test]
    fn paragraphs_of_a_web_page_are_not_taken_for_wrapped_lines() {
        // A page copied as text: short lines and paragraphs of all lengths, a line each. A
        // few paragraphs have the same length, but others run far past it: not a page width.
        let p = |n: usize| "本年度政府信息公开工作稳步推进。".repeat(n);
        let mut lines: Vec<String> = (0..47).map(|i| format!("工作动态{i}")).collect();
        for (k, n) in [4, 5, 5, 5, 10, 12, 15, 20].into_iter().enumerate() {
            lines.insert(k * 6 + 1, p(n));
        }
        assert_eq!(texts(&lines.join("\n")).len(), lines.len());
    }
}
