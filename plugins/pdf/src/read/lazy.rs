//! Objects read on demand from the cross-reference table: a report printed by Chromium has a
//! thousand structure-tree objects for every hundred the pages use, and parsing them all up
//! front took half the reading time. Only what the page tree, the pages' content streams,
//! resources and fonts reach is parsed, each object once; an object stream is decoded whole
//! the first time one of its members is asked for.
//!
//! Only a file whose cross references read cleanly is read this way: anything unexpected (an
//! offset that does not point at its object, a stream whose length is wrong, encryption, hybrid
//! cross references, a page tree that does not load) gives up, and the reader loads the file
//! with lopdf as a whole instead, which rebuilds damaged files. Objects are parsed as lopdf
//! parses them (`syntax.rs`), so that they read the same either way.

use super::syntax::{self, digits, space};
use lopdf::xref::XrefEntry;
use lopdf::{Dictionary, Object, ObjectId, Stream};
use std::cell::{Cell, OnceCell, RefCell};

/// Cross-reference sections chained by /Prev beyond this are not followed.
const MAX_SECTIONS: usize = 256;
/// Objects whose parsing needs another object (an indirect /Length) nest at most this deep.
const MAX_NESTING: usize = 8;
/// Cross-reference entries beyond this are left to lopdf's whole load (and its limits): a
/// report has thousands, a crafted cross-reference stream millions.
const MAX_ENTRIES: usize = 1 << 20;

/// Why lazy reading stopped short.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stop {
    /// Something lopdf's full load may read better: read the file that way.
    GiveUp,
    /// The objects parsed weigh more than the budget.
    Heavy,
    /// An object stream decodes past this limit.
    TooBig(usize),
}

pub struct Lazy<'b> {
    /// The file from its `%PDF-`, which offsets count from.
    bytes: &'b [u8],
    /// Object number → entry, sorted by number; `slots` holds each one's object once parsed.
    entries: Vec<(u32, XrefEntry)>,
    slots: Vec<OnceCell<Box<Object>>>,
    pub trailer: Dictionary,
    /// Object streams decoded so far (their members are in `slots`).
    decoded: RefCell<Vec<u32>>,
    /// Objects being parsed now (to stop a /Length that refers back to its own object).
    busy: RefCell<Vec<u32>>,
    weight: Cell<u64>,
    limit: u64,
    stream_limit: usize,
    stop: Cell<Option<Stop>>,
}

impl<'b> Lazy<'b> {
    /// The file's cross references and trailer, or `None` when they do not read cleanly.
    pub fn open(file: &'b [u8], limit: u64, stream_limit: usize) -> Option<Lazy<'b>> {
        let start = file.windows(5).position(|w| w == b"%PDF-")?;
        let bytes = &file[start..];
        let mut lazy = Lazy {
            bytes,
            entries: Vec::new(),
            slots: Vec::new(),
            trailer: Dictionary::new(),
            decoded: RefCell::new(Vec::new()),
            busy: RefCell::new(Vec::new()),
            weight: Cell::new(0),
            limit,
            stream_limit,
            stop: Cell::new(None),
        };
        let mut at = startxref(bytes)?;
        let mut seen = Vec::new();
        let mut entries: Vec<(u32, XrefEntry)> = Vec::new();
        let mut trailer = None;
        while !seen.contains(&at) && seen.len() < MAX_SECTIONS {
            seen.push(at);
            let (section, dict) = lazy.section(at)?;
            // Newer sections come first and win.
            let known: std::collections::HashSet<u32> = entries.iter().map(|e| e.0).collect();
            entries.extend(section.into_iter().filter(|(n, _)| !known.contains(n)));
            if entries.len() > MAX_ENTRIES {
                return None;
            }
            if dict.has(b"XRefStm") || dict.has(b"Encrypt") {
                return None;
            }
            let prev = dict.get(b"Prev").ok().and_then(|p| p.as_i64().ok());
            trailer.get_or_insert(dict);
            match prev {
                Some(p) if p >= 0 => at = p as usize,
                Some(_) => return None,
                None => break,
            }
        }
        if entries.len() > MAX_ENTRIES {
            return None;
        }
        entries.sort_by_key(|e| e.0);
        entries.dedup_by_key(|e| e.0);
        lazy.slots = (0..entries.len()).map(|_| OnceCell::new()).collect();
        lazy.entries = entries;
        lazy.trailer = trailer?;
        Some(lazy)
    }

    /// Drops the objects parsed so far (they are parsed again when asked for): a page's
    /// objects are not kept for the next. Members of object streams stay, so that no object
    /// stream is decoded twice. The weight stays counted, so that a file made to be parsed over
    /// and over still meets the budget.
    pub fn forget(&mut self) {
        for ((_, entry), slot) in self.entries.iter().zip(self.slots.iter_mut()) {
            if matches!(entry, XrefEntry::Normal { .. }) {
                drop(slot.take());
            }
        }
    }

    pub fn stop(&self) -> Option<Stop> {
        self.stop.get()
    }

    fn give_up(&self) -> &'static Object {
        if self.stop.get().is_none() {
            self.stop.set(Some(Stop::GiveUp));
        }
        &Object::Null
    }

    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// The object `id`, parsed on first use; `Null` where there is none (as lopdf would have
    /// no object there) or once reading stopped.
    pub fn get(&self, id: ObjectId) -> &Object {
        if self.stop.get().is_some() {
            return &Object::Null;
        }
        let Ok(slot) = self.entries.binary_search_by_key(&id.0, |e| e.0) else { return &Object::Null };
        if let Some(o) = self.slots[slot].get() {
            return if id.1 == self.generation(slot) { hide_container(o) } else { &Object::Null };
        }
        match self.entries[slot].1 {
            XrefEntry::Normal { offset, generation } => {
                if generation != id.1 {
                    return &Object::Null;
                }
                if self.busy.borrow().contains(&id.0) || self.busy.borrow().len() >= MAX_NESTING {
                    return self.give_up();
                }
                self.busy.borrow_mut().push(id.0);
                let parsed = self.parse_at(offset as usize, id);
                self.busy.borrow_mut().pop();
                let Some(object) = parsed else { return self.give_up() };
                if !self.weigh(&object) {
                    return &Object::Null;
                }
                hide_container(self.slots[slot].get_or_init(|| Box::new(object)))
            }
            XrefEntry::Compressed { container, .. } if id.1 == 0 => {
                self.decode(container);
                self.slots[slot].get().map_or(&Object::Null, |o| hide_container(o))
            }
            _ => &Object::Null,
        }
    }

    fn generation(&self, slot: usize) -> u16 {
        match self.entries[slot].1 {
            XrefEntry::Normal { generation, .. } => generation,
            _ => 0,
        }
    }

    /// Adds an object's weight; false once past the budget.
    fn weigh(&self, object: &Object) -> bool {
        self.weight.set(self.weight.get().saturating_add(super::weight(object)));
        if self.weight.get() > self.limit {
            self.stop.set(Some(Stop::Heavy));
            return false;
        }
        true
    }

    /// Decodes object stream `container` once, and places those of its members that the cross
    /// references say live in it (as lopdf does).
    fn decode(&self, container: u32) {
        if self.decoded.borrow().contains(&container) {
            return;
        }
        self.decoded.borrow_mut().push(container);
        let Object::Stream(s) = self.get_raw((container, 0)) else { return };
        if !s.dict.has_type(b"ObjStm") {
            return;
        }
        let members = match lopdf::ObjectStream::new_with_limit(s, Some(self.stream_limit)) {
            Ok(m) => m.objects,
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { limit })) => {
                self.stop.set(Some(Stop::TooBig(limit)));
                return;
            }
            // Unreadable: lopdf skips it as well.
            Err(_) => return,
        };
        for (id, object) in members {
            if !self.weigh(&object) {
                return;
            }
            let Ok(slot) = self.entries.binary_search_by_key(&id.0, |e| e.0) else { continue };
            if matches!(self.entries[slot].1, XrefEntry::Compressed { container: c, .. } if c == container) {
                let _ = self.slots[slot].set(Box::new(object));
            }
        }
    }

    /// [`Lazy::get`] without hiding object streams.
    fn get_raw(&self, id: ObjectId) -> &Object {
        self.get(id);
        match self.entries.binary_search_by_key(&id.0, |e| e.0) {
            Ok(slot) => self.slots[slot].get().map_or(&Object::Null, |o| o),
            Err(_) => &Object::Null,
        }
    }

    /// The indirect object at `offset`, which must be `id`; `None` when anything about it is
    /// not as written.
    fn parse_at(&self, offset: usize, id: ObjectId) -> Option<Object> {
        let b = self.bytes;
        let mut i = space(b, offset);
        let (number, next) = digits(b, i)?;
        i = space(b, next);
        let (generation, next) = digits(b, i)?;
        i = space(b, next);
        if (number, generation) != (u64::from(id.0), u64::from(id.1)) || !b.get(i..)?.starts_with(b"obj") {
            return None;
        }
        let (object, after) = syntax::object(b, space(b, i + 3))?;
        let Object::Dictionary(dict) = object else { return Some(object) };
        // A dictionary followed by `stream` and an end of line is a stream's.
        if !b[after..].starts_with(b"stream") {
            return Some(Object::Dictionary(dict));
        }
        let mut j = after + 6;
        while matches!(b.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        j += match b.get(j..j + 2)? {
            b"\r\n" => 2,
            [b'\n' | b'\r', _] => 1,
            _ => return None,
        };
        let length = match dict.get(b"Length").ok()? {
            Object::Integer(n) => *n,
            Object::Reference(r) => self.get(*r).as_i64().ok()?,
            _ => return None,
        };
        let data_end = j.checked_add(usize::try_from(length).ok()?)?;
        let mut after = data_end;
        let tail = b.get(data_end..)?;
        if tail.starts_with(b"\r\n") {
            after += 2;
        } else if tail.starts_with(b"\n") || tail.starts_with(b"\r") {
            after += 1;
        }
        if !b.get(after..)?.starts_with(b"endstream") {
            return None;
        }
        Some(Object::Stream(Stream::new(dict, b[j..data_end].to_vec())))
    }

    /// The cross-reference section at `at` (a table with its trailer, or a stream).
    fn section(&self, at: usize) -> Option<(Vec<(u32, XrefEntry)>, Dictionary)> {
        let b = self.bytes;
        let i = space(b, at);
        if b.get(i..)?.starts_with(b"xref") {
            return table(b, i + 4);
        }
        // A cross-reference stream: `N G obj <<…/Type/XRef…>> stream`.
        let (number, _) = digits(b, i)?;
        let (generation, _) = digits(b, space(b, digits(b, i)?.1))?;
        let id = (u32::try_from(number).ok()?, u16::try_from(generation).ok()?);
        let Object::Stream(s) = self.parse_at(i, id)? else { return None };
        if !s.dict.has_type(b"XRef") {
            return None;
        }
        let data = match s.dict.get(b"Filter") {
            Err(_) => s.content.clone(),
            Ok(_) => s.decompressed_content_with_limit(self.stream_limit).ok()?,
        };
        let w: Vec<usize> = s
            .dict
            .get(b"W")
            .ok()?
            .as_array()
            .ok()?
            .iter()
            .map(|x| x.as_i64().ok().and_then(|n| usize::try_from(n).ok()))
            .collect::<Option<_>>()?;
        let [w0, w1, w2] = <[usize; 3]>::try_from(w).ok()?;
        if w0 > 4 || w1 > 8 || w2 > 8 || w0 + w1 + w2 == 0 {
            return None;
        }
        let size = s.dict.get(b"Size").ok()?.as_i64().ok()?;
        let index: Vec<i64> = match s.dict.get(b"Index") {
            Ok(Object::Array(a)) => a.iter().map(|x| x.as_i64().ok()).collect::<Option<_>>()?,
            Ok(_) => return None,
            Err(_) => vec![0, size],
        };
        let row = w0 + w1 + w2;
        let field = |r: &[u8]| r.iter().fold(0u64, |v, &x| (v << 8) | u64::from(x));
        let mut out = Vec::new();
        let mut rows = data.chunks_exact(row);
        for pair in index.chunks(2) {
            let [first, count] = <[i64; 2]>::try_from(pair).ok()?;
            for k in 0..count.max(0) {
                let Some(r) = rows.next() else { break };
                let kind = if w0 == 0 { 1 } else { field(&r[..w0]) };
                let (f2, f3) = (field(&r[w0..w0 + w1]), field(&r[w0 + w1..]));
                let number = u32::try_from(first.checked_add(k)?).ok()?;
                out.push((
                    number,
                    match kind {
                        0 => XrefEntry::Free,
                        1 => XrefEntry::Normal { offset: u32::try_from(f2).ok()?, generation: u16::try_from(f3).ok()? },
                        2 => {
                            XrefEntry::Compressed { container: u32::try_from(f2).ok()?, index: u16::try_from(f3).ok()? }
                        }
                        _ => return None,
                    },
                ));
            }
        }
        Some((out, s.dict))
    }
}

/// lopdf keeps no object streams among a loaded document's objects.
fn hide_container(o: &Object) -> &Object {
    match o {
        Object::Stream(s) if s.dict.has_type(b"ObjStm") => &Object::Null,
        o => o,
    }
}

/// A classic cross-reference table from after its `xref`, and the trailer that follows it.
fn table(b: &[u8], mut i: usize) -> Option<(Vec<(u32, XrefEntry)>, Dictionary)> {
    let mut out = Vec::new();
    loop {
        i = space(b, i);
        if b.get(i..)?.starts_with(b"trailer") {
            break;
        }
        let (first, next) = digits(b, i)?;
        let (count, next) = digits(b, space(b, next))?;
        i = next;
        for k in 0..count {
            let (offset, next) = digits(b, space(b, i))?;
            let (generation, next) = digits(b, space(b, next))?;
            let at = space(b, next);
            let kind = *b.get(at)?;
            i = at + 1;
            let number = u32::try_from(first.checked_add(k)?).ok()?;
            out.push((
                number,
                match kind {
                    b'n' => XrefEntry::Normal {
                        offset: u32::try_from(offset).ok()?,
                        generation: u16::try_from(generation).ok()?,
                    },
                    b'f' => XrefEntry::Free,
                    _ => return None,
                },
            ));
        }
    }
    match syntax::object(b, space(b, i + 7))?.0 {
        Object::Dictionary(d) => Some((out, d)),
        _ => None,
    }
}

/// The offset after the last `startxref`.
fn startxref(b: &[u8]) -> Option<usize> {
    let from = b.len().saturating_sub(2048);
    let p = from + rfind(&b[from..], b"startxref")?;
    let (n, _) = digits(b, space(b, p + 9))?;
    usize::try_from(n).ok()
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
