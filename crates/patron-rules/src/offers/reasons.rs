//! Why an offer did not apply, in words that name the figure ("Min Qty 3 not met: 2 in cart")
//! and, where the cart misses by quantity or amount, what would reach it.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::SegmentRef;

/// Why an offer considered for a cart gave nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// The offer is disabled.
    Disabled,
    /// For another store's profile.
    OtherStore(String),
    /// For another warehouse.
    OtherWarehouse(String),
    /// For customers of another group.
    OtherCustomerGroup(String),
    /// For the members of a segment, and the customer was not one at its last snapshot.
    NotInSegment {
        /// The segment, with when its members were taken.
        segment: Arc<SegmentRef>,
    },
    /// Valid from a later day.
    NotYetValid(NaiveDate),
    /// Valid up to an earlier day.
    Expired(NaiveDate),
    /// Its campaign (named) starts on a later day.
    CampaignNotStarted(String, NaiveDate),
    /// Its campaign (named) ended on an earlier day.
    CampaignEnded(String, NaiveDate),
    /// Coupon Based, and the sale has no coupon for it.
    NeedsCoupon,
    /// Its campaign's budget is used up.
    BudgetSpent(String),
    /// None of its items are in the cart.
    NotInCart,
    /// Fewer units than Min Qty; `gives` says what reaching it gets (the Given Qty, read "1 free").
    MinQty {
        /// Min Qty.
        need: Decimal,
        /// Units in the cart.
        have: Decimal,
        /// The free units a Give Product offer gives once reached, for the hint (kept as a
        /// figure and worded only when the reason is read).
        gives: Option<Decimal>,
    },
    /// More units than Max Qty.
    MaxQty {
        /// Max Qty.
        max: Decimal,
        /// Units in the cart.
        have: Decimal,
    },
    /// Less than Min Amount.
    MinAmount {
        /// Min Amount.
        need: Decimal,
        /// The amount the cart has.
        have: Decimal,
    },
    /// More than Max Amount.
    MaxAmount {
        /// Max Amount.
        max: Decimal,
        /// The amount the cart has.
        have: Decimal,
    },
    /// Its price is not below the list price of any of its lines.
    NoSaving,
    /// Every line it could discount took a larger discount from another offer.
    LargerDiscount {
        /// The first such line, counted from 1.
        line: usize,
        /// The offer that gave more (its title, shared by every reason that names it).
        by: Arc<str>,
    },
    /// Another Grand Total offer gives more (a sale takes one).
    AnotherGrandTotal {
        /// The offer that applies instead (its title, shared by every reason that names it).
        by: Arc<str>,
        /// Whether that one is Coupon Based (it came with the sale's coupon).
        coupon: bool,
        /// What it takes off the total.
        gives: Decimal,
        /// What this one would have taken off.
        would: Decimal,
    },
    /// Every line it could discount or make free carries a cashier's manual discount.
    ManualDiscount {
        /// The first such line, counted from 1.
        line: usize,
    },
    /// Its figures on this sale, or the sale's own, go past what the engine counts exactly
    /// (about 92 trillion in the currency's minor unit, or more than 18 significant digits):
    /// rather than a wrong amount, it gives nothing.
    OutOfRange,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Disabled => write!(f, "disabled"),
            Reason::OtherStore(store) => write!(f, "for store {store} only"),
            Reason::OtherWarehouse(warehouse) => write!(f, "for warehouse {warehouse} only"),
            Reason::OtherCustomerGroup(group) => write!(f, "for customer group {group} only"),
            Reason::NotInSegment { segment } if segment.as_of.is_empty() => write!(
                f,
                "not in segment {} (its members have not been taken yet)",
                segment.name
            ),
            Reason::NotInSegment { segment } => {
                write!(f, "not in segment {} as of {}", segment.name, segment.as_of)
            }
            Reason::NotYetValid(day) => write!(f, "not valid until {day}"),
            Reason::Expired(day) => write!(f, "expired on {day}"),
            Reason::CampaignNotStarted(campaign, day) => {
                write!(f, "its campaign {campaign} starts on {day}")
            }
            Reason::CampaignEnded(campaign, day) => {
                write!(f, "its campaign {campaign} ended on {day}")
            }
            Reason::NeedsCoupon => write!(f, "needs its coupon"),
            Reason::BudgetSpent(campaign) => write!(f, "budget of {campaign} used up"),
            Reason::NotInCart => write!(f, "none of its items in the cart"),
            Reason::MinQty { need, have, gives } => {
                write!(
                    f,
                    "Min Qty {} not met: {} in cart",
                    need.normalize(),
                    have.normalize()
                )?;
                let more = (*need - *have).normalize();
                match gives {
                    Some(gives) => write!(f, " ({more} more to get {} free)", gives.normalize()),
                    None => write!(f, " ({more} more would reach it)"),
                }
            }
            Reason::MaxQty { max, have } => write!(
                f,
                "Max Qty {} exceeded: {} in cart",
                max.normalize(),
                have.normalize()
            ),
            Reason::MinAmount { need, have } => {
                write!(
                    f,
                    "Min Amount {need} not met: {have} ({} more would reach it)",
                    *need - *have
                )
            }
            Reason::MaxAmount { max, have } => {
                write!(f, "Max Amount {max} exceeded: {have}")
            }
            Reason::NoSaving => write!(f, "its price is not below the list price"),
            Reason::LargerDiscount { line, by } => {
                write!(f, "line {line} got a larger discount from {by}")
            }
            Reason::AnotherGrandTotal {
                by,
                coupon,
                gives,
                would,
            } => {
                let whose = if *coupon { "the coupon's offer " } else { "" };
                write!(
                    f,
                    "{whose}{by} takes {gives} off the total instead of this one's {would}, \
                     and a sale takes one Grand Total offer"
                )
            }
            Reason::ManualDiscount { line } => write!(
                f,
                "line {line} has a manual discount, which takes the place of offers on it"
            ),
            Reason::OutOfRange => write!(f, "the sale's figures are too large to work it out"),
        }
    }
}
