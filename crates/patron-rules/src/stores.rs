//! Pure rules of stores: store and employee codes, typed amounts and percentages, delivery
//! charge tables, terminal token secrets. No web, no database.

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

/// A code people type (store `DOWNTOWN`, employee `EMP-004`): trimmed and upper-cased, then
/// checked for 1 to `max` of A-Z, 0-9 and `-`.
pub fn normalize_code(raw: &str, max: usize) -> Result<String, String> {
    let code = raw.trim().to_uppercase();
    if code.is_empty() {
        return Err("Enter a code.".into());
    }
    if code.len() > max {
        return Err(format!("Use at most {max} characters."));
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
    {
        return Err("Use only letters, digits and dashes.".into());
    }
    Ok(code)
}

/// A number as people type it (`12.5`, `$12.50`, `1,200`): `None` when nothing is typed.
pub fn typed_number(raw: &str) -> Option<Result<Decimal, rust_decimal::Error>> {
    let cleaned: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, '$' | ',' | ' '))
        .collect();
    (!cleaned.is_empty()).then(|| cleaned.parse())
}

/// A non-negative amount as typed (`12.5`, `$12.50`, `1,200`); `field` names it in the message.
pub fn parse_amount(raw: &str, field: &str) -> Result<Decimal, String> {
    let value = typed_number(raw)
        .ok_or_else(|| format!("Enter the {field}."))?
        .map_err(|_| format!("Enter the {field} as a number, like 12.50."))?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(format!("The {field} cannot be negative."));
    }
    if value.scale() > 4 {
        return Err(format!("Use at most 4 decimals for the {field}."));
    }
    if value >= Decimal::new(100_000_000_000_000, 0) {
        return Err(format!("The {field} is too large."));
    }
    Ok(value.normalize())
}

/// A percentage from 0 to 100 with at most two decimals.
pub fn parse_percent(raw: &str, field: &str) -> Result<Decimal, String> {
    let value = parse_amount(raw.trim().trim_end_matches('%'), field)?;
    if value > Decimal::ONE_HUNDRED {
        return Err(format!("The {field} must be between 0 and 100."));
    }
    if value.scale() > 2 {
        return Err(format!("Use at most 2 decimals for the {field}."));
    }
    Ok(value)
}

/// Prefix of every terminal token, so that a leaked one is recognisable in logs and scanners.
pub const TOKEN_PREFIX: &str = "ptt_";

/// A new terminal token from 32 random bytes: `ptt_` and 64 hex digits.
pub fn token_from_bytes(bytes: [u8; 32]) -> String {
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// What is stored of a token: its SHA-256. The secret itself is never kept.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

/// The last characters of a token, shown to tell tokens apart.
pub fn token_hint(token: &str) -> String {
    let start = token.len().saturating_sub(4);
    format!("…{}", &token[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_upper_cased_and_checked() {
        assert_eq!(normalize_code(" emp-004 ", 20), Ok("EMP-004".into()));
        assert!(normalize_code("", 20).is_err());
        assert!(normalize_code("A B", 20).is_err());
        assert!(normalize_code("ABCDEFGHIJKLMNOPQ", 16).is_err());
    }

    #[test]
    fn amounts_and_percentages_parse_as_people_type_them() {
        assert_eq!(
            parse_amount("$1,200.50", "Rate"),
            Ok(Decimal::new(120050, 2))
        );
        assert_eq!(parse_amount("0", "Rate"), Ok(Decimal::ZERO));
        assert_eq!(
            parse_amount("-1", "Rate"),
            Err("The Rate cannot be negative.".into())
        );
        assert!(parse_amount("abc", "Rate").is_err());
        assert!(parse_amount("1.00001", "Rate").is_err());
        assert_eq!(parse_percent("12.5%", "Rate"), Ok(Decimal::new(125, 1)));
        assert!(parse_percent("100.01", "Rate").is_err());
    }

    #[test]
    fn tokens_are_prefixed_hashed_and_hinted() {
        let token = token_from_bytes([0xab; 32]);
        assert_eq!(token.len(), 4 + 64);
        assert!(token.starts_with("ptt_abab"));
        assert_eq!(token_hash(&token).len(), 32);
        assert_eq!(token_hash(&format!(" {token}\n")), token_hash(&token));
        assert_ne!(token_hash(&token), token_hash(&token_from_bytes([0; 32])));
        assert_eq!(token_hint(&token), "…abab");
    }
}
