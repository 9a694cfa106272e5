//! An offer version's terms as the offer and version pages read them: each field the chosen
//! Apply On and Offer Type use, labelled as the form labels it, ids turned into names (items
//! with their code), days as pages write them and amounts in the company's currency.

use patron_rules::Currency;

use super::form_rules::{self, APPLY_ON, DISCOUNT_TYPES, OFFER_TYPES, REPLACE};
use super::model::versions::OfferTerms;
use super::sentence::Names;
use crate::web::format::day;

/// (label, value) pairs, in the form's order.
pub type Facts = Vec<(&'static str, String)>;

fn quantity(value: rust_decimal::Decimal) -> String {
    if value.is_zero() {
        "None".into()
    } else {
        value.normalize().to_string()
    }
}

/// The facts of `terms`, its ids named by `names`.
pub fn facts(terms: &OfferTerms, names: &Names, currency: &Currency) -> Facts {
    let (target, given) = (names.target.clone(), names.given.clone());
    let money = |value: rust_decimal::Decimal| {
        if value.is_zero() {
            "None".to_owned()
        } else {
            currency.format(value)
        }
    };
    let show = form_rules::shown(&terms.apply_on, &terms.offer_type, &terms.discount_type);
    let mut facts: Facts = vec![
        (
            "Apply On",
            match &target {
                Some(name) => format!("{} {name}", form_rules::label(&APPLY_ON, &terms.apply_on)),
                None => form_rules::label(&APPLY_ON, &terms.apply_on),
            },
        ),
        (
            "Offer Type",
            form_rules::label(&OFFER_TYPES, &terms.offer_type),
        ),
        (
            "How it applies",
            if terms.auto { "Auto" } else { "Coupon Based" }.into(),
        ),
        (
            "Valid",
            match terms.valid_upto {
                Some(upto) => format!("{} to {}", day(terms.valid_from), day(upto)),
                None => format!("From {} (no end)", day(terms.valid_from)),
            },
        ),
        (
            "POS Profile",
            names.store.clone().unwrap_or_else(|| "All stores".into()),
        ),
        (
            "Warehouse",
            terms.warehouse.clone().unwrap_or_else(|| "All".into()),
        ),
        (
            "Customer Group",
            names.group.clone().unwrap_or_else(|| "Any customer".into()),
        ),
        (
            "Customer Segment",
            match (&names.segment, &names.segment_as_of) {
                (Some(s), Some(at)) => format!("{s} (members as of {at})"),
                (Some(s), None) => format!("{s} (members not taken yet)"),
                (None, _) => "Any customer".into(),
            },
        ),
        ("Min Qty", quantity(terms.min_qty)),
        ("Max Qty", quantity(terms.max_qty)),
        ("Min Amount", money(terms.min_amount)),
        ("Max Amount", money(terms.max_amount)),
    ];
    if show.rate {
        facts.push(("Rate", money(terms.rate)));
    }
    if show.discount_type {
        facts.push((
            "Discount Type",
            form_rules::label(&DISCOUNT_TYPES, &terms.discount_type),
        ));
    }
    if show.discount_percentage {
        facts.push((
            "Discount Percentage",
            format!("{}%", terms.discount_percentage.normalize()),
        ));
    }
    if show.discount_amount {
        facts.push(("Discount Amount", money(terms.discount_amount)));
    }
    if show.max_discount {
        facts.push(("Max Discount", money(terms.max_discount)));
    }
    if show.give_product {
        facts.push(("Given Item", given.unwrap_or_else(|| "—".into())));
        facts.push(("Given Qty", quantity(terms.given_qty)));
        facts.push((
            "Recurring",
            if terms.recurring { "Yes" } else { "No" }.into(),
        ));
        facts.push(("Replace", form_rules::label(&REPLACE, &terms.replace)));
    }
    if show.loyalty_points {
        facts.push(("Loyalty Points", terms.loyalty_points.to_string()));
    }
    facts.push((
        "Campaign",
        names.campaign.clone().unwrap_or_else(|| "None".into()),
    ));
    facts.push(("Priority", terms.priority.to_string()));
    facts
}
