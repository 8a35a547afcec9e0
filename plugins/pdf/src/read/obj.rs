//! Thin, bounded access to lopdf's object graph: references resolved with a depth limit,
//! streams decompressed with a size limit, numbers and names read leniently.

use lopdf::{Dictionary, Document, Object};

/// No real file chains references this deep; a loop of references must not hang.
const MAX_DEPTH: usize = 32;
/// A single stream may not decompress beyond this (a zip bomb in a content stream).
pub const MAX_STREAM: usize = 64 << 20;

pub struct Pdf {
    pub doc: Document,
}

impl Pdf {
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

    /// A stream's decoded bytes, or `None` if it is no stream or cannot be decoded.
    pub fn stream_bytes(&self, o: &Object) -> Option<Vec<u8>> {
        match self.resolve(o) {
            Object::Stream(s) => {
                if s.dict.get(b"Filter").is_err() {
                    Some(s.content.clone())
                } else {
                    s.decompressed_content_with_limit(MAX_STREAM).ok()
                }
            }
            _ => None,
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
