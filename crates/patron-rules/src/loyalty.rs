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

/// A column of the Collection Rules table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierColumn {
    /// Tier Name.
    Name,
    /// Min Spent.
    MinSpent,
    /// Collection Factor.
    Factor,
}

/// Where a problem with the tiers sits, so that the form marks that cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierSpot {
    /// The table as a whole (no tier, too many for a Single Tier program).
    Table,
    /// One cell: the row (in the order given) and its column.
    Cell(usize, TierColumn),
}

/// Checks a program's tiers: at least one, the lowest from 0, Min Spent values and names
/// distinct, factors above zero, one tier only for a Single Tier program. Every problem
/// otherwise, each where it sits (a problem of the whole table comes alone).
pub fn check_tiers(tiers: &[TierRule], multiple_tier: bool) -> Result<(), Vec<(TierSpot, String)>> {
    if tiers.is_empty() {
        return Err(vec![(TierSpot::Table, "Add at least one tier.".into())]);
    }
    if !multiple_tier && tiers.len() > 1 {
        return Err(vec![(
            TierSpot::Table,
            "A Single Tier program has one tier: remove the others or choose Multiple Tier.".into(),
        )]);
    }
    let mut problems = Vec::new();
    let cell = TierSpot::Cell;
    if let Some((index, _)) = tiers
        .iter()
        .enumerate()
        .min_by(|(_, a), (_, b)| a.min_spent.cmp(&b.min_spent))
        .filter(|(_, lowest)| lowest.min_spent != Decimal::ZERO)
    {
        problems.push((
            cell(index, TierColumn::MinSpent),
            "The lowest tier's Min Spent must be 0, so that every purchase earns.".into(),
        ));
    }
    for (index, tier) in tiers.iter().enumerate() {
        let name = tier.name.trim();
        if name.is_empty() {
            problems.push((cell(index, TierColumn::Name), "Name this tier.".into()));
        } else if tiers[..index]
            .iter()
            .any(|t| t.name.trim().eq_ignore_ascii_case(name))
        {
            problems.push((
                cell(index, TierColumn::Name),
                format!("Another tier is called {name}."),
            ));
        }
        if tiers[..index].iter().any(|t| t.min_spent == tier.min_spent) {
            problems.push((
                cell(index, TierColumn::MinSpent),
                format!(
                    "Another tier starts at {}: give each a different Min Spent.",
                    tier.min_spent.normalize()
                ),
            ));
        }
        if tier.collection_factor <= Decimal::ZERO {
            problems.push((
                cell(index, TierColumn::Factor),
                "The Collection Factor must be more than 0.".into(),
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// What a Collection Factor means, read forwards: "1 point for every 2.00 spent" (points are
/// the amount spent divided by the factor). Empty for a factor that earns nothing.
pub fn factor_reading(factor: Decimal) -> String {
    if factor <= Decimal::ZERO {
        return String::new();
    }
    let mut amount = factor.normalize();
    if amount.scale() < 2 {
        amount.rescale(2);
    }
    format!("1 point for every {amount} spent")
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

    /// The first problem's spot and message.
    fn first(tiers: &[TierRule], multiple: bool) -> (TierSpot, String) {
        check_tiers(tiers, multiple).unwrap_err().remove(0)
    }

    #[test]
    fn tier_setups_are_checked_and_each_problem_names_its_cell() {
        use TierColumn::*;
        assert_eq!(check_tiers(&tiers(), true), Ok(()));
        assert_eq!(
            first(&[], true),
            (TierSpot::Table, "Add at least one tier.".into())
        );
        assert_eq!(first(&tiers(), false).0, TierSpot::Table);
        let mut from_ten = tiers();
        from_ten[0].min_spent = d("10");
        assert_eq!(first(&from_ten, true).0, TierSpot::Cell(0, MinSpent));
        let mut same = tiers();
        same[1].min_spent = d("0");
        assert_eq!(
            first(&same, true),
            (
                TierSpot::Cell(1, MinSpent),
                "Another tier starts at 0: give each a different Min Spent.".into()
            )
        );
        // Every bad cell is reported, not only the first.
        let mut broken = tiers();
        broken[0].name = " ".into();
        broken[1].collection_factor = d("0");
        let spots: Vec<TierSpot> = check_tiers(&broken, true)
            .unwrap_err()
            .into_iter()
            .map(|(spot, _)| spot)
            .collect();
        assert_eq!(spots, [TierSpot::Cell(0, Name), TierSpot::Cell(1, Factor)]);
    }

    #[test]
    fn a_factor_reads_as_what_one_point_costs() {
        assert_eq!(factor_reading(d("1")), "1 point for every 1.00 spent");
        assert_eq!(factor_reading(d("2")), "1 point for every 2.00 spent");
        assert_eq!(factor_reading(d("0.5")), "1 point for every 0.50 spent");
        assert_eq!(factor_reading(d("0.125")), "1 point for every 0.125 spent");
        assert_eq!(factor_reading(d("0")), "");
    }
}
