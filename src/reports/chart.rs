//! Net sales over a report's period as a server-side SVG bar chart: a bar a day for up to two
//! months, a bar a month beyond. Like the customer page's chart (whose CSS it shares), the
//! drawing holds only shapes; amounts and dates are HTML around it. Pure: no database, no web.

use chrono::{Datelike, Days, NaiveDate};
use patron_rules::Currency;
use rust_decimal::Decimal;

use crate::sales::chart::{Gridline, nice_step, pixels};

/// Width of the drawing (SVG user units; it stretches to its box).
pub const WIDTH: u32 = 720;
/// Height of the plot area.
pub const HEIGHT: u32 = 120;
/// Longest period drawn a bar a day.
const DAILY_UP_TO: i64 = 62;
/// Intervals between gridlines.
const INTERVALS: u32 = 3;

/// One bar: a day or a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height (at least 1).
    pub height: u32,
    /// Returns outweighed sales.
    pub negative: bool,
    /// "3 Nov 2026" or "Nov 2026".
    pub label: String,
    /// "$1,234.50".
    pub amount: String,
}

/// The chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// "Net sales per day" or "per month".
    pub caption: &'static str,
    /// Bars of the buckets with sales, oldest first.
    pub bars: Vec<Bar>,
    /// Gridlines, top down.
    pub gridlines: Vec<Gridline>,
    /// The first, middle and last bucket's labels, under the plot.
    pub ticks: Vec<String>,
    /// Drawing width.
    pub width: u32,
    /// Drawing height.
    pub height: u32,
}

/// The buckets of `from`..=`to` (days or months) with their labels.
fn buckets(from: NaiveDate, to: NaiveDate) -> (bool, Vec<(NaiveDate, String)>) {
    let daily = (to - from).num_days() < DAILY_UP_TO;
    let mut out = Vec::new();
    let mut at = if daily {
        from
    } else {
        from.with_day(1).unwrap_or(from)
    };
    while at <= to {
        if daily {
            out.push((at, at.format("%-d %b %Y").to_string()));
            at = at + Days::new(1);
        } else {
            out.push((at, at.format("%b %Y").to_string()));
            at = at
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(to + Days::new(1));
        }
    }
    (daily, out)
}

/// The chart of `days` (net sales per business day) over `from`..=`to`; none without sales.
pub fn chart(
    from: NaiveDate,
    to: NaiveDate,
    days: &[(NaiveDate, Decimal)],
    currency: &Currency,
) -> Option<Chart> {
    if days.is_empty() || from > to {
        return None;
    }
    let (daily, buckets) = buckets(from, to);
    let bucket_of = |day: NaiveDate| {
        if daily {
            day
        } else {
            day.with_day(1).unwrap_or(day)
        }
    };
    let totals: Vec<Decimal> = buckets
        .iter()
        .map(|(start, _)| {
            days.iter()
                .filter(|(day, _)| bucket_of(*day) == *start)
                .map(|(_, amount)| *amount)
                .sum()
        })
        .collect();
    let highest = totals.iter().copied().fold(Decimal::ZERO, Decimal::max);
    let lowest = totals.iter().copied().fold(Decimal::ZERO, Decimal::min);
    let step = nice_step((highest - lowest) / Decimal::from(INTERVALS));
    let top = (highest / step).ceil() * step;
    let bottom = (lowest / step).floor() * step;
    let span = (top - bottom).max(Decimal::ONE);
    let scale = Decimal::from(HEIGHT) / span;
    let zero_y = pixels(top, scale);
    let slot = WIDTH / u32::try_from(buckets.len()).unwrap_or(1).max(1);
    let gap = (slot / 5).min(6);
    let bars = buckets
        .iter()
        .zip(&totals)
        .enumerate()
        .filter(|(_, (_, total))| !total.is_zero())
        .map(|(i, ((_, label), total))| {
            let height = pixels(total.abs(), scale).max(1);
            Bar {
                x: u32::try_from(i).unwrap_or(0) * slot + gap / 2,
                y: if total.is_sign_negative() {
                    zero_y
                } else {
                    zero_y.saturating_sub(height)
                },
                width: slot.saturating_sub(gap).max(1),
                height,
                negative: total.is_sign_negative(),
                label: label.clone(),
                amount: currency.format(*total),
            }
        })
        .collect();
    let mut gridlines = Vec::new();
    let mut value = top;
    while value >= bottom {
        gridlines.push(Gridline {
            y: pixels(top - value, scale),
            label: currency.format(value),
            zero: value.is_zero(),
        });
        value -= step;
    }
    let last = buckets.len() - 1;
    let ticks = [0, last / 2, last]
        .iter()
        .map(|&i| buckets[i].1.clone())
        .collect();
    Some(Chart {
        caption: if daily {
            "Net sales per day"
        } else {
            "Net sales per month"
        },
        bars,
        gridlines,
        ticks,
        width: WIDTH,
        height: HEIGHT,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_month_is_drawn_a_bar_a_day_and_a_year_a_bar_a_month() {
        let usd = Currency::usd();
        let sales = [
            (day("2026-11-02"), Decimal::from(300)),
            (day("2026-11-03"), Decimal::from(-60)),
        ];
        let month = chart(day("2026-11-01"), day("2026-11-30"), &sales, &usd).unwrap();
        assert_eq!(month.caption, "Net sales per day");
        assert_eq!(month.bars.len(), 2);
        assert_eq!(month.bars[0].label, "2 Nov 2026");
        assert_eq!(month.bars[0].amount, "$300.00");
        assert!(month.bars[1].negative);
        assert_eq!(month.ticks, ["1 Nov 2026", "15 Nov 2026", "30 Nov 2026"]);
        // Steps of 200 from 400 down to -200, zero among them.
        let labels: Vec<&str> = month.gridlines.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["$400.00", "$200.00", "$0.00", "-$200.00"]);
        assert!(month.gridlines[2].zero);

        let year = chart(day("2026-01-01"), day("2026-12-31"), &sales, &usd).unwrap();
        assert_eq!(year.caption, "Net sales per month");
        assert_eq!(year.bars.len(), 1, "November's two days make one bar");
        assert_eq!(year.bars[0].amount, "$240.00");
        assert!(chart(day("2026-01-01"), day("2026-12-31"), &[], &usd).is_none());
    }
}
