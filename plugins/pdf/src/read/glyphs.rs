//! Glyph names → characters for simple fonts' Differences: the `uniXXXX`/`uXXXX` forms and the
//! names of the Latin-1 and punctuation glyphs that Chinese documents use.

/// Standard glyph names other than single letters and `uniXXXX`, sorted by name (bytes), for a binary search.
const NAMES: &[(&str, char)] = &[
    ("Euro", '€'),
    ("ampersand", '&'),
    ("asciicircum", '^'),
    ("asciitilde", '~'),
    ("asterisk", '*'),
    ("at", '@'),
    ("backslash", '\\'),
    ("bar", '|'),
    ("braceleft", '{'),
    ("braceright", '}'),
    ("bracketleft", '['),
    ("bracketright", ']'),
    ("bullet", '•'),
    ("colon", ':'),
    ("comma", ','),
    ("copyright", '©'),
    ("dagger", '†'),
    ("degree", '°'),
    ("divide", '÷'),
    ("dollar", '$'),
    ("eight", '8'),
    ("ellipsis", '…'),
    ("emdash", '—'),
    ("endash", '–'),
    ("equal", '='),
    ("exclam", '!'),
    ("fi", 'ﬁ'),
    ("five", '5'),
    ("fl", 'ﬂ'),
    ("four", '4'),
    ("grave", '`'),
    ("greater", '>'),
    ("guillemotleft", '«'),
    ("guillemotright", '»'),
    ("hyphen", '-'),
    ("less", '<'),
    ("middot", '·'),
    ("minus", '−'),
    ("multiply", '×'),
    ("nbspace", ' '),
    ("nine", '9'),
    ("numbersign", '#'),
    ("one", '1'),
    ("parenleft", '('),
    ("parenright", ')'),
    ("percent", '%'),
    ("period", '.'),
    ("periodcentered", '·'),
    ("plus", '+'),
    ("plusminus", '±'),
    ("question", '?'),
    ("quotedbl", '"'),
    ("quotedblleft", '“'),
    ("quotedblright", '”'),
    ("quoteleft", '‘'),
    ("quoteright", '’'),
    ("quotesingle", '\''),
    ("registered", '®'),
    ("section", '§'),
    ("semicolon", ';'),
    ("seven", '7'),
    ("six", '6'),
    ("slash", '/'),
    ("space", ' '),
    ("sterling", '£'),
    ("three", '3'),
    ("trademark", '™'),
    ("two", '2'),
    ("underscore", '_'),
    ("yen", '¥'),
    ("zero", '0'),
];

pub fn char_of(name: &[u8]) -> Option<char> {
    let name = std::str::from_utf8(name).ok()?;
    // `a.sc`, `one.oldstyle`: the part before the dot names the character.
    let name = name.split('.').next().filter(|n| !n.is_empty())?;
    if name.len() == 1 && name.as_bytes()[0].is_ascii_alphabetic() {
        return name.chars().next();
    }
    if let Some(hex) = name.strip_prefix("uni") {
        return hex.get(..4).and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32);
    }
    if let Some(hex) = name.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) {
            if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                return Some(c);
            }
        }
    }
    NAMES.binary_search_by(|(n, _)| n.as_bytes().cmp(name.as_bytes())).ok().map(|i| NAMES[i].1)
}

#[cfg(test)]
mod tests {
    use super::char_of;

    #[test]
    fn names() {
        assert_eq!(char_of(b"uni4E2D"), Some('中'));
        assert_eq!(char_of(b"u1F600"), Some('😀'));
        assert_eq!(char_of(b"a.sc"), Some('a'));
        assert_eq!(char_of(b"seven"), Some('7'));
        assert_eq!(char_of(b"g123"), None);
        assert_eq!(char_of(b"Euro"), Some('€'));
        assert_eq!(char_of(b"zero"), Some('0'));
        assert!(super::NAMES.windows(2).all(|w| w[0].0.as_bytes() < w[1].0.as_bytes()), "NAMES sorted, no name twice");
    }
}
