//! How to sum a customer's daily rows over "the last N days" when a year of them is kept summed
//! per customer (the app's `customer_facts`, a window of `STORED_DAYS` ending on a stored day):
//! read the stored sum and correct it by the days where the period and the stored window differ,
//! or, when those are more days than the period itself, read the period's days directly.

use chrono::{Duration, NaiveDate};

/// Days in the stored window (the stored day included).
pub const STORED_DAYS: u32 = 365;

/// Inclusive day ranges.
pub type Days = (NaiveDate, NaiveDate);

/// How a period's sum is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodSum {
    /// Sum the daily rows from this day to today.
    Direct {
        /// First day of the period.
        from: NaiveDate,
    },
    /// The stored sum, plus each day of `delta` weighted 1 if in `period`, minus 1 if in
    /// `stored` (a day in both, or neither, weighs 0).
    Stored {
        /// The period asked for.
        period: Days,
        /// The stored window.
        stored: Days,
        /// Where the two differ: no range when they are the same days.
        delta: Vec<Days>,
    },
}

/// The cheaper way to sum the `days` days ending `today` when the stored window ends
/// `stored_end` (none: no stored window). Cost is counted in days read.
pub fn plan(today: NaiveDate, days: u32, stored_end: Option<NaiveDate>) -> PeriodSum {
    let back = |end: NaiveDate, n: u32| end - Duration::days(i64::from(n) - 1);
    let period = (back(today, days), today);
    let Some(end) = stored_end else {
        return PeriodSum::Direct { from: period.0 };
    };
    let stored = (back(end, STORED_DAYS), end);
    let edge = |a: NaiveDate, b: NaiveDate, shift: i64| -> Option<Days> {
        (a != b).then(|| {
            let (lo, hi) = (a.min(b), a.max(b));
            (lo + Duration::days(shift), hi + Duration::days(shift - 1))
        })
    };
    // Where the starts differ, the days from the earlier start up to the later one; where the
    // ends differ, the days after the earlier end up to the later one.
    let delta: Vec<Days> = [edge(period.0, stored.0, 0), edge(period.1, stored.1, 1)]
        .into_iter()
        .flatten()
        .collect();
    let cost: i64 = delta.iter().map(|(a, b)| (*b - *a).num_days() + 1).sum();
    if cost >= i64::from(days) {
        PeriodSum::Direct { from: period.0 }
    } else {
        PeriodSum::Stored {
            period,
            stored,
            delta,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    /// The sum `plan` reads on `today` from `rows` (day, amount), the stored sum being what the
    /// rows of the stored window hold.
    fn sum(plan: &PeriodSum, rows: &[(NaiveDate, i64)], today: NaiveDate) -> i64 {
        let within = |d: NaiveDate, (a, b): Days| d >= a && d <= b;
        match plan {
            PeriodSum::Direct { from } => rows
                .iter()
                .filter(|r| r.0 >= *from && r.0 <= today)
                .map(|r| r.1)
                .sum(),
            PeriodSum::Stored {
                period,
                stored,
                delta,
            } => {
                let kept: i64 = rows
                    .iter()
                    .filter(|r| within(r.0, *stored))
                    .map(|r| r.1)
                    .sum();
                let corrections: i64 = rows
                    .iter()
                    .filter(|r| delta.iter().any(|range| within(r.0, *range)))
                    .map(|r| {
                        r.1 * (i64::from(within(r.0, *period)) - i64::from(within(r.0, *stored)))
                    })
                    .sum();
                kept + corrections
            }
        }
    }

    #[test]
    fn the_year_ending_on_the_stored_day_reads_the_stored_sum_alone() {
        let plan = plan(day(12, 7), 365, Some(day(12, 7)));
        assert!(matches!(&plan, PeriodSum::Stored { delta, .. } if delta.is_empty()));
    }

    #[test]
    fn a_stale_window_is_corrected_by_the_days_that_entered_and_left() {
        let plan = plan(day(12, 7), 365, Some(day(12, 4)));
        let PeriodSum::Stored { delta, .. } = &plan else {
            panic!("{plan:?}")
        };
        // Three days left the year (5-7 Dec 2025), three entered (5-7 Dec 2026).
        assert_eq!(
            delta,
            &vec![
                (
                    NaiveDate::from_ymd_opt(2025, 12, 5).unwrap(),
                    NaiveDate::from_ymd_opt(2025, 12, 7).unwrap()
                ),
                (day(12, 5), day(12, 7))
            ]
        );
    }

    #[test]
    fn every_plan_sums_what_the_period_holds() {
        // A sale every day for two years, day n worth n.
        let start = day(1, 1) - Duration::days(800);
        let rows: Vec<(NaiveDate, i64)> =
            (0..1000).map(|n| (start + Duration::days(n), n)).collect();
        let today = day(6, 30);
        for days in [1, 30, 90, 180, 200, 364, 365, 366, 400, 730] {
            for stale in [0, 1, 3, 40, 200, 364, 365, 500] {
                let end = today - Duration::days(stale);
                let truth: i64 = rows
                    .iter()
                    .filter(|r| r.0 > today - Duration::days(days) && r.0 <= today)
                    .map(|r| r.1)
                    .sum();
                let p = plan(today, days as u32, Some(end));
                assert_eq!(
                    sum(&p, &rows, today),
                    truth,
                    "{days} days, stored {stale} days ago: {p:?}"
                );
            }
        }
        assert_eq!(plan(today, 30, None), PeriodSum::Direct { from: day(6, 1) });
    }

    #[test]
    fn a_short_period_far_from_the_stored_window_is_read_directly() {
        assert_eq!(
            plan(day(12, 7), 30, Some(day(12, 7))),
            PeriodSum::Direct { from: day(11, 8) }
        );
    }
}
