//! Coupon codes as people type and print them: upper-case, trimmed, and when Patron makes one,
//! random characters from an alphabet without the look-alikes 0/O/1/I/L.

use rand::Rng;

/// The characters generated codes are made of: no 0, O, 1, I or L, which people misread.
pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// Length of a code made for one coupon (about 49.5 bits).
pub const SINGLE_LENGTH: usize = 10;

/// Length of the random part of a bulk code: 11 characters give about 54.5 bits, above the 50
/// bits that keep a batch of 100,000 unguessable (10 would give 49.5).
pub const BULK_LENGTH: usize = 11;

/// A code as stored: trimmed and upper-case.
pub fn normalize(code: &str) -> String {
    code.trim().to_uppercase()
}

/// `length` characters of `ALPHABET` from the thread's CSPRNG.
pub fn random(length: usize) -> String {
    let mut rng = rand::rng();
    (0..length)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// A fresh code of `SINGLE_LENGTH` characters that `taken` says is free (one already taken is
/// drawn again).
pub fn unused<E>(mut taken: impl FnMut(&str) -> Result<bool, E>) -> Result<String, E> {
    loop {
        let code = random(SINGLE_LENGTH);
        if !taken(&code)? {
            return Ok(code);
        }
    }
}

/// What is wrong with a bulk code prefix (already normalised), if anything: at most 12 letters,
/// digits or dashes, so that prefix and random part stay within a code's 40 characters.
pub fn prefix_problem(prefix: &str) -> Option<&'static str> {
    let bad = prefix.chars().count() > 12
        || prefix
            .chars()
            .any(|c| !(c.is_ascii_alphanumeric() || c == '-'));
    bad.then_some("A prefix has at most 12 letters, digits or dashes (like SPRING-).")
}

/// What is wrong with a code typed by staff, if anything.
pub fn problem(code: &str) -> Option<String> {
    let length = code.chars().count();
    if !(4..=40).contains(&length) {
        return Some("A coupon code has 4 to 40 characters.".to_owned());
    }
    if let Some(bad) = code
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Some(format!(
            "A coupon code holds letters, digits and dashes only, not \"{bad}\"."
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_is_short_and_plain() {
        for (prefix, fine) in [
            ("", true),
            ("SPRING-", true),
            ("ABCDEFGHIJKL", true),
            ("ABCDEFGHIJKLM", false),
            ("SPRING 26", false),
            ("É-", false),
        ] {
            assert_eq!(prefix_problem(prefix).is_none(), fine, "{prefix}");
        }
    }

    #[test]
    fn alphabet_leaves_out_look_alikes() {
        for c in [b'0', b'O', b'1', b'I', b'L'] {
            assert!(!ALPHABET.contains(&c), "{}", char::from(c));
        }
        assert_eq!(ALPHABET.len(), 31);
    }

    #[test]
    fn bulk_codes_carry_at_least_50_bits() {
        let bits = (ALPHABET.len() as f64).log2() * BULK_LENGTH as f64;
        assert!(bits >= 50.0, "{bits}");
    }

    #[test]
    fn random_codes_use_only_the_alphabet() {
        let code = random(SINGLE_LENGTH);
        assert_eq!(code.len(), SINGLE_LENGTH);
        assert!(code.bytes().all(|b| ALPHABET.contains(&b)), "{code}");
    }

    #[test]
    fn typed_codes_are_trimmed_upper_case_and_checked() {
        assert_eq!(normalize("  summer-10 "), "SUMMER-10");
        assert_eq!(problem("SUMMER-10"), None);
        assert!(problem("AB").is_some());
        assert!(problem("SUMMER 10").is_some_and(|m| m.contains("\" \"")));
    }
}
