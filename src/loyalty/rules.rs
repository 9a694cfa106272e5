//! The loyalty rules that need no database: which tier a spend reaches, how many points an amount
//! earns, when points expire, which credits a redemption draws on, and what makes a program's
//! setup valid. Every figure is rust_decimal; points are whole numbers.

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// One tier of a program's collection rules.
#[derive(Debug, Clone, PartialEq)]
pub struct TierRule {
    /// Tier Name.
    pub name: String,
    /// Total purchases in the program from which the tier applies.
    pub min_spent: Decimal,
    /// Money spent per point.
    pub collection_factor: Decimal,
}

/// The highest tier whose Min Spent is at most `spend` (inclusive); the lowest tier when none is.
pub fn tier_for(tiers: &[TierRule], spend: Decimal) -> Option<&TierRule> {
    tiers
        .iter()
        .filter(|t| t.min_spent <= spend)
        .max_by(|a, b| a.min_spent.cmp(&b.min_spent))
        .or_else(|| tiers.iter().min_by(|a, b| a.min_spent.cmp(&b.min_spent)))
}

/// Points `amount` earns at `collection_factor`: truncated towards zero, so a return takes back
/// only whole points.
pub fn points_for(amount: Decimal, collection_factor: Decimal) -> i64 {
    if collection_factor <= Decimal::ZERO {
        return 0;
    }
    (amount / collection_factor).trunc().to_i64().unwrap_or(0)
}

/// The amount of a sale that earns points: the grand total less delivery, offer lines and the
/// loyalty amount redeemed on it. Never below zero.
pub fn eligible_amount(
    grand_total: Decimal,
    delivery: Decimal,
    offer_lines: Decimal,
    loyalty_amount: Decimal,
) -> Decimal {
    (grand_total - delivery - offer_lines - loyalty_amount).max(Decimal::ZERO)
}

/// The last day points posted on `posting` count: `expiry_days` later; `None` when they never
/// expire (0 days).
pub fn expiry_date(posting: NaiveDate, expiry_days: i32) -> Option<NaiveDate> {
    (expiry_days > 0).then(|| posting + Duration::days(i64::from(expiry_days)))
}

/// Whether an entry expiring on `expiry` still counts on `day` (its expiry day included).
pub fn counts_on(expiry: Option<NaiveDate>, day: NaiveDate) -> bool {
    expiry.is_none_or(|last| last >= day)
}

/// A credit entry with points left to draw on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Credit {
    /// The entry.
    pub id: i64,
    /// Its expiry date (`None`: never).
    pub expiry: Option<NaiveDate>,
    /// Points left.
    pub remaining: i64,
}

/// Takes `points` from `credits`, soonest expiry first (never-expiring last, then oldest first):
/// the (credit, points taken) pairs, or `None` when the credits hold fewer points.
pub fn draw(credits: &[Credit], points: i64) -> Option<Vec<(Credit, i64)>> {
    let mut order: Vec<Credit> = credits
        .iter()
        .copied()
        .filter(|c| c.remaining > 0)
        .collect();
    order.sort_by_key(|c| (c.expiry.is_none(), c.expiry, c.id));
    let mut left = points;
    let mut taken = Vec::new();
    for credit in order {
        if left == 0 {
            break;
        }
        let take = credit.remaining.min(left);
        taken.push((credit, take));
        left -= take;
    }
    (left == 0).then_some(taken)
}

/// "1 point = $0.01" as the pages say it, given the formatted value of one point.
pub fn conversion_label(one_point: &str) -> String {
    format!("1 point = {one_point}")
}

/// Checks a program's tiers: at least one, the lowest from 0, Min Spent values distinct,
/// factors above zero, one tier only for a Single Tier program. The field and why otherwise.
pub fn check_tiers(tiers: &[TierRule], multiple_tier: bool) -> Result<(), (&'static str, String)> {
    if tiers.is_empty() {
        return Err(("tiers", "Add at least one tier.".into()));
    }
    if !multiple_tier && tiers.len() > 1 {
        return Err((
            "tiers",
            "A Single Tier program has one tier: remove the others or choose Multiple Tier.".into(),
        ));
    }
    if let Some(tier) = tiers.iter().find(|t| t.name.trim().is_empty()) {
        return Err((
            "tiers",
            format!("Name the tier from {}.", tier.min_spent.normalize()),
        ));
    }
    let lowest = tiers.iter().map(|t| t.min_spent).min().unwrap_or_default();
    if lowest != Decimal::ZERO {
        return Err((
            "tiers",
            "The lowest tier's Min Spent must be 0, so that every purchase earns.".into(),
        ));
    }
    for (index, tier) in tiers.iter().enumerate() {
        if tiers[..index].iter().any(|t| t.min_spent == tier.min_spent) {
            return Err((
                "tiers",
                format!(
                    "Two tiers start at {}: give each a different Min Spent.",
                    tier.min_spent.normalize()
                ),
            ));
        }
        if tiers[..index]
            .iter()
            .any(|t| t.name.trim().eq_ignore_ascii_case(tier.name.trim()))
        {
            return Err((
                "tiers",
                format!("Two tiers are called {}.", tier.name.trim()),
            ));
        }
        if tier.collection_factor <= Decimal::ZERO {
            return Err((
                "tiers",
                format!(
                    "{}: the Collection Factor must be more than 0.",
                    tier.name.trim()
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn tiers() -> Vec<TierRule> {
        vec![
            TierRule {
                name: "Silver".into(),
                min_spent: d("0"),
                collection_factor: d("1"),
            },
            TierRule {
                name: "Gold".into(),
                min_spent: d("1000"),
                collection_factor: d("0.5"),
            },
        ]
    }

    #[test]
    fn tiers_start_at_their_min_spent_inclusive() {
        let tiers = tiers();
        assert_eq!(tier_for(&tiers, d("999.99")).unwrap().name, "Silver");
        assert_eq!(tier_for(&tiers, d("1000")).unwrap().name, "Gold");
        assert_eq!(tier_for(&tiers, d("0")).unwrap().name, "Silver");
        assert_eq!(tier_for(&[], d("5")), None);
    }

    #[test]
    fn points_are_truncated() {
        assert_eq!(points_for(d("39.98"), d("1")), 39);
        assert_eq!(points_for(d("39.98"), d("0.5")), 79);
        assert_eq!(points_for(d("-19.99"), d("1")), -19);
        assert_eq!(points_for(d("10"), d("0")), 0);
    }

    #[test]
    fn offers_delivery_and_redemption_do_not_earn() {
        assert_eq!(
            eligible_amount(d("69.73"), d("9.50"), d("20.25"), d("5")),
            d("34.98")
        );
        assert_eq!(eligible_amount(d("5"), d("0"), d("0"), d("10")), d("0"));
    }

    #[test]
    fn points_count_through_their_expiry_day() {
        let posted = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let last = expiry_date(posted, 30).unwrap();
        assert_eq!(last, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert!(counts_on(Some(last), last));
        assert!(!counts_on(Some(last), last.succ_opt().unwrap()));
        assert_eq!(expiry_date(posted, 0), None);
        assert!(counts_on(None, last));
    }

    #[test]
    fn redemption_draws_on_the_soonest_expiry_first() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d);
        let credits = [
            Credit {
                id: 1,
                expiry: None,
                remaining: 100,
            },
            Credit {
                id: 2,
                expiry: day(20),
                remaining: 30,
            },
            Credit {
                id: 3,
                expiry: day(10),
                remaining: 50,
            },
        ];
        let taken = draw(&credits, 60).unwrap();
        assert_eq!(
            taken.iter().map(|(c, n)| (c.id, *n)).collect::<Vec<_>>(),
            [(3, 50), (2, 10)]
        );
        assert_eq!(draw(&credits, 180).unwrap().len(), 3);
        assert_eq!(draw(&credits, 181), None);
    }

    #[test]
    fn tier_setups_are_checked() {
        assert_eq!(check_tiers(&tiers(), true), Ok(()));
        assert!(
            check_tiers(&[], true)
                .unwrap_err()
                .1
                .contains("at least one")
        );
        assert!(
            check_tiers(&tiers(), false)
                .unwrap_err()
                .1
                .contains("Single Tier")
        );
        let mut from_ten = tiers();
        from_ten[0].min_spent = d("10");
        assert!(
            check_tiers(&from_ten, true)
                .unwrap_err()
                .1
                .contains("must be 0")
        );
        let mut same = tiers();
        same[1].min_spent = d("0");
        assert!(
            check_tiers(&same, true)
                .unwrap_err()
                .1
                .contains("Two tiers start at 0")
        );
        let mut free = tiers();
        free[1].collection_factor = d("0");
        assert!(check_tiers(&free, true).unwrap_err().1.contains("Gold"));
    }
}
