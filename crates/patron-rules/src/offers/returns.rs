//! What a return takes back of what offers gave the sale it returns goods of.
//!
//! Money and free units follow what the return refunds: a returned line that gives back a
//! discount gives it back to the offer that discounted that item on the sale (the offer the line
//! names, else the sale's line of the same item that an offer discounted, a free line preferring
//! the offer that made units free; else the sale's Grand Total offer, whose discount the till
//! spreads over the refunded lines), and a returned line refunding nothing (its discount is its
//! whole price) hands back a free unit. Nothing is taken back past what the offer gave less what
//! earlier returns took, so returning a sale in full in several returns takes back exactly what
//! it gave. A discount no offer gave (a cashier's) goes back to no offer.
//!
//! Bonus points follow the offer's terms instead: the Loyalty Point offer is run again on what the
//! customer keeps, and the points it no longer gives are taken back (`bonus_taken_back`).

use rust_decimal::Decimal;

use super::{Cart, CartLine, Offer, evaluate};

/// A line of the sale, as its offers left it.
#[derive(Debug, Clone, PartialEq)]
pub struct SoldLine {
    /// Item Code.
    pub item_code: String,
    /// A free line (`is_offer`).
    pub free: bool,
    /// The offer that gave its discount or its units, if one did.
    pub offer: Option<i64>,
}

/// A line of the return, in positive figures.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnedLine {
    /// Item Code.
    pub item_code: String,
    /// Units returned.
    pub qty: Decimal,
    /// Discount given back (the line's refund is its units at their rate less this).
    pub discount: Decimal,
    /// Refunds nothing: its discount is its whole price.
    pub free: bool,
    /// The offer the line names, when the sale used it.
    pub offer: Option<i64>,
}

/// What an offer gave on the sale and still stands (or, as an answer, what a return takes back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Given {
    /// The offer.
    pub offer: i64,
    /// Discount.
    pub discount: Decimal,
    /// Free units.
    pub free_qty: Decimal,
}

/// What `returned` takes back of `left` (what each offer gave on the sale of `sold`, less what
/// earlier returns took), one entry per offer that gives something back, in `left`'s order.
pub fn taken_back(
    sold: &[SoldLine],
    grand_total_offer: Option<i64>,
    left: &[Given],
    returned: &[ReturnedLine],
) -> Vec<Given> {
    let mut left = left.to_vec();
    let mut back: Vec<Given> = left
        .iter()
        .map(|g| Given {
            offer: g.offer,
            ..Given::default()
        })
        .collect();
    for line in returned {
        if !line.discount.is_sign_positive() || line.discount.is_zero() {
            continue;
        }
        let Some(k) = giver(sold, grand_total_offer, &left, line) else {
            continue;
        };
        let discount = line.discount.min(left[k].discount);
        left[k].discount -= discount;
        back[k].discount += discount;
        if line.free {
            let units = line.qty.min(left[k].free_qty);
            left[k].free_qty -= units;
            back[k].free_qty += units;
        }
    }
    back.retain(|g| !g.discount.is_zero() || !g.free_qty.is_zero());
    back
}

/// Which of `left` the returned `line` gives its discount back to.
fn giver(
    sold: &[SoldLine],
    grand_total_offer: Option<i64>,
    left: &[Given],
    line: &ReturnedLine,
) -> Option<usize> {
    let position = |offer: i64| left.iter().position(|g| g.offer == offer);
    if let Some(k) = line.offer.and_then(position) {
        return Some(k);
    }
    let of_item = || sold.iter().filter(|s| s.item_code == line.item_code);
    of_item()
        .filter(|s| s.free == line.free)
        .chain(of_item().filter(|s| s.free != line.free))
        .find_map(|s| s.offer.and_then(position))
        .or_else(|| grand_total_offer.and_then(position))
}

/// `lines` (a sale's paid units, free units a Replace offer took folded back in) less the units
/// of each item returned so far (`returned`: item code and units), taken off an item's last
/// lines first; lines left with no units are dropped.
pub fn kept(lines: &[CartLine], returned: &[(String, Decimal)]) -> Vec<CartLine> {
    let mut kept = lines.to_vec();
    for (code, units) in returned {
        let mut units = *units;
        for line in kept.iter_mut().rev().filter(|l| &l.item_code == code) {
            let off = units.min(line.qty);
            line.qty -= off;
            units -= off;
        }
    }
    kept.retain(|l| l.qty.is_sign_positive() && !l.qty.is_zero());
    kept
}

/// The bonus points a return takes back: each Loyalty Point offer of `left` (offer, points it
/// gave less what earlier returns took) is run again with `offers` (the versions the sale used)
/// on `cart` (what the customer keeps); what it no longer gives comes back, one entry per offer.
pub fn bonus_taken_back(cart: &Cart, offers: &[Offer], left: &[(i64, i64)]) -> Vec<(i64, i64)> {
    if left.iter().all(|(_, points)| *points <= 0) {
        return Vec::new();
    }
    let priced = evaluate(cart, offers);
    left.iter()
        .filter_map(|&(offer, points)| {
            let still: i64 = priced
                .bonus_points
                .iter()
                .filter(|(_, by)| by.id == offer)
                .map(|(p, _)| *p)
                .sum();
            let back = points - still;
            (back > 0).then_some((offer, back))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn sold(code: &str, free: bool, offer: Option<i64>) -> SoldLine {
        SoldLine {
            item_code: code.into(),
            free,
            offer,
        }
    }

    fn back(code: &str, qty: &str, discount: &str, free: bool) -> ReturnedLine {
        ReturnedLine {
            item_code: code.into(),
            qty: d(qty),
            discount: d(discount),
            free,
            offer: None,
        }
    }

    fn given(offer: i64, discount: &str, free_qty: &str) -> Given {
        Given {
            offer,
            discount: d(discount),
            free_qty: d(free_qty),
        }
    }

    #[test]
    fn a_returned_line_gives_its_discount_back_to_the_offer_that_discounted_its_item() {
        let sale = [sold("TEE", false, Some(1)), sold("CAP", false, None)];
        let left = [given(1, "6.00", "0")];
        let returned = [
            back("TEE", "1", "2.00", false),
            back("CAP", "1", "1.00", false),
        ];
        // The cap's discount was the cashier's: no offer gets it.
        assert_eq!(
            taken_back(&sale, None, &left, &returned),
            vec![given(1, "2.00", "0")]
        );
    }

    #[test]
    fn nothing_comes_back_past_what_the_offer_still_has() {
        let sale = [sold("TEE", false, Some(1))];
        let left = [given(1, "1.50", "0")];
        let returned = [back("TEE", "1", "2.00", false)];
        assert_eq!(
            taken_back(&sale, None, &left, &returned),
            vec![given(1, "1.50", "0")]
        );
    }

    #[test]
    fn a_free_unit_returned_goes_back_to_the_offer_that_made_it_free() {
        // Buy 3 tees, the fourth free (Replace): a paid line and a free line of one item.
        let sale = [sold("TEE", false, Some(1)), sold("TEE", true, Some(2))];
        let left = [given(1, "3.00", "0"), given(2, "19.99", "1")];
        let returned = [
            back("TEE", "1", "19.99", true),
            back("TEE", "1", "1.00", false),
        ];
        assert_eq!(
            taken_back(&sale, None, &left, &returned),
            vec![given(1, "1.00", "0"), given(2, "19.99", "1")]
        );
    }

    #[test]
    fn a_discount_on_an_item_no_line_offer_touched_goes_back_to_the_grand_total_offer() {
        let sale = [sold("TEE", false, None)];
        let left = [given(9, "10.00", "0")];
        let returned = [back("TEE", "1", "4.00", false)];
        assert_eq!(
            taken_back(&sale, Some(9), &left, &returned),
            vec![given(9, "4.00", "0")]
        );
        assert!(taken_back(&sale, None, &left, &returned).is_empty());
    }

    #[test]
    fn a_line_naming_an_offer_the_sale_used_gives_back_to_that_one() {
        let sale = [sold("TEE", false, Some(1))];
        let left = [given(1, "6.00", "0"), given(9, "5.00", "0")];
        let mut line = back("TEE", "1", "2.00", false);
        line.offer = Some(9);
        assert_eq!(
            taken_back(&sale, Some(9), &left, &[line]),
            vec![given(9, "2.00", "0")]
        );
    }

    fn cart_line(code: &str, qty: &str) -> CartLine {
        CartLine {
            item_code: code.into(),
            item_groups: Vec::new(),
            brand_id: None,
            qty: d(qty),
            price_list_rate: d("10"),
            manual_discount: Decimal::ZERO,
        }
    }

    #[test]
    fn kept_units_come_off_an_items_last_lines_first() {
        let lines = [
            cart_line("TEE", "2"),
            cart_line("CAP", "1"),
            cart_line("TEE", "3"),
        ];
        let kept = kept(&lines, &[("TEE".into(), d("4")), ("CAP".into(), d("1"))]);
        assert_eq!(kept, vec![cart_line("TEE", "1")]);
    }
}
