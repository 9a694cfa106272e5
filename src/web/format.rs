//! How numbers and dates read on pages.

use rust_decimal::{Decimal, RoundingStrategy};

/// An amount in the company currency, rounded half away from zero to cents: `$1,234.50`,
/// `-$3.00`. (The stores issue brings per-company currencies; until then amounts are dollars.)
pub fn money(amount: Decimal) -> String {
    let rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    let text = format!("{:.2}", rounded.abs());
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    format!("{sign}${}.{cents}", group_thousands(whole))
}

/// A count with thousands separators: `1,000,000`.
pub fn count(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group_thousands(&n.unsigned_abs().to_string()))
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_rounded_half_away_from_zero_and_grouped() {
        assert_eq!(money(Decimal::new(12345, 1)), "$1,234.50");
        assert_eq!(money(Decimal::new(5, 3)), "$0.01");
        assert_eq!(money(Decimal::new(-5, 3)), "-$0.01");
        assert_eq!(money(Decimal::new(-4, 3)), "$0.00");
        assert_eq!(money(Decimal::new(100000000, 0)), "$100,000,000.00");
    }

    #[test]
    fn counts_are_grouped() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
    }
}
