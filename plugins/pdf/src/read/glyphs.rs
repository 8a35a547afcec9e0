//! Glyph names → characters for simple fonts' Differences: the `uniXXXX`/`uXXXX` forms and the
//! names of the Latin-1 and punctuation glyphs that Chinese documents use.

/// Standard glyph names other than single letters and `uniXXXX`.
const NAMES: &[(&str, char)] = &[
    ("space", ' '),
    ("exclam", '!'),
    ("quotedbl", '"'),
    ("numbersign", '#'),
    ("dollar", '$'),
    ("percent", '%'),
    ("ampersand", '&'),
    ("quotesingle", '\''),
    ("quoteright", '’'),
    ("parenleft", '('),
    ("parenright", ')'),
    ("asterisk", '*'),
    ("plus", '+'),
    ("comma", ','),
    ("hyphen", '-'),
    ("minus", '−'),
    ("period", '.'),
    ("slash", '/'),
    ("zero", '0'),
    ("one", '1'),
    ("two", '2'),
    ("three", '3'),
    ("four", '4'),
    ("five", '5'),
    ("six", '6'),
    ("seven", '7'),
    ("eight", '8'),
    ("nine", '9'),
    ("colon", ':'),
    ("semicolon", ';'),
    ("less", '<'),
    ("equal", '='),
    ("greater", '>'),
    ("question", '?'),
    ("at", '@'),
    ("bracketleft", '['),
    ("backslash", '\\'),
    ("bracketright", ']'),
    ("asciicircum", '^'),
    ("underscore", '_'),
    ("grave", '`'),
    ("quoteleft", '‘'),
    ("braceleft", '{'),
    ("bar", '|'),
    ("braceright", '}'),
    ("asciitilde", '~'),
    ("quotedblleft", '“'),
    ("quotedblright", '”'),
    ("endash", '–'),
    ("emdash", '—'),
    ("bullet", '•'),
    ("ellipsis", '…'),
    ("periodcentered", '·'),
    ("middot", '·'),
    ("degree", '°'),
    ("multiply", '×'),
    ("divide", '÷'),
    ("section", '§'),
    ("copyright", '©'),
    ("registered", '®'),
    ("plusminus", '±'),
    ("nbspace", ' '),
    ("yen", '¥'),
    ("sterling", '£'),
    ("Euro", '€'),
    ("trademark", '™'),
    ("dagger", '†'),
    ("guillemotleft", '«'),
    ("guillemotright", '»'),
    ("fi", 'ﬁ'),
    ("fl", 'ﬂ'),
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
    NAMES.iter().find(|(n, _)| *n == name).map(|&(_, c)| c)
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
    }
}
