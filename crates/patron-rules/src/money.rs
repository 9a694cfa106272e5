//! Money: a currency, the one rounding of amounts (half away from zero, to the currency's minor
//! unit) and how amounts read on a page. Every area formats in the record's company currency.

use rust_decimal::{Decimal, RoundingStrategy};

/// A company's currency: amounts round to its minor unit, half away from zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency {
    /// ISO 4217 code (`USD`).
    pub code: String,
    /// Decimals of the minor unit: 2 for USD, 0 for JPY, 3 for KWD.
    pub minor_unit: u32,
    /// Printed before amounts (`$`); empty: the code is printed instead.
    pub symbol: String,
}

impl Currency {
    /// US dollars: what pages show where no company applies yet.
    pub fn usd() -> Currency {
        Currency {
            code: "USD".into(),
            minor_unit: 2,
            symbol: "$".into(),
        }
    }

    /// `amount` rounded to the minor unit, half away from zero. The one rounding of money in
    /// Patron: totals, points values and displays all go through here.
    pub fn round(&self, amount: Decimal) -> Decimal {
        amount.round_dp_with_strategy(self.minor_unit, RoundingStrategy::MidpointAwayFromZero)
    }

    /// `amount` as people read it: `$1,234.50`, `-$3.00`, `KWD 1,234.500`, `¥1,235`.
    pub fn format(&self, amount: Decimal) -> String {
        let rounded = self.round(amount);
        let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
            "-"
        } else {
            ""
        };
        let text = format!("{:.*}", self.minor_unit as usize, rounded.abs());
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, format!(".{fraction}")),
            None => (text.as_str(), String::new()),
        };
        let prefix = if self.symbol.is_empty() {
            format!("{} ", self.code)
        } else {
            self.symbol.clone()
        };
        format!("{sign}{prefix}{}{fraction}", group_thousands(whole))
    }
}

/// Digits with a comma every three from the right: `1234567` -> `1,234,567`.
pub fn group_thousands(digits: &str) -> String {
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

    fn currency(code: &str, minor_unit: u32, symbol: &str) -> Currency {
        Currency {
            code: code.into(),
            minor_unit,
            symbol: symbol.into(),
        }
    }

    #[test]
    fn amounts_round_half_away_from_zero_to_the_minor_unit() {
        let usd = Currency::usd();
        assert_eq!(usd.round(Decimal::new(1005, 3)), Decimal::new(101, 2));
        assert_eq!(usd.round(Decimal::new(-1005, 3)), Decimal::new(-101, 2));
        assert_eq!(usd.round(Decimal::new(1004, 3)), Decimal::new(100, 2));
        let jpy = currency("JPY", 0, "¥");
        assert_eq!(jpy.round(Decimal::new(12345, 1)), Decimal::new(1235, 0));
        let kwd = currency("KWD", 3, "");
        assert_eq!(kwd.round(Decimal::new(12345, 4)), Decimal::new(1235, 3));
    }

    #[test]
    fn amounts_read_with_symbol_or_code() {
        assert_eq!(Currency::usd().format(Decimal::new(12345, 1)), "$1,234.50");
        assert_eq!(Currency::usd().format(Decimal::new(-5, 3)), "-$0.01");
        assert_eq!(Currency::usd().format(Decimal::new(-4, 3)), "$0.00");
        assert_eq!(
            currency("JPY", 0, "¥").format(Decimal::new(12345, 1)),
            "¥1,235"
        );
        assert_eq!(
            currency("KWD", 3, "").format(Decimal::new(12345, 1)),
            "KWD 1,234.500"
        );
    }

    #[test]
    fn big_amounts_are_grouped_by_thousands() {
        assert_eq!(
            Currency::usd().format(Decimal::new(100000000, 0)),
            "$100,000,000.00"
        );
        assert_eq!(group_thousands("1234567"), "1,234,567");
    }
}
