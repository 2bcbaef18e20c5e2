//! Comparing a typed signature name with the client's name.

/// One word in compatibility decomposition (NFKD), combining marks
/// (accents) removed, in lower case.
#[cfg(not(target_arch = "wasm32"))]
fn plain_lower(word: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    word.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The same in the browser, by the engine's Unicode tables: the bundle then
/// carries neither normalisation nor case tables.
#[cfg(target_arch = "wasm32")]
fn plain_lower(word: &str) -> String {
    let marks = js_sys::RegExp::new(r"\p{M}", "gu");
    js_sys::JsString::from(word)
        .normalize("NFKD")
        .replace_by_pattern(&marks, "")
        .to_lower_case()
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
        out.extend(plain_lower(word).chars().map(|c| match c {
            '\u{2019}' | '\u{2018}' | '\u{02bc}' | '`' | '\u{00b4}' => '\'',
            'ł' => 'l',
            'đ' => 'd',
            'ø' => 'o',
            'ß' => 's',
            // The browser writes a word-final sigma as ς, char-wise lower
            // case as σ: one form, so both sides fold alike.
            'ς' => 'σ',
            other => other,
        }));
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
        assert!(names_match("ΟΔΥΣΣΕΥΣ", "Οδυσσεύς"));
        assert!(names_match("WEIẞ", "weiß"));
    }

    #[test]
    fn different_names_do_not_match() {
        assert!(!names_match("Zoë O'Brien", "Zoe Brien"));
        assert!(!names_match("", ""));
        assert!(!names_match("Ann", "Anna"));
    }
}
