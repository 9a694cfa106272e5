//! Customer segments: a saved set of filters over a company's active customers, combined with
//! AND, each read as a sentence ("Last purchase more than 90 days ago", "Spent at least $500.00
//! in the last 365 days"), and the RFM scores they may filter on. What a filter means in SQL is
//! the app's; what it says, which values it accepts and how it is stored are here.

use std::fmt::Write;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Currency;

/// The period a frequency or spend filter counts when none is given.
pub const DEFAULT_DAYS: u32 = 365;
/// The longest period a filter counts (ten years).
pub const MAX_DAYS: u32 = 3653;
/// Customers a segment page shows as its sample.
pub const SAMPLE: i64 = 20;

/// An RFM score range, both ends included, each from 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scores {
    /// Lowest score.
    pub from: u8,
    /// Highest score.
    pub to: u8,
}

/// Where a customer was first registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Registered by head office.
    Hq,
    /// Registered at this store.
    Store(i64),
}

/// What a "bought" filter names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Goods {
    /// One item.
    Item(i64),
    /// Any item of an item group (its subgroups included).
    ItemGroup(i64),
    /// Any item of a brand.
    Brand(i64),
}

/// Something done in the last `days` days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Within<T> {
    /// What.
    pub what: T,
    /// In the last how many days (today included).
    pub days: u32,
}

/// A segment's filters: each one set narrows the segment (AND); none set is every active
/// customer. Stored as JSON; a field added later reads as unset in older segments.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filters {
    /// Last purchase more than this many days ago (customers who never bought are out).
    pub lapsed_days: Option<u32>,
    /// Last purchase within the last this many days.
    pub recent_days: Option<u32>,
    /// At least this many sales in the last `sales_days` days (a return does not undo a visit).
    pub sales_min: Option<u32>,
    /// At most this many sales in the last `sales_days` days.
    pub sales_max: Option<u32>,
    /// The period of `sales_min` and `sales_max` (none: `DEFAULT_DAYS`).
    pub sales_days: Option<u32>,
    /// Net spend of at least this in the last `spent_days` days.
    pub spent_min: Option<Decimal>,
    /// Net spend of at most this in the last `spent_days` days.
    pub spent_max: Option<Decimal>,
    /// The period of `spent_min` and `spent_max` (none: `DEFAULT_DAYS`).
    pub spent_days: Option<u32>,
    /// Recency score (5: bought most recently).
    pub recency_score: Option<Scores>,
    /// Frequency score (5: most sales in the last 365 days).
    pub frequency_score: Option<Scores>,
    /// Monetary score (5: most spent in the last 365 days).
    pub monetary_score: Option<Scores>,
    /// Customer group (its subgroups included).
    pub customer_group_id: Option<i64>,
    /// Territory (its subterritories included).
    pub territory_id: Option<i64>,
    /// Origin store.
    pub origin: Option<Origin>,
    /// Enrolled in this loyalty program.
    pub loyalty_program_id: Option<i64>,
    /// In this tier of their program.
    pub loyalty_tier_id: Option<i64>,
    /// At least this many points (in any program of the company).
    pub points_min: Option<i64>,
    /// At most this many points.
    pub points_max: Option<i64>,
    /// Bought this in the period.
    pub bought: Option<Within<Goods>>,
    /// A sale used this offer in the period.
    pub used_offer: Option<Within<i64>>,
    /// A sale used this coupon in the period.
    pub used_coupon: Option<Within<i64>>,
    /// Registered with someone's referral code (true) or not (false).
    pub referred: Option<bool>,
    /// Referred at least this many customers.
    pub referrer_of: Option<u32>,
    /// Holds a coupon of this offer that is not used up, disabled or expired.
    pub unused_coupon_of_offer: Option<i64>,
    /// Born in this month (1-12).
    pub birthday_month: Option<u32>,
}

/// A record a filter names by id, for the sentence to name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Named {
    /// A customer group.
    CustomerGroup(i64),
    /// A territory.
    Territory(i64),
    /// A store.
    Store(i64),
    /// A loyalty program.
    Program(i64),
    /// A loyalty tier.
    Tier(i64),
    /// An item.
    Item(i64),
    /// An item group.
    ItemGroup(i64),
    /// A brand.
    Brand(i64),
    /// An offer.
    Offer(i64),
    /// A coupon.
    Coupon(i64),
}

/// Month names, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Filters {
    /// Whether no filter is set (the segment is every active customer).
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }

    /// Every id the filters name, for the app to look the names up.
    pub fn named(&self) -> Vec<Named> {
        let mut out = Vec::new();
        out.extend(self.customer_group_id.map(Named::CustomerGroup));
        out.extend(self.territory_id.map(Named::Territory));
        if let Some(Origin::Store(id)) = self.origin {
            out.push(Named::Store(id));
        }
        out.extend(self.loyalty_program_id.map(Named::Program));
        out.extend(self.loyalty_tier_id.map(Named::Tier));
        if let Some(bought) = self.bought {
            out.push(match bought.what {
                Goods::Item(id) => Named::Item(id),
                Goods::ItemGroup(id) => Named::ItemGroup(id),
                Goods::Brand(id) => Named::Brand(id),
            });
        }
        out.extend(self.used_offer.map(|u| Named::Offer(u.what)));
        out.extend(self.used_coupon.map(|u| Named::Coupon(u.what)));
        out.extend(self.unused_coupon_of_offer.map(Named::Offer));
        out
    }

    /// Each filter set, as a sentence, in the form's order; `name` names a record.
    pub fn sentences(&self, name: &dyn Fn(Named) -> String, currency: &Currency) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(days) = self.lapsed_days {
            out.push(format!("Last purchase more than {} ago", days_text(days)));
        }
        if let Some(days) = self.recent_days {
            out.push(format!("Last purchase within the last {}", days_text(days)));
        }
        let period = |days: Option<u32>| days_text(days.unwrap_or(DEFAULT_DAYS));
        if let Some(text) = bounds(self.sales_min, self.sales_max, sales_text) {
            out.push(format!(
                "{} in the last {}",
                capital(&text),
                period(self.sales_days)
            ));
        }
        if let Some(text) = bounds(self.spent_min, self.spent_max, |a| currency.format(a)) {
            out.push(format!(
                "Spent {text} in the last {}",
                period(self.spent_days)
            ));
        }
        for (label, scores) in [
            ("Recency", self.recency_score),
            ("Frequency", self.frequency_score),
            ("Monetary", self.monetary_score),
        ] {
            if let Some(s) = scores {
                out.push(if s.from == s.to {
                    format!("{label} score {}", s.from)
                } else {
                    format!("{label} score {} to {}", s.from, s.to)
                });
            }
        }
        if let Some(id) = self.customer_group_id {
            out.push(format!(
                "In customer group {}",
                name(Named::CustomerGroup(id))
            ));
        }
        if let Some(id) = self.territory_id {
            out.push(format!("In territory {}", name(Named::Territory(id))));
        }
        match self.origin {
            Some(Origin::Hq) => out.push("Registered by head office".into()),
            Some(Origin::Store(id)) => {
                out.push(format!("Registered at {}", name(Named::Store(id))))
            }
            None => {}
        }
        if let Some(id) = self.loyalty_program_id {
            out.push(format!("Member of {}", name(Named::Program(id))));
        }
        if let Some(id) = self.loyalty_tier_id {
            out.push(format!("In tier {}", name(Named::Tier(id))));
        }
        if let Some(text) = bounds(self.points_min, self.points_max, |p| format!("{p} points")) {
            out.push(format!("Holds {text}"));
        }
        if let Some(b) = self.bought {
            let what = match b.what {
                Goods::Item(id) => name(Named::Item(id)),
                Goods::ItemGroup(id) => format!("from item group {}", name(Named::ItemGroup(id))),
                Goods::Brand(id) => format!("from brand {}", name(Named::Brand(id))),
            };
            out.push(format!("Bought {what} in the last {}", days_text(b.days)));
        }
        if let Some(u) = self.used_offer {
            let offer = name(Named::Offer(u.what));
            out.push(format!(
                "Used offer {offer} in the last {}",
                days_text(u.days)
            ));
        }
        if let Some(u) = self.used_coupon {
            let coupon = name(Named::Coupon(u.what));
            out.push(format!(
                "Used coupon {coupon} in the last {}",
                days_text(u.days)
            ));
        }
        match self.referred {
            Some(true) => out.push("Joined with a referral code".into()),
            Some(false) => out.push("Joined without a referral code".into()),
            None => {}
        }
        if let Some(n) = self.referrer_of {
            let customers = if n == 1 { "customer" } else { "customers" };
            out.push(format!("Referred at least {n} {customers}"));
        }
        if let Some(id) = self.unused_coupon_of_offer {
            out.push(format!(
                "Holds an unused coupon of {}",
                name(Named::Offer(id))
            ));
        }
        if let Some(month) = self.birthday_month {
            let month = MONTHS.get(month.saturating_sub(1) as usize).unwrap_or(&"?");
            out.push(format!("Birthday in {month}"));
        }
        out
    }

    /// What is wrong across fields, by field: bounds the wrong way round, scores out of 1-5.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut order = |field, wrong: bool, what: &str| {
            if wrong {
                out.push((
                    field,
                    format!("The most {what} must not be below the least."),
                ));
            }
        };
        order(
            "sales_max",
            matches!((self.sales_min, self.sales_max), (Some(a), Some(b)) if b < a),
            "sales",
        );
        order(
            "spent_max",
            matches!((self.spent_min, self.spent_max), (Some(a), Some(b)) if b < a),
            "spent",
        );
        order(
            "points_max",
            matches!((self.points_min, self.points_max), (Some(a), Some(b)) if b < a),
            "points",
        );
        if let (Some(lapsed), Some(recent)) = (self.lapsed_days, self.recent_days)
            && lapsed >= recent
        {
            out.push((
                "recent_days",
                format!(
                    "No purchase can be both more than {} ago and within the last {}.",
                    days_text(lapsed),
                    days_text(recent)
                ),
            ));
        }
        for (field, scores) in [
            ("recency_score", self.recency_score),
            ("frequency_score", self.frequency_score),
            ("monetary_score", self.monetary_score),
        ] {
            if let Some(s) = scores
                && !(1 <= s.from && s.from <= s.to && s.to <= 5)
            {
                out.push((field, "Scores go from 1 to 5, the lower first.".into()));
            }
        }
        out
    }
}

/// "1 day", "90 days".
pub fn days_text(days: u32) -> String {
    if days == 1 {
        "1 day".into()
    } else {
        format!("{days} days")
    }
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn sales_text(n: u32) -> String {
    if n == 1 {
        "1 sale".into()
    } else {
        format!("{n} sales")
    }
}

/// "at least X", "at most Y", "between X and Y".
fn bounds<T: Copy>(min: Option<T>, max: Option<T>, show: impl Fn(T) -> String) -> Option<String> {
    let mut text = String::new();
    match (min, max) {
        (Some(a), Some(b)) => write!(text, "between {} and {}", show(a), show(b)).ok()?,
        (Some(a), None) => write!(text, "at least {}", show(a)).ok()?,
        (None, Some(b)) => write!(text, "at most {}", show(b)).ok()?,
        (None, None) => return None,
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: Named) -> String {
        match n {
            Named::CustomerGroup(_) => "Retail".into(),
            Named::Store(_) => "Downtown".into(),
            Named::ItemGroup(_) => "Tops".into(),
            Named::Offer(_) => "Spring 10%".into(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn each_filter_reads_as_a_sentence() {
        let f = Filters {
            lapsed_days: Some(90),
            sales_min: Some(3),
            spent_min: Some(Decimal::from(500)),
            recency_score: Some(Scores { from: 1, to: 2 }),
            frequency_score: Some(Scores { from: 4, to: 5 }),
            customer_group_id: Some(7),
            origin: Some(Origin::Store(2)),
            bought: Some(Within {
                what: Goods::ItemGroup(4),
                days: 30,
            }),
            unused_coupon_of_offer: Some(9),
            referrer_of: Some(1),
            birthday_month: Some(3),
            ..Filters::default()
        };
        assert_eq!(
            f.sentences(&names, &Currency::usd()),
            [
                "Last purchase more than 90 days ago",
                "At least 3 sales in the last 365 days",
                "Spent at least $500.00 in the last 365 days",
                "Recency score 1 to 2",
                "Frequency score 4 to 5",
                "In customer group Retail",
                "Registered at Downtown",
                "Bought from item group Tops in the last 30 days",
                "Referred at least 1 customer",
                "Holds an unused coupon of Spring 10%",
                "Birthday in March",
            ]
        );
        assert!(Filters::default().is_empty());
        assert!(!f.is_empty());
    }

    #[test]
    fn filters_keep_their_json_and_read_old_json_with_new_fields_unset() {
        let f = Filters {
            origin: Some(Origin::Hq),
            used_offer: Some(Within { what: 5, days: 60 }),
            spent_max: Some(Decimal::new(1999, 2)),
            ..Filters::default()
        };
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(serde_json::from_str::<Filters>(&json).unwrap(), f);
        let old: Filters = serde_json::from_str(r#"{"lapsed_days": 30}"#).unwrap();
        assert_eq!(old.lapsed_days, Some(30));
        assert_eq!(old.origin, None);
    }

    #[test]
    fn bounds_the_wrong_way_round_are_named_by_field() {
        let f = Filters {
            sales_min: Some(5),
            sales_max: Some(2),
            lapsed_days: Some(90),
            recent_days: Some(30),
            monetary_score: Some(Scores { from: 4, to: 6 }),
            ..Filters::default()
        };
        let fields: Vec<&str> = f.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["sales_max", "recent_days", "monetary_score"]);
    }
}
