//! The offer editor's rules, pure: which fields the chosen Apply On, Offer Type and Discount Type
//! use (the form shows only those), and the checks across fields that the issue lists, each
//! reported at the field a person would correct. No database, no web.

use rust_decimal::Decimal;

use super::model::versions::OfferTerms;

/// Apply On choices: (code, label).
pub const APPLY_ON: [(&str, &str); 4] = [
    ("item_code", "Item Code"),
    ("item_group", "Item Group"),
    ("brand", "Brand"),
    ("transaction", "Transaction"),
];

/// Offer Type choices: (code, label).
pub const OFFER_TYPES: [(&str, &str); 4] = [
    ("item_price", "Item Price"),
    ("give_product", "Give Product"),
    ("grand_total", "Grand Total"),
    ("loyalty_point", "Loyalty Point"),
];

/// Discount Type choices: (code, label).
pub const DISCOUNT_TYPES: [(&str, &str); 2] = [("percentage", "Percentage"), ("amount", "Amount")];

/// Replace choices: (code, label).
pub const REPLACE: [(&str, &str); 3] = [
    ("none", "None"),
    ("same_item", "Same Item"),
    ("cheapest_item", "Cheapest Item"),
];

/// The label of `code` among `choices` (the code itself when unknown).
pub fn label(choices: &[(&'static str, &'static str)], code: &str) -> String {
    choices
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, l)| (*l).to_owned())
}

/// Which of the type-dependent fields the form shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shown {
    /// The Item Code picker.
    pub item: bool,
    /// The Item Group picker.
    pub item_group: bool,
    /// The Brand picker.
    pub brand: bool,
    /// Rate (Item Price only).
    pub rate: bool,
    /// Discount Type.
    pub discount_type: bool,
    /// Discount Percentage.
    pub discount_percentage: bool,
    /// Discount Amount.
    pub discount_amount: bool,
    /// Max Discount.
    pub max_discount: bool,
    /// Given Item, Given Qty, Recurring, Replace.
    pub give_product: bool,
    /// Loyalty Points.
    pub loyalty_points: bool,
}

/// The fields `apply_on`, `offer_type` and `discount_type` use. Unknown codes show nothing
/// extra (the select's own message asks for a choice).
pub fn shown(apply_on: &str, offer_type: &str, discount_type: &str) -> Shown {
    let discounts = matches!(offer_type, "item_price" | "grand_total");
    Shown {
        item: apply_on == "item_code",
        item_group: apply_on == "item_group",
        brand: apply_on == "brand",
        rate: offer_type == "item_price",
        discount_type: discounts,
        discount_percentage: discounts && discount_type != "amount",
        discount_amount: discounts && discount_type == "amount",
        max_discount: discounts,
        give_product: offer_type == "give_product",
        loyalty_points: offer_type == "loyalty_point",
    }
}

/// `terms` with the values of fields the form does not show set back to their defaults, so
/// that a version never keeps a figure nobody can see (a Rate left from when it was Item Price).
pub fn without_hidden(mut terms: OfferTerms) -> OfferTerms {
    let show = shown(&terms.apply_on, &terms.offer_type, &terms.discount_type);
    if !show.rate {
        terms.rate = Decimal::ZERO;
    }
    if !show.discount_percentage {
        terms.discount_percentage = Decimal::ZERO;
    }
    if !show.discount_amount {
        terms.discount_amount = Decimal::ZERO;
    }
    if !show.max_discount {
        terms.max_discount = Decimal::ZERO;
    }
    if !show.give_product {
        terms.given_item_id = None;
        terms.given_qty = Decimal::ZERO;
        terms.recurring = false;
        terms.replace = "none".into();
    }
    if !show.loyalty_points {
        terms.loyalty_points = 0;
    }
    if !show.discount_type {
        terms.discount_type = "percentage".into();
    }
    if terms.apply_on == "transaction" {
        terms.apply_on_id = None;
    }
    terms
}

/// The fields holding an amount of money: (field, label). They take the currency's decimals.
pub const AMOUNTS: [(&str, &str); 5] = [
    ("min_amount", "Min Amount"),
    ("max_amount", "Max Amount"),
    ("rate", "Rate"),
    ("discount_amount", "Discount Amount"),
    ("max_discount", "Max Discount"),
];

fn amount(terms: &OfferTerms, field: &str) -> Decimal {
    match field {
        "min_amount" => terms.min_amount,
        "max_amount" => terms.max_amount,
        "rate" => terms.rate,
        "discount_amount" => terms.discount_amount,
        _ => terms.max_discount,
    }
}

/// The rules across fields, each as (field, message); `minor_unit` is the decimals of the
/// company's currency. Empty: the terms hold together.
pub fn check(terms: &OfferTerms, minor_unit: u32) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    let transaction = terms.apply_on == "transaction";
    if transaction && terms.offer_type == "item_price" {
        problems.push((
            "offer_type",
            "Transaction cannot take Item Price: choose Grand Total for a discount on the whole sale, or Apply On an item, item group or brand.".into(),
        ));
    }
    if transaction && terms.min_amount <= Decimal::ZERO {
        problems.push((
            "min_amount",
            "An offer on the whole Transaction needs a Min Amount above 0.".into(),
        ));
    }
    if !transaction && terms.apply_on_id.is_none() {
        let (field, what) = match terms.apply_on.as_str() {
            "item_code" => ("apply_on_item", "the item"),
            "item_group" => ("apply_on_group", "the item group"),
            _ => ("apply_on_brand", "the brand"),
        };
        problems.push((field, format!("Choose {what} the offer applies on.")));
    }
    match terms.offer_type.as_str() {
        "give_product" => {
            if terms.given_qty <= Decimal::ZERO {
                problems.push((
                    "given_qty",
                    "Give Product needs a Given Qty above 0.".into(),
                ));
            }
            // Same Item and Cheapest Item make bought units free: only None adds a Given Item.
            if terms.replace == "none" && terms.given_item_id.is_none() {
                problems.push((
                    "given_item",
                    "Choose the Given Item, or set Replace to Same Item or Cheapest Item to make bought units free.".into(),
                ));
            }
        }
        "loyalty_point" if terms.loyalty_points <= 0 => {
            problems.push((
                "loyalty_points",
                "Loyalty Point needs Loyalty Points above 0.".into(),
            ));
        }
        "item_price"
            if terms.rate.is_zero()
                && terms.discount_percentage.is_zero()
                && terms.discount_amount.is_zero() =>
        {
            let field = if terms.discount_type == "amount" {
                "discount_amount"
            } else {
                "discount_percentage"
            };
            problems.push((
                field,
                "Enter the discount (or a Rate): as it stands the offer gives nothing.".into(),
            ));
        }
        "grand_total" if terms.discount_percentage.is_zero() && terms.discount_amount.is_zero() => {
            let field = if terms.discount_type == "amount" {
                "discount_amount"
            } else {
                "discount_percentage"
            };
            problems.push((
                field,
                "Enter the discount: as it stands the offer gives nothing.".into(),
            ));
        }
        _ => {}
    }
    if terms.valid_upto.is_some_and(|upto| upto < terms.valid_from) {
        problems.push((
            "valid_upto",
            "Valid Upto cannot be before Valid From.".into(),
        ));
    }
    if terms.discount_percentage < Decimal::ZERO || terms.discount_percentage > Decimal::ONE_HUNDRED
    {
        problems.push((
            "discount_percentage",
            "Enter a Discount Percentage from 0 to 100.".into(),
        ));
    }
    for (field, label) in AMOUNTS {
        let value = amount(terms, field);
        if value < Decimal::ZERO {
            problems.push((field, format!("The {label} cannot be negative.")));
        } else if value.normalize().scale() > minor_unit {
            let decimals = match minor_unit {
                0 => "no decimals".to_owned(),
                1 => "at most 1 decimal".to_owned(),
                n => format!("at most {n} decimals"),
            };
            problems.push((
                field,
                format!("The company's currency takes {decimals}: round the {label}."),
            ));
        }
    }
    if terms.max_amount > Decimal::ZERO && terms.max_amount < terms.min_amount {
        problems.push((
            "max_amount",
            "Max Amount cannot be below Min Amount.".into(),
        ));
    }
    if terms.max_qty > Decimal::ZERO
        && terms.min_qty > Decimal::ZERO
        && terms.max_qty < terms.min_qty
    {
        problems.push(("max_qty", "Max Qty cannot be below Min Qty.".into()));
    }
    problems
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn terms() -> OfferTerms {
        OfferTerms::example()
    }

    fn fields(terms: &OfferTerms) -> Vec<&'static str> {
        check(terms, 2).into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn a_plain_item_price_offer_holds_together() {
        assert!(check(&terms(), 2).is_empty());
    }

    #[test]
    fn each_rule_is_reported_at_its_field() {
        /// A change to the plain offer, and the fields it should be refused at.
        type Case = (fn(&mut OfferTerms), &'static [&'static str]);
        let cases: Vec<Case> = vec![
            (
                |t| {
                    t.apply_on = "transaction".into();
                    t.apply_on_id = None;
                },
                &["offer_type", "min_amount"],
            ),
            (
                |t| {
                    t.apply_on = "transaction".into();
                    t.apply_on_id = None;
                    t.offer_type = "grand_total".into();
                    t.min_amount = Decimal::from(100);
                },
                &[],
            ),
            (
                |t| {
                    t.offer_type = "give_product".into();
                },
                &["given_qty", "given_item"],
            ),
            (
                |t| {
                    t.offer_type = "give_product".into();
                    t.replace = "same_item".into();
                    t.given_qty = Decimal::ONE;
                },
                &[],
            ),
            (
                |t| {
                    t.offer_type = "give_product".into();
                    t.replace = "cheapest_item".into();
                    t.given_qty = Decimal::ONE;
                },
                &[],
            ),
            (
                |t| t.offer_type = "loyalty_point".into(),
                &["loyalty_points"],
            ),
            (
                |t| t.valid_upto = NaiveDate::from_ymd_opt(2026, 11, 30),
                &["valid_upto"],
            ),
            (
                |t| t.discount_percentage = Decimal::from(101),
                &["discount_percentage"],
            ),
            (|t| t.rate = Decimal::new(1999, 3), &["rate"]),
            (|t| t.max_discount = Decimal::from(-1), &["max_discount"]),
            (
                |t| {
                    t.min_qty = Decimal::from(5);
                    t.max_qty = Decimal::from(2);
                },
                &["max_qty"],
            ),
            (
                |t| {
                    t.min_qty = Decimal::from(5);
                    t.max_qty = Decimal::ZERO;
                },
                &[],
            ),
            (|t| t.apply_on_id = None, &["apply_on_item"]),
            (
                |t| t.discount_percentage = Decimal::ZERO,
                &["discount_percentage"],
            ),
        ];
        for (change, expected) in cases {
            let mut t = terms();
            change(&mut t);
            assert_eq!(fields(&t), expected, "{t:?}");
        }
    }

    #[test]
    fn decimals_follow_the_currency() {
        let mut t = terms();
        t.discount_amount = Decimal::new(150, 2);
        assert!(check(&t, 2).is_empty());
        let problems = check(&t, 0);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].1,
            "The company's currency takes no decimals: round the Discount Amount."
        );
        // Trailing zeros are no decimals.
        t.discount_amount = Decimal::new(1500, 2);
        assert!(check(&t, 0).is_empty());
    }

    #[test]
    fn the_form_shows_what_the_choices_use() {
        let s = shown("brand", "give_product", "percentage");
        assert!(s.brand && s.give_product && !s.item && !s.rate && !s.discount_type);
        let s = shown("transaction", "grand_total", "amount");
        assert!(s.discount_amount && !s.discount_percentage && !s.item_group && s.max_discount);
        let s = shown("item_code", "item_price", "percentage");
        assert!(s.item && s.rate && s.discount_percentage && !s.loyalty_points);
    }

    #[test]
    fn hidden_values_are_not_kept() {
        let mut t = terms();
        t.offer_type = "loyalty_point".into();
        t.loyalty_points = 50;
        t.given_qty = Decimal::ONE;
        let clean = without_hidden(t);
        assert_eq!(clean.discount_percentage, Decimal::ZERO);
        assert_eq!(clean.given_qty, Decimal::ZERO);
        assert_eq!(clean.loyalty_points, 50);
        assert_eq!(label(&APPLY_ON, "item_group"), "Item Group");
    }
}
