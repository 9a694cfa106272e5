//! The customer's monthly spend as a small server-side SVG chart: month buckets in, bar
//! positions, value gridlines and labels out. The drawing holds only shapes and stretches to
//! its box; every word and figure is HTML around it, so text stays readable on a phone.
//! Pure: no database, no web.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use patron_rules::Currency;

/// Months the chart covers, the current one last.
pub const MONTHS: usize = 24;
/// Width of the drawing (SVG user units; it stretches to its box).
pub const WIDTH: u32 = 720;
/// Height of the drawing: the plot area, top gridline to bottom gridline.
pub const HEIGHT: u32 = 120;
/// Width of a month's slot.
const SLOT: u32 = WIDTH / MONTHS as u32;
/// Gap between bars.
const GAP: u32 = 6;
/// Months between two month labels (the labels split the width in four).
const LABEL_EVERY: usize = 6;
/// Most intervals between value gridlines: three above zero, or four across a chart with
/// months below zero, so that the axis keeps three to five labels.
const INTERVALS: u32 = 3;

const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

impl Month {
    /// The month before.
    pub fn previous(self) -> Month {
        if self.month <= 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// "Nov 2026".
    pub fn label(self) -> String {
        let name = MONTH_NAMES
            .get(self.month.saturating_sub(1) as usize)
            .copied()
            .unwrap_or("?");
        format!("{name} {}", self.year)
    }

    /// The `count` months ending with this one, oldest first.
    pub fn window(self, count: usize) -> Vec<Month> {
        let mut months = Vec::with_capacity(count);
        let mut month = self;
        for _ in 0..count {
            months.push(month);
            month = month.previous();
        }
        months.reverse();
        months
    }
}

/// One month's bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// Which month.
    pub month: Month,
    /// Net spend (returns negative).
    pub total: Decimal,
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height (at least 1, so that a month with sales never looks empty).
    pub height: u32,
    /// Below the baseline: the month's returns outweighed its sales.
    pub negative: bool,
    /// The net spend in the currency: "$39.98".
    pub amount: String,
    /// What a pointer over the bar tells: "Nov 2026: $39.98".
    pub title: String,
}

/// A month label under the bars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    /// Start of the label (the left edge of its month's bar).
    pub x: u32,
    /// "Nov 2026".
    pub label: String,
}

/// A value gridline across the plot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gridline {
    /// Height in the drawing.
    pub y: u32,
    /// Its value in the currency: "$500".
    pub label: String,
    /// The zero line.
    pub zero: bool,
}

/// The chart: bars for months with sales (others stay gaps), evenly spaced value gridlines
/// (the zero line among them) and month labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// Bars, oldest first.
    pub bars: Vec<Bar>,
    /// Value gridlines, from the top down; evenly spaced, first at 0 and last at `height`.
    pub gridlines: Vec<Gridline>,
    /// Labels of every sixth month, from the oldest.
    pub ticks: Vec<Tick>,
    /// Width (for the SVG viewBox).
    pub width: u32,
    /// Height (for the SVG viewBox).
    pub height: u32,
}

/// `amount` in drawing units at `scale` units per currency unit (0 below zero).
pub fn pixels(amount: Decimal, scale: Decimal) -> u32 {
    (amount * scale).round().to_u32().unwrap_or(0)
}

/// The smallest "round" step (1, 2, 2.5 or 5 times a power of ten) at least `rough`.
pub fn nice_step(rough: Decimal) -> Decimal {
    if rough <= Decimal::ZERO {
        return Decimal::ONE;
    }
    let ten = Decimal::TEN;
    let mut magnitude = Decimal::ONE;
    while magnitude * ten <= rough {
        magnitude *= ten;
    }
    while magnitude > rough && magnitude > Decimal::new(1, 4) {
        magnitude /= ten;
    }
    [
        Decimal::ONE,
        Decimal::TWO,
        Decimal::new(25, 1),
        Decimal::new(5, 0),
        ten,
    ]
    .into_iter()
    .map(|m| m * magnitude)
    .find(|step| *step >= rough)
    .unwrap_or(ten * magnitude)
}

/// How many `step`s it takes to reach `amount` (at least 0).
fn steps(amount: Decimal, step: Decimal) -> u32 {
    (amount / step).ceil().to_u32().unwrap_or(0)
}

/// Bars for the `MONTHS` months ending with `current`, from the months with sales and their net
/// totals (months outside the window are left out), with gridlines at round amounts of
/// `currency`. None when no month in the window has sales.
pub fn chart(current: Month, totals: &[(Month, Decimal)], currency: &Currency) -> Option<Chart> {
    let months = current.window(MONTHS);
    let shown: Vec<(usize, Decimal)> = months
        .iter()
        .enumerate()
        .filter_map(|(i, month)| {
            let mut found = totals.iter().filter(|(m, _)| m == month).peekable();
            found.peek()?;
            Some((i, found.map(|(_, total)| *total).sum()))
        })
        .collect();
    if shown.is_empty() {
        return None;
    }
    let highest = shown
        .iter()
        .map(|(_, t)| *t)
        .fold(Decimal::ZERO, Decimal::max);
    let lowest = shown
        .iter()
        .map(|(_, t)| *t)
        .fold(Decimal::ZERO, Decimal::min);
    let most = if lowest < Decimal::ZERO {
        INTERVALS + 1
    } else {
        INTERVALS
    };
    // At least one interval above zero, so that a chart of returns only still has a top.
    let span = |step| (steps(highest, step).max(1), steps(-lowest, step));
    let mut step = nice_step((highest - lowest) / Decimal::from(most));
    // Rounding each side up may need more lines than `most`: the next round step then.
    for _ in 0..8 {
        let (up, down) = span(step);
        if up + down <= most {
            break;
        }
        step = nice_step(step + step / Decimal::from(1000));
    }
    let (up, down) = span(step);
    let top = step * Decimal::from(up);
    let scale = Decimal::from(HEIGHT) / (step * Decimal::from(up + down));
    let baseline = pixels(top, scale);
    let bars = shown
        .into_iter()
        .map(|(i, total)| {
            let height = pixels(total.abs(), scale).max(1);
            let negative = total.is_sign_negative() && !total.is_zero();
            let amount = currency.format(total);
            Bar {
                month: months[i],
                total,
                x: SLOT * i as u32 + GAP / 2,
                y: if negative {
                    baseline
                } else {
                    baseline.saturating_sub(height)
                },
                width: SLOT - GAP,
                height,
                negative,
                title: format!("{}: {amount}", months[i].label()),
                amount,
            }
        })
        .collect();
    // Whole steps read without cents: "$500", not "$500.00".
    let axis = if step.fract().is_zero() {
        Currency {
            minor_unit: 0,
            ..currency.clone()
        }
    } else {
        currency.clone()
    };
    let gridlines = (0..=up + down)
        .map(|k| {
            let value = top - step * Decimal::from(k);
            Gridline {
                y: pixels(step * Decimal::from(k), scale),
                label: axis.format(value),
                zero: value.is_zero(),
            }
        })
        .collect();
    let ticks = months
        .iter()
        .enumerate()
        .step_by(LABEL_EVERY)
        .map(|(i, month)| Tick {
            x: SLOT * i as u32 + GAP / 2,
            label: month.label(),
        })
        .collect();
    Some(Chart {
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

    fn m(year: i32, month: u32) -> Month {
        Month { year, month }
    }

    fn d(units: i64) -> Decimal {
        Decimal::from(units)
    }

    fn chart(current: Month, totals: &[(Month, Decimal)]) -> Option<Chart> {
        super::chart(current, totals, &Currency::usd())
    }

    fn labels(chart: &Chart) -> Vec<&str> {
        chart.gridlines.iter().map(|g| g.label.as_str()).collect()
    }

    #[test]
    fn the_window_runs_back_across_years() {
        let months = m(2026, 2).window(24);
        assert_eq!(months.len(), 24);
        assert_eq!(months[0], m(2024, 3));
        assert_eq!(months[22], m(2026, 1));
        assert_eq!(months[23], m(2026, 2));
        assert_eq!(m(2026, 1).previous(), m(2025, 12));
        assert_eq!(m(2026, 11).label(), "Nov 2026");
    }

    #[test]
    fn no_sales_no_chart() {
        assert_eq!(chart(m(2026, 11), &[]), None);
        // Older than 24 months: outside the window.
        assert_eq!(chart(m(2026, 11), &[(m(2024, 11), d(10))]), None);
    }

    #[test]
    fn steps_are_round_amounts() {
        let step = |text: &str| nice_step(text.parse().unwrap()).normalize().to_string();
        assert_eq!(step("33.34"), "50");
        assert_eq!(step("100"), "100");
        assert_eq!(step("101"), "200");
        assert_eq!(step("2.1"), "2.5");
        assert_eq!(step("0.3"), "0.5");
        assert_eq!(step("0"), "1");
    }

    #[test]
    fn bars_sit_on_a_value_axis_of_round_amounts_and_empty_months_stay_gaps() {
        let chart = chart(
            m(2026, 11),
            &[
                (m(2026, 11), d(100)),
                (m(2026, 9), d(50)),
                (m(2024, 12), d(25)),
            ],
        )
        .unwrap();
        // 100 over three intervals: steps of 50, so gridlines at 100, 50 and 0.
        assert_eq!(labels(&chart), ["$100", "$50", "$0"]);
        let ys: Vec<u32> = chart.gridlines.iter().map(|g| g.y).collect();
        assert_eq!(ys, [0, 60, 120]);
        assert!(chart.gridlines[2].zero && !chart.gridlines[0].zero);
        let bars: Vec<(u32, u32, u32)> = chart.bars.iter().map(|b| (b.x, b.y, b.height)).collect();
        // Slots of 30 units, bars 24 wide; Dec 2024 is the first month, Nov 2026 the last.
        assert_eq!(bars, [(3, 90, 30), (633, 60, 60), (693, 0, 120)]);
        assert!(chart.bars.iter().all(|b| b.width == 24 && !b.negative));
        assert_eq!(chart.bars[2].title, "Nov 2026: $100.00");
        assert_eq!(
            chart
                .ticks
                .iter()
                .map(|t| t.label.as_str())
                .collect::<Vec<_>>(),
            ["Dec 2024", "Jun 2025", "Dec 2025", "Jun 2026"]
        );
    }

    #[test]
    fn returns_go_below_the_zero_line() {
        let chart = chart(
            m(2026, 11),
            &[
                (m(2026, 10), d(90)),
                (m(2026, 11), d(30)),
                (m(2026, 11), d(-60)),
            ],
        )
        .unwrap();
        // 120 of range over three intervals: steps of 50, two above zero and one below.
        assert_eq!(labels(&chart), ["$100", "$50", "$0", "-$50"]);
        let zero = chart.gridlines.iter().find(|g| g.zero).unwrap();
        assert_eq!(zero.y, 80);
        let november = &chart.bars[1];
        assert_eq!(november.total, d(-30));
        assert!(november.negative);
        assert_eq!((november.y, november.height), (80, 24));
        assert_eq!((chart.bars[0].y, chart.bars[0].height), (8, 72));
    }

    #[test]
    fn a_small_return_month_costs_one_step_below_zero_not_a_quarter_of_the_chart() {
        let chart = chart(m(2026, 11), &[(m(2026, 10), d(750)), (m(2026, 11), d(-20))]).unwrap();
        assert_eq!(labels(&chart), ["$750", "$500", "$250", "$0", "-$250"]);
    }

    #[test]
    fn small_amounts_keep_their_cents_on_the_axis() {
        let chart = chart(m(2026, 11), &[(m(2026, 11), Decimal::new(120, 2))]).unwrap();
        assert_eq!(labels(&chart), ["$1.50", "$1.00", "$0.50", "$0.00"]);
    }

    #[test]
    fn a_month_that_nets_to_zero_still_shows_a_sliver() {
        let chart = chart(m(2026, 11), &[(m(2026, 11), d(5)), (m(2026, 11), d(-5))]).unwrap();
        assert_eq!(chart.bars.len(), 1);
        assert_eq!(chart.bars[0].height, 1);
        assert!(!chart.bars[0].negative);
        assert_eq!(labels(&chart), ["$1", "$0"]);
    }
}
