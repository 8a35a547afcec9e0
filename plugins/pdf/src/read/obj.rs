//! Thin, bounded access to lopdf's object graph: references resolved with a depth limit,
//! streams decoded within the limits (one stream, and all of them, every time one is: a form
//! drawn a million times is decoded a million times), numbers and names read leniently.

use super::lazy::{Lazy, Stop};
use super::limits::Limits;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::cell::Cell;

/// No real file chains references this deep; a loop of references must not hang.
const MAX_DEPTH: usize = 32;

/// Which limit decoding ran into.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Over {
    Part,
    Total,
}

/// Where the objects come from: lopdf's whole document, or read on demand.
// One per file read: the size of the variants does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Store<'b> {
    Loaded(Document),
    Lazy(Lazy<'b>),
}

pub struct Pdf<'b> {
    store: Store<'b>,
    pub limits: Limits,
    /// Bytes the streams may still decode to.
    left: Cell<u64>,
    over: Cell<Option<Over>>,
}

impl<'b> Pdf<'b> {
    pub fn new(store: Store<'b>, limits: Limits) -> Pdf<'b> {
        Pdf { store, limits, left: Cell::new(limits.inflated), over: Cell::new(None) }
    }

    /// Why reading objects on demand stopped, if it did.
    pub fn stop(&self) -> Option<Stop> {
        match &self.store {
            Store::Loaded(_) => None,
            Store::Lazy(l) => l.stop(),
        }
    }

    /// Lets go of the objects read on demand so far; a whole document loaded stays.
    pub fn forget(&mut self) {
        if let Store::Lazy(l) = &mut self.store {
            l.forget();
        }
    }

    pub fn trailer(&self) -> &Dictionary {
        match &self.store {
            Store::Loaded(d) => &d.trailer,
            Store::Lazy(l) => &l.trailer,
        }
    }

    /// Whether lopdf rebuilt the file's cross references.
    pub fn rebuilt(&self) -> bool {
        matches!(&self.store, Store::Loaded(d) if d.xref_recovery == Some(lopdf::xref::XrefRecovery::Reconstructed))
    }

    pub fn object(&self, id: ObjectId) -> &Object {
        match &self.store {
            Store::Loaded(d) => d.objects.get(&id).unwrap_or(&Object::Null),
            Store::Lazy(l) => l.get(id),
        }
    }

    /// The pages in order, as lopdf's page tree walk finds them.
    pub fn pages(&self) -> Vec<ObjectId> {
        match &self.store {
            Store::Loaded(d) => d.page_iter().collect(),
            Store::Lazy(l) => self.walk_pages(l.entry_count()),
        }
    }

    /// lopdf's `PageTreeIter` over objects read on demand: kids that are /Page, /Pages
    /// followed 256 deep, a kid that is no dictionary with a /Type kept as a blank page.
    fn walk_pages(&self, mut limit: usize) -> Vec<ObjectId> {
        const DEPTH: usize = 256;
        let dict = |id: ObjectId| match self.resolve(self.object(id)) {
            Object::Dictionary(d) => Some(d),
            _ => None,
        };
        let kids = |id: ObjectId| match dict(id).and_then(|d| d.get(b"Kids").ok()).map(|k| self.resolve(k)) {
            Some(Object::Array(a)) => Some(a.as_slice()),
            _ => None,
        };
        let mut out = Vec::new();
        let root = self.trailer().get(b"Root").ok().and_then(|r| r.as_reference().ok()).and_then(dict);
        let Some(Ok(tree)) = root.map(|c| c.get(b"Pages").and_then(Object::as_reference)) else { return out };
        let mut stack: Vec<&[Object]> = Vec::new();
        let mut level = kids(tree);
        loop {
            while let Some((kid, rest)) = level.and_then(|k| k.split_first()) {
                if limit == 0 {
                    return out;
                }
                limit -= 1;
                level = Some(rest);
                let Ok(id) = kid.as_reference() else { continue };
                match dict(id).map(Dictionary::get_type) {
                    Some(Ok(b"Page")) => out.push(id),
                    Some(Ok(b"Pages")) if stack.len() < DEPTH => {
                        if !rest.is_empty() {
                            stack.push(rest);
                        }
                        level = kids(id);
                    }
                    Some(Ok(_)) => {}
                    _ => out.push(id),
                }
            }
            match stack.pop() {
                Some(k) => level = Some(k),
                None => return out,
            }
        }
    }

    /// The limit decoding ran into, if it did: what was read since is incomplete.
    pub fn over(&self) -> Option<Over> {
        self.over.get()
    }

    pub fn resolve<'a>(&'a self, mut o: &'a Object) -> &'a Object {
        for _ in 0..MAX_DEPTH {
            match o {
                Object::Reference(id) => o = self.object(*id),
                _ => return o,
            }
        }
        &Object::Null
    }

    /// A dictionary entry, references resolved.
    pub fn get<'a>(&'a self, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
        dict.get(key).ok().map(|o| self.resolve(o)).filter(|o| !matches!(o, Object::Null))
    }

    /// The dictionary of a dictionary or stream object.
    pub fn dict<'a>(&'a self, o: &'a Object) -> Option<&'a Dictionary> {
        match self.resolve(o) {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }

    /// A stream's decoded bytes, or `None` if it is no stream, cannot be decoded, or decodes
    /// past a limit (then [`Pdf::over`] says which).
    pub fn stream_bytes(&self, o: &Object) -> Option<Vec<u8>> {
        let Object::Stream(s) = self.resolve(o) else { return None };
        if self.over.get().is_some() {
            return None;
        }
        let left = self.left.get();
        let limit = self.limits.part.min(left);
        let decoded = if s.dict.get(b"Filter").is_err() {
            // Counted too: a raw stream drawn over and over is copied as often.
            (s.content.len() as u64 <= limit).then(|| s.content.clone()).ok_or(None)
        } else if let Some(bytes) = plain_flate(s, limit as usize) {
            Ok(bytes)
        } else {
            match s.decompressed_content_with_limit(limit as usize) {
                Ok(bytes) => Ok(bytes),
                Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => Err(None),
                Err(_) => Err(Some(())),
            }
        };
        match decoded {
            Ok(bytes) => {
                self.left.set(left - bytes.len() as u64);
                Some(bytes)
            }
            // Past the limit: which one.
            Err(None) => {
                self.over.set(Some(if limit == self.limits.part && limit < left { Over::Part } else { Over::Total }));
                None
            }
            Err(Some(())) => None,
        }
    }
}

/// A stream of `/Filter /FlateDecode` without parameters that inflates cleanly within `limit`,
/// inflated in one call: lopdf's decoder sets up 40 KB of state for each stream, more than most
/// content streams and ToUnicode maps inflate to. Anything else (`None`) is left to lopdf, whose
/// output for a clean stream is the same bytes.
fn plain_flate(s: &lopdf::Stream, limit: usize) -> Option<Vec<u8>> {
    if s.dict.get(b"DecodeParms").is_ok() || s.dict.get(b"Filter").ok()?.as_name().ok()? != b"FlateDecode" {
        return None;
    }
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&s.content, limit).ok()
}

pub fn name(o: Option<&Object>) -> Option<&[u8]> {
    match o? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

pub fn number(o: Option<&Object>) -> Option<f32> {
    match o? {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

/// The numbers of an array (references inside it are not followed: real files never use them).
pub fn numbers(o: Option<&Object>) -> Vec<f32> {
    match o {
        Some(Object::Array(a)) => a.iter().filter_map(|x| number(Some(x))).collect(),
        _ => Vec::new(),
    }
}
