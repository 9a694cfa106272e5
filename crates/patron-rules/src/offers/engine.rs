//! `evaluate`: the cart priced with the offers in force (see the module's head for the order).

use std::collections::HashMap;
use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};

use super::{
    ApplyOn, Cart, DiscountSource, DiscountType, FreeLine, Offer, OfferType, Priced, PricedLine,
    Reason, Replace,
};
use crate::money::Currency;

/// The cart's paid lines by item code, item group (every ancestor too) and brand, built once
/// so that each offer finds its lines without scanning the cart.
struct LineIndex<'a> {
    by_code: HashMap<&'a str, Vec<usize>>,
    by_group: HashMap<i64, Vec<usize>>,
    by_brand: HashMap<i64, Vec<usize>>,
    all: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(cart: &'a Cart) -> LineIndex<'a> {
        let mut index = LineIndex {
            by_code: HashMap::with_capacity(cart.lines.len()),
            by_group: HashMap::new(),
            by_brand: HashMap::new(),
            all: Vec::with_capacity(cart.lines.len()),
        };
        for (i, line) in cart.lines.iter().enumerate() {
            if !positive(line.qty) {
                continue;
            }
            index.all.push(i);
            index
                .by_code
                .entry(line.item_code.as_str())
                .or_default()
                .push(i);
            for group in &line.item_groups {
                index.by_group.entry(*group).or_default().push(i);
            }
            if let Some(brand) = line.brand_id {
                index.by_brand.entry(brand).or_default().push(i);
            }
        }
        index
    }

    fn lines_of(&self, apply_on: &ApplyOn) -> &[usize] {
        let found = match apply_on {
            ApplyOn::ItemCode(code) => self.by_code.get(code.as_str()),
            ApplyOn::ItemGroup(group) => self.by_group.get(group),
            ApplyOn::Brand(brand) => self.by_brand.get(brand),
            ApplyOn::Transaction => return &self.all,
        };
        found.map_or(&[], Vec::as_slice)
    }
}

/// Prices `cart` with `offers` (the versions in force; other companies' are ignored), fastest
/// when they come in rank order (Priority, then Title).
pub fn evaluate(cart: &Cart, offers: &[Offer]) -> Priced {
    let mut run = Run {
        cart,
        index: LineIndex::new(cart),
        paid: cart
            .lines
            .iter()
            .map(|l| l.qty.max(Decimal::ZERO))
            .collect(),
        amounts: cart
            .lines
            .iter()
            .map(|l| l.qty.max(Decimal::ZERO) * l.price_list_rate)
            .collect(),
        all_figures: None,
        out: Priced {
            lines: cart
                .lines
                .iter()
                .map(|l| PricedLine {
                    qty: l.qty,
                    discount: Decimal::ZERO,
                    source: None,
                })
                .collect(),
            free: Vec::new(),
            grand_total: None,
            bonus_points: Vec::new(),
            applied: Vec::new(),
            missed: Vec::new(),
        },
    };
    let mut eligible: Vec<&Offer> = Vec::with_capacity(offers.len());
    for offer in offers.iter().filter(|o| o.company_id == cart.company_id) {
        match ineligible(cart, offer) {
            Some(reason) => run.out.missed.push((offer.reference(), reason)),
            None => eligible.push(offer),
        }
    }
    // Callers load offers in rank order; sorting is then only a check.
    if !eligible.is_sorted_by(|a, b| ranks_before(a, b).is_le()) {
        eligible.sort_by(|a, b| ranks_before(a, b));
    }
    let of_type = |t: OfferType| eligible.iter().copied().filter(move |o| o.offer_type == t);

    run.manual_discounts();

    for offer in of_type(OfferType::GiveProduct) {
        run.give_product(offer);
    }
    run.item_prices(of_type(OfferType::ItemPrice).collect());
    run.customer_discount();
    let net = run.net_total();
    run.grand_total(of_type(OfferType::GrandTotal).collect(), net);
    for offer in of_type(OfferType::LoyaltyPoint) {
        run.loyalty_points(offer, net);
    }
    for (i, line) in run.out.lines.iter_mut().enumerate() {
        if positive(cart.lines[i].qty) {
            line.qty = run.paid[i];
        }
    }
    run.out
}

/// Whether `amount` is above zero: a sign and zero test, much cheaper than comparing decimals
/// (the engine asks it for every line of every offer).
fn positive(amount: Decimal) -> bool {
    amount.is_sign_positive() && !amount.is_zero()
}

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
    let total: i128 = discounts.iter().map(|d| units(*d)).sum();
    if total <= cap {
        return;
    }
    // Exact in whole minor units: share = cap x discount / total, with its remainder.
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(discounts.len());
    let mut given = 0i128;
    for (at, discount) in discounts.iter_mut().enumerate() {
        let part = cap.saturating_mul(units(*discount));
        let share = part / total;
        remainders.push((part % total, at));
        given += share;
        *discount = Decimal::from_i128_with_scale(share, scale);
    }
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let left = usize::try_from(cap - given).unwrap_or(0);
    let unit = Decimal::new(1, scale);
    for &(_, at) in remainders.iter().take(left) {
        discounts[at] += unit;
    }
}

/// Ties between offers giving the same: lower Priority first, then Title.
fn ranks_before(a: &Offer, b: &Offer) -> std::cmp::Ordering {
    a.priority
        .cmp(&b.priority)
        .then_with(|| a.title.cmp(&b.title))
}

/// Why `offer` cannot apply to this sale at all, if so.
fn ineligible(cart: &Cart, offer: &Offer) -> Option<Reason> {
    if offer.disabled {
        return Some(Reason::Disabled);
    }
    if let Some((profile, store)) = &offer.profile
        && *profile != cart.profile_id
    {
        return Some(Reason::OtherStore(store.clone()));
    }
    if let Some(warehouse) = &offer.warehouse
        && warehouse != cart.warehouse
    {
        return Some(Reason::OtherWarehouse(warehouse.clone()));
    }
    if let Some((group, name)) = &offer.customer_group
        && !cart.customer_groups.contains(group)
    {
        return Some(Reason::OtherCustomerGroup(name.clone()));
    }
    if let Some(segment) = &offer.segment
        && !cart.segments.contains(&segment.id)
    {
        return Some(Reason::NotInSegment {
            segment: Arc::clone(segment),
        });
    }
    // The campaign is named when its days are the ones that bind.
    let campaign_name = || offer.campaign.as_ref().map(|(_, name)| name.clone());
    if cart.posting_date < offer.valid_from {
        if let Some((from, _)) = offer.campaign_days
            && from == offer.valid_from
            && let Some(name) = campaign_name()
        {
            return Some(Reason::CampaignNotStarted(name, from));
        }
        return Some(Reason::NotYetValid(offer.valid_from));
    }
    if let Some(upto) = offer.valid_upto
        && cart.posting_date > upto
    {
        if let Some((_, Some(end))) = offer.campaign_days
            && end == upto
            && let Some(name) = campaign_name()
        {
            return Some(Reason::CampaignEnded(name, end));
        }
        return Some(Reason::Expired(upto));
    }
    if !offer.auto && !cart.coupon_offers.contains(&offer.id) {
        return Some(Reason::NeedsCoupon);
    }
    if let Some((campaign, name)) = &offer.campaign
        && cart.spent_campaigns.contains(campaign)
    {
        return Some(Reason::BudgetSpent(name.clone()));
    }
    None
}

struct Run<'a> {
    cart: &'a Cart<'a>,
    index: LineIndex<'a>,
    /// Units of each line still paid for (Replace offers make some free).
    paid: Vec<Decimal>,
    /// Each line's paid units times its price_list_rate (kept in step with `paid`).
    amounts: Vec<Decimal>,
    /// Units and amount of every paid line: what Transaction offers count, summed once.
    all_figures: Option<(Decimal, Decimal)>,
    out: Priced,
}

impl Run<'_> {
    fn money(&self, amount: Decimal) -> Decimal {
        // Most amounts (a price times whole units) are already in the minor unit.
        let mut rounded = if amount.scale() <= self.cart.currency.minor_unit {
            amount
        } else {
            self.cart.currency.round(amount)
        };
        rounded.rescale(self.cart.currency.minor_unit);
        rounded
    }

    /// Gives each paid line with a manual discount that discount (never more than the line's
    /// amount): nothing else discounts it afterwards.
    fn manual_discounts(&mut self) {
        for &i in &self.index.all {
            let manual = self.cart.lines[i].manual_discount;
            if !positive(manual) {
                continue;
            }
            let discount = self.money(manual).min(self.money(self.amounts[i]));
            if positive(discount) {
                let line = &mut self.out.lines[i];
                line.discount = discount;
                line.source = Some(DiscountSource::Manual);
            }
        }
    }

    /// Whether line `i` keeps a cashier's manual discount.
    fn is_manual(&self, i: usize) -> bool {
        self.out.lines[i].source == Some(DiscountSource::Manual)
    }

    fn miss(&mut self, offer: &Offer, reason: Reason) {
        self.out.missed.push((offer.reference(), reason));
    }

    /// The offer's lines that still have paid units.
    fn lines_of(&self, offer: &Offer) -> Vec<usize> {
        self.matching(offer).collect()
    }

    fn matching<'s>(&'s self, offer: &'s Offer) -> impl Iterator<Item = usize> + 's {
        self.index
            .lines_of(&offer.apply_on)
            .iter()
            .copied()
            .filter(|&i| positive(self.paid[i]))
    }

    /// Units and amount (qty x price_list_rate) of the offer's lines; none when it has none.
    fn figures(&mut self, offer: &Offer) -> Option<(Decimal, Decimal)> {
        if offer.apply_on == ApplyOn::Transaction {
            if self.all_figures.is_none() {
                self.all_figures = self.sum(self.index.all.iter().copied());
            }
            return self.all_figures;
        }
        self.sum(self.matching(offer))
    }

    fn sum(&self, lines: impl Iterator<Item = usize>) -> Option<(Decimal, Decimal)> {
        lines.fold(None, |sum, i| {
            if !positive(self.paid[i]) {
                return sum;
            }
            let (q, a) = sum.unwrap_or_default();
            Some((q + self.paid[i], a + self.amounts[i]))
        })
    }

    /// Takes `units` of line `i` off what is paid for.
    fn free_units(&mut self, i: usize, units: Decimal) {
        self.paid[i] -= units;
        self.amounts[i] = self.paid[i] * self.cart.lines[i].price_list_rate;
        self.all_figures = None;
    }

    /// Why `offer` is not reached with `qty` units worth `amount`, if so.
    fn unmet(&self, offer: &Offer, qty: Decimal, amount: Decimal) -> Option<Reason> {
        if positive(offer.min_qty) && qty < offer.min_qty {
            let gives = (offer.offer_type == OfferType::GiveProduct)
                .then(|| format!("{} free", offer.given_qty.normalize()));
            return Some(Reason::MinQty {
                need: offer.min_qty,
                have: qty,
                gives,
            });
        }
        if positive(offer.max_qty) && qty > offer.max_qty {
            return Some(Reason::MaxQty {
                max: offer.max_qty,
                have: qty,
            });
        }
        if positive(offer.min_amount) && amount < offer.min_amount {
            return Some(Reason::MinAmount {
                need: self.money(offer.min_amount),
                have: self.money(amount),
            });
        }
        if positive(offer.max_amount) && amount > offer.max_amount {
            return Some(Reason::MaxAmount {
                max: self.money(offer.max_amount),
                have: self.money(amount),
            });
        }
        None
    }

    fn give_product(&mut self, offer: &Offer) {
        let Some((qty, amount)) = self.figures(offer) else {
            return self.miss(offer, Reason::NotInCart);
        };
        if let Some(reason) = self.unmet(offer, qty, amount) {
            return self.miss(offer, reason);
        }
        let times = if offer.recurring && positive(offer.min_qty) {
            (qty / offer.min_qty).floor()
        } else {
            Decimal::ONE
        };
        let mut left = offer.given_qty * times;
        if !positive(left) {
            return self.miss(offer, Reason::NoSaving);
        }
        let reference = offer.reference();
        match offer.replace {
            Replace::None => {
                let Some(item) = &offer.given_item else {
                    return self.miss(offer, Reason::NoSaving);
                };
                let rate = self
                    .index
                    .by_code
                    .get(item.as_str())
                    .and_then(|lines| lines.first())
                    .map(|&i| self.cart.lines[i].price_list_rate);
                self.out.free.push(FreeLine {
                    item_code: item.clone(),
                    qty: left,
                    price_list_rate: rate,
                    offer: reference,
                    from_line: None,
                });
            }
            Replace::SameItem | Replace::CheapestItem => {
                let mut order = self.lines_of(offer);
                if offer.replace == Replace::CheapestItem {
                    order.sort_by(|&a, &b| {
                        let rate = |i: usize| self.cart.lines[i].price_list_rate;
                        rate(a).cmp(&rate(b)).then(a.cmp(&b))
                    });
                }
                let mut manual = None;
                let mut took = false;
                for i in order {
                    if !positive(left) {
                        break;
                    }
                    if self.is_manual(i) {
                        manual.get_or_insert(i);
                        continue;
                    }
                    took = true;
                    let take = left.min(self.paid[i]);
                    self.free_units(i, take);
                    left -= take;
                    let line = &self.cart.lines[i];
                    self.out.free.push(FreeLine {
                        item_code: line.item_code.clone(),
                        qty: take,
                        price_list_rate: Some(line.price_list_rate),
                        offer: reference,
                        from_line: Some(i),
                    });
                }
                if let (false, Some(i)) = (took, manual) {
                    return self.miss(offer, Reason::ManualDiscount { line: i + 1 });
                }
            }
        }
        self.out.applied.push(reference);
    }

    /// The discount an Item Price offer gives on line `i` before rounding: per unit, never
    /// more than the unit's price; `percent` is the offer's percentage as a fraction.
    fn line_discount(&self, offer: &Offer, percent: Decimal, i: usize) -> Decimal {
        let list = self.cart.lines[i].price_list_rate.max(Decimal::ZERO);
        if !positive(offer.rate) && offer.discount_type == DiscountType::Percentage {
            return (self.amounts[i] * percent).clamp(Decimal::ZERO, self.amounts[i]);
        }
        let unit = if positive(offer.rate) {
            list - offer.rate
        } else {
            offer.discount_amount
        };
        unit.clamp(Decimal::ZERO, list) * self.paid[i]
    }

    fn item_prices(&mut self, offers: Vec<&Offer>) {
        // The best (discount, offer) per line; offers come ranked, so the first of equals wins.
        let mut best: Vec<Option<(Decimal, usize)>> = vec![None; self.cart.lines.len()];
        let mut candidates: Vec<(usize, Vec<usize>)> = Vec::new();
        for (k, offer) in offers.iter().enumerate() {
            let Some((qty, amount)) = self.figures(offer) else {
                self.miss(offer, Reason::NotInCart);
                continue;
            };
            if let Some(reason) = self.unmet(offer, qty, amount) {
                self.miss(offer, reason);
                continue;
            }
            let percent = offer.discount_percentage / Decimal::ONE_HUNDRED;
            let mut touched = Vec::new();
            let mut manual = None;
            let lines = self.index.lines_of(&offer.apply_on);
            for i in lines.iter().copied().filter(|&i| positive(self.paid[i])) {
                if self.is_manual(i) {
                    manual.get_or_insert(i);
                    continue;
                }
                let discount = self.money(self.line_discount(offer, percent, i));
                if !positive(discount) {
                    continue;
                }
                touched.push(i);
                if best[i].is_none_or(|(top, _)| discount > top) {
                    best[i] = Some((discount, k));
                }
            }
            if touched.is_empty() {
                let reason =
                    manual.map_or(Reason::NoSaving, |i| Reason::ManualDiscount { line: i + 1 });
                self.miss(offer, reason);
            } else {
                candidates.push((k, touched));
            }
        }
        for (k, touched) in candidates {
            let offer = offers[k];
            let won: Vec<usize> = touched
                .iter()
                .copied()
                .filter(|&i| best[i].is_some_and(|(_, w)| w == k))
                .collect();
            let Some(&first) = touched.first() else {
                continue;
            };
            if won.is_empty() {
                let by = best[first].map_or(String::new(), |(_, w)| offers[w].title.clone());
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
            let mut given = Decimal::ZERO;
            for &i in &won {
                let discount = best[i].map_or(Decimal::ZERO, |(d, _)| d);
                given += discount;
                self.out.lines[i].discount = discount;
                self.out.lines[i].source = Some(DiscountSource::Offer(reference));
            }
            // Max Discount caps the offer's total on the sale, shared among its lines.
            if positive(offer.max_discount) && given > offer.max_discount {
                let mut shares: Vec<Decimal> =
                    won.iter().map(|&i| self.out.lines[i].discount).collect();
                share_max_discount(offer.max_discount, &mut shares, self.cart.currency);
                for (&i, share) in won.iter().zip(shares) {
                    self.out.lines[i].discount = share;
                }
            }
            self.out.applied.push(reference);
        }
    }

    fn customer_discount(&mut self) {
        let percent = self.cart.customer_discount;
        if !positive(percent) {
            return;
        }
        for &i in &self.index.all {
            let line = &mut self.out.lines[i];
            if line.source.is_some() || !positive(self.paid[i]) {
                continue;
            }
            let amount = self.amounts[i];
            let mut discount = self
                .cart
                .currency
                .round(amount * percent / Decimal::ONE_HUNDRED);
            discount.rescale(self.cart.currency.minor_unit);
            if positive(discount) {
                line.discount = discount;
                line.source = Some(DiscountSource::CustomerGroup);
            }
        }
    }

    /// The paid lines' amount after line discounts.
    fn net_total(&self) -> Decimal {
        let gross: Decimal = self
            .index
            .all
            .iter()
            .map(|&i| self.money(self.amounts[i]))
            .sum();
        gross - self.out.line_discounts()
    }

    /// Units and amount an offer's conditions count: for Transaction offers the amount is the
    /// net total after line discounts.
    fn condition_figures(&mut self, offer: &Offer, net: Decimal) -> Option<(Decimal, Decimal)> {
        let (qty, amount) = self.figures(offer)?;
        if offer.apply_on == ApplyOn::Transaction {
            Some((qty, net))
        } else {
            Some((qty, amount))
        }
    }

    fn grand_total(&mut self, offers: Vec<&Offer>, net: Decimal) {
        let mut chosen: Option<(Decimal, &Offer)> = None;
        let mut reached = Vec::new();
        for offer in offers {
            let Some((qty, amount)) = self.condition_figures(offer, net) else {
                self.miss(offer, Reason::NotInCart);
                continue;
            };
            if let Some(reason) = self.unmet(offer, qty, amount) {
                self.miss(offer, reason);
                continue;
            }
            let mut discount = match offer.discount_type {
                DiscountType::Percentage => {
                    self.money(net * offer.discount_percentage / Decimal::ONE_HUNDRED)
                }
                DiscountType::Amount => self.money(offer.discount_amount.min(net)),
            };
            if positive(offer.max_discount) {
                discount = discount.min(offer.max_discount);
            }
            if !positive(discount) {
                self.miss(offer, Reason::NoSaving);
                continue;
            }
            reached.push((offer, discount));
            if chosen.is_none_or(|(top, _)| discount > top) {
                chosen = Some((discount, offer));
            }
        }
        let Some((discount, winner)) = chosen else {
            return;
        };
        for (offer, would) in reached {
            if offer.reference() != winner.reference() {
                let reason = Reason::AnotherGrandTotal {
                    by: winner.title.clone(),
                    coupon: !winner.auto,
                    gives: discount,
                    would,
                };
                self.miss(offer, reason);
            }
        }
        self.out.grand_total = Some((discount, winner.reference()));
        self.out.applied.push(winner.reference());
    }

    fn loyalty_points(&mut self, offer: &Offer, net: Decimal) {
        let Some((qty, amount)) = self.condition_figures(offer, net) else {
            return self.miss(offer, Reason::NotInCart);
        };
        if let Some(reason) = self.unmet(offer, qty, amount) {
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
