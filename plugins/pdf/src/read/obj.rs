//! Thin, bounded access to lopdf's object graph: references resolved with a depth limit,
//! streams decoded within the limits (one stream, and all of them, every time one is: a form
//! drawn a million times is decoded a million times), numbers and names read leniently.

use super::limits::Limits;
use lopdf::{Dictionary, Document, Object};
use std::cell::Cell;

/// No real file chains references this deep; a loop of references must not hang.
const MAX_DEPTH: usize = 32;

/// Which limit decoding ran into.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Over {
    Part,
    Total,
}

pub struct Pdf {
    pub doc: Document,
    pub limits: Limits,
    /// Bytes the streams may still decode to.
    left: Cell<u64>,
    over: Cell<Option<Over>>,
}

impl Pdf {
    pub fn new(doc: Document, limits: Limits) -> Pdf {
        Pdf { doc, limits, left: Cell::new(limits.inflated), over: Cell::new(None) }
    }

    /// The limit decoding ran into, if it did: what was read since is incomplete.
    pub fn over(&self) -> Option<Over> {
        self.over.get()
    }

    pub fn resolve<'a>(&'a self, mut o: &'a Object) -> &'a Object {
        for _ in 0..MAX_DEPTH {
            match o {
                Object::Reference(id) => match self.doc.objects.get(id) {
                    Some(next) => o = next,
                    None => return &Object::Null,
                },
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
