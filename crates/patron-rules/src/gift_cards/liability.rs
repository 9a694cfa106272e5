//! The gift card liability report's calendar and arithmetic: which day it is as of (a past day
//! or today, never a day to come), the month whose movements it shows, the month ends it offers,
//! and the movements that take the month's opening balance to its closing one.

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;

/// The day the report is as of, as typed in its "As of" field: empty is `today`; a day to come
/// is refused, since what will be owed then is not known yet.
pub fn as_of(raw: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(today);
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| "Dates look like 2026-11-23.".to_owned())?;
    if day > today {
        return Err(format!(
            "{} has not come yet: choose today ({}) or a day before.",
            day.format("%-d %b %Y"),
            today.format("%-d %b %Y")
        ));
    }
    Ok(day)
}

/// The first day of the month `day` falls in: the movements run from it through `day`.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The last `n` month ends before `today`, latest first: the report's quick links.
pub fn month_ends_before(today: NaiveDate, n: usize) -> Vec<NaiveDate> {
    let mut ends = Vec::with_capacity(n);
    let mut end = month_start(today) - Days::new(1);
    while ends.len() < n {
        ends.push(end);
        end = month_start(end) - Days::new(1);
    }
    ends
}

/// What moved a company's liability from the close of the day before the month to the close of
/// the report's day. Every amount is what it did to the liability, unsigned where the line says
/// which way it goes (Spent and Expired take away); Adjusted carries its own sign. A reversal
/// (a cancelled sale or return) counts with the entry it undoes, so a cancelled sale is spent
/// no more.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Movements {
    /// Owed at the close of the day before the month.
    pub opening: Decimal,
    /// Initial values of the cards issued.
    pub issued: Decimal,
    /// Top-ups.
    pub topped_up: Decimal,
    /// Paid with cards, net of cancelled sales.
    pub spent: Decimal,
    /// Returns refunded onto cards, net of cancelled returns.
    pub refunded: Decimal,
    /// Adjustments, signed.
    pub adjusted: Decimal,
    /// What the cards whose Valid Upto fell in the month held when it passed.
    pub expired: Decimal,
    /// Owed at the close of the report's day, read on its own.
    pub closing: Decimal,
}

impl Movements {
    /// Opening plus every movement: what the closing balance must be.
    pub fn carried(&self) -> Decimal {
        self.opening + self.issued + self.topped_up - self.spent + self.refunded + self.adjusted
            - self.expired
    }

    /// Whether the movements take the opening to the closing balance.
    pub fn adds_up(&self) -> bool {
        self.carried() == self.closing
    }

    /// The lines as shown, top to bottom: (label, amount as it counts: signed).
    pub fn lines(&self) -> [(&'static str, Decimal); 8] {
        [
            ("Opening balance", self.opening),
            ("Issued", self.issued),
            ("Topped up", self.topped_up),
            ("Spent", -self.spent),
            ("Refunded", self.refunded),
            ("Adjusted", self.adjusted),
            ("Expired", -self.expired),
            ("Closing balance", self.closing),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn the_day_is_today_or_one_before() {
        let today = day("2026-12-07");
        assert_eq!(as_of("", today), Ok(today));
        assert_eq!(as_of(" 2026-11-30 ", today), Ok(day("2026-11-30")));
        assert_eq!(as_of("2026-12-07", today), Ok(today));
        assert_eq!(
            as_of("2026-12-08", today),
            Err("8 Dec 2026 has not come yet: choose today (7 Dec 2026) or a day before.".into())
        );
        assert_eq!(
            as_of("30/11/2026", today),
            Err("Dates look like 2026-11-23.".into())
        );
        assert_eq!(as_of("2026-02-30", today).map_err(|_| ()), Err(()));
    }

    #[test]
    fn month_ends_go_back_across_a_year() {
        assert_eq!(
            month_ends_before(day("2027-02-01"), 3),
            [day("2027-01-31"), day("2026-12-31"), day("2026-11-30")]
        );
        // A month end itself is today's link, not a quick one.
        assert_eq!(
            month_ends_before(day("2024-03-31"), 2),
            [day("2024-02-29"), day("2024-01-31")]
        );
        assert_eq!(month_start(day("2026-11-30")), day("2026-11-01"));
    }

    #[test]
    fn the_movements_take_the_opening_to_the_closing() {
        let month = Movements {
            opening: d("165.00"),
            issued: d("40.00"),
            topped_up: d("20.00"),
            spent: d("30.00"),
            refunded: d("12.50"),
            adjusted: d("-2.50"),
            expired: d("25.00"),
            closing: d("180.00"),
        };
        assert_eq!(month.carried(), d("180.00"));
        assert!(month.adds_up());
        assert_eq!(month.lines()[3], ("Spent", d("-30.00")));
        assert_eq!(month.lines()[6], ("Expired", d("-25.00")));
        let off = Movements {
            closing: d("180.01"),
            ..month
        };
        assert!(!off.adds_up());
    }
}
