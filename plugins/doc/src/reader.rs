//! Word 97-2003 binary (MS-DOC) → Document.
//!
//! The WordDocument stream starts with the FIB, which says which table stream (0Table or
//! 1Table) holds the piece table (Clx) and the paragraph properties (PlcfBtePapx), and how many
//! characters of the text belong to the main document (ccpText; headers, footers, notes and
//! text boxes follow it and are left out). The piece table maps character positions (CPs) to
//! where their bytes are: 8-bit cp1252 ("compressed") or UTF-16 pieces. Paragraph marks
//! (0x0D) and cell marks (0x07) split the text; each mark's paragraph properties, found
//! through its stream offset (FC) in the PAPX FKPs, say whether it is in a table, ends a row,
//! and at a row end carry the row's cell boundaries and merges.
//!
//! Everything is bounded: streams by the file's size, the text by `max-chars`, the pieces and
//! property pages by fixed counts, cells and blocks by the options every reader has.

mod props;
mod table;

use std::io::{Cursor, Read};

use nianbao_plugin::{Align, Block, Document, Error, Options, Prop, Table};

use props::{Chpx, Papx, ParaProps};
use table::{append_line, Row};

/// Characters of the whole text (`-O max-chars=N`): a long report has 100 000.
const MAX_CHARS: usize = 50_000_000;
/// Pieces of the piece table: Word makes one per edit session, a few hundred at most.
const MAX_PIECES: usize = 1 << 20;
/// Property modifier lists (Prc) before the piece table.
const MAX_PRCS: usize = 1 << 16;
/// Pages of paragraph properties (512 bytes each: 32 MB of them).
const MAX_FKPS: usize = 1 << 16;
const MAX_CELLS: usize = 100_000;
const MAX_CELL_CHARS: usize = 100_000;
const MAX_BLOCKS: usize = 500_000;
/// Field nesting deeper than this is not Word's.
const MAX_FIELD_DEPTH: usize = 64;

struct Limits {
    chars: usize,
    cells: usize,
    cell_chars: usize,
    blocks: usize,
}

impl Limits {
    fn new(options: &Options) -> Result<Limits, Error> {
        Ok(Limits {
            chars: number(options, "max-chars")?.unwrap_or(MAX_CHARS),
            cells: number(options, "max-cells")?.unwrap_or(MAX_CELLS),
            cell_chars: number(options, "max-cell-chars")?.unwrap_or(MAX_CELL_CHARS),
            blocks: number(options, "max-blocks")?.unwrap_or(MAX_BLOCKS),
        })
    }
}

fn number(options: &Options, key: &str) -> Result<Option<usize>, Error> {
    options
        .get(key)
        .map(|v| v.trim().parse().map_err(|_| Error(format!("-O {key}={v}: the limit must be a whole number"))))
        .transpose()
}

/// Reads a Word 97-2003 document into a Document.
pub fn read(bytes: &[u8], options: &Options) -> Result<Document, Error> {
    let limits = Limits::new(options)?;
    let inspect = options.get("inspect").is_some_and(|v| v == "true" || v == "1");
    if !bytes.starts_with(&crate::CFB_MAGIC) {
        return Err(Error(not_a_compound_file(bytes)));
    }
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| Error(format!("the file is truncated or corrupted: not a readable compound file ({e})")))?;
    if !cfb.is_stream("/WordDocument") {
        return Err(Error(other_compound_file(&cfb)));
    }
    let word = stream(&mut cfb, "/WordDocument", bytes.len())?;
    let fib = Fib::parse(&word)?;
    let table_name = if fib.table1 { "/1Table" } else { "/0Table" };
    if !cfb.is_stream(table_name) {
        return Err(Error(format!(
            "the document is corrupted: its FIB names a {} stream, which it lacks",
            &table_name[1..]
        )));
    }
    let tables = stream(&mut cfb, table_name, bytes.len())?;
    let data = if cfb.is_stream("/Data") { stream(&mut cfb, "/Data", bytes.len())? } else { Vec::new() };
    let meta = summary(&mut cfb, bytes.len());

    let clx = fib.slice(&tables, fib.clx, "piece table (Clx)")?;
    let pieces = Pieces::parse(clx)?;
    if fib.ccp_text as usize > limits.chars {
        return Err(Error(format!(
            "the document declares {} characters of text, more than the {} this reader allows (-O max-chars=N raises it)",
            fib.ccp_text, limits.chars
        )));
    }
    let text = pieces.text(&word, fib.ccp_text)?;
    let papx = Papx::read(fib.slice(&tables, fib.papx, "paragraph properties (PlcfBtePapx)")?, &word, &data, MAX_FKPS)?;
    let chpx = Chpx::read(fib.slice(&tables, fib.chpx, "character properties (PlcfBteChpx)")?, &word, MAX_FKPS)?;
    let mut notes = Vec::new();
    let blocks = Builder::new(&limits).run(&text, &pieces, &papx, &chpx, inspect.then_some(&mut notes))?;
    Ok(Document { meta, blocks, notes, ..Document::default() })
}

/// Reads a whole stream, no longer than the file that holds it.
fn stream(cfb: &mut cfb::CompoundFile<Cursor<&[u8]>>, name: &str, file_size: usize) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    cfb.open_stream(name)
        .and_then(|s| s.take(file_size as u64).read_to_end(&mut out))
        .map_err(|e| Error(format!("the {} stream is corrupted: {e}", &name[1..])))?;
    Ok(out)
}

/// What a file that is no compound file is, and how to read it: `.doc` is the name many
/// programs and web sites give to RTF, web pages and DOCX.
fn not_a_compound_file(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "the file is empty".into();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let what = if head.starts_with("{\\rtf") {
        "this .doc is an RTF file, not a Word 97-2003 document: open it in Word or LibreOffice and save it as .docx \
         (soffice --headless --convert-to docx FILE)"
    } else if bytes.starts_with(b"PK\x03\x04") {
        if memmem(bytes, b"word/") {
            "this .doc is a DOCX package (Word 2007 or later) under an old name: rename it to .docx, or read it with --from docx"
        } else {
            "this .doc is a ZIP archive, not a Word 97-2003 document"
        }
    } else if head.starts_with("mime-version:") || (head.contains("multipart/related") && head.contains("boundary")) {
        "this .doc is a web archive (MHT/MHTML, Word's \"single file web page\"): open it in Word or LibreOffice and \
         save it as .docx"
    } else if head.contains("urn:schemas-microsoft-com:office:word") && !head.contains("<html") {
        "this .doc is a Word 2003 XML document: open it in Word or LibreOffice and save it as .docx"
    } else if head.starts_with('<')
        && (head.contains("<html") || head.contains("<!doctype html") || head.contains("<body"))
    {
        "this .doc is a web page (HTML), as many sites and editors save \"Word\" files: read it with --from html, \
         or rename it to .html"
    } else if head.starts_with("%pdf") {
        "this .doc is a PDF document: read it with --from pdf, or rename it to .pdf"
    } else if bytes.starts_with(&[0xDB, 0xA5]) {
        "this .doc is a Word for Windows 2.0 document, older than Word 97: open it in Word or LibreOffice and save it as .docx"
    } else if !bytes[..bytes.len().min(4096)].iter().any(|&b| matches!(b, 0..=8 | 0x0E..=0x1A | 0x1C..=0x1F)) {
        "this .doc is plain text, not a Word 97-2003 document: read it with --from text"
    } else {
        let start: String = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
        return format!("not a Word 97-2003 document: not a compound file (it starts with bytes {start})");
    };
    what.into()
}

fn other_compound_file(cfb: &cfb::CompoundFile<Cursor<&[u8]>>) -> String {
    if cfb.is_stream("/EncryptedPackage") {
        "a password-protected (encrypted) Office document: remove the password and save it again".into()
    } else if cfb.is_stream("/Workbook") || cfb.is_stream("/Book") {
        "not a Word document: an Excel 97-2003 workbook (.xls): read it with --from xls".into()
    } else if cfb.is_stream("/PowerPoint Document") {
        "not a Word document: a PowerPoint 97-2003 presentation (.ppt)".into()
    } else {
        "not a Word document: a compound file without a WordDocument stream".into()
    }
}

fn memmem(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// What the reader needs of the File Information Block.
struct Fib {
    table1: bool,
    ccp_text: u32,
    /// `(fc, lcb)` of structures in the table stream.
    clx: (u32, u32),
    papx: (u32, u32),
    chpx: (u32, u32),
}

impl Fib {
    fn parse(word: &[u8]) -> Result<Fib, Error> {
        let short = || Error("the document is truncated: its WordDocument stream ends inside the FIB".into());
        let ident = u16_at(word, 0).ok_or_else(short)?;
        if ident == 0xA5DC {
            return Err(Error(
                "a Word 6.0/95 document, older than Word 97: open it in Word or LibreOffice and save it as .docx"
                    .into(),
            ));
        }
        if ident != 0xA5EC {
            return Err(Error(format!(
                "not a Word 97-2003 document: its WordDocument stream starts with {ident:#06x}, not the FIB's 0xa5ec"
            )));
        }
        let nfib = u16_at(word, 2).ok_or_else(short)?;
        let flags = u16_at(word, 0x0A).ok_or_else(short)?;
        if flags & 0x0100 != 0 {
            return Err(Error(
                "a password-protected (encrypted) Word document: remove the password and save it again".into(),
            ));
        }
        if nfib < 0x00C1 && nfib != 0 {
            return Err(Error(format!(
                "a Word document older than Word 97 (nFib {nfib}): open it in Word or LibreOffice and save it as .docx"
            )));
        }
        let csw = u16_at(word, 32).ok_or_else(short)? as usize;
        let lw = 34 + 2 * csw;
        let cslw = u16_at(word, lw).ok_or_else(short)? as usize;
        let ccp_text = u32_at(word, lw + 2 + 12).ok_or_else(short)?;
        let blob = lw + 2 + 4 * cslw;
        let cb = u16_at(word, blob).ok_or_else(short)? as usize;
        let pair = |i: usize| -> Result<(u32, u32), Error> {
            if i >= cb {
                return Err(short());
            }
            let at = blob + 2 + 8 * i;
            Ok((u32_at(word, at).ok_or_else(short)?, u32_at(word, at + 4).ok_or_else(short)?))
        };
        Ok(Fib { table1: flags & 0x0200 != 0, ccp_text, clx: pair(33)?, papx: pair(13)?, chpx: pair(12)? })
    }

    fn slice<'t>(&self, tables: &'t [u8], (fc, lcb): (u32, u32), what: &str) -> Result<&'t [u8], Error> {
        let (fc, lcb) = (fc as usize, lcb as usize);
        tables.get(fc..fc.saturating_add(lcb)).ok_or_else(|| {
            Error(format!(
                "the document is corrupted: its {what} lies at bytes {fc}..{} of a table stream of {} bytes",
                fc.saturating_add(lcb),
                tables.len()
            ))
        })
    }
}

/// One piece of the text: CPs `[cp, cp_end)` stored from byte `fc` of the WordDocument stream.
#[derive(Debug, Clone, Copy)]
struct Piece {
    cp: u32,
    cp_end: u32,
    fc: u32,
    compressed: bool,
    prm: u16,
}

#[derive(Debug)]
struct Pieces {
    pieces: Vec<Piece>,
    /// The grpprls of the Prcs, for pieces whose Prm points to one.
    prcs: Vec<Vec<u8>>,
}

impl Pieces {
    fn parse(clx: &[u8]) -> Result<Pieces, Error> {
        let bad = |why: &str| Error(format!("the document is corrupted: its piece table {why}"));
        let mut at = 0usize;
        let mut prcs = Vec::new();
        while clx.get(at) == Some(&1) {
            let cb = u16_at(clx, at + 1).ok_or_else(|| bad("is cut short"))? as usize;
            let grpprl = clx.get(at + 3..at + 3 + cb).ok_or_else(|| bad("is cut short"))?;
            if prcs.len() >= MAX_PRCS {
                return Err(bad(&format!("has more than {MAX_PRCS} property lists")));
            }
            prcs.push(grpprl.to_vec());
            at += 3 + cb;
        }
        if clx.get(at) != Some(&2) {
            return Err(bad("is missing (no Pcdt in the Clx)"));
        }
        let lcb = u32_at(clx, at + 1).ok_or_else(|| bad("is cut short"))? as usize;
        let plc = clx.get(at + 5..at + 5 + lcb).ok_or_else(|| bad("is longer than its stream"))?;
        if lcb < 16 || !(lcb - 4).is_multiple_of(12) {
            return Err(bad(&format!("has a size of {lcb} bytes, which is no whole number of pieces")));
        }
        let n = (lcb - 4) / 12;
        if n > MAX_PIECES {
            return Err(bad(&format!("has {n} pieces, more than the {MAX_PIECES} this reader allows")));
        }
        let mut pieces = Vec::with_capacity(n);
        for i in 0..n {
            let (cp, cp_end) = (u32_at(plc, 4 * i).unwrap_or(0), u32_at(plc, 4 * (i + 1)).unwrap_or(0));
            let pcd = 4 * (n + 1) + 8 * i;
            let fc = u32_at(plc, pcd + 2).unwrap_or(0);
            let prm = u16_at(plc, pcd + 6).unwrap_or(0);
            if cp_end < cp || pieces.last().is_some_and(|p: &Piece| p.cp_end > cp) {
                return Err(bad("has pieces out of order"));
            }
            let compressed = fc & 0x4000_0000 != 0;
            let fc = if compressed { (fc & 0x3FFF_FFFF) / 2 } else { fc & 0x3FFF_FFFF };
            pieces.push(Piece { cp, cp_end, fc, compressed, prm });
        }
        Ok(Pieces { pieces, prcs })
    }

    /// The first `ccp` characters as UTF-16 code units, one per CP.
    fn text(&self, word: &[u8], ccp: u32) -> Result<Vec<u16>, Error> {
        let mut out = Vec::with_capacity(ccp.min(1 << 24) as usize);
        for (i, p) in self.pieces.iter().enumerate() {
            if p.cp >= ccp {
                break;
            }
            if p.cp as usize != out.len() {
                return Err(Error(format!(
                    "the document is corrupted: piece {i} of its text starts at character {} after {} characters",
                    p.cp,
                    out.len()
                )));
            }
            let n = (p.cp_end.min(ccp) - p.cp) as usize;
            let width = if p.compressed { 1 } else { 2 };
            let start = p.fc as usize;
            let bytes = word.get(start..start + n * width).ok_or_else(|| {
                Error(format!(
                    "the document is corrupted: piece {i} of its text lies past the end of the WordDocument stream"
                ))
            })?;
            if p.compressed {
                out.extend(bytes.iter().map(|&b| cp1252(b)));
            } else {
                out.extend(bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])));
            }
        }
        if out.len() < ccp as usize {
            return Err(Error(format!(
                "the document is corrupted: its pieces hold {} characters of the {ccp} its FIB declares",
                out.len()
            )));
        }
        Ok(out)
    }

    /// The stream offset of character `cp`, and the piece's own property list.
    fn fc(&self, cp: u32) -> Option<(u32, Option<&[u8]>)> {
        let i = self.pieces.partition_point(|p| p.cp <= cp).checked_sub(1)?;
        let p = &self.pieces[i];
        let width = if p.compressed { 1 } else { 2 };
        let fc = p.fc.checked_add((cp - p.cp).checked_mul(width)?)?;
        // Prm1: an index into the Prcs; Prm0 (single sprms by a short index) carries character
        // formatting in practice and is not read.
        let prc = (p.prm & 1 == 1).then(|| self.prcs.get((p.prm >> 1) as usize).map(Vec::as_slice)).flatten();
        Some((fc, prc))
    }
}

/// Compressed text is cp1252; its 0x80–0x9F differ from Latin-1.
fn cp1252(b: u8) -> u16 {
    const HIGH: [u16; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as u16,
    }
}

/// A paragraph outside tables, with what its characters say about emphasis (as the DOCX
/// reader counts it: non-blank characters, sizes in half-points, 10 pt where unsaid).
struct Para {
    text: String,
    align: Align,
    outline: Option<u8>,
    all_bold: bool,
    min_size: Option<u16>,
    sizes: Vec<(u16, usize)>,
}

enum Raw {
    Para(Para),
    Table(Table),
}

/// Emphasis of the paragraph being read.
#[derive(Default)]
struct Emphasis {
    chars: usize,
    bold: usize,
    sizes: Vec<(u16, usize)>,
}

/// Word's size for text nothing sizes: 10 pt.
const DEFAULT_SIZE: u16 = 20;

/// Turns the main text into blocks as the marks come.
struct Builder<'l> {
    limits: &'l Limits,
    blocks: Vec<Raw>,
    emphasis: Emphasis,
    /// Paragraphs and cells made so far.
    count: usize,
    tables: u32,
    rows: Vec<Row>,
    cells: Vec<String>,
    cell: String,
    /// A nested table's current line (its cells space-separated) and cell.
    inner_line: String,
    inner_cell: String,
    table_cells: usize,
}

impl<'l> Builder<'l> {
    fn new(limits: &'l Limits) -> Builder<'l> {
        Builder {
            limits,
            blocks: Vec::new(),
            emphasis: Emphasis::default(),
            count: 0,
            tables: 0,
            rows: Vec::new(),
            cells: Vec::new(),
            cell: String::new(),
            inner_line: String::new(),
            inner_cell: String::new(),
            table_cells: 0,
        }
    }

    /// With `notes` (the `inspect` option), says what each table is and why each heading is
    /// one, as the DOCX reader does.
    fn run(
        mut self,
        text: &[u16],
        pieces: &Pieces,
        papx: &Papx,
        chpx: &Chpx,
        mut notes: Option<&mut Vec<String>>,
    ) -> Result<Vec<Block>, Error> {
        // Open fields: whether each is still in its instructions (before 0x14).
        let mut fields: Vec<bool> = Vec::new();
        let mut units: Vec<u16> = Vec::new();
        for (cp, &u) in text.iter().enumerate() {
            match u {
                0x13 => {
                    if fields.len() >= MAX_FIELD_DEPTH {
                        return Err(Error(format!("the document nests fields deeper than {MAX_FIELD_DEPTH}")));
                    }
                    fields.push(true);
                    continue;
                }
                0x14 => {
                    if let Some(f) = fields.last_mut() {
                        *f = false;
                    }
                    continue;
                }
                0x15 => {
                    fields.pop();
                    continue;
                }
                0x0D | 0x07 | 0x0C => {
                    let mut props = ParaProps::default();
                    if let Some((fc, prc)) = pieces.fc(cp as u32) {
                        props = papx.at(fc).clone();
                        if let Some(grpprl) = prc {
                            props.apply(grpprl);
                        }
                    }
                    let para = clean_lines(String::from_utf16_lossy(&units));
                    units.clear();
                    self.paragraph(para, u, props)?;
                    continue;
                }
                _ => {}
            }
            if fields.iter().any(|&instr| instr) {
                continue;
            }
            let chp = pieces.fc(cp as u32).map(|(fc, _)| chpx.at(fc)).unwrap_or_default();
            if chp.hidden {
                continue;
            }
            if !char::from_u32(u as u32).is_some_and(char::is_whitespace) && u > 0x1F {
                let e = &mut self.emphasis;
                e.chars += 1;
                e.bold += usize::from(chp.bold);
                count_size(&mut e.sizes, chp.size.unwrap_or(DEFAULT_SIZE), 1);
            }
            match u {
                0x09 => units.push(b' ' as u16),
                0x0B => units.push(b'\n' as u16),
                0x1E => units.push(b'-' as u16),
                // Pictures, note references, separators, drawn objects, optional hyphens.
                0x00..=0x08 | 0x1F => {}
                _ => units.push(u),
            }
        }
        let para = clean_lines(String::from_utf16_lossy(&units));
        self.paragraph(para, 0x0D, ParaProps::default())?;
        self.end_table()?;
        if let Some(notes) = notes.as_deref_mut() {
            notes.extend(
                self.blocks.iter().filter_map(|b| if let Raw::Table(t) = b { Some(describe(t)) } else { None }),
            );
        }
        Ok(blocks(self.blocks, notes))
    }

    fn paragraph(&mut self, text: String, mark: u16, props: ParaProps) -> Result<(), Error> {
        let depth = props.depth();
        let emphasis = std::mem::take(&mut self.emphasis);
        if depth == 0 {
            self.end_table()?;
            if !text.is_empty() {
                self.count()?;
                self.blocks.push(Raw::Para(Para {
                    text,
                    align: props.align.unwrap_or_default(),
                    outline: props.outline,
                    all_bold: emphasis.chars > 0 && emphasis.bold == emphasis.chars,
                    min_size: emphasis.sizes.iter().map(|&(s, _)| s).min(),
                    sizes: emphasis.sizes,
                }));
            }
            return Ok(());
        }
        if depth >= 2 {
            append_line(&mut self.inner_cell, &text);
            if props.inner_ttp {
                append_line(&mut self.cell, &std::mem::take(&mut self.inner_line));
            } else if props.inner_cell || mark == 0x07 {
                let cell = std::mem::take(&mut self.inner_cell).replace('\n', " ");
                if !cell.is_empty() {
                    if !self.inner_line.is_empty() {
                        self.inner_line.push(' ');
                    }
                    self.inner_line.push_str(&cell);
                }
            }
            return Ok(());
        }
        if !self.inner_line.is_empty() || !self.inner_cell.is_empty() {
            let line = std::mem::take(&mut self.inner_line) + &std::mem::take(&mut self.inner_cell);
            append_line(&mut self.cell, &line);
        }
        if mark == 0x07 && props.ttp {
            let cells = std::mem::take(&mut self.cells);
            self.rows.push(Row { cells, props: props.row });
        } else {
            append_line(&mut self.cell, &text);
            if mark == 0x07 {
                self.table_cells += 1;
                if self.table_cells > self.limits.cells {
                    return Err(Error(format!(
                        "table {} has more than {} cells (-O max-cells=N raises the limit)",
                        self.tables, self.limits.cells
                    )));
                }
                self.count()?;
                self.cells.push(std::mem::take(&mut self.cell));
            }
        }
        Ok(())
    }

    fn end_table(&mut self) -> Result<(), Error> {
        if !self.cell.is_empty() {
            self.cells.push(std::mem::take(&mut self.cell));
        }
        if !self.cells.is_empty() {
            self.rows.push(Row { cells: std::mem::take(&mut self.cells), props: None });
        }
        if self.rows.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.rows);
        self.blocks.push(Raw::Table(table::build(rows, self.tables, self.limits.cell_chars)?));
        self.tables += 1;
        self.table_cells = 0;
        Ok(())
    }

    fn count(&mut self) -> Result<(), Error> {
        self.count += 1;
        if self.count > self.limits.blocks {
            return Err(Error(format!(
                "the document makes more than {} paragraphs and table cells (-O max-blocks=N raises the limit)",
                self.limits.blocks
            )));
        }
        Ok(())
    }
}

/// Turns the paragraphs and tables into blocks, deciding which paragraphs are headings by the
/// DOCX reader's rules: an outline level, or a short paragraph set entirely in bold or larger
/// than most of the body (the title when centred before any body text).
fn blocks(raws: Vec<Raw>, mut notes: Option<&mut Vec<String>>) -> Vec<Block> {
    let mut by_size: Vec<(u16, usize)> = Vec::new();
    for raw in &raws {
        if let Raw::Para(p) = raw {
            for &(size, n) in &p.sizes {
                count_size(&mut by_size, size, n);
            }
        }
    }
    let body_size = by_size.into_iter().max_by_key(|&(_, n)| n).map(|(s, _)| s);
    let mut seen_body_text = false;
    let mut out = Vec::with_capacity(raws.len());
    for raw in raws {
        match raw {
            Raw::Para(p) => match heading_level(&p, body_size, seen_body_text) {
                Some((level, why)) => {
                    if let Some(notes) = notes.as_deref_mut() {
                        notes.push(format!("heading {level} ({why}): {}", p.text));
                    }
                    out.push(Block::Heading { source: None, level, text: p.text })
                }
                None => {
                    seen_body_text = true;
                    out.push(Block::Paragraph { source: None, text: p.text, align: p.align });
                }
            },
            Raw::Table(t) => {
                seen_body_text = true;
                out.push(Block::Table(t));
            }
        }
    }
    out
}

/// Distinct type sizes counted; more is no document's (a file giving each character a size of
/// its own would make the counting quadratic).
const MAX_SIZES: usize = 64;

fn count_size(sizes: &mut Vec<(u16, usize)>, size: u16, n: usize) {
    if let Some(entry) = sizes.iter_mut().find(|(s, _)| *s == size) {
        entry.1 += n;
    } else if sizes.len() < MAX_SIZES {
        sizes.push((size, n));
    }
}

/// Longest text that still reads as a heading when only its emphasis says so.
const MAX_EMPHASIS_HEADING: usize = 60;

fn heading_level(p: &Para, body_size: Option<u16>, seen_body_text: bool) -> Option<(u8, &'static str)> {
    if let Some(outline) = p.outline {
        return Some((outline.saturating_add(2), "outline level"));
    }
    if p.text.chars().count() > MAX_EMPHASIS_HEADING || p.text.contains(['。', '\n']) {
        return None;
    }
    let larger = matches!((p.min_size, body_size), (Some(s), Some(b)) if s > b);
    if !(p.all_bold || larger) {
        return None;
    }
    if p.align == Align::Center && !seen_body_text {
        return Some((1, "centred emphasis before the body"));
    }
    Some((2, if p.all_bold { "bold" } else { "larger type" }))
}

/// One line on a table's shape, for `inspect`.
fn describe(t: &Table) -> String {
    let merged = t.rows.iter().flatten().filter(|c| c.rowspan > 1 || c.colspan > 1).count();
    format!(
        "table: {} rows x {} columns, {merged} merged cells, {} header rows",
        t.rows.len(),
        t.grid().width,
        t.header_rows
    )
}

/// Trims each printed line and drops empty lines, as the DOCX reader does.
fn clean_lines(text: String) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n').map(str::trim).filter(|l| !l.is_empty()) {
        append_line(&mut out, line);
    }
    out
}

/// The document's title, author, subject and keywords from its SummaryInformation property
/// set; a damaged one is left out.
fn summary(cfb: &mut cfb::CompoundFile<Cursor<&[u8]>>, file_size: usize) -> Vec<Prop> {
    let name = "/\u{5}SummaryInformation";
    if !cfb.is_stream(name) {
        return Vec::new();
    }
    let Ok(data) = stream(cfb, name, file_size) else { return Vec::new() };
    summary_props(&data).unwrap_or_default()
}

fn summary_props(data: &[u8]) -> Option<Vec<Prop>> {
    // Header (28 bytes), one FMTID/offset pair (20), then the section: size, count, pairs.
    let section = u32_at(data, 44)? as usize;
    let count = (u32_at(data, section + 4)? as usize).min(1024);
    let mut codepage = 1252u16;
    let mut entries = Vec::new();
    for i in 0..count {
        let id = u32_at(data, section + 8 + 8 * i)?;
        let offset = section + u32_at(data, section + 12 + 8 * i)? as usize;
        if id == 1 && u16_at(data, offset)? == 2 {
            codepage = u16_at(data, offset + 4)?;
        }
        entries.push((id, offset));
    }
    // In the DOCX reader's order of its core properties.
    const KEYS: [(u32, &str); 6] =
        [(2, "title"), (4, "author"), (12, "date"), (3, "subject"), (5, "keywords"), (6, "description")];
    let mut out = Vec::new();
    for (id, key) in KEYS {
        let Some(&(_, offset)) = entries.iter().find(|e| e.0 == id) else { continue };
        let value = if id == 12 { property_date(data, offset) } else { property_string(data, offset, codepage) };
        let Some(value) = value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) else { continue };
        out.push(Prop { key: key.into(), value });
    }
    Some(out)
}

/// A VT_FILETIME property (100 ns ticks since 1601) as an ISO date.
fn property_date(data: &[u8], offset: usize) -> Option<String> {
    if u16_at(data, offset)? != 0x40 {
        return None;
    }
    let ticks = u64::from(u32_at(data, offset + 4)?) | (u64::from(u32_at(data, offset + 8)?) << 32);
    // Days from 1601-01-01 to 1970-01-01.
    let days = (ticks / 864_000_000_000) as i64 - 134_774;
    if ticks == 0 || !(-200_000..=200_000).contains(&days) {
        return None;
    }
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// A VT_LPSTR (in the set's code page: UTF-8 as 65001, UTF-16 as 1200, else only ASCII is
/// trusted) or VT_LPWSTR property.
fn property_string(data: &[u8], offset: usize, codepage: u16) -> Option<String> {
    let kind = u16_at(data, offset)?;
    let len = (u32_at(data, offset + 4)? as usize).min(1 << 16);
    let body = data.get(offset + 8..offset + 8 + if kind == 0x1F { 2 * len } else { len })?;
    let utf16 = |b: &[u8]| {
        let units: Vec<u16> = b.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    };
    let text = match (kind, codepage) {
        (0x1F, _) | (0x1E, 1200) => utf16(body),
        (0x1E, 65001) => String::from_utf8_lossy(body).into_owned(),
        (0x1E, _) if body.iter().all(|&b| b < 0x80) => String::from_utf8_lossy(body).into_owned(),
        _ => return None,
    };
    Some(text.trim_end_matches('\0').to_string())
}

#[cfg(test)]
mod tests {
    use super::props::sprms;
    use super::*;
    use nianbao_plugin::Align;

    #[test]
    fn look_alikes_are_named() {
        assert!(not_a_compound_file(b"{\\rtf1\\ansi hello}").contains("RTF"));
        assert!(not_a_compound_file(b"<html><body>x</body></html>").contains("--from html"));
        assert!(
            not_a_compound_file(b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x").contains("MHT")
        );
        assert!(not_a_compound_file(b"PK\x03\x04....word/document.xml").contains("--from docx"));
        assert!(not_a_compound_file(b"").contains("empty"));
        assert!(not_a_compound_file("年度报告\n".as_bytes()).contains("--from text"));
        assert!(not_a_compound_file(b"\x01\x02hello").contains("010268656c6c6f"));
    }

    /// A Clx of pieces `(cp_end, fc as stored, compressed)` from CP 0.
    fn clx(pieces: &[(u32, u32, bool)]) -> Vec<u8> {
        let mut plc = vec![0u8; 4];
        for &(end, _, _) in pieces {
            plc.extend(end.to_le_bytes());
        }
        for &(_, fc, compressed) in pieces {
            plc.extend([0, 0]);
            let stored = if compressed { (fc * 2) | 0x4000_0000 } else { fc };
            plc.extend(stored.to_le_bytes());
            plc.extend([0, 0]);
        }
        let mut out = vec![2];
        out.extend((plc.len() as u32).to_le_bytes());
        out.extend(plc);
        out
    }

    #[test]
    fn compressed_and_utf16_pieces_make_one_text_and_map_back_to_offsets() {
        // "ab\x93" as cp1252 at byte 10, then "年报" in UTF-16 at byte 20.
        let mut word = vec![0u8; 30];
        word[10..13].copy_from_slice(b"ab\x93");
        word[20..24].copy_from_slice(&[0x74, 0x5E, 0xA5, 0x62]);
        let pieces = Pieces::parse(&clx(&[(3, 10, true), (5, 20, false)])).unwrap();
        let text = pieces.text(&word, 5).unwrap();
        assert_eq!(String::from_utf16_lossy(&text), "ab\u{201C}年报");
        assert_eq!(pieces.fc(1).map(|f| f.0), Some(11));
        assert_eq!(pieces.fc(4).map(|f| f.0), Some(22));
        // Declaring more text than the pieces hold, or a piece past the stream, is corrupt.
        assert!(pieces.text(&word, 6).unwrap_err().0.contains("hold 5 characters"));
        let far = Pieces::parse(&clx(&[(3, 1000, true)])).unwrap();
        assert!(far.text(&word, 3).unwrap_err().0.contains("past the end"));
        assert!(Pieces::parse(&clx(&[(3, 10, true), (2, 20, false)])).unwrap_err().0.contains("out of order"));
    }

    #[test]
    fn fields_show_their_result_and_marks_make_paragraphs_and_cells() {
        let limits = Limits { chars: 100, cells: 100, cell_chars: 100, blocks: 100 };
        // One compressed piece: a field, a paragraph mark, two cells and a row end without
        // paragraph properties (so no table: marks alone are not trusted), text.
        let body = b"x\x13 PAGE \x141\x15y\ra\x07b\x07\x07z";
        let mut word = vec![0u8; 8];
        word.extend(body);
        let pieces = Pieces::parse(&clx(&[(body.len() as u32, 8, true)])).unwrap();
        let text = pieces.text(&word, body.len() as u32).unwrap();
        let papx = Papx::read(&[], &word, &[], 1).unwrap();
        let chpx = Chpx::read(&[], &word, 1).unwrap();
        let blocks = Builder::new(&limits).run(&text, &pieces, &papx, &chpx, None).unwrap();
        let texts: Vec<String> = blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph { text, .. } => text.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(texts, ["x1y", "a", "b", "z"]);
    }

    #[test]
    fn compressed_text_is_cp1252() {
        assert_eq!(cp1252(b'a'), 'a' as u16);
        assert_eq!(cp1252(0x93), 0x201C);
        assert_eq!(cp1252(0xE9), 0xE9);
    }

    #[test]
    fn align_default_is_justify() {
        assert_eq!(ParaProps::default().align.unwrap_or_default(), Align::Justify);
        assert_eq!(sprms(&[]).count(), 0);
    }
}
