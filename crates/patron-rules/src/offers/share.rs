//! Max Discount shared among the lines an Item Price offer discounts (see the module's head):
//! in proportion, rounded down to the minor unit, the units left over to the largest remainders.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::money::Currency;

/// Lowers `discounts` (each already in `currency`'s minor unit, none below zero) so that they add
/// up to `cap` exactly when they come to more: each takes the cap in proportion to its discount,
/// rounded down to the minor unit, and the units left over go one each to the largest remainders
/// (ties: the earlier discount). A cap finer than the minor unit is taken down to it. Discounts
/// that already fit are left alone.
pub fn share_max_discount(cap: Decimal, discounts: &mut [Decimal], currency: &Currency) {
    let scale = currency.minor_unit;
    let units = |amount: Decimal| {
        let mut amount = amount.max(Decimal::ZERO);
        amount.rescale(scale);
        amount.mantissa()
    };
    let cap = units(cap.round_dp_with_strategy(scale, RoundingStrategy::ToZero));
    let mut counts: Vec<i128> = discounts.iter().map(|d| units(*d)).collect();
    if share(cap, &mut counts, &mut Vec::new()) {
        for (discount, count) in discounts.iter_mut().zip(counts) {
            *discount = Decimal::from_i128_with_scale(count, scale);
        }
    }
}

/// `share_max_discount` on counts of the minor unit; false (and `counts` untouched) when they
/// fit the cap already. `remainders` is scratch space.
pub(super) fn share(cap: i128, counts: &mut [i128], remainders: &mut Vec<(i128, usize)>) -> bool {
    let total: i128 = counts.iter().sum();
    if total <= cap {
        return false;
    }
    // Exact in whole minor units: share = cap x discount / total, with its remainder.
    remainders.clear();
    let mut given = 0i128;
    for (at, count) in counts.iter_mut().enumerate() {
        let part = cap.saturating_mul(*count);
        let share = part / total;
        remainders.push((part % total, at));
        given += share;
        *count = share;
    }
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let left = usize::try_from(cap - given).unwrap_or(0);
    for &(_, at) in remainders.iter().take(left) {
        counts[at] += 1;
    }
    true
}
