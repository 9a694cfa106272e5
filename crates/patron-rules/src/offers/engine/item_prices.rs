//! The Item Price step of `evaluate`: each line takes the largest discount on offer, the first
//! of equals in rank order; an offer that keeps no line says which offer took it; Max Discount
//! is shared among the lines an offer keeps. What offers are worked out with is kept in the
//! run's scratch space, so that no offer allocates.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::{Line, Run, Scales, positive};
use crate::offers::share::share;
use crate::offers::units::{Percent, bound, pow10, rescale};
use crate::offers::{DiscountSource, DiscountType, Offer, OfferType, Reason};

/// An Item Price offer's discount on one line, worked out once per offer.
#[derive(Debug, Clone, Copy)]
enum LineGives {
    /// Discount Percentage of the line's amount.
    Percent(Percent),
    /// Per unit: down to a Rate (`true`), or a Discount Amount off.
    PerUnit(Decimal, bool),
}

impl Run<'_> {
    /// The discount an Item Price offer gives on line `i`, in the minor unit: per unit never
    /// more than the unit's price, a percentage never more than the line. None past an i64.
    fn line_discount(&self, gives: LineGives, i: usize) -> Option<i64> {
        let Scales {
            qty, rate, minor, ..
        } = self.scales;
        let line = &self.lines[i];
        match gives {
            LineGives::Percent(percent) => percent.take(line.amount, true),
            LineGives::PerUnit(figure, below) => {
                // (unit clamped to 0..=list) x paid, at the finer of the two prices' scales.
                let common = rate.max(figure.scale());
                let list = i128::from(line.rate.max(0)).checked_mul(pow10(common - rate)?)?;
                let figure = figure
                    .mantissa()
                    .checked_mul(pow10(common - figure.scale())?)?;
                let unit = if below {
                    list.checked_sub(figure)?
                } else {
                    figure
                };
                let whole = unit.clamp(0, list).checked_mul(i128::from(line.paid))?;
                i64::try_from(rescale(whole, common + qty, minor)?).ok()
            }
        }
    }

    pub(super) fn item_prices(&mut self, eligible: &[&Offer]) {
        // Each candidate: its offer and its range of `touched`.
        let mut candidates: Vec<(usize, usize, usize)> = Vec::with_capacity(eligible.len());
        let mut touched = std::mem::take(&mut self.touched);
        touched.clear();
        for (k, offer) in eligible.iter().enumerate() {
            if offer.offer_type != OfferType::ItemPrice {
                continue;
            }
            let Some((qty, amount)) = self.figures(offer) else {
                self.miss(offer, Reason::NotInCart);
                continue;
            };
            if let Some(reason) = self.unmet(offer, qty, amount, self.scales.amount) {
                self.miss(offer, reason);
                continue;
            }
            let gives = if !positive(offer.rate) && offer.discount_type == DiscountType::Percentage
            {
                LineGives::Percent(Percent::of(
                    offer.discount_percentage,
                    self.scales.amount,
                    self.scales.minor,
                ))
            } else if positive(offer.rate) {
                LineGives::PerUnit(offer.rate, true)
            } else {
                LineGives::PerUnit(offer.discount_amount, false)
            };
            let start = touched.len();
            let mut manual = None;
            let mut out_of_range = false;
            for i in self.index.lines_of(&offer.apply_on) {
                if self.lines[i].paid <= 0 {
                    continue;
                }
                if self.is_manual(i) {
                    manual.get_or_insert(i);
                    continue;
                }
                match self.line_discount(gives, i) {
                    Some(discount) if discount > 0 => touched.push((i, discount)),
                    Some(_) => {}
                    None => {
                        out_of_range = true;
                        break;
                    }
                }
            }
            if out_of_range {
                touched.truncate(start);
                self.miss(offer, Reason::OutOfRange);
                continue;
            }
            if touched.len() == start {
                let reason =
                    manual.map_or(Reason::NoSaving, |i| Reason::ManualDiscount { line: i + 1 });
                self.miss(offer, reason);
                continue;
            }
            // Offers come ranked, so the first of equals keeps a line.
            for &(i, discount) in &touched[start..] {
                let best = &mut self.lines[i].best;
                if best.is_none_or(|(top, _)| discount > top) {
                    *best = Some((discount, k));
                }
            }
            candidates.push((k, start, touched.len()));
        }
        for (k, start, end) in candidates {
            let offer = eligible[k];
            let won = |i: usize| self.lines[i].best.is_some_and(|(_, w)| w == k);
            if !touched[start..end].iter().any(|&(i, _)| won(i)) {
                let first = touched[start].0;
                let by = match self.lines[first].best {
                    Some((_, w)) => self.name(eligible, w),
                    None => Arc::from(""),
                };
                self.miss(
                    offer,
                    Reason::LargerDiscount {
                        line: first + 1,
                        by,
                    },
                );
                continue;
            }
            let reference = offer.reference();
            let mut given = 0i64;
            for &(i, _) in &touched[start..end] {
                let line = &mut self.lines[i];
                if let Some((discount, w)) = line.best
                    && w == k
                {
                    // At most the line's amount each: the cart's total bounds the sum.
                    given += discount;
                    line.discount = discount;
                    line.source = Some(DiscountSource::Offer(reference));
                }
            }
            // Max Discount caps the offer's total on the sale, shared among its lines.
            if positive(offer.max_discount)
                && i128::from(given) > bound(offer.max_discount, self.scales.minor, false)
            {
                self.cap(offer, k, &touched[start..end]);
            }
            self.out.applied.push(reference);
        }
        self.touched = touched;
    }

    /// The title of `eligible[k]`, for reasons: made once per sale and shared.
    fn name(&mut self, eligible: &[&Offer], k: usize) -> Arc<str> {
        if self.names.len() < eligible.len() {
            self.names.resize(eligible.len(), None);
        }
        Arc::clone(self.names[k].get_or_insert_with(|| Arc::from(eligible[k].title.as_str())))
    }

    /// Shares `offer`'s Max Discount among the lines it won (of `touched`), as
    /// `share_max_discount` does.
    fn cap(&mut self, offer: &Offer, k: usize, touched: &[(usize, i64)]) {
        let won = |line: &Line| line.best.is_some_and(|(_, w)| w == k);
        self.shares.clear();
        for &(i, _) in touched {
            if won(&self.lines[i]) {
                self.shares.push(i128::from(self.lines[i].discount));
            }
        }
        let cap = bound(offer.max_discount, self.scales.minor, false).max(0);
        share(cap, &mut self.shares, &mut self.remainders);
        let mut shares = self.shares.iter();
        for &(i, _) in touched {
            if won(&self.lines[i])
                && let Some(&share) = shares.next()
            {
                // A share of the line's own discount: it fits.
                self.lines[i].discount = share as i64;
            }
        }
    }
}
