//! Comparing a typed signature name with the client's name.

/// Compatibility decomposition (NFKD) with combining marks (accents)
/// removed.
#[cfg(not(target_arch = "wasm32"))]
fn strip_marks(word: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    word.nfkd().filter(|c| !is_combining_mark(*c)).collect()
}

/// The same in the browser, by the engine's Unicode tables.
#[cfg(target_arch = "wasm32")]
fn strip_marks(word: &str) -> String {
    let marks = js_sys::RegExp::new(r"\p{M}", "gu");
    js_sys::JsString::from(word)
        .normalize("NFKD")
        .replace_by_pattern(&marks, "")
        .as_string()
        .unwrap_or_else(|| word.to_string())
}

/// Folds a name for comparison: compatibility-decomposed, accents dropped,
/// lower case, one space between words, typographic apostrophes made plain.
pub fn fold_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in strip_marks(word).chars() {
            let c = match c {
                '\u{2019}' | '\u{2018}' | '\u{02bc}' | '`' | '\u{00b4}' => '\'',
                'ł' | 'Ł' => 'l',
                'đ' | 'Đ' => 'd',
                'ø' | 'Ø' => 'o',
                'ß' => 's',
                other => other,
            };
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// True when both names are the same ignoring case, accents and extra spaces.
pub fn names_match(a: &str, b: &str) -> bool {
    let a = fold_name(a);
    !a.is_empty() && a == fold_name(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_case_accents_and_spaces() {
        assert!(names_match("Zoë O'Brien", "  zoe   o'brien "));
        assert!(names_match("Zoë O\u{2019}Brien", "ZOE O'BRIEN"));
        assert!(names_match("Łukasz Żółć", "lukasz zolc"));
        assert!(names_match("Nguyễn Thị Minh Khai", "nguyen thi minh khai"));
        assert!(names_match("Σοφία", "σοφια"));
        assert!(names_match("Дмитрий", "дмитрий"));
    }

    #[test]
    fn different_names_do_not_match() {
        assert!(!names_match("Zoë O'Brien", "Zoe Brien"));
        assert!(!names_match("", ""));
        assert!(!names_match("Ann", "Anna"));
    }
}
