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
