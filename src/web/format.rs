//! How numbers and dates read on pages.

use rust_decimal::Decimal;

use crate::kernel::money::{Currency, group_thousands};

/// An amount in dollars, where no company's currency applies: `$1,234.50`, `-$3.00`.
pub fn money(amount: Decimal) -> String {
    Currency::usd().format(amount)
}

/// A count with thousands separators: `1,000,000`.
pub fn count(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group_thousands(&n.unsigned_abs().to_string()))
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
