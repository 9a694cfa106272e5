//! An offer told as a marketer would say it: "Buy 3 or more from Tops, get the cheapest 1 free,
//! for every 3 bought · 1 Mar – 31 May 2027 · all stores · automatic". The form shows it as it
//! is filled in, the offer page above its terms, the list under each title, so that a mistyped
//! figure reads wrong before it is saved. Pure: the names come resolved (`model::names`).

use chrono::{Datelike, NaiveDate};
use patron_rules::Currency;
use rust_decimal::Decimal;

use super::model::versions::OfferTerms;
use crate::web::format::day;

/// The names an offer's ids stand for; none where nothing is chosen (or nothing exists).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names {
    /// What Apply On names: "Classic T-Shirt (TS-01)", an item group's or a brand's name.
    pub target: Option<String>,
    /// The Given Item: "Socks (SK-1)".
    pub given: Option<String>,
    /// The store of the POS Profile.
    pub store: Option<String>,
    /// The Customer Group.
    pub group: Option<String>,
    /// The Customer Segment.
    pub segment: Option<String>,
    /// When the segment's members were last taken ("7 Dec 2026, 03:00"; none: never).
    pub segment_as_of: Option<String>,
    /// The campaign.
    pub campaign: Option<String>,
}

/// What a blank picker reads as, so that a half-filled form still makes a sentence.
const UNCHOSEN: &str = "…";

/// The whole sentence: the deal, then when, where, for whom and how it applies.
pub fn sentence(terms: &OfferTerms, names: &Names, currency: &Currency) -> String {
    let mut parts = vec![deal(terms, names, currency), span(terms)];
    parts.push(match (&names.store, &terms.warehouse) {
        (Some(store), Some(w)) => format!("{store}, warehouse {w}"),
        (Some(store), None) => store.clone(),
        (None, Some(w)) => format!("warehouse {w}"),
        (None, None) => "all stores".into(),
    });
    if let Some(group) = &names.group {
        parts.push(format!("customer group {group}"));
    }
    if let Some(segment) = &names.segment {
        parts.push(format!("customers in segment {segment}"));
    }
    parts.push(
        if terms.auto {
            "automatic"
        } else {
            "with a coupon"
        }
        .into(),
    );
    if let Some(campaign) = &names.campaign {
        parts.push(format!("campaign {campaign}"));
    }
    parts.join(" · ")
}

/// What the customer does and gets, with the offer's conditions and cap.
pub fn deal(terms: &OfferTerms, names: &Names, currency: &Currency) -> String {
    let target = names.target.as_deref().unwrap_or(UNCHOSEN);
    let whole_sale = terms.apply_on == "transaction";
    let qty = range(terms.min_qty, terms.max_qty, |q| q.normalize().to_string());
    let amount = range(terms.min_amount, terms.max_amount, |a| currency.format(a));
    let cap = (terms.max_discount > Decimal::ZERO)
        .then(|| format!(", at most {} a sale", currency.format(terms.max_discount)));
    match terms.offer_type.as_str() {
        "item_price" => {
            let what = if terms.rate > Decimal::ZERO {
                format!("{target} at {} each", currency.format(terms.rate))
            } else if terms.discount_type == "amount" {
                format!(
                    "{} off each unit of {target}",
                    currency.format(terms.discount_amount)
                )
            } else {
                format!("{} off {target}", percent(terms.discount_percentage))
            };
            let when = [
                qty.map(|q| format!("buying {q}")),
                amount.map(|a| format!("spending {a}")),
            ];
            format!(
                "{what}{}{}",
                conditions(" when ", &when),
                cap.unwrap_or_default()
            )
        }
        "give_product" => {
            let buy = match (&qty, whole_sale) {
                (_, true) => "Any sale".to_owned(),
                (Some(q), false) => format!("Buy {q} {}", of(terms, target)),
                (None, false) => format!("Buy {}", of(terms, target).trim_start_matches("of ")),
            };
            let spend = amount.map_or_else(String::new, |a| format!(" spending {a}"));
            let n = terms.given_qty.max(Decimal::ONE).normalize();
            let get = match terms.replace.as_str() {
                "same_item" => format!("{n} of them free"),
                "cheapest_item" => format!("the cheapest {n} free"),
                _ => format!("{n} {} free", names.given.as_deref().unwrap_or(UNCHOSEN)),
            };
            let every = if terms.recurring && terms.min_qty > Decimal::ZERO {
                format!(", for every {} bought", terms.min_qty.normalize())
            } else {
                String::new()
            };
            format!("{buy}{spend}, get {get}{every}")
        }
        "grand_total" => {
            let off = if terms.discount_type == "amount" {
                currency.format(terms.discount_amount)
            } else {
                percent(terms.discount_percentage)
            };
            let with = [
                qty.map(|q| format!("with {q} {}", of(terms, target)))
                    .or_else(|| (!whole_sale).then(|| format!("with {}", bare(terms, target)))),
                amount.map(|a| format!("of {a}")),
            ];
            let sales = if with.iter().any(Option::is_some) {
                " sales"
            } else {
                " every sale"
            };
            format!(
                "{off} off{sales}{}{}",
                conditions(" ", &with),
                cap.unwrap_or_default()
            )
        }
        "loyalty_point" => {
            let when = [
                qty.map(|q| format!("buying {q} {}", of(terms, target)))
                    .or_else(|| (!whole_sale).then(|| format!("buying {}", bare(terms, target)))),
                amount.map(|a| format!("spending {a}")),
            ];
            let on = if when.iter().any(Option::is_some) {
                conditions(" for ", &when)
            } else {
                " on every sale".into()
            };
            format!(
                "{} bonus points{on}, for loyalty members",
                terms.loyalty_points
            )
        }
        other => other.to_owned(),
    }
}

/// What an offer gives, in a few words for the list: "15% off", "1 free", "10% off over
/// $100.00", "$9.99 each", "50 points".
pub fn gives(terms: &OfferTerms, currency: &Currency) -> String {
    let off = |t: &OfferTerms| {
        if t.discount_type == "amount" {
            format!("{} off", currency.format(t.discount_amount))
        } else {
            format!("{} off", percent(t.discount_percentage))
        }
    };
    let over = if terms.min_amount > Decimal::ZERO {
        format!(" over {}", currency.format(terms.min_amount))
    } else {
        String::new()
    };
    match terms.offer_type.as_str() {
        "item_price" if terms.rate > Decimal::ZERO => {
            format!("{} each", currency.format(terms.rate))
        }
        "item_price" => off(terms),
        "give_product" => format!("{} free", terms.given_qty.max(Decimal::ONE).normalize()),
        "grand_total" => format!("{}{over}", off(terms)),
        "loyalty_point" => format!("{} points", terms.loyalty_points),
        other => other.to_owned(),
    }
}

/// What an offer is on, in a few words for the list: "Classic T-Shirt (TS-01)", "item group
/// Tops", "brand Acme", "the whole sale".
pub fn on(terms: &OfferTerms, names: &Names) -> String {
    bare(terms, names.target.as_deref().unwrap_or(UNCHOSEN))
}

/// An offer's days: "1 Mar – 31 May 2027", "1 Dec 2026 – 31 Jan 2027", "from 1 Mar 2027".
pub fn span(terms: &OfferTerms) -> String {
    match terms.valid_upto {
        None => format!("from {}", day(terms.valid_from)),
        Some(upto) if upto == terms.valid_from => format!("on {}", day(upto)),
        Some(upto) if upto.year() == terms.valid_from.year() => {
            format!("{} – {}", day_month(terms.valid_from), day(upto))
        }
        Some(upto) => format!("{} – {}", day(terms.valid_from), day(upto)),
    }
}

fn day_month(date: NaiveDate) -> String {
    date.format("%-d %b").to_string()
}

/// A percentage; a blank one (0) reads "…%" while the form is filled in.
fn percent(value: Decimal) -> String {
    if value.is_zero() {
        format!("{UNCHOSEN}%")
    } else {
        format!("{}%", value.normalize())
    }
}

/// "3 or more", "up to 5", "3 to 5" (bounds at 0 count as none).
fn range(min: Decimal, max: Decimal, show: impl Fn(Decimal) -> String) -> Option<String> {
    match (min > Decimal::ZERO, max > Decimal::ZERO) {
        (true, true) => Some(format!("{} to {}", show(min), show(max))),
        (true, false) => Some(format!("{} or more", show(min))),
        (false, true) => Some(format!("up to {}", show(max))),
        (false, false) => None,
    }
}

/// The conditions that are set, joined with "and" after `lead`.
fn conditions(lead: &str, parts: &[Option<String>]) -> String {
    let set: Vec<&str> = parts.iter().flatten().map(String::as_str).collect();
    if set.is_empty() {
        String::new()
    } else {
        format!("{lead}{}", set.join(" and "))
    }
}

/// Units "of Classic T-Shirt", "from Tops", "from Acme" (the sale's, for Transaction).
fn of(terms: &OfferTerms, target: &str) -> String {
    match terms.apply_on.as_str() {
        "item_code" => format!("of {target}"),
        "transaction" => "items".into(),
        _ => format!("from {target}"),
    }
}

/// The target on its own: "Classic T-Shirt (TS-01)", "item group Tops", "brand Acme".
fn bare(terms: &OfferTerms, target: &str) -> String {
    match terms.apply_on.as_str() {
        "item_group" => format!("item group {target}"),
        "brand" => format!("brand {target}"),
        "transaction" => "the whole sale".into(),
        _ => target.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn usd() -> Currency {
        Currency::usd()
    }

    /// An offer of `offer_type` on `apply_on`, 1 Mar – 31 May 2027, with no figures yet.
    fn terms(apply_on: &str, offer_type: &str) -> OfferTerms {
        OfferTerms {
            apply_on: apply_on.into(),
            offer_type: offer_type.into(),
            discount_percentage: Decimal::ZERO,
            valid_from: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
            valid_upto: NaiveDate::from_ymd_opt(2027, 5, 31),
            ..OfferTerms::example()
        }
    }

    fn names(target: &str) -> Names {
        Names {
            target: Some(target.into()),
            ..Names::default()
        }
    }

    #[test]
    fn the_issues_example_reads_as_written() {
        let t = OfferTerms {
            min_qty: dec("3"),
            given_qty: dec("1"),
            recurring: true,
            replace: "cheapest_item".into(),
            ..terms("item_group", "give_product")
        };
        assert_eq!(
            sentence(&t, &names("Tops"), &usd()),
            "Buy 3 or more from Tops, get the cheapest 1 free, for every 3 bought · \
             1 Mar – 31 May 2027 · all stores · automatic"
        );
        assert_eq!(gives(&t, &usd()), "1 free");
        assert_eq!(on(&t, &names("Tops")), "item group Tops");
    }

    #[test]
    fn item_prices_read_as_a_price_or_a_discount_with_their_conditions_and_cap() {
        let item = names("Classic T-Shirt (TS-01)");
        let rate = OfferTerms {
            rate: dec("9.99"),
            ..terms("item_code", "item_price")
        };
        assert_eq!(
            deal(&rate, &item, &usd()),
            "Classic T-Shirt (TS-01) at $9.99 each"
        );
        let percent = OfferTerms {
            discount_percentage: dec("15.0"),
            min_qty: dec("2"),
            max_qty: dec("5"),
            min_amount: dec("50"),
            max_discount: dec("20"),
            ..terms("brand", "item_price")
        };
        assert_eq!(
            deal(&percent, &names("Acme"), &usd()),
            "15% off Acme when buying 2 to 5 and spending $50.00 or more, at most $20.00 a sale"
        );
        assert_eq!(gives(&percent, &usd()), "15% off");
        let amount = OfferTerms {
            discount_type: "amount".into(),
            discount_amount: dec("2"),
            ..terms("item_code", "item_price")
        };
        assert_eq!(
            deal(&amount, &item, &usd()),
            "$2.00 off each unit of Classic T-Shirt (TS-01)"
        );
    }

    #[test]
    fn free_products_name_what_is_given() {
        let t = OfferTerms {
            min_qty: dec("2"),
            given_qty: dec("1"),
            ..terms("item_code", "give_product")
        };
        let n = Names {
            given: Some("Socks (SK-1)".into()),
            ..names("Boots (B-1)")
        };
        assert_eq!(
            deal(&t, &n, &usd()),
            "Buy 2 or more of Boots (B-1), get 1 Socks (SK-1) free"
        );
        let same = OfferTerms {
            replace: "same_item".into(),
            min_qty: Decimal::ZERO,
            ..t.clone()
        };
        assert_eq!(
            deal(&same, &n, &usd()),
            "Buy Boots (B-1), get 1 of them free"
        );
        let spend = OfferTerms {
            min_qty: Decimal::ZERO,
            min_amount: dec("100"),
            ..terms("transaction", "give_product")
        };
        assert_eq!(
            deal(&spend, &n, &usd()),
            "Any sale spending $100.00 or more, get 1 Socks (SK-1) free"
        );
    }

    #[test]
    fn grand_totals_and_points_say_on_which_sales() {
        let t = OfferTerms {
            discount_percentage: dec("10"),
            min_amount: dec("100"),
            max_discount: dec("25"),
            ..terms("transaction", "grand_total")
        };
        assert_eq!(
            deal(&t, &Names::default(), &usd()),
            "10% off sales of $100.00 or more, at most $25.00 a sale"
        );
        assert_eq!(gives(&t, &usd()), "10% off over $100.00");
        assert_eq!(on(&t, &Names::default()), "the whole sale");
        let every = OfferTerms {
            discount_type: "amount".into(),
            discount_amount: dec("5"),
            ..terms("transaction", "grand_total")
        };
        assert_eq!(
            deal(&every, &Names::default(), &usd()),
            "$5.00 off every sale"
        );
        let points = OfferTerms {
            loyalty_points: 50,
            min_qty: dec("3"),
            ..terms("item_group", "loyalty_point")
        };
        assert_eq!(
            deal(&points, &names("Tops"), &usd()),
            "50 bonus points for buying 3 or more from Tops, for loyalty members"
        );
    }

    #[test]
    fn the_rest_of_the_sentence_says_when_where_for_whom_and_how() {
        let t = OfferTerms {
            discount_percentage: dec("5"),
            auto: false,
            warehouse: Some("Main".into()),
            valid_from: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            valid_upto: NaiveDate::from_ymd_opt(2027, 1, 31),
            ..terms("transaction", "grand_total")
        };
        let n = Names {
            store: Some("Downtown".into()),
            group: Some("Staff".into()),
            campaign: Some("Winter".into()),
            ..Names::default()
        };
        assert_eq!(
            sentence(&t, &n, &usd()),
            "5% off every sale · 1 Dec 2026 – 31 Jan 2027 · Downtown, warehouse Main · \
             customer group Staff · with a coupon · campaign Winter"
        );
        let aimed = Names {
            segment: Some("Lapsed regulars".into()),
            ..n
        };
        assert_eq!(
            sentence(&t, &aimed, &usd()),
            "5% off every sale · 1 Dec 2026 – 31 Jan 2027 · Downtown, warehouse Main · \
             customer group Staff · customers in segment Lapsed regulars · with a coupon · \
             campaign Winter"
        );
        let open = OfferTerms {
            valid_upto: None,
            ..t
        };
        assert_eq!(span(&open), "from 1 Dec 2026");
    }

    #[test]
    fn a_half_filled_form_still_reads() {
        let t = OfferTerms {
            discount_percentage: dec("15"),
            ..terms("item_code", "item_price")
        };
        assert_eq!(deal(&t, &Names::default(), &usd()), "15% off …");
        let blank = terms("item_code", "item_price");
        assert_eq!(deal(&blank, &Names::default(), &usd()), "…% off …");
    }
}
