//! docProps/core.xml and docProps/custom.xml from `Document.meta`: title, author, date,
//! language, subject, keywords, description and category in their native core properties,
//! every other key as a custom text property, in the Document's order.

use nianbao_plugin::Prop;

use super::{escape_into, push_number};

/// Document keys stored as core properties, with their element. `date` is handled apart.
const CORE: [(&str, &str); 7] = [
    ("title", "dc:title"),
    ("author", "dc:creator"),
    ("lang", "dc:language"),
    ("subject", "dc:subject"),
    ("keywords", "cp:keywords"),
    ("description", "dc:description"),
    ("category", "cp:category"),
];

/// The format ID Office uses for user-defined custom properties.
const CUSTOM_FMTID: &str = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}";

pub fn core(meta: &[Prop]) -> String {
    let mut xml = String::with_capacity(1024);
    xml.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
        r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
        r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
    ));
    let value = |key: &str| meta.iter().find(|p| p.key == key).map(|p| p.value.as_str());
    for (key, element) in CORE {
        if let Some(v) = value(key) {
            element_into(&mut xml, element, v);
        }
    }
    if let Some(author) = value("author") {
        element_into(&mut xml, "cp:lastModifiedBy", author);
    }
    if let Some(date) = value("date").filter(|d| is_iso_date(d)) {
        for element in ["dcterms:created", "dcterms:modified"] {
            for piece in ["<", element, r#" xsi:type="dcterms:W3CDTF">"#, date, "T00:00:00Z</", element, ">"] {
                xml.push_str(piece);
            }
        }
    }
    xml.push_str("<cp:revision>1</cp:revision></cp:coreProperties>");
    xml
}

/// `<element>text</element>`, the text escaped.
fn element_into(xml: &mut String, element: &str, text: &str) {
    for piece in ["<", element, ">"] {
        xml.push_str(piece);
    }
    escape_into(xml, text);
    for piece in ["</", element, ">"] {
        xml.push_str(piece);
    }
}

/// Custom properties: every key without a core property, and a `date` that is not an ISO date
/// (dcterms:created only takes a timestamp). The first value of a repeated key wins.
pub fn custom(meta: &[Prop]) -> String {
    let mut xml = String::with_capacity(1024);
    xml.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" "#,
        r#"xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#,
    ));
    let mut written: Vec<&str> = Vec::new();
    for p in meta {
        let native = CORE.iter().any(|(k, _)| *k == p.key) || (p.key == "date" && is_iso_date(&p.value));
        if native || p.key.trim().is_empty() || written.contains(&p.key.as_str()) {
            continue;
        }
        written.push(&p.key);
        // pid 0 and 1 are reserved.
        let pid = written.len() + 1;
        xml.push_str(r#"<property fmtid=""#);
        xml.push_str(CUSTOM_FMTID);
        xml.push_str(r#"" pid=""#);
        push_number(&mut xml, pid);
        xml.push_str(r#"" name=""#);
        escape_into(&mut xml, &p.key);
        xml.push_str(r#""><vt:lpwstr>"#);
        escape_into(&mut xml, &p.value);
        xml.push_str("</vt:lpwstr></property>");
    }
    xml.push_str("</Properties>");
    xml
}

fn is_iso_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10 && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prop(k: &str, v: &str) -> Prop {
        Prop { key: k.into(), value: v.into() }
    }

    #[test]
    fn native_and_custom_properties_are_split() {
        let meta =
            [prop("title", "A & B"), prop("date", "2024-03-05"), prop("索引号", "x/2024-1"), prop("索引号", "dup")];
        let core = core(&meta);
        assert!(core.contains("<dc:title>A &amp; B</dc:title>"), "{core}");
        assert!(core.contains(">2024-03-05T00:00:00Z</dcterms:created>"), "{core}");
        let custom = custom(&meta);
        assert!(custom.contains(r#"pid="2" name="索引号"><vt:lpwstr>x/2024-1</vt:lpwstr>"#), "{custom}");
        assert!(!custom.contains("dup") && !custom.contains("title"), "{custom}");
    }

    #[test]
    fn a_date_that_is_not_iso_stays_custom() {
        let meta = [prop("date", "2024年3月")];
        assert!(!core(&meta).contains("created"));
        assert!(custom(&meta).contains(r#"name="date"><vt:lpwstr>2024年3月<"#));
    }
}
