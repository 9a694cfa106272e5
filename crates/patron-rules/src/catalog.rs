//! Catalogue rules that need no database: what an item code may hold, how a rate and a unit are
//! read and shown, how a search box entry becomes a search, the change feed's page size. Pure.

use rust_decimal::Decimal;

/// Longest item code.
pub const CODE_MAX: usize = 40;
/// Longest unit name.
pub const UNIT_MAX: usize = 20;

/// Reads an item code: trimmed, upper-cased, letters, digits and `- _ . /`, starting with a
/// letter or digit, at most 40 characters.
pub fn item_code(input: &str) -> Result<String, String> {
    let code = input.trim().to_uppercase();
    if code.is_empty() {
        return Err("Enter an item code.".into());
    }
    if code.chars().count() > CODE_MAX {
        return Err(format!("Use at most {CODE_MAX} characters."));
    }
    let allowed = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || "-_./".contains(c);
    if !code.chars().all(allowed) || !code.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("Use letters A–Z, digits and - _ . / only, starting with a letter or digit, like TSH-0042.".into());
    }
    Ok(code)
}

/// Reads a standard rate: a number >= 0 with at most 4 decimals and 14 digits before the point.
/// A thousands separator or a currency sign is not accepted: the rate is currency-free.
pub fn rate(input: &str) -> Result<Decimal, String> {
    let raw = input.trim();
    if raw.is_empty() {
        return Err("Enter a rate, like 19.99 (0 for free items).".into());
    }
    let valid_chars = raw
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    let value = raw.parse::<Decimal>().ok().filter(|_| valid_chars);
    match value {
        None => Err("Enter a number, like 19.99.".into()),
        Some(d) if d.is_sign_negative() => Err("The rate cannot be negative.".into()),
        Some(d) if d.scale() > 4 => Err("Use at most 4 decimals.".into()),
        Some(d) if d.trunc().to_string().len() > 14 => Err("The rate is too large.".into()),
        Some(d) => Ok(d),
    }
}

/// A rate as it is shown, exported and sent to tills: at least 2 decimals, no trailing zeros
/// beyond them ("19.99", "5.00", "0.1250" -> "0.125").
pub fn rate_text(rate: Decimal) -> String {
    let mut d = rate.normalize();
    if d.scale() < 2 {
        d.rescale(2);
    }
    d.to_string()
}

/// Reads a unit: 1 to 20 characters, trimmed; empty means "Nos".
pub fn unit(input: &str) -> Result<String, String> {
    let unit = input.trim();
    if unit.is_empty() {
        return Ok("Nos".into());
    }
    if unit.chars().count() > UNIT_MAX {
        return Err(format!("Use at most {UNIT_MAX} characters."));
    }
    Ok(unit.to_owned())
}

/// Reads a name (item, group, brand): trimmed, 1 to `max` characters.
pub fn name(input: &str, max: usize) -> Result<String, String> {
    let name = input.trim();
    if name.is_empty() {
        Err("Enter a name.".into())
    } else if name.chars().count() > max {
        Err(format!("Use at most {max} characters."))
    } else {
        Ok(name.to_owned())
    }
}

/// What the search box asked for, so that each kind of search runs on an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemSearch {
    /// Parts of the code or name that must all appear (trigram index; the database folds case
    /// and accents). Every word has at least 3 characters or is alongside one that has.
    Parts(Vec<String>),
    /// A short entry: the start of the code or of the name (btree indexes).
    Start(String),
}

/// Reads a search box entry; `None` when there is nothing to search for.
pub fn search(input: &str) -> Option<ItemSearch> {
    let whole = input.trim();
    if whole.is_empty() {
        return None;
    }
    let words: Vec<String> = whole.split_whitespace().map(str::to_owned).collect();
    if words.iter().any(|w| w.chars().count() >= 3) {
        Some(ItemSearch::Parts(words))
    } else {
        Some(ItemSearch::Start(whole.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_codes_are_upper_case_and_short() {
        assert_eq!(item_code(" tsh-0042 ").unwrap(), "TSH-0042");
        assert_eq!(item_code("a.b_c/1").unwrap(), "A.B_C/1");
        for bad in ["", "-X", "TSH 42", "ÄPFEL", &"X".repeat(41), "A+B"] {
            assert!(item_code(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rates_are_non_negative_with_four_decimals_at_most() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(rate("19.99").unwrap(), d("19.99"));
        assert_eq!(rate(" 0 ").unwrap(), Decimal::ZERO);
        assert_eq!(rate("1.2345").unwrap(), d("1.2345"));
        assert_eq!(
            rate("99999999999999.9999").unwrap(),
            d("99999999999999.9999")
        );
        for (bad, why) in [
            ("-1", "negative"),
            ("1.23456", "4 decimals"),
            ("abc", "number"),
            ("1,000", "number"),
            ("$5", "number"),
            ("", "Enter a rate"),
            ("999999999999999", "too large"),
        ] {
            assert!(rate(bad).unwrap_err().contains(why), "{bad:?}");
        }
    }

    #[test]
    fn rates_show_with_two_decimals_at_least() {
        let text = |s: &str| rate_text(s.parse().unwrap());
        assert_eq!(text("19.99"), "19.99");
        assert_eq!(text("5"), "5.00");
        assert_eq!(text("19.9000"), "19.90");
        assert_eq!(text("0.1250"), "0.125");
        assert_eq!(text("1.2345"), "1.2345");
    }

    #[test]
    fn units_default_to_nos() {
        assert_eq!(unit("").unwrap(), "Nos");
        assert_eq!(unit(" Kg ").unwrap(), "Kg");
        assert!(unit(&"x".repeat(21)).is_err());
    }

    #[test]
    fn short_entries_search_starts_and_longer_ones_parts() {
        assert_eq!(search("  "), None);
        assert_eq!(search("ts"), Some(ItemSearch::Start("ts".into())));
        assert_eq!(
            search("tee sh"),
            Some(ItemSearch::Parts(vec!["tee".into(), "sh".into()]))
        );
        assert_eq!(
            search("TSH-0042"),
            Some(ItemSearch::Parts(vec!["TSH-0042".into()]))
        );
    }
}
