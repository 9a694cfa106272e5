//! The offer engine: pure rules, no I/O. Given a cart (its paid lines, the customer's groups,
//! the store, the posting date, the coupons validated for the sale) and the offer versions in
//! force, it says what each line's discount is and which offer gave it, which units are free,
//! the grand-total discount, the bonus points, and for every offer that did not apply, why.
//!
//! Order of evaluation (each step sees what the previous left):
//! 1. Give Product offers, by priority: free lines, or bought units made free (Replace);
//! 2. Item Price offers on the remaining paid units: each line takes its largest discount;
//!    lines without one take the customer group's default discount when the store applies it;
//! 3. Grand Total offers on the net total after line discounts (manual ones included): the
//!    largest one;
//! 4. Loyalty Point offers: bonus points.
//!
//! Max Discount of an Item Price offer caps what it gives on the whole sale. When its lines'
//! discounts come to more, the cap is shared among them in proportion to each line's own
//! discount: each share is rounded down to the currency's minor unit, and the units left over go
//! one each to the lines with the largest remainders (ties: the earlier line), so that the lines
//! add up to the cap exactly (10.00 over three lines of 10.00 each: 3.34, 3.33, 3.33). A cap
//! finer than the minor unit is taken down to it (`share_max_discount`).
//!
//! A line with a cashier's manual discount (`CartLine::manual_discount`) keeps that discount and
//! nothing else: the cashier's discount takes the place of the offers' on that line, so no Item
//! Price offer or customer group discount discounts it and no Replace offer makes its units free.
//! Its units and amount still count toward every offer's Min/Max Qty and Min/Max Amount, and
//! Transaction offers (Grand Total, Loyalty Point) count the net after its manual discount, as
//! Grand Total percentages are taken of that net.

mod eligibility;
mod engine;
mod index;
pub mod overlap;
mod reasons;
pub mod returns;
mod share;
#[cfg(test)]
mod tests;
mod units;

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub use engine::evaluate;
pub use reasons::Reason;
pub use share::share_max_discount;

use crate::money::Currency;

/// What an offer's conditions count and its discount applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyOn {
    /// Every line of this item (summed).
    ItemCode(String),
    /// Lines whose item is in this group or below it.
    ItemGroup(i64),
    /// Lines of this brand.
    Brand(i64),
    /// Every paid line.
    Transaction,
}

/// What the offer gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferType {
    /// A lower unit price on its lines.
    ItemPrice,
    /// Free units.
    GiveProduct,
    /// A discount on the whole sale.
    GrandTotal,
    /// Bonus loyalty points.
    LoyaltyPoint,
}

/// How an Item Price or Grand Total discount is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountType {
    /// Discount Percentage of the price.
    Percentage,
    /// Discount Amount (per unit for Item Price, once for Grand Total).
    Amount,
}

/// Which units a Give Product offer makes free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Given Item, added as its own line.
    None,
    /// Given Qty of the bought units themselves.
    SameItem,
    /// The Given Qty cheapest units among the offer's lines.
    CheapestItem,
}

/// One version of an offer, as the engine needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    /// The offer.
    pub id: i64,
    /// Which of its versions this is.
    pub version: i64,
    /// Title (unique per company): how reasons name it.
    pub title: String,
    /// Disable.
    pub disabled: bool,
    /// Company.
    pub company_id: i64,
    /// POS Profile (none: every store), with the store's name for reasons.
    pub profile: Option<(i64, String)>,
    /// Warehouse (none: every warehouse).
    pub warehouse: Option<String>,
    /// Customer Group (none: everyone; a group includes its subgroups), with its name.
    pub customer_group: Option<(i64, String)>,
    /// Customer Segment (none: everyone): its members as of its last snapshot get the offer.
    /// Shared, so that a miss names it without copying.
    pub segment: Option<Arc<SegmentRef>>,
    /// Apply On.
    pub apply_on: ApplyOn,
    /// Offer Type.
    pub offer_type: OfferType,
    /// Min Qty (counts when > 0).
    pub min_qty: Decimal,
    /// Max Qty (counts when > 0).
    pub max_qty: Decimal,
    /// Min Amount (counts when > 0).
    pub min_amount: Decimal,
    /// Max Amount (counts when > 0).
    pub max_amount: Decimal,
    /// Valid From.
    pub valid_from: NaiveDate,
    /// Valid Upto (none: open).
    pub valid_upto: Option<NaiveDate>,
    /// Discount Type.
    pub discount_type: DiscountType,
    /// Rate: the unit price an Item Price offer sets (0: use the discount instead).
    pub rate: Decimal,
    /// Discount Percentage.
    pub discount_percentage: Decimal,
    /// Discount Amount.
    pub discount_amount: Decimal,
    /// Max Discount per invoice (0: none).
    pub max_discount: Decimal,
    /// Auto: applies without a coupon.
    pub auto: bool,
    /// Given Item (Give Product without Replace).
    pub given_item: Option<String>,
    /// Given Qty.
    pub given_qty: Decimal,
    /// Recurring: Given Qty for every full Min Qty.
    pub recurring: bool,
    /// Replace.
    pub replace: Replace,
    /// Loyalty Points.
    pub loyalty_points: i64,
    /// Campaign, with its name for reasons.
    pub campaign: Option<(i64, String)>,
    /// The campaign's own first and last day (Valid From and Valid Upto above already lie
    /// within them): a reason names the campaign when its days are the ones that bind.
    pub campaign_days: Option<(NaiveDate, Option<NaiveDate>)>,
    /// Priority: lower first.
    pub priority: i32,
}

/// The segment an offer is aimed at, as reasons name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentRef {
    /// The segment.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// When its members were last taken, as people read it ("7 Dec, 03:00"); empty when they
    /// never were.
    pub as_of: String,
}

/// A paid line of the cart (returns, qty <= 0, never trigger offers).
#[derive(Debug, Clone, PartialEq)]
pub struct CartLine {
    /// Item Code.
    pub item_code: String,
    /// The item's group, then its ancestors.
    pub item_groups: Vec<i64>,
    /// Brand.
    pub brand_id: Option<i64>,
    /// Quantity.
    pub qty: Decimal,
    /// Unit price before any discount.
    pub price_list_rate: Decimal,
    /// The cashier's manual discount on the whole line (0: none): the line keeps it and takes
    /// no offer's line discount (see the module's head).
    pub manual_discount: Decimal,
}

impl CartLine {
    /// Adds this line's units to `basket`: to a line of the same item at the same rate with no
    /// manual discount, else as a line of its own. How a sale's free units that a Replace offer
    /// took from its lines count again with the units they came from.
    pub fn fold_into(self, basket: &mut Vec<CartLine>) {
        let same = basket.iter_mut().find(|c| {
            c.item_code == self.item_code
                && c.price_list_rate == self.price_list_rate
                && c.manual_discount.is_zero()
        });
        match same {
            Some(c) => c.qty += self.qty,
            None => basket.push(self),
        }
    }
}

/// Everything about the sale but its lines.
#[derive(Debug, Clone)]
pub struct Cart<'a> {
    /// The store's company.
    pub company_id: i64,
    /// The store's POS profile.
    pub profile_id: i64,
    /// The store's warehouse.
    pub warehouse: &'a str,
    /// The customer's group, then its ancestors.
    pub customer_groups: &'a [i64],
    /// The segments the customer is in as of each one's last snapshot (only those offers aim
    /// at need be listed).
    pub segments: &'a [i64],
    /// The day the sale is posted.
    pub posting_date: NaiveDate,
    /// Offers that the sale's validated coupons activate.
    pub coupon_offers: &'a [i64],
    /// Campaigns whose budget is used up.
    pub spent_campaigns: &'a [i64],
    /// The customer group's default discount percentage, when the store's profile applies it
    /// (0 otherwise).
    pub customer_discount: Decimal,
    /// The sale's currency: discounts round to it.
    pub currency: &'a Currency,
    /// The paid lines.
    pub lines: &'a [CartLine],
}

/// Which offer version gave something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OfferRef {
    /// The offer.
    pub id: i64,
    /// Its version.
    pub version: i64,
}

/// Where a line's discount comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountSource {
    /// An Item Price offer.
    Offer(OfferRef),
    /// The customer group's default discount.
    CustomerGroup,
    /// The cashier's manual discount (`CartLine::manual_discount`).
    Manual,
}

/// One paid line as priced.
#[derive(Debug, Clone, PartialEq)]
pub struct PricedLine {
    /// Units still paid for (the line's qty less units a Replace offer made free).
    pub qty: Decimal,
    /// The line's discount, rounded once in the currency.
    pub discount: Decimal,
    /// Where it comes from (none: no discount).
    pub source: Option<DiscountSource>,
}

/// A free line: `is_offer`, amount 0.
#[derive(Debug, Clone, PartialEq)]
pub struct FreeLine {
    /// The item given.
    pub item_code: String,
    /// How many.
    pub qty: Decimal,
    /// Its unit price (what the customer does not pay), for reports.
    pub price_list_rate: Option<Decimal>,
    /// The offer.
    pub offer: OfferRef,
    /// The paid line its units were taken from (Replace offers).
    pub from_line: Option<usize>,
}

/// The engine's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Priced {
    /// The paid lines, in cart order.
    pub lines: Vec<PricedLine>,
    /// Free lines.
    pub free: Vec<FreeLine>,
    /// The grand-total discount and its offer.
    pub grand_total: Option<(Decimal, OfferRef)>,
    /// Bonus points and their offers.
    pub bonus_points: Vec<(i64, OfferRef)>,
    /// Every offer that gave something, in evaluation order.
    pub applied: Vec<OfferRef>,
    /// Every offer considered that gave nothing, with why.
    pub missed: Vec<(OfferRef, Reason)>,
}

impl Priced {
    /// The sum of the line discounts (manual ones included).
    pub fn line_discounts(&self) -> Decimal {
        self.lines.iter().map(|l| l.discount).sum()
    }
}

impl Offer {
    /// This version's reference.
    pub fn reference(&self) -> OfferRef {
        OfferRef {
            id: self.id,
            version: self.version,
        }
    }
}
