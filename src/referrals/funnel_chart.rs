//! The referral funnel as a server-side SVG: one centred bar per stage, its width in proportion
//! to the largest stage, so that the drop from codes to registrations to buyers reads at a
//! glance. Shapes only: the figures and words are HTML beside it. Pure: no database, no web.

/// Width of the drawing (SVG user units; it stretches to its box).
pub const WIDTH: u32 = 600;
/// Height of one stage's bar.
pub const BAR: u32 = 36;
/// Gap between bars.
pub const GAP: u32 = 8;
/// Narrowest a non-empty bar is drawn, so that a small stage stays visible.
const MIN_WIDTH: u32 = 4;

/// One stage's bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// The stage's name.
    pub label: &'static str,
    /// Its count.
    pub value: i64,
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width (0 for an empty stage).
    pub width: u32,
    /// Share of the stage before, "45%" ("" for the first stage and after an empty one): codes
    /// issued in a range may be fewer than the registrations it sees (older codes register
    /// too), so each step's conversion reads better than a share of the top.
    pub share: String,
}

/// The drawing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// The bars, top to bottom.
    pub bars: Vec<Bar>,
    /// The drawing's height.
    pub height: u32,
}

/// The chart of `stages` (name, count), first stage on top.
pub fn chart(stages: &[(&'static str, i64)]) -> Chart {
    let largest = stages.iter().map(|(_, v)| *v).max().unwrap_or(0).max(0);
    let bars = stages
        .iter()
        .zip(0u32..)
        .map(|((label, value), index)| {
            let before = index
                .checked_sub(1)
                .and_then(|i| stages.get(i as usize))
                .map_or(0, |(_, v)| (*v).max(0));
            let value = (*value).max(0);
            let width = if value == 0 || largest == 0 {
                0
            } else {
                let scaled = i128::from(value) * i128::from(WIDTH) / i128::from(largest);
                u32::try_from(scaled).unwrap_or(WIDTH).max(MIN_WIDTH)
            };
            let share = if before > 0 {
                format!("{}%", i128::from(value) * 100 / i128::from(before))
            } else {
                String::new()
            };
            Bar {
                label,
                value,
                x: (WIDTH - width) / 2,
                y: index * (BAR + GAP),
                width,
                share,
            }
        })
        .collect::<Vec<_>>();
    let count = u32::try_from(bars.len()).unwrap_or(0);
    Chart {
        bars,
        height: (count * (BAR + GAP)).saturating_sub(GAP),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_centred_and_in_proportion_to_the_largest_stage() {
        let chart = chart(&[
            ("Codes", 200),
            ("Registrations", 100),
            ("Bought", 1),
            ("Used", 0),
        ]);
        let widths: Vec<u32> = chart.bars.iter().map(|b| b.width).collect();
        assert_eq!(widths, [600, 300, 4, 0]);
        let xs: Vec<u32> = chart.bars.iter().map(|b| b.x).collect();
        assert_eq!(xs, [0, 150, 298, 300]);
        let ys: Vec<u32> = chart.bars.iter().map(|b| b.y).collect();
        assert_eq!(ys, [0, 44, 88, 132]);
        assert_eq!(chart.height, 168);
        let shares: Vec<&str> = chart.bars.iter().map(|b| b.share.as_str()).collect();
        assert_eq!(shares, ["", "50%", "1%", "0%"]);
    }

    #[test]
    fn an_empty_funnel_draws_nothing_wide() {
        let chart = chart(&[("Codes", 0), ("Registrations", 0)]);
        assert!(
            chart
                .bars
                .iter()
                .all(|b| b.width == 0 && b.share.is_empty())
        );
    }
}
