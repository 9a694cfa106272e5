//! `evaluate`: the cart priced with the offers in force (see the module's head for the order).
//!
//! Inside, figures are whole counts (`units`): each paid line's qty, price and amount are taken
//! in once, discounts are counted in the currency's minor unit, and decimals are made again only
//! for what the answer holds. What cannot be counted in an i64 is never wrapped: an offer whose
//! own figures go past it is missed as `Reason::OutOfRange`, and a sale whose figures do applies
//! no offer (each says so) but keeps its manual discounts.

mod item_prices;

use std::sync::Arc;

use rust_decimal::Decimal;

use super::eligibility::{ineligible, ranks_before};
use super::index::LineIndex;
use super::units::{MAX_SCALE, Percent, bound, exact, pow10, rescale, round_div, scale_of};
use super::{
    ApplyOn, Cart, DiscountSource, DiscountType, FreeLine, Offer, OfferType, Priced, PricedLine,
    Reason, Replace,
};
use crate::money::Currency;

/// Prices `cart` with `offers` (the versions in force; other companies' are ignored), fastest
/// when they come in rank order (Priority, then Title).
pub fn evaluate(cart: &Cart, offers: &[Offer]) -> Priced {
    let mut missed = Vec::with_capacity(offers.len());
    let mut eligible: Vec<&Offer> = Vec::with_capacity(offers.len());
    // The finest Given Qty that Replace offers take off lines: the lines' units are counted at
    // least that finely (a Given Qty finer than 10^-6 is out of range instead).
    let mut given_scale = 0;
    for offer in offers.iter().filter(|o| o.company_id == cart.company_id) {
        match ineligible(cart, offer) {
            Some(reason) => missed.push((offer.reference(), reason)),
            None => {
                if offer.offer_type == OfferType::GiveProduct && offer.replace != Replace::None {
                    let scale = scale_of(offer.given_qty);
                    if scale <= 6 {
                        given_scale = given_scale.max(scale);
                    }
                }
                eligible.push(offer);
            }
        }
    }
    // Callers load offers in rank order; sorting is then only a check.
    if !eligible.is_sorted_by(|a, b| ranks_before(a, b).is_le()) {
        eligible.sort_by(|a, b| ranks_before(a, b));
    }
    Run::new(cart, given_scale, missed)
        .and_then(|run| run.price(&eligible))
        .unwrap_or_else(|| out_of_range(cart, offers))
}

/// Whether `amount` is above zero: a sign and zero test, much cheaper than comparing decimals.
fn positive(amount: Decimal) -> bool {
    amount.is_sign_positive() && !amount.is_zero()
}

/// `amount` rounded to `currency`'s minor unit and written with exactly its decimals.
fn money(currency: &Currency, amount: Decimal) -> Decimal {
    // Most amounts (a price times whole units) are already in the minor unit.
    let mut rounded = if amount.scale() <= currency.minor_unit {
        amount
    } else {
        currency.round(amount)
    };
    rounded.rescale(currency.minor_unit);
    rounded
}

/// The answer for a sale whose own figures go past what the engine counts: its lines as they
/// came with their manual discounts, and every offer missed (those that apply to it at all, as
/// out of range).
fn out_of_range(cart: &Cart, offers: &[Offer]) -> Priced {
    let lines = cart
        .lines
        .iter()
        .map(|l| {
            let mut priced = PricedLine {
                qty: l.qty,
                discount: Decimal::ZERO,
                source: None,
            };
            if positive(l.qty) && positive(l.manual_discount) {
                let manual = money(cart.currency, l.manual_discount);
                let discount = match l.qty.checked_mul(l.price_list_rate) {
                    Some(amount) => manual.min(money(cart.currency, amount)),
                    None => manual,
                };
                if positive(discount) {
                    priced.discount = discount;
                    priced.source = Some(DiscountSource::Manual);
                }
            }
            priced
        })
        .collect();
    let missed = offers
        .iter()
        .filter(|o| o.company_id == cart.company_id)
        .map(|o| {
            (
                o.reference(),
                ineligible(cart, o).unwrap_or(Reason::OutOfRange),
            )
        })
        .collect();
    Priced {
        lines,
        free: Vec::new(),
        grand_total: None,
        bonus_points: Vec::new(),
        applied: Vec::new(),
        missed,
    }
}

/// The scales of a cart's counts: units of 10^-qty, unit prices of 10^-rate, line amounts of
/// 10^-amount (the currency's minor unit, or finer when a qty times a price needs it), and
/// discounts of 10^-minor (the currency's).
#[derive(Debug, Clone, Copy)]
struct Scales {
    qty: u32,
    rate: u32,
    amount: u32,
    minor: u32,
}

/// One line of the cart as counted (all zero for a line that is not paid for).
#[derive(Debug, Clone, Copy, Default)]
struct Line {
    /// Units still paid for (Replace offers make some free).
    paid: i64,
    /// What is left paid for as the answer writes it, once a Replace offer took units (the
    /// decimals the cart's own would make, trailing zeros and all).
    left: Option<Decimal>,
    /// Unit price before any discount.
    rate: i64,
    /// `paid` x `rate` (kept in step with `paid`).
    amount: i64,
    /// The line's discount, in the minor unit.
    discount: i64,
    /// Where it comes from.
    source: Option<DiscountSource>,
    /// The largest Item Price discount on offer and which of the eligible offers gives it.
    best: Option<(i64, usize)>,
}

struct Run<'a> {
    cart: &'a Cart<'a>,
    index: LineIndex<'a>,
    scales: Scales,
    lines: Vec<Line>,
    /// Units and amount of every paid line: what Transaction offers count, summed once.
    all_figures: Option<Option<(i64, i64)>>,
    out: Priced,
    /// Scratch space kept across offers, so that no offer allocates: the (line, discount) pairs
    /// Item Price offers would give, a Replace offer's lines in the order it takes them, and
    /// what sharing a Max Discount needs.
    touched: Vec<(usize, i64)>,
    order: Vec<usize>,
    /// Titles of eligible offers that reasons name, made once each.
    names: Vec<Option<Arc<str>>>,
    shares: Vec<i128>,
    remainders: Vec<(i128, usize)>,
}

impl<'a> Run<'a> {
    /// The cart counted: none when a figure does not fit (see the module's head).
    fn new(
        cart: &'a Cart<'a>,
        given_scale: u32,
        missed: Vec<(super::OfferRef, Reason)>,
    ) -> Option<Run<'a>> {
        let minor = cart.currency.minor_unit;
        let (mut qty, mut rate) = (given_scale, 0);
        for line in cart.lines.iter().filter(|l| positive(l.qty)) {
            qty = qty.max(scale_of(line.qty));
            rate = rate.max(scale_of(line.price_list_rate));
        }
        let amount = minor.max(qty + rate);
        if amount > MAX_SCALE {
            return None;
        }
        let scales = Scales {
            qty,
            rate,
            amount,
            minor,
        };
        let lift = pow10(amount - qty - rate)?;
        // Every sum of units or of amounts the engine makes is at most these totals.
        let (mut units, mut total) = (0i64, 0i64);
        let mut lines = Vec::with_capacity(cart.lines.len());
        for line in cart.lines {
            if !positive(line.qty) {
                lines.push(Line::default());
                continue;
            }
            let paid = exact(line.qty, qty)?;
            let rate = exact(line.price_list_rate, rate)?;
            let amount = i128::from(paid)
                .checked_mul(i128::from(rate))?
                .checked_mul(lift)?;
            let amount = i64::try_from(amount).ok()?;
            units = units.checked_add(paid)?;
            total = total.checked_add(amount.checked_abs()?)?;
            lines.push(Line {
                paid,
                rate,
                amount,
                ..Line::default()
            });
        }
        let index = LineIndex::new(cart, |i| lines[i].paid > 0);
        Some(Run {
            cart,
            index,
            scales,
            lines,
            all_figures: None,
            out: Priced {
                lines: Vec::new(),
                free: Vec::new(),
                grand_total: None,
                bonus_points: Vec::new(),
                applied: Vec::new(),
                missed,
            },
            touched: Vec::new(),
            order: Vec::new(),
            names: Vec::new(),
            shares: Vec::new(),
            remainders: Vec::new(),
        })
    }

    /// The engine's steps in order (see the module's head); none when the sale's own figures
    /// go past what it counts on the way.
    fn price(mut self, eligible: &[&Offer]) -> Option<Priced> {
        // The answer's lists, each sized once (growing them was a tenth of the allocations).
        let of_type = |t: OfferType| eligible.iter().filter(|o| o.offer_type == t).count();
        self.out.applied.reserve(eligible.len());
        self.out.free.reserve(of_type(OfferType::GiveProduct));
        self.out
            .bonus_points
            .reserve(of_type(OfferType::LoyaltyPoint));
        self.manual_discounts()?;
        for offer in eligible
            .iter()
            .filter(|o| o.offer_type == OfferType::GiveProduct)
        {
            self.give_product(offer);
        }
        self.item_prices(eligible);
        self.customer_discount()?;
        let net = self.net_total()?;
        self.grand_total(eligible, net);
        for offer in eligible
            .iter()
            .filter(|o| o.offer_type == OfferType::LoyaltyPoint)
        {
            self.loyalty_points(offer, net);
        }
        let minor = self.scales.minor;
        self.out.lines = self
            .cart
            .lines
            .iter()
            .zip(&self.lines)
            .map(|(line, counted)| PricedLine {
                qty: counted.left.unwrap_or(line.qty),
                // A line no discount reached answers a bare zero, as it always has.
                discount: match counted.source {
                    Some(_) => Decimal::new(counted.discount, minor),
                    None => Decimal::ZERO,
                },
                source: counted.source,
            })
            .collect();
        Some(self.out)
    }

    /// `count` of 10^-`scale` as an amount of money: in the minor unit, half away from zero.
    fn minor(&self, count: i64, scale: u32) -> i64 {
        // Rounding to a coarser unit only brings a count closer to zero: it still fits.
        round_div(i128::from(count), scale - self.scales.minor) as i64
    }

    /// A count of the minor unit as the answer's decimal.
    fn decimal(&self, minor: i64) -> Decimal {
        Decimal::new(minor, self.scales.minor)
    }

    /// Gives each paid line with a manual discount that discount (never more than the line's
    /// amount): nothing else discounts it afterwards.
    fn manual_discounts(&mut self) -> Option<()> {
        for &i in &self.index.all {
            let manual = self.cart.lines[i].manual_discount;
            if !positive(manual) {
                continue;
            }
            let manual = exact(money(self.cart.currency, manual), self.scales.minor)?;
            let discount = manual.min(self.minor(self.lines[i].amount, self.scales.amount));
            if discount > 0 {
                let line = &mut self.lines[i];
                line.discount = discount;
                line.source = Some(DiscountSource::Manual);
            }
        }
        Some(())
    }

    /// Whether line `i` keeps a cashier's manual discount.
    fn is_manual(&self, i: usize) -> bool {
        self.lines[i].source == Some(DiscountSource::Manual)
    }

    fn miss(&mut self, offer: &Offer, reason: Reason) {
        self.out.missed.push((offer.reference(), reason));
    }

    /// Units and amount (qty x price_list_rate) of the offer's lines; none when it has none.
    fn figures(&mut self, offer: &Offer) -> Option<(i64, i64)> {
        if offer.apply_on == ApplyOn::Transaction {
            if self.all_figures.is_none() {
                self.all_figures = Some(self.sum(&ApplyOn::Transaction));
            }
            return self.all_figures.flatten();
        }
        self.sum(&offer.apply_on)
    }

    fn sum(&self, apply_on: &ApplyOn) -> Option<(i64, i64)> {
        // No overflow: every sum is at most the cart's totals, which `Run::new` counted.
        self.index.lines_of(apply_on).fold(None, |sum, i| {
            let line = &self.lines[i];
            if line.paid <= 0 {
                return sum;
            }
            let (q, a) = sum.unwrap_or_default();
            Some((q + line.paid, a + line.amount))
        })
    }

    /// Takes `units` of line `i` off what is paid for (`decimal`: the same units as the answer
    /// writes them).
    fn free_units(&mut self, i: usize, units: i64, decimal: Decimal) {
        let lift = 10i64.pow(self.scales.amount - self.scales.qty - self.scales.rate);
        let line = &mut self.lines[i];
        line.paid -= units;
        line.left = Some(line.left.unwrap_or(self.cart.lines[i].qty) - decimal);
        // Fewer units than `Run::new` counted: the product still fits.
        line.amount = line.paid * line.rate * lift;
        self.all_figures = None;
    }

    /// Why `offer` is not reached with `qty` units worth `amount` (a count of 10^-`scale`).
    fn unmet(&self, offer: &Offer, qty: i64, amount: i64, scale: u32) -> Option<Reason> {
        let units = i128::from(qty);
        let have = || Decimal::new(qty, self.scales.qty);
        if positive(offer.min_qty) && units < bound(offer.min_qty, self.scales.qty, true) {
            return Some(Reason::MinQty {
                need: offer.min_qty,
                have: have(),
                gives: (offer.offer_type == OfferType::GiveProduct).then_some(offer.given_qty),
            });
        }
        if positive(offer.max_qty) && units > bound(offer.max_qty, self.scales.qty, false) {
            return Some(Reason::MaxQty {
                max: offer.max_qty,
                have: have(),
            });
        }
        let worth = i128::from(amount);
        let have = || self.decimal(self.minor(amount, scale));
        if positive(offer.min_amount) && worth < bound(offer.min_amount, scale, true) {
            return Some(Reason::MinAmount {
                need: money(self.cart.currency, offer.min_amount),
                have: have(),
            });
        }
        if positive(offer.max_amount) && worth > bound(offer.max_amount, scale, false) {
            return Some(Reason::MaxAmount {
                max: money(self.cart.currency, offer.max_amount),
                have: have(),
            });
        }
        None
    }

    /// How many times a recurring offer's Given Qty is due for `qty` units: every full Min Qty.
    fn times(&self, offer: &Offer, qty: i64) -> Option<i64> {
        if !offer.recurring || !positive(offer.min_qty) {
            return Some(1);
        }
        // floor(qty / min_qty) on counts: qty x 10^min's scale / (min's mantissa x 10^qty's).
        let min = offer.min_qty;
        let top = i128::from(qty).checked_mul(pow10(min.scale())?)?;
        let bottom = min.mantissa().checked_mul(pow10(self.scales.qty)?)?;
        i64::try_from(top / bottom).ok()
    }

    fn give_product(&mut self, offer: &Offer) {
        let Some((qty, amount)) = self.figures(offer) else {
            return self.miss(offer, Reason::NotInCart);
        };
        if let Some(reason) = self.unmet(offer, qty, amount, self.scales.amount) {
            return self.miss(offer, reason);
        }
        let Some(times) = self.times(offer, qty) else {
            return self.miss(offer, Reason::OutOfRange);
        };
        if times <= 0 || !positive(offer.given_qty) {
            return self.miss(offer, Reason::NoSaving);
        }
        let reference = offer.reference();
        match offer.replace {
            Replace::None => {
                let Some(item) = &offer.given_item else {
                    return self.miss(offer, Reason::NoSaving);
                };
                let Some(qty) = offer.given_qty.checked_mul(Decimal::from(times)) else {
                    return self.miss(offer, Reason::OutOfRange);
                };
                let rate = self
                    .index
                    .first_of(item)
                    .map(|i| self.cart.lines[i].price_list_rate);
                self.out.free.push(FreeLine {
                    item_code: item.clone(),
                    qty,
                    price_list_rate: rate,
                    offer: reference,
                    from_line: None,
                });
            }
            Replace::SameItem | Replace::CheapestItem => {
                let Some(given) = exact(offer.given_qty, self.scales.qty) else {
                    return self.miss(offer, Reason::OutOfRange);
                };
                // Past an i64 of units it is more than the lines have, which is all that counts.
                let mut left = given.saturating_mul(times);
                // The units as the answer writes them, with the decimals they always had.
                let Some(mut left_decimal) = offer.given_qty.checked_mul(Decimal::from(times))
                else {
                    return self.miss(offer, Reason::OutOfRange);
                };
                let mut order = std::mem::take(&mut self.order);
                order.clear();
                order.extend(
                    self.index
                        .lines_of(&offer.apply_on)
                        .filter(|&i| self.lines[i].paid > 0),
                );
                if offer.replace == Replace::CheapestItem {
                    // One scale for every line's price: counts order as the prices do.
                    order.sort_by(|&a, &b| {
                        self.lines[a].rate.cmp(&self.lines[b].rate).then(a.cmp(&b))
                    });
                }
                let mut manual = None;
                let mut took = false;
                for &i in &order {
                    if left <= 0 {
                        break;
                    }
                    if self.is_manual(i) {
                        manual.get_or_insert(i);
                        continue;
                    }
                    took = true;
                    let counted = &self.lines[i];
                    let take = left.min(counted.paid);
                    let take_decimal =
                        left_decimal.min(counted.left.unwrap_or(self.cart.lines[i].qty));
                    self.free_units(i, take, take_decimal);
                    left -= take;
                    left_decimal -= take_decimal;
                    let line = &self.cart.lines[i];
                    self.out.free.push(FreeLine {
                        item_code: line.item_code.clone(),
                        qty: take_decimal,
                        price_list_rate: Some(line.price_list_rate),
                        offer: reference,
                        from_line: Some(i),
                    });
                }
                self.order = order;
                if let (false, Some(i)) = (took, manual) {
                    return self.miss(offer, Reason::ManualDiscount { line: i + 1 });
                }
            }
        }
        self.out.applied.push(reference);
    }

    fn customer_discount(&mut self) -> Option<()> {
        let percent = self.cart.customer_discount;
        if !positive(percent) {
            return Some(());
        }
        let percent = Percent::of(percent, self.scales.amount, self.scales.minor);
        for &i in &self.index.all {
            let line = &mut self.lines[i];
            if line.source.is_some() || line.paid <= 0 {
                continue;
            }
            let discount = percent.take(line.amount, false)?;
            if discount > 0 {
                line.discount = discount;
                line.source = Some(DiscountSource::CustomerGroup);
            }
        }
        Some(())
    }

    /// The paid lines' amount after line discounts, in the minor unit.
    fn net_total(&self) -> Option<i64> {
        let mut net = 0i64;
        for &i in &self.index.all {
            net = net.checked_add(self.minor(self.lines[i].amount, self.scales.amount))?;
        }
        for line in &self.lines {
            net = net.checked_sub(line.discount)?;
        }
        Some(net)
    }

    /// Units and amount an offer's conditions count, with the amount's scale: for Transaction
    /// offers the amount is the net total after line discounts (in the minor unit).
    fn condition_figures(&mut self, offer: &Offer, net: i64) -> Option<(i64, i64, u32)> {
        let (qty, amount) = self.figures(offer)?;
        if offer.apply_on == ApplyOn::Transaction {
            Some((qty, net, self.scales.minor))
        } else {
            Some((qty, amount, self.scales.amount))
        }
    }

    /// What a Grand Total offer takes off `net`, in the minor unit, and when its Max Discount
    /// binds, the cap as written (the answer keeps its decimals); none past an i64.
    fn grand_total_discount(&self, offer: &Offer, net: i64) -> Option<(i64, Option<Decimal>)> {
        let minor = self.scales.minor;
        let discount = match offer.discount_type {
            DiscountType::Percentage => {
                Percent::of(offer.discount_percentage, minor, minor).take(net, false)?
            }
            // Rounding first and taking the smaller after is the same: rounding keeps order.
            DiscountType::Amount => {
                let amount = offer.discount_amount;
                let rounded = rescale(amount.mantissa(), amount.scale(), minor).unwrap_or(
                    if amount.is_sign_negative() {
                        i128::MIN
                    } else {
                        i128::MAX
                    },
                );
                // At most `net`: it fits.
                rounded.min(i128::from(net)) as i64
            }
        };
        if positive(offer.max_discount) {
            let cap = bound(offer.max_discount, minor, false);
            if i128::from(discount) > cap {
                // A cap finer than the minor unit is taken down to it, as an Item Price
                // offer's is; below the discount, it fits.
                let written = exact(offer.max_discount, minor).map(|_| offer.max_discount);
                return Some((cap as i64, written));
            }
        }
        Some((discount, None))
    }

    fn grand_total(&mut self, eligible: &[&Offer], net: i64) {
        let mut chosen: Option<(i64, Option<Decimal>, &Offer)> = None;
        let mut reached = Vec::with_capacity(eligible.len());
        for &offer in eligible {
            if offer.offer_type != OfferType::GrandTotal {
                continue;
            }
            let Some((qty, amount, scale)) = self.condition_figures(offer, net) else {
                self.miss(offer, Reason::NotInCart);
                continue;
            };
            if let Some(reason) = self.unmet(offer, qty, amount, scale) {
                self.miss(offer, reason);
                continue;
            }
            let Some((discount, written)) = self.grand_total_discount(offer, net) else {
                self.miss(offer, Reason::OutOfRange);
                continue;
            };
            if discount <= 0 {
                self.miss(offer, Reason::NoSaving);
                continue;
            }
            reached.push((offer, discount, written));
            if chosen.is_none_or(|(top, _, _)| discount > top) {
                chosen = Some((discount, written, offer));
            }
        }
        let Some((discount, written, winner)) = chosen else {
            return;
        };
        let gives = written.unwrap_or(self.decimal(discount));
        let by: Arc<str> = Arc::from(winner.title.as_str());
        for (offer, would, written) in reached {
            if offer.reference() != winner.reference() {
                let reason = Reason::AnotherGrandTotal {
                    by: Arc::clone(&by),
                    coupon: !winner.auto,
                    gives,
                    would: written.unwrap_or(self.decimal(would)),
                };
                self.miss(offer, reason);
            }
        }
        self.out.grand_total = Some((gives, winner.reference()));
        self.out.applied.push(winner.reference());
    }

    fn loyalty_points(&mut self, offer: &Offer, net: i64) {
        let Some((qty, amount, scale)) = self.condition_figures(offer, net) else {
            return self.miss(offer, Reason::NotInCart);
        };
        if let Some(reason) = self.unmet(offer, qty, amount, scale) {
            return self.miss(offer, reason);
        }
        if offer.loyalty_points <= 0 {
            return self.miss(offer, Reason::NoSaving);
        }
        self.out
            .bonus_points
            .push((offer.loyalty_points, offer.reference()));
        self.out.applied.push(offer.reference());
    }
}
