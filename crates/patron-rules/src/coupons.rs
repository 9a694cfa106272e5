//! Whether a coupon may be used on a sale, pure: the validation chain in the order tills and
//! people are told, each refusal with a stable code (for programs) and a sentence (for people).

pub mod codes;

use chrono::NaiveDate;

use crate::offers::Offer;

/// Promotional coupons are shared; a gift card coupon is one customer's, for one use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CouponType {
    /// Shared, up to Maximum Use.
    Promotional,
    /// One customer's, single-use.
    GiftCard,
}

impl CouponType {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CouponType::Promotional => "promotional",
            CouponType::GiftCard => "gift_card",
        }
    }

    /// As people read it.
    pub fn label(self) -> &'static str {
        match self {
            CouponType::Promotional => "Promotional",
            CouponType::GiftCard => "Gift Card",
        }
    }

    /// The stored name read back (anything else is Promotional).
    pub fn from_stored(text: &str) -> CouponType {
        if text == "gift_card" {
            CouponType::GiftCard
        } else {
            CouponType::Promotional
        }
    }
}

/// A coupon as the chain reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coupon {
    /// Its code, as stored.
    pub code: String,
    /// Its company.
    pub company_id: i64,
    /// Coupon Type.
    pub coupon_type: CouponType,
    /// Valid From (none: the offer's).
    pub valid_from: Option<NaiveDate>,
    /// Valid Upto (none: the offer's).
    pub valid_upto: Option<NaiveDate>,
    /// Maximum Use (0: unlimited).
    pub maximum_use: i32,
    /// Used so far.
    pub used: i32,
    /// Disabled.
    pub disabled: bool,
    /// The customer a gift card coupon is for.
    pub customer_id: Option<i64>,
    /// One Use: at most once per customer.
    pub one_use: bool,
}

/// Where and for whom a coupon is asked for.
#[derive(Debug, Clone)]
pub struct Asked<'a> {
    /// The till's company.
    pub company_id: i64,
    /// The sale's posting date.
    pub on: NaiveDate,
    /// The store's POS profile.
    pub profile_id: i64,
    /// The store's warehouse.
    pub warehouse: &'a str,
    /// The sale's customer.
    pub customer_id: i64,
    /// Whether that customer has a live redemption of this coupon already.
    pub used_by_customer: bool,
}

/// Why a coupon may not be used, in the order the chain checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No coupon has the code.
    Unknown,
    /// The code is another company's.
    OtherCompany,
    /// Before its Valid From.
    NotYetValid(NaiveDate),
    /// After its Valid Upto.
    Expired(NaiveDate),
    /// Every use taken.
    UsedUp(i32),
    /// Disabled.
    Disabled,
    /// Its offer is disabled.
    OfferDisabled(String),
    /// Its offer is not valid on the sale's date.
    OfferNotValid(String),
    /// Its offer is for another store (profile or warehouse).
    OfferElsewhere(String, String),
    /// A gift card coupon of another customer.
    OtherCustomer,
    /// One Use, and this customer has used it.
    AlreadyUsed,
}

impl Refusal {
    /// The stable code tills act on.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Unknown => "unknown_code",
            Refusal::OtherCompany => "other_company",
            Refusal::NotYetValid(_) => "not_yet_valid",
            Refusal::Expired(_) => "expired",
            Refusal::UsedUp(_) => "used_up",
            Refusal::Disabled => "disabled",
            Refusal::OfferDisabled(_) => "offer_disabled",
            Refusal::OfferNotValid(_) => "offer_not_valid",
            Refusal::OfferElsewhere(..) => "offer_not_here",
            Refusal::OtherCustomer => "other_customer",
            Refusal::AlreadyUsed => "already_used",
        }
    }

    /// The sentence people read, naming the code.
    pub fn message(&self, code: &str) -> String {
        match self {
            Refusal::Unknown => format!("No coupon has the code {code}."),
            Refusal::OtherCompany => format!("Coupon {code} belongs to another company."),
            Refusal::NotYetValid(from) => format!("Coupon {code} is not valid until {from}."),
            Refusal::Expired(upto) => format!("Coupon {code} expired on {upto}."),
            Refusal::UsedUp(maximum) => {
                format!("Coupon {code} is used up: all {maximum} uses are taken.")
            }
            Refusal::Disabled => format!("Coupon {code} is disabled."),
            Refusal::OfferDisabled(title) => {
                format!("Coupon {code} is for the offer {title}, which is disabled.")
            }
            Refusal::OfferNotValid(title) => {
                format!("Coupon {code} is for the offer {title}, which is not valid on that date.")
            }
            Refusal::OfferElsewhere(title, store) => {
                format!("Coupon {code} is for the offer {title}, which is for {store} only.")
            }
            Refusal::OtherCustomer => format!("Coupon {code} is a gift for another customer."),
            Refusal::AlreadyUsed => {
                format!("This customer has already used coupon {code}; it is one use per customer.")
            }
        }
    }
}

/// Runs the chain on `coupon` (none: the code is unknown) for the version of its offer in force
/// at the sale (`offer`; none when it had none then), in the order tills are told: the first
/// refusal wins.
pub fn check(coupon: Option<&Coupon>, offer: Option<&Offer>, asked: &Asked) -> Result<(), Refusal> {
    let coupon = coupon.ok_or(Refusal::Unknown)?;
    if coupon.company_id != asked.company_id {
        return Err(Refusal::OtherCompany);
    }
    let Some(offer) = offer else {
        return Err(Refusal::OfferNotValid("of this coupon".to_owned()));
    };
    let from = coupon.valid_from.unwrap_or(offer.valid_from);
    if asked.on < from {
        return Err(Refusal::NotYetValid(from));
    }
    if let Some(upto) = coupon.valid_upto.or(offer.valid_upto)
        && asked.on > upto
    {
        return Err(Refusal::Expired(upto));
    }
    if coupon.maximum_use > 0 && coupon.used >= coupon.maximum_use {
        return Err(Refusal::UsedUp(coupon.maximum_use));
    }
    if coupon.disabled {
        return Err(Refusal::Disabled);
    }
    check_offer(offer, asked)?;
    if coupon.coupon_type == CouponType::GiftCard && coupon.customer_id != Some(asked.customer_id) {
        return Err(Refusal::OtherCustomer);
    }
    if coupon.one_use && asked.used_by_customer {
        return Err(Refusal::AlreadyUsed);
    }
    Ok(())
}

/// The offer's own part of the chain: enabled, valid that day, at that store.
fn check_offer(offer: &Offer, asked: &Asked) -> Result<(), Refusal> {
    let title = || offer.title.clone();
    if offer.disabled {
        return Err(Refusal::OfferDisabled(title()));
    }
    if asked.on < offer.valid_from || offer.valid_upto.is_some_and(|upto| asked.on > upto) {
        return Err(Refusal::OfferNotValid(title()));
    }
    if let Some((profile, store)) = &offer.profile
        && *profile != asked.profile_id
    {
        return Err(Refusal::OfferElsewhere(title(), store.clone()));
    }
    if let Some(warehouse) = &offer.warehouse
        && warehouse != asked.warehouse
    {
        return Err(Refusal::OfferElsewhere(
            title(),
            format!("warehouse {warehouse}"),
        ));
    }
    Ok(())
}

/// Where a coupon stands today, as the list shows and filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// May be used today.
    Valid,
    /// Not valid yet.
    Scheduled,
    /// Past its Valid Upto.
    Expired,
    /// Every use taken.
    UsedUp,
    /// Disabled.
    Disabled,
}

impl Status {
    /// Every status, in the filter's order.
    pub const ALL: [Status; 5] = [
        Status::Valid,
        Status::Scheduled,
        Status::Expired,
        Status::UsedUp,
        Status::Disabled,
    ];

    /// `coupon`'s status on `today`, its blank dates taken from its offer's `offer_from` and
    /// `offer_upto`: disabled first, then used up, expired, scheduled.
    pub fn of(
        coupon: &Coupon,
        offer_from: NaiveDate,
        offer_upto: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Status {
        if coupon.disabled {
            Status::Disabled
        } else if coupon.maximum_use > 0 && coupon.used >= coupon.maximum_use {
            Status::UsedUp
        } else if coupon
            .valid_upto
            .or(offer_upto)
            .is_some_and(|upto| today > upto)
        {
            Status::Expired
        } else if today < coupon.valid_from.unwrap_or(offer_from) {
            Status::Scheduled
        } else {
            Status::Valid
        }
    }

    /// The filter's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Scheduled => "scheduled",
            Status::Expired => "expired",
            Status::UsedUp => "used_up",
            Status::Disabled => "disabled",
        }
    }

    /// As people read it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Valid => "Valid",
            Status::Scheduled => "Scheduled",
            Status::Expired => "Expired",
            Status::UsedUp => "Used up",
            Status::Disabled => "Disabled",
        }
    }

    /// The badge's class.
    pub fn badge(self) -> &'static str {
        match self {
            Status::Valid => "badge-active",
            Status::Scheduled | Status::UsedUp => "badge-warning",
            Status::Expired | Status::Disabled => "badge-inactive",
        }
    }

    /// The SQL condition of the status on `today` for the list's filter (`c`: coupons, `v`: the
    /// offer's current version); the same precedence as `of`.
    pub fn condition(self, today: NaiveDate) -> String {
        let used_up = "(c.maximum_use > 0 AND c.used >= c.maximum_use)";
        let expired = format!("COALESCE(c.valid_upto, v.valid_upto) < DATE '{today}'");
        let scheduled = format!("COALESCE(c.valid_from, v.valid_from) > DATE '{today}'");
        match self {
            Status::Disabled => "c.disabled".to_owned(),
            Status::UsedUp => format!("NOT c.disabled AND {used_up}"),
            Status::Expired => format!("NOT c.disabled AND NOT {used_up} AND {expired}"),
            Status::Scheduled => format!(
                "NOT c.disabled AND NOT {used_up} AND NOT COALESCE({expired}, false) AND {scheduled}"
            ),
            Status::Valid => format!(
                "NOT c.disabled AND NOT {used_up} AND NOT COALESCE({expired}, false) AND NOT {scheduled}"
            ),
        }
    }
}

#[cfg(test)]
mod tests;
