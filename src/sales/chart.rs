//! The customer's monthly spend as bars of a small server-side SVG chart: month buckets in,
//! bar positions and heights out. Pure: no database, no web.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// Months the chart covers, the current one last.
pub const MONTHS: usize = 24;
/// Width of the drawing (SVG user units).
pub const WIDTH: u32 = 720;
/// Height of the drawing, month labels included.
pub const HEIGHT: u32 = 150;
/// Top of the plot area.
const TOP: u32 = 6;
/// Height of the plot area.
const PLOT: u32 = 116;
/// Width of a month's slot.
const SLOT: u32 = WIDTH / MONTHS as u32;
/// Gap between bars.
const GAP: u32 = 6;

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
    /// What a pointer over the bar (and a screen reader) tells: "Nov 2026: $39.98".
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

/// The chart: bars for months with sales (others stay gaps), the baseline and month labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// Bars, oldest first.
    pub bars: Vec<Bar>,
    /// Height of the zero line.
    pub baseline: u32,
    /// Labels of every sixth month, from the oldest.
    pub ticks: Vec<Tick>,
    /// Width (for the SVG viewBox).
    pub width: u32,
    /// Height (for the SVG viewBox).
    pub height: u32,
    /// Height of the month labels' baseline.
    pub label_y: u32,
}

fn pixels(amount: Decimal, scale: Decimal) -> u32 {
    (amount * scale).round().to_u32().unwrap_or(0)
}

/// Bars for the `MONTHS` months ending with `current`, from the months with sales and their net
/// totals (months outside the window are left out); `amount` writes a total as people read it.
/// None when no month in the window has sales.
pub fn chart(
    current: Month,
    totals: &[(Month, Decimal)],
    amount: impl Fn(Decimal) -> String,
) -> Option<Chart> {
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
    let range = highest - lowest;
    let scale = if range.is_zero() {
        Decimal::ZERO
    } else {
        Decimal::from(PLOT) / range
    };
    let baseline = TOP + pixels(highest, scale);
    let bars = shown
        .into_iter()
        .map(|(i, total)| {
            let height = pixels(total.abs(), scale).max(1);
            let negative = total.is_sign_negative() && !total.is_zero();
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
                title: format!("{}: {}", months[i].label(), amount(total)),
            }
        })
        .collect();
    let ticks = months
        .iter()
        .enumerate()
        .step_by(6)
        .map(|(i, month)| Tick {
            x: SLOT * i as u32 + GAP / 2,
            label: month.label(),
        })
        .collect();
    Some(Chart {
        bars,
        baseline,
        ticks,
        width: WIDTH,
        height: HEIGHT,
        label_y: TOP + PLOT + 22,
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
        super::chart(current, totals, |t| format!("${t}"))
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
    fn the_biggest_month_fills_the_plot_and_empty_months_stay_gaps() {
        let chart = chart(
            m(2026, 11),
            &[
                (m(2026, 11), d(100)),
                (m(2026, 9), d(50)),
                (m(2024, 12), d(25)),
            ],
        )
        .unwrap();
        assert_eq!(chart.bars.len(), 3);
        assert_eq!(chart.baseline, 6 + 116);
        let heights: Vec<(u32, u32, u32)> =
            chart.bars.iter().map(|b| (b.x, b.y, b.height)).collect();
        // Slots of 30 units, bars 24 wide; Dec 2024 is the first month, Nov 2026 the last.
        assert_eq!(heights, [(3, 93, 29), (633, 64, 58), (693, 6, 116)]);
        assert!(chart.bars.iter().all(|b| b.width == 24 && !b.negative));
        assert_eq!(chart.bars[2].title, "Nov 2026: $100");
        assert_eq!(
            chart
                .ticks
                .iter()
                .map(|t| t.label.as_str())
                .collect::<Vec<_>>(),
            ["Dec 2024", "Jun 2025", "Dec 2025", "Jun 2026"]
        );
        assert_eq!(chart.ticks[0].x, 3);
    }

    #[test]
    fn returns_go_below_the_baseline() {
        let chart = chart(
            m(2026, 11),
            &[
                (m(2026, 10), d(90)),
                (m(2026, 11), d(30)),
                (m(2026, 11), d(-60)),
            ],
        )
        .unwrap();
        // 90 up and 30 down share 116 units: 87 above the line, 29 below.
        assert_eq!(chart.baseline, 6 + 87);
        let november = &chart.bars[1];
        assert_eq!(november.total, d(-30));
        assert!(november.negative);
        assert_eq!((november.y, november.height), (93, 29));
        assert_eq!((chart.bars[0].y, chart.bars[0].height), (6, 87));
    }

    #[test]
    fn a_month_that_nets_to_zero_still_shows_a_sliver() {
        let chart = chart(m(2026, 11), &[(m(2026, 11), d(5)), (m(2026, 11), d(-5))]).unwrap();
        assert_eq!(chart.bars.len(), 1);
        assert_eq!(chart.bars[0].height, 1);
        assert!(!chart.bars[0].negative);
    }
}
