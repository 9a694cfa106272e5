//! An offer version's terms as the offer and version pages read them: each field the chosen
//! Apply On and Offer Type use, labelled as the form labels it, ids turned into names and
//! amounts into the company's currency.

use diesel::prelude::*;
use patron_rules::Currency;

use super::form_rules::{self, APPLY_ON, DISCOUNT_TYPES, OFFER_TYPES, REPLACE};
use super::model::versions::OfferTerms;
use crate::db::schema::{campaigns, customer_groups, pos_profiles, stores};

/// (label, value) pairs, in the form's order.
pub type Facts = Vec<(&'static str, String)>;

fn quantity(value: rust_decimal::Decimal) -> String {
    if value.is_zero() {
        "None".into()
    } else {
        value.normalize().to_string()
    }
}

/// The facts of `terms`.
pub fn facts(
    conn: &mut PgConnection,
    terms: &OfferTerms,
    currency: &Currency,
) -> QueryResult<Facts> {
    let (target, given) = super::model::queries::picked_names(conn, terms)?;
    let profile: Option<String> = match terms.pos_profile_id {
        Some(id) => pos_profiles::table
            .inner_join(stores::table)
            .filter(pos_profiles::id.eq(id))
            .select(stores::name)
            .first(conn)
            .optional()?,
        None => None,
    };
    let group: Option<String> = match terms.customer_group_id {
        Some(id) => customer_groups::table
            .find(id)
            .select(customer_groups::name)
            .first(conn)
            .optional()?,
        None => None,
    };
    let campaign: Option<String> = match terms.campaign_id {
        Some(id) => campaigns::table
            .find(id)
            .select(campaigns::name)
            .first(conn)
            .optional()?,
        None => None,
    };
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
                Some(upto) => format!("{} to {}", terms.valid_from, upto),
                None => format!("From {} (no end)", terms.valid_from),
            },
        ),
        (
            "POS Profile",
            profile.unwrap_or_else(|| "All stores".into()),
        ),
        (
            "Warehouse",
            terms.warehouse.clone().unwrap_or_else(|| "All".into()),
        ),
        (
            "Customer Group",
            group.unwrap_or_else(|| "All customers".into()),
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
    facts.push(("Campaign", campaign.unwrap_or_else(|| "None".into())));
    facts.push(("Priority", terms.priority.to_string()));
    Ok(facts)
}
