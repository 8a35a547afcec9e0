//! Shared by the writer's tests: the rendered reports of `fixtures/write/`, and a small,
//! independent look into a written PDF with lopdf — its pages, the text runs of each page
//! decoded through the fonts' ToUnicode maps with their positions, its rulings, its fonts.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lopdf::content::Content;
use lopdf::{Dictionary, Object, ObjectId};
use nianbao_pdf::Pdf;
use nianbao_plugin::{Block, Document, FormatPlugin, Options};

pub const MM: f32 = 72.0 / 25.4;
pub const LEFT: f32 = 28.0 * MM;
pub const RIGHT: f32 = (210.0 - 26.0) * MM;
pub const TOP: f32 = (297.0 - 37.0) * MM;
pub const BOTTOM: f32 = 35.0 * MM;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/write").join(name)
}

/// The rendered reports: (name, Document).
pub fn reports() -> Vec<(String, Document)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(fixture("")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if let Some(stem) = name.strip_suffix(".doc.json") {
            out.push((stem.to_string(), serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 4, "fixtures/write has the rendered reports");
    out
}

pub fn report(name: &str) -> Document {
    reports().into_iter().find(|(n, _)| n == name).unwrap().1
}

pub fn write(doc: &Document) -> Vec<u8> {
    Pdf::write("pdf", doc, &Options::new()).expect("the PDF is written")
}

pub fn write_with(doc: &Document, options: &[(&str, &str)]) -> Result<Vec<u8>, nianbao_plugin::Error> {
    let options: Options = options.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Pdf::write("pdf", doc, &options)
}

pub fn para(text: &str) -> Block {
    Block::Paragraph { source: None, text: text.into(), align: Default::default() }
}

/// The texts of a Document's headings and paragraphs, in order.
pub fn block_texts(doc: &Document) -> Vec<String> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// One text object as drawn: where it starts and ends, its size and its text.
#[derive(Debug, Clone)]
pub struct Run {
    pub x: f32,
    pub end: f32,
    pub y: f32,
    pub size: f32,
    pub fonts: Vec<String>,
    pub text: String,
    /// Text rendering mode 2 (fill and stroke): the fake bold.
    pub stroked: bool,
}

#[derive(Debug, Default)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub runs: Vec<Run>,
    /// Ruling lines as (x0, y0, x1, y1).
    pub rules: Vec<(f32, f32, f32, f32)>,
}

/// A font resource: the BaseFont, CID → text, CID → width.
#[derive(Debug, Default, Clone)]
pub struct FontInfo {
    pub base: String,
    pub unicode: HashMap<u16, String>,
    pub widths: HashMap<u16, f32>,
}

pub struct Written {
    pub doc: lopdf::Document,
}

impl Written {
    pub fn new(bytes: &[u8]) -> Written {
        Written { doc: lopdf::Document::load_mem(bytes).expect("lopdf loads the PDF") }
    }

    pub fn resolve<'a>(&'a self, o: &'a Object) -> &'a Object {
        self.doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
    }

    pub fn dict<'a>(&'a self, d: &'a Dictionary, key: &[u8]) -> &'a Dictionary {
        self.resolve(d.get(key).unwrap_or_else(|_| panic!("{} missing", String::from_utf8_lossy(key))))
            .as_dict()
            .unwrap()
    }

    pub fn info(&self) -> &Dictionary {
        let info = self.doc.trailer.get(b"Info").expect("an Info dictionary");
        self.resolve(info).as_dict().unwrap()
    }

    pub fn catalog(&self) -> &Dictionary {
        self.doc.catalog().unwrap()
    }

    pub fn page_ids(&self) -> Vec<ObjectId> {
        self.doc.get_pages().values().copied().collect()
    }

    pub fn font(&self, font: &Dictionary) -> FontInfo {
        let mut info = FontInfo { base: name(font.get(b"BaseFont").unwrap()), ..FontInfo::default() };
        let cmap = self.resolve(font.get(b"ToUnicode").expect("ToUnicode")).as_stream().unwrap();
        let cmap = String::from_utf8(cmap.decompressed_content().unwrap()).unwrap();
        for section in cmap.split("beginbfchar").skip(1) {
            let body = section.split("endbfchar").next().unwrap();
            for line in body.lines().filter(|l| l.starts_with('<')) {
                let hex: Vec<&str> = line.split(['<', '>', ' ']).filter(|s| !s.is_empty()).collect();
                let cid = u16::from_str_radix(hex[0], 16).unwrap();
                let units: Vec<u16> = (0..hex[1].len() / 4)
                    .map(|i| u16::from_str_radix(&hex[1][4 * i..4 * i + 4], 16).unwrap())
                    .collect();
                info.unicode.insert(cid, String::from_utf16(&units).unwrap());
            }
        }
        let descendant = self.resolve(&font.get(b"DescendantFonts").unwrap().as_array().unwrap()[0]).as_dict().unwrap();
        let w = self.resolve(descendant.get(b"W").unwrap()).as_array().unwrap();
        let mut i = 0;
        while i + 1 < w.len() {
            let first = number(&w[i]) as u16;
            match self.resolve(&w[i + 1]) {
                Object::Array(ws) => {
                    for (k, v) in ws.iter().enumerate() {
                        info.widths.insert(first + k as u16, number(v));
                    }
                    i += 2;
                }
                _ => {
                    let (last, width) = (number(&w[i + 1]) as u16, number(&w[i + 2]));
                    (first..=last).for_each(|c| {
                        info.widths.insert(c, width);
                    });
                    i += 3;
                }
            }
        }
        info
    }

    /// Every page's text runs and rulings, in content-stream order.
    pub fn pages(&self) -> Vec<Page> {
        self.page_ids().into_iter().map(|id| self.page(id)).collect()
    }

    pub fn page(&self, id: ObjectId) -> Page {
        let dict = self.doc.get_dictionary(id).unwrap();
        let mediabox: Vec<f32> =
            self.resolve(dict.get(b"MediaBox").unwrap()).as_array().unwrap().iter().map(number).collect();
        let resources = self.dict(dict, b"Resources");
        let fonts: HashMap<Vec<u8>, FontInfo> = self
            .dict(resources, b"Font")
            .iter()
            .map(|(k, v)| (k.clone(), self.font(self.resolve(v).as_dict().unwrap())))
            .collect();
        let content = Content::decode(&self.doc.get_page_content(id)).unwrap();
        let mut page = Page { width: mediabox[2], height: mediabox[3], ..Page::default() };
        let (mut font, mut size, mut x, mut y, mut mode) = (None::<&FontInfo>, 0.0, 0.0, 0.0, 0i64);
        let mut saved = Vec::new();
        let mut run: Option<Run> = None;
        let mut path_start = (0.0, 0.0);
        for op in &content.operations {
            let nums: Vec<f32> =
                op.operands.iter().filter_map(|o| o.as_float().ok().or(o.as_i64().ok().map(|i| i as f32))).collect();
            match op.operator.as_str() {
                "BT" => {
                    x = 0.0;
                    y = 0.0;
                }
                "Tf" => {
                    font = fonts.get(op.operands[0].as_name().unwrap());
                    size = nums[0];
                }
                "Td" => {
                    x += nums[0];
                    y += nums[1];
                }
                "Tr" => mode = op.operands[0].as_i64().unwrap(),
                "q" => saved.push(mode),
                "Q" => mode = saved.pop().unwrap_or(0),
                "Tj" | "TJ" => {
                    let font = font.expect("a font is set before text");
                    let r = run.get_or_insert(Run {
                        x,
                        end: x,
                        y,
                        size,
                        fonts: Vec::new(),
                        text: String::new(),
                        stroked: mode == 2,
                    });
                    if !r.fonts.contains(&font.base) {
                        r.fonts.push(font.base.clone());
                    }
                    let items = match &op.operands[0] {
                        Object::Array(a) => a.clone(),
                        other => vec![other.clone()],
                    };
                    for item in items {
                        match item {
                            Object::String(bytes, _) => {
                                for code in bytes.chunks(2) {
                                    let cid = u16::from_be_bytes([code[0], code[1]]);
                                    r.text.push_str(font.unicode.get(&cid).map_or("\u{FFFD}", |s| s.as_str()));
                                    r.end += font.widths.get(&cid).copied().unwrap_or(0.0) * size / 1000.0;
                                }
                            }
                            other => r.end -= number(&other) * size / 1000.0,
                        }
                    }
                }
                "ET" => page.runs.extend(run.take()),
                "m" => path_start = (nums[0], nums[1]),
                "l" => {
                    page.rules.push((path_start.0, path_start.1, nums[0], nums[1]));
                    path_start = (nums[0], nums[1]);
                }
                _ => {}
            }
        }
        page
    }
}

pub fn number(o: &Object) -> f32 {
    o.as_float().ok().or(o.as_i64().ok().map(|i| i as f32)).expect("a number")
}

pub fn name(o: &Object) -> String {
    String::from_utf8_lossy(o.as_name().expect("a name")).into_owned()
}

/// A PDF text string: UTF-16BE with a byte order mark, or ASCII.
pub fn text_string(o: &Object) -> String {
    let bytes = o.as_str().expect("a string");
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(rest) => {
            String::from_utf16(&rest.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect::<Vec<_>>()).unwrap()
        }
        None => String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// Whether an external tool can be run; tests that need it say they skip when it cannot.
pub fn have(tool: &str) -> bool {
    let ok = std::process::Command::new(tool).arg("-v").output().is_ok();
    if !ok {
        eprintln!("SKIP: {tool} not installed");
    }
    ok
}
