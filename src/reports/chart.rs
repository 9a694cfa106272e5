//! Report charts as server-side SVG bars: net sales over a report's period (a bar a day for up
//! to two months, a bar a month beyond), and new customers per month with the part of them who
//! came back. Like the customer page's chart (whose CSS it shares), the drawing holds only
//! shapes; amounts and dates are HTML around it. Pure: no database, no web.

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
    /// The part of the bar drawn darker (of a cohort: who came back), as its top edge and height.
    pub part: Option<(u32, u32)>,
}

/// The chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// "Net sales per day", "per month", or what a cohort chart shows.
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
    let caption = if daily {
        "Net sales per day"
    } else {
        "Net sales per month"
    };
    let buckets = buckets
        .into_iter()
        .zip(totals)
        .map(|((_, label), total)| (label, total, None))
        .collect();
    Some(draw(caption, buckets, &|amount| currency.format(amount)))
}

/// New customers per month (`months`: the month's first day, new customers, of them back
/// within 90 days), the part who came back drawn darker; none without new customers.
pub fn cohort_chart(months: &[(NaiveDate, i64, i64)]) -> Option<Chart> {
    if months.iter().all(|(_, new, _)| *new == 0) {
        return None;
    }
    let buckets = months
        .iter()
        .map(|(month, new, back)| {
            (
                month.format("%b %Y").to_string(),
                Decimal::from(*new),
                Some(Decimal::from(*back)),
            )
        })
        .collect();
    Some(draw(
        "New customers per month (darker: back within 90 days)",
        buckets,
        &|n| crate::web::format::count(n.trunc().try_into().unwrap_or(0)),
    ))
}

/// A count day by day (a segment's size at each snapshot), oldest first; none without one.
pub fn counts_chart(caption: &'static str, days: &[(NaiveDate, i64)]) -> Option<Chart> {
    if days.is_empty() {
        return None;
    }
    let buckets = days
        .iter()
        .map(|(day, n)| (day.format("%-d %b %Y").to_string(), Decimal::from(*n), None))
        .collect();
    Some(draw(caption, buckets, &|n| {
        crate::web::format::count(n.trunc().try_into().unwrap_or(0))
    }))
}

/// The bars of `buckets` (label, total, the darker part of it), oldest first, with gridlines
/// and values written by `format`.
fn draw(
    caption: &'static str,
    buckets: Vec<(String, Decimal, Option<Decimal>)>,
    format: &dyn Fn(Decimal) -> String,
) -> Chart {
    let highest = buckets
        .iter()
        .map(|b| b.1)
        .fold(Decimal::ZERO, Decimal::max);
    let lowest = buckets
        .iter()
        .map(|b| b.1)
        .fold(Decimal::ZERO, Decimal::min);
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
        .enumerate()
        .filter(|(_, (_, total, _))| !total.is_zero())
        .map(|(i, (label, total, part))| {
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
                amount: match part {
                    Some(part) => format!("{}, {} back", format(*total), format(*part)),
                    None => format(*total),
                },
                part: part.filter(|p| !p.is_zero()).map(|p| {
                    let height = pixels(p.abs(), scale).max(1);
                    (zero_y.saturating_sub(height), height)
                }),
            }
        })
        .collect();
    let mut gridlines = Vec::new();
    let mut value = top;
    while value >= bottom {
        gridlines.push(Gridline {
            y: pixels(top - value, scale),
            label: format(value),
            zero: value.is_zero(),
        });
        value -= step;
    }
    let last = buckets.len().saturating_sub(1);
    let ticks = [0, last / 2, last]
        .iter()
        .filter_map(|&i| buckets.get(i).map(|b| b.0.clone()))
        .collect();
    Chart {
        caption,
        bars,
        gridlines,
        ticks,
        width: WIDTH,
        height: HEIGHT,
    }
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

    #[test]
    fn a_cohort_bar_shows_who_came_back_inside_it() {
        let months = [
            (day("2026-09-01"), 40, 10),
            (day("2026-10-01"), 0, 0),
            (day("2026-11-01"), 20, 0),
        ];
        let drawn = cohort_chart(&months).unwrap();
        assert_eq!(drawn.bars.len(), 2, "October has no new customers: no bar");
        let september = &drawn.bars[0];
        assert_eq!(september.amount, "40, 10 back");
        let (part_y, part_height) = september.part.unwrap();
        // A quarter of the bar, standing on the same baseline.
        assert_eq!(part_y + part_height, september.y + september.height);
        assert!(part_height * 4 <= september.height + 4 && part_height * 4 + 4 >= september.height);
        assert_eq!(drawn.bars[1].part, None);
        assert_eq!(drawn.ticks, ["Sep 2026", "Oct 2026", "Nov 2026"]);
        assert!(cohort_chart(&[(day("2026-09-01"), 0, 0)]).is_none());
    }
}
