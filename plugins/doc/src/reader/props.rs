//! Paragraph properties: the PAPX FKPs that PlcfBtePapx points to, the property modifiers
//! (sprms) in them, and what the reader needs of those: whether a paragraph is in a table, ends
//! a cell or a row, how deep it is nested, its alignment, and at a row end the row's cells (TAP).

use nianbao_plugin::{Align, Error};

/// Bytes of one formatted disk page (FKP).
const PAGE: usize = 512;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Merge {
    #[default]
    None,
    /// The first cell of a merge.
    Restart,
    /// A cell merged into the one before it (to the left, or above).
    Continue,
}

/// What a row-end paragraph says of its row (sprmTDefTable and friends).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowProps {
    /// Cell boundaries in twips, one more than there are cells.
    pub centers: Vec<i32>,
    /// Per cell: horizontal and vertical merge.
    pub merges: Vec<(Merge, Merge)>,
    /// sprmTTableHeader: repeated at the top of each page.
    pub header: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParaProps {
    pub in_table: bool,
    /// The paragraph mark ends a table row (a depth-1 row).
    pub ttp: bool,
    /// Table depth (sprmPItap), 0 when not given.
    pub itap: u32,
    /// The mark ends a cell, or a row, of a nested table.
    pub inner_cell: bool,
    pub inner_ttp: bool,
    pub align: Option<Align>,
    /// sprmPOutLvl, 9 (body text) left out.
    pub outline: Option<u8>,
    pub row: Option<RowProps>,
}

impl ParaProps {
    /// How deep in tables the paragraph is: 0 outside any.
    pub fn depth(&self) -> u32 {
        if self.itap > 0 {
            self.itap
        } else {
            u32::from(self.in_table || self.ttp)
        }
    }

    /// Applies a list of sprms (a grpprl) on top of these properties.
    pub fn apply(&mut self, grpprl: &[u8]) {
        for (sprm, op) in sprms(grpprl) {
            let byte = op.first().copied().unwrap_or(0);
            match sprm {
                0x2416 => self.in_table = byte != 0,
                0x2417 => self.ttp = byte != 0,
                0x6649 => self.itap = u32_at(op, 0).unwrap_or(0).min(64),
                0x244B => self.inner_cell = byte != 0,
                0x244C => self.inner_ttp = byte != 0,
                // sprmPJc80 and sprmPJc (logical alignment): 0 left, 1 centre, 2 right, 3 and
                // up justified or distributed.
                0x2403 | 0x2461 => {
                    self.align = Some(match byte {
                        0 => Align::Left,
                        1 => Align::Center,
                        2 => Align::Right,
                        _ => Align::Justify,
                    })
                }
                0x2640 => self.outline = (byte < 9).then_some(byte),
                0xD608 => self.row.get_or_insert_with(RowProps::default).define(op),
                0x3404 => self.row.get_or_insert_with(RowProps::default).header = byte != 0,
                // sprmTVertMerge: cell index, then 0 none, 1 continue, 3 restart.
                0xD62B => {
                    if let (Some(&itc), Some(&how)) = (op.get(1), op.get(2)) {
                        let row = self.row.get_or_insert_with(RowProps::default);
                        if let Some(m) = row.merges.get_mut(itc as usize) {
                            m.1 = vert_merge(how);
                        }
                    }
                }
                // sprmTMerge: cells [first, lim) merged into the first.
                0x5624 => {
                    if let (Some(&first), Some(&lim)) = (op.first(), op.get(1)) {
                        let row = self.row.get_or_insert_with(RowProps::default);
                        for (i, m) in row.merges.iter_mut().enumerate().take(lim as usize).skip(first as usize) {
                            m.0 = if i == first as usize { Merge::Restart } else { Merge::Continue };
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn vert_merge(bits: u8) -> Merge {
    match bits & 3 {
        3 => Merge::Restart,
        1 => Merge::Continue,
        _ => Merge::None,
    }
}

impl RowProps {
    /// Reads a TDefTableOperand (after its two-byte size): the cell count, the boundaries,
    /// and one TC80 of 20 bytes per cell as far as the operand has them.
    fn define(&mut self, op: &[u8]) {
        let body = op.get(2..).unwrap_or_default();
        let Some(&count) = body.first() else { return };
        let count = count as usize;
        let centers: Vec<i32> = (0..=count)
            .map_while(|i| body.get(1 + 2 * i..3 + 2 * i))
            .map(|b| i16::from_le_bytes([b[0], b[1]]) as i32)
            .collect();
        if centers.len() != count + 1 {
            return;
        }
        let tcs = 1 + 2 * (count + 1);
        let merges = (0..count)
            .map(|i| match body.get(tcs + 20 * i..tcs + 20 * i + 2) {
                Some(b) => {
                    let flags = u16::from_le_bytes([b[0], b[1]]);
                    // fFirstMerged, fMerged; fVertMerge, fVertRestart.
                    let h = match flags & 3 {
                        1 => Merge::Restart,
                        2 | 3 => Merge::Continue,
                        _ => Merge::None,
                    };
                    (h, vert_merge(((flags >> 5) & 3) as u8))
                }
                None => (Merge::None, Merge::None),
            })
            .collect();
        self.centers = centers;
        self.merges = merges;
    }
}

/// The sprms of a grpprl with their operands; a sprm cut short ends the list.
pub fn sprms(grpprl: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let id = u16::from_le_bytes([*grpprl.get(at)?, *grpprl.get(at + 1)?]);
        let rest = &grpprl[at + 2..];
        let size = match id >> 13 {
            0 | 1 => 1,
            2 | 4 | 5 => 2,
            3 => 4,
            7 => 3,
            // Variable: sprmTDefTable (and its Word 6 form) gives a two-byte size counting
            // itself and the rest less one; the others one byte of size before the operand.
            _ if id == 0xD608 || id == 0xD606 => u16::from_le_bytes([*rest.first()?, *rest.get(1)?]) as usize + 1,
            _ => *rest.first()? as usize + 1,
        };
        let op = rest.get(..size)?;
        at += 2 + size;
        Some((id, op))
    })
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// What the reader needs of a run's character properties: emphasis, for headings, and
/// whether it prints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CharProps {
    pub bold: bool,
    /// Half-points (sprmCHps).
    pub size: Option<u16>,
    /// sprmCFVanish: hidden text.
    pub hidden: bool,
}

impl CharProps {
    fn apply(&mut self, grpprl: &[u8]) {
        for (sprm, op) in sprms(grpprl) {
            let byte = op.first().copied().unwrap_or(0);
            match sprm {
                // 0 off, 1 on, 0x81 the opposite of the style's (which is off in practice);
                // 0x80, the style's own, is left as it is.
                0x0835 => self.bold = matches!(byte, 1 | 0x81) || (byte == 0x80 && self.bold),
                0x4A43 => self.size = Some(u16::from_le_bytes([byte, op.get(1).copied().unwrap_or(0)])),
                0x083C => self.hidden = matches!(byte, 1 | 0x81),
                _ => {}
            }
        }
    }
}

/// The character properties of the file (PlcfBteChpx → CHPX FKPs), by stream offset.
pub struct Chpx {
    runs: Vec<(u32, u32, CharProps)>,
}

impl Chpx {
    pub fn read(plc: &[u8], word: &[u8], max_pages: usize) -> Result<Chpx, Error> {
        let mut runs = Vec::new();
        for page in pages(plc, word, max_pages, "character")? {
            let crun = page[PAGE - 1] as usize;
            if 4 * (crun + 1) + crun > PAGE - 1 {
                continue;
            }
            for i in 0..crun {
                let (Some(start), Some(end)) = (u32_at(page, 4 * i), u32_at(page, 4 * (i + 1))) else { continue };
                let offset = 2 * page[4 * (crun + 1) + i] as usize;
                let mut props = CharProps::default();
                if offset != 0 {
                    let cb = page.get(offset).copied().unwrap_or(0) as usize;
                    if let Some(grpprl) = page.get(offset + 1..(offset + 1 + cb).min(PAGE - 1)) {
                        props.apply(grpprl);
                    }
                }
                if start < end {
                    runs.push((start, end, props));
                }
            }
        }
        runs.sort_by_key(|r| r.0);
        Ok(Chpx { runs })
    }

    /// The properties of the character at stream offset `fc`.
    pub fn at(&self, fc: u32) -> CharProps {
        let i = self.runs.partition_point(|r| r.0 <= fc);
        match i.checked_sub(1).map(|k| self.runs[k]) {
            Some((_, end, props)) if fc < end => props,
            _ => CharProps::default(),
        }
    }
}

/// The distinct FKPs a bin table (PlcfBte*) names, each 512 bytes of the WordDocument stream.
fn pages<'w>(plc: &[u8], word: &'w [u8], max_pages: usize, what: &str) -> Result<Vec<&'w [u8]>, Error> {
    if plc.len() < 4 {
        return Ok(Vec::new());
    }
    let n = (plc.len() - 4) / 8;
    if n > max_pages {
        return Err(Error(format!(
            "the {what} properties take {n} pages (FKPs), more than the {max_pages} this reader allows"
        )));
    }
    let pns = &plc[4 * (n + 1)..];
    let mut numbers: Vec<usize> = (0..n).map(|i| (u32_at(pns, 4 * i).unwrap_or(0) & 0x3F_FFFF) as usize).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let mut out = Vec::with_capacity(numbers.len());
    for pn in numbers {
        out.push(word.get(pn * PAGE..(pn + 1) * PAGE).ok_or_else(|| {
            Error(format!(
                "the document is corrupted: {what} properties on page {pn}, past the end of the WordDocument stream"
            ))
        })?);
    }
    Ok(out)
}

/// The paragraph properties of the file, by the stream offsets (FCs) of the text they cover.
pub struct Papx {
    /// `(first fc, end fc, index into props)`, sorted by first fc.
    runs: Vec<(u32, u32, usize)>,
    props: Vec<ParaProps>,
}

impl Papx {
    /// Reads PlcfBtePapx (`plc`, from the table stream) and the FKPs it names (in the
    /// WordDocument stream); refuses more than `max_pages` of them.
    /// Properties too large for their page are in the Data stream, `data`.
    pub fn read(plc: &[u8], word: &[u8], data: &[u8], max_pages: usize) -> Result<Papx, Error> {
        let mut out = Papx { runs: Vec::new(), props: vec![ParaProps::default()] };
        // Bytes of Data-stream properties read, all told: many PAPXs may name one large list.
        let mut huge_budget = (data.len() as u64).saturating_mul(4).max(1 << 20);
        for page in pages(plc, word, max_pages, "paragraph")? {
            out.page(page, data, &mut huge_budget)?;
        }
        out.runs.sort_by_key(|r| r.0);
        Ok(out)
    }

    fn page(&mut self, page: &[u8], data: &[u8], huge_budget: &mut u64) -> Result<(), Error> {
        let crun = page[PAGE - 1] as usize;
        // crun + 1 fcs of 4 bytes and crun BxPaps of 13 bytes before the last byte.
        if 4 * (crun + 1) + 13 * crun > PAGE - 1 {
            return Ok(());
        }
        // Runs of a page that share a PAPX share its parsed properties; pages do not share
        // (which keeps this linear in the file's size).
        let mut parsed: Vec<(usize, usize)> = Vec::new();
        for i in 0..crun {
            let (Some(start), Some(end)) = (u32_at(page, 4 * i), u32_at(page, 4 * (i + 1))) else { continue };
            let offset = 2 * page[4 * (crun + 1) + 13 * i] as usize;
            let index = match parsed.iter().find(|p| p.0 == offset) {
                Some(&(_, index)) => index,
                None if offset == 0 => 0,
                None => {
                    let mut props = ParaProps::default();
                    if let Some(grpprl) = papx_grpprl(page, offset) {
                        props.apply(grpprl);
                        // sprmPHugePapx: the rest of the list, at an offset of the Data stream
                        // after its two-byte size.
                        if let Some((_, op)) = sprms(grpprl).find(|&(id, _)| id == 0x6646) {
                            let at = u32_at(op, 0).unwrap_or(u32::MAX) as usize;
                            let size = data
                                .get(at..at.saturating_add(2))
                                .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]) as usize);
                            if let Some(huge) = data.get(at + 2..at + 2 + size) {
                                *huge_budget = huge_budget.checked_sub(size as u64).ok_or_else(|| {
                                    Error("the document is corrupted: its paragraphs name the same large property lists over and over".into())
                                })?;
                                props.apply(huge);
                            }
                        }
                    }
                    self.props.push(props);
                    parsed.push((offset, self.props.len() - 1));
                    self.props.len() - 1
                }
            };
            if start < end {
                self.runs.push((start, end, index));
            }
        }
        Ok(())
    }

    /// The properties of the paragraph whose mark is at stream offset `fc`.
    pub fn at(&self, fc: u32) -> &ParaProps {
        let i = self.runs.partition_point(|r| r.0 <= fc);
        match i.checked_sub(1).map(|k| self.runs[k]) {
            Some((_, end, index)) if fc < end => &self.props[index],
            _ => &self.props[0],
        }
    }
}

/// The sprms of the PapxInFkp at `offset` of a page: after its size byte(s) and the style index.
fn papx_grpprl(page: &[u8], offset: usize) -> Option<&[u8]> {
    let cb = *page.get(offset)? as usize;
    let (start, len) =
        if cb == 0 { (offset + 2, 2 * *page.get(offset + 1)? as usize) } else { (offset + 1, 2 * cb - 1) };
    let body = page.get(start..(start + len).min(PAGE - 1))?;
    body.get(2..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sprm_sizes_follow_their_kind() {
        // sprmPFInTable 1, sprmPItap 4 bytes, sprmPJc 1.
        let grpprl = [0x16, 0x24, 1, 0x49, 0x66, 2, 0, 0, 0, 0x61, 0x24, 1];
        let mut p = ParaProps::default();
        p.apply(&grpprl);
        assert!(p.in_table);
        assert_eq!(p.itap, 2);
        assert_eq!(p.align, Some(Align::Center));
        assert_eq!(p.depth(), 2);
    }

    #[test]
    fn a_table_definition_gives_boundaries_and_merges() {
        // Two cells: 0..1000..3000; the second restarts a vertical merge.
        let mut op = vec![0u8, 0, 2];
        for x in [0i16, 1000, 3000] {
            op.extend(x.to_le_bytes());
        }
        let mut tc = [0u8; 20];
        op.extend(tc);
        tc[0] = 0x60;
        op.extend(tc);
        let size = (op.len() - 1) as u16;
        op[..2].copy_from_slice(&size.to_le_bytes());
        let mut grpprl = vec![0x08, 0xD6];
        grpprl.extend(&op);
        grpprl.extend([0x17, 0x24, 1]);
        let mut p = ParaProps::default();
        p.apply(&grpprl);
        let row = p.row.unwrap();
        assert_eq!(row.centers, [0, 1000, 3000]);
        assert_eq!(row.merges, [(Merge::None, Merge::None), (Merge::None, Merge::Restart)]);
        assert!(p.ttp, "the sprm after the table definition is read");
    }

    #[test]
    fn cut_short_sprms_end_the_list() {
        assert_eq!(sprms(&[0x08, 0xD6, 0xFF, 0xFF, 1]).count(), 0);
        assert_eq!(sprms(&[0x16]).count(), 0);
    }
}
