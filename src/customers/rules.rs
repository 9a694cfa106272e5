//! Customer rules that need no database: how a search box entry becomes search terms, what a
//! phone number may contain, when two customers look like the same person. Pure.

/// What the search box asked for, split the ways the database searches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms {
    /// Words every matching name must contain (the database folds case and accents).
    pub words: Vec<String>,
    /// The whole entry, for email and code matches.
    pub whole: String,
    /// The digits, when the entry looks like a phone number (at least 3 digits and nothing but
    /// digits, spaces, dashes, dots, brackets and a leading +).
    pub digits: Option<String>,
}

/// Characters a phone number may hold besides digits.
const PHONE_PUNCTUATION: [char; 6] = [' ', '-', '.', '(', ')', '+'];

/// Whether `input` is written like a phone number.
pub fn is_phone_like(input: &str) -> bool {
    let input = input.trim();
    !input.is_empty()
        && input
            .chars()
            .all(|c| c.is_ascii_digit() || PHONE_PUNCTUATION.contains(&c))
        && input.chars().skip(1).all(|c| c != '+')
}

/// The digits of `input`.
pub fn digits(input: &str) -> String {
    input.chars().filter(char::is_ascii_digit).collect()
}

/// Splits a search box entry into terms; `None` when there is nothing to search for.
pub fn search_terms(input: &str) -> Option<SearchTerms> {
    let whole = input.trim();
    if whole.is_empty() {
        return None;
    }
    let digits = digits(whole);
    let phone = is_phone_like(whole) && digits.len() >= 3;
    Some(SearchTerms {
        words: whole.split_whitespace().map(str::to_owned).collect(),
        whole: whole.to_owned(),
        digits: phone.then_some(digits),
    })
}

/// Escapes `%`, `_` and `\` so that a term matches literally inside a LIKE pattern.
pub fn like_escape(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Checks a phone number as typed: digits with spaces, dashes, dots, brackets, a leading +.
pub fn check_phone(input: &str) -> Result<(), String> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(());
    }
    if !is_phone_like(input) {
        return Err("Use digits, spaces, dashes, brackets and a leading +.".into());
    }
    match digits(input).len() {
        0..=5 => Err("A phone number has at least 6 digits.".into()),
        6..=15 => Ok(()),
        _ => Err("A phone number has at most 15 digits.".into()),
    }
}

/// Initials for a customer's avatar.
pub fn initials(first_name: &str, last_name: &str) -> String {
    first_name
        .chars()
        .next()
        .into_iter()
        .chain(last_name.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_like_entries_search_by_digits() {
        let t = search_terms(" +1 (555) 010-2030 ").unwrap();
        assert_eq!(t.digits.as_deref(), Some("15550102030"));
        assert_eq!(t.whole, "+1 (555) 010-2030");
        assert_eq!(search_terms("555").unwrap().digits.as_deref(), Some("555"));
        assert_eq!(
            search_terms("55").unwrap().digits,
            None,
            "too short to mean a phone"
        );
        assert_eq!(search_terms("ann 555").unwrap().digits, None);
        assert_eq!(search_terms("1+2").unwrap().digits, None, "+ only leads");
        assert_eq!(search_terms("   "), None);
    }

    #[test]
    fn names_split_into_words() {
        let t = search_terms("Ann  Lee").unwrap();
        assert_eq!(t.words, ["Ann", "Lee"]);
        assert_eq!(t.digits, None);
    }

    #[test]
    fn like_patterns_match_literally() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }

    #[test]
    fn phones_are_checked() {
        assert!(check_phone("").is_ok());
        assert!(check_phone("+44 20 7946 0958").is_ok());
        assert!(check_phone("(555) 010-2030").is_ok());
        assert!(check_phone("555-CALL-NOW").is_err());
        assert!(check_phone("12345").is_err());
        assert!(check_phone("1234567890123456").is_err());
        assert!(check_phone("12+3456789").is_err());
    }

    #[test]
    fn initials_of_first_and_last_name() {
        assert_eq!(initials("ana", "lópez"), "AL");
        assert_eq!(initials("Zoë", ""), "Z");
    }
}
