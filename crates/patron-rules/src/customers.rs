//! Customer rules that need no database: how a search box entry becomes search terms, what a
//! phone number may contain, when two customers look like the same person. Pure.

pub mod sync;

use chrono::NaiveDate;

/// What the search box asked for, decided from how it is written, so that each kind of search
/// runs on the one index that answers it fast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// Words that must all appear in the name (the database folds case and accents).
    Name {
        /// The words.
        words: Vec<String>,
        /// The whole entry (short entries match the start of the name).
        whole: String,
    },
    /// The start of an email address (lower-cased): the entry has an `@`.
    Email(String),
    /// The start of a customer code (upper-cased): the entry starts with `CUST`.
    Code(String),
    /// A phone number, whole or its start or its end, by digits; a short number may also be
    /// a customer code's number.
    Phone {
        /// The digits typed.
        digits: String,
    },
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

/// Reads a search box entry; `None` when there is nothing to search for. NUL counts as a space:
/// PostgreSQL text cannot hold it, so passing it on would fail the query.
pub fn search_terms(input: &str) -> Option<Search> {
    let cleaned = input.replace('\0', " ");
    let whole = cleaned.trim();
    if whole.is_empty() {
        return None;
    }
    let digits = digits(whole);
    Some(if whole.contains('@') {
        Search::Email(whole.to_lowercase())
    } else if whole.to_uppercase().starts_with("CUST") && !whole.contains(' ') {
        Search::Code(whole.to_uppercase())
    } else if is_phone_like(whole) && digits.len() >= 3 {
        Search::Phone { digits }
    } else {
        Search::Name {
            words: whole.split_whitespace().map(str::to_owned).collect(),
            whole: whole.to_owned(),
        }
    })
}

/// The code a short number stands for: `42` is `CUST-00042`.
pub fn code_for_number(digits: &str) -> Option<String> {
    let n: u64 = digits.parse().ok()?;
    (digits.len() <= 6).then(|| format!("CUST-{n:05}"))
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

/// The earliest birthday a customer may have: nobody alive was born before it, and a till that
/// sends an older date (year 0, say) has lost the real one.
pub const EARLIEST_BIRTHDAY: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// Checks a birthday: from `EARLIEST_BIRTHDAY` to `today` (the company's business day).
pub fn check_birthday(day: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if day > today {
        Err("A birthday cannot be in the future.".into())
    } else if day < EARLIEST_BIRTHDAY {
        Err(format!(
            "A birthday cannot be before {}.",
            EARLIEST_BIRTHDAY.format("%Y-%m-%d")
        ))
    } else {
        Ok(())
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
    fn each_kind_of_entry_searches_its_own_way() {
        let name = |words: &[&str], whole: &str| Search::Name {
            words: words.iter().map(|w| (*w).to_owned()).collect(),
            whole: whole.to_owned(),
        };
        let phone = |d: &str| Search::Phone {
            digits: d.to_owned(),
        };
        for (entry, expected) in [
            (" +1 (555) 010-2030 ", phone("15550102030")),
            ("555", phone("555")),
            ("00042", phone("00042")),
            ("Ana@Example.com", Search::Email("ana@example.com".into())),
            ("mary@sh", Search::Email("mary@sh".into())),
            ("cust-0004", Search::Code("CUST-0004".into())),
            ("Ann  Lee", name(&["Ann", "Lee"], "Ann  Lee")),
            ("55", name(&["55"], "55")),
            ("ann 555", name(&["ann", "555"], "ann 555")),
            ("1+2", name(&["1+2"], "1+2")),
            ("Ann\0Lee", name(&["Ann", "Lee"], "Ann Lee")),
        ] {
            assert_eq!(search_terms(entry), Some(expected), "{entry:?}");
        }
        assert_eq!(search_terms("   "), None);
        assert_eq!(search_terms(" \0 "), None);
    }

    #[test]
    fn a_birthday_lies_between_1900_and_today() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let today = day(2026, 12, 7);
        for (birthday, expected) in [
            (day(1900, 1, 1), Ok(())),
            (today, Ok(())),
            (
                day(1899, 12, 31),
                Err("A birthday cannot be before 1900-01-01."),
            ),
            (day(0, 1, 1), Err("A birthday cannot be before 1900-01-01.")),
            (day(2026, 12, 8), Err("A birthday cannot be in the future.")),
        ] {
            assert_eq!(
                check_birthday(birthday, today),
                expected.map_err(str::to_owned),
                "{birthday}"
            );
        }
    }

    #[test]
    fn short_numbers_stand_for_codes() {
        assert_eq!(code_for_number("42").as_deref(), Some("CUST-00042"));
        assert_eq!(code_for_number("123456").as_deref(), Some("CUST-123456"));
        assert_eq!(code_for_number("5551234567"), None);
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
