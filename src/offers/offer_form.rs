//! The offer form as typed, and its reading into an offer's fields: numbers, dates and choices
//! parsed with a message per field; the names the pickers post (item code, item group, brand)
//! are left for `queries::resolve` to turn into ids, then `form_rules::check` runs across fields.

use chrono::NaiveDate;
use patron_rules::stores::typed_number;
use rust_decimal::Decimal;

use super::form_rules::{APPLY_ON, DISCOUNT_TYPES, OFFER_TYPES, REPLACE};
use super::model::versions::{OfferTerms, StoredOffer};
use crate::web::FieldErrors;

/// The offer form as typed: every field a string (a checkbox: whether it was ticked).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfferForm {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Disable.
    pub disabled: bool,
    /// Company id (fixed once the offer exists).
    pub company_id: String,
    /// POS Profile id (empty: all stores).
    pub pos_profile_id: String,
    /// Warehouse (empty: all).
    pub warehouse: String,
    /// Customer Group id (empty: all).
    pub customer_group_id: String,
    /// Customer Segment id (empty: all).
    pub segment_id: String,
    /// Apply On code.
    pub apply_on: String,
    /// The Item Code picker.
    pub apply_on_item: String,
    /// The Item Group picker (a group's name).
    pub apply_on_group: String,
    /// The Brand picker (a brand's name).
    pub apply_on_brand: String,
    /// Offer Type code.
    pub offer_type: String,
    /// Min Qty.
    pub min_qty: String,
    /// Max Qty.
    pub max_qty: String,
    /// Min Amount.
    pub min_amount: String,
    /// Max Amount.
    pub max_amount: String,
    /// Valid From.
    pub valid_from: String,
    /// Valid Upto.
    pub valid_upto: String,
    /// Discount Type code.
    pub discount_type: String,
    /// Rate.
    pub rate: String,
    /// Discount Percentage.
    pub discount_percentage: String,
    /// Discount Amount.
    pub discount_amount: String,
    /// Max Discount.
    pub max_discount: String,
    /// How it applies: `auto` or `coupon` (Auto and Coupon Based are one choice).
    pub applies: String,
    /// Given Item (an item code).
    pub given_item: String,
    /// Given Qty.
    pub given_qty: String,
    /// Recurring.
    pub recurring: bool,
    /// Replace code.
    pub replace: String,
    /// Loyalty Points.
    pub loyalty_points: String,
    /// Campaign id (empty: none).
    pub campaign_id: String,
    /// Priority.
    pub priority: String,
}

/// The names the pickers posted, for the database to turn into ids.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Picked {
    /// The item code Apply On names (Item Code).
    pub item: Option<String>,
    /// The item group name (Item Group).
    pub group: Option<String>,
    /// The brand name (Brand).
    pub brand: Option<String>,
    /// The Given Item's code.
    pub given_item: Option<String>,
}

/// A post of the form, parsed: the company, the description, the terms (ids of picked names
/// still empty) and the picked names.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Company id.
    pub company_id: i64,
    /// Description.
    pub description: String,
    /// The terms.
    pub terms: OfferTerms,
    /// The names to resolve.
    pub picked: Picked,
}

/// Longest Title (the table's limit).
const TITLE_MAX: usize = 140;
/// Longest Description (the table's limit).
const DESCRIPTION_MAX: usize = 2000;

fn dec(value: Decimal) -> String {
    if value.is_zero() {
        String::new()
    } else {
        value.normalize().to_string()
    }
}

impl OfferForm {
    /// A new offer's form: Item Code, Item Price, Percentage, Auto, valid from `today`,
    /// priority 10, for `company`.
    pub fn blank(today: NaiveDate, company: Option<i64>) -> OfferForm {
        OfferForm {
            company_id: company.map(|c| c.to_string()).unwrap_or_default(),
            apply_on: "item_code".into(),
            offer_type: "item_price".into(),
            discount_type: "percentage".into(),
            applies: "auto".into(),
            replace: "none".into(),
            valid_from: today.to_string(),
            priority: "10".into(),
            ..OfferForm::default()
        }
    }

    /// The form of a stored offer; `names` gives the picked names: (Apply On's item code,
    /// group or brand name, Given Item's code).
    pub fn of(
        offer: &StoredOffer,
        target: Option<String>,
        given_item: Option<String>,
    ) -> OfferForm {
        let t = &offer.fields.terms;
        let id = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
        let target = target.unwrap_or_default();
        OfferForm {
            title: t.title.clone(),
            description: offer.fields.description.clone(),
            disabled: t.disabled,
            company_id: offer.fields.company_id.to_string(),
            pos_profile_id: id(t.pos_profile_id),
            warehouse: t.warehouse.clone().unwrap_or_default(),
            customer_group_id: id(t.customer_group_id),
            segment_id: id(t.segment_id),
            apply_on: t.apply_on.clone(),
            apply_on_item: if t.apply_on == "item_code" {
                target.clone()
            } else {
                String::new()
            },
            apply_on_group: if t.apply_on == "item_group" {
                target.clone()
            } else {
                String::new()
            },
            apply_on_brand: if t.apply_on == "brand" {
                target
            } else {
                String::new()
            },
            offer_type: t.offer_type.clone(),
            min_qty: dec(t.min_qty),
            max_qty: dec(t.max_qty),
            min_amount: dec(t.min_amount),
            max_amount: dec(t.max_amount),
            valid_from: t.valid_from.to_string(),
            valid_upto: t.valid_upto.map(|d| d.to_string()).unwrap_or_default(),
            discount_type: t.discount_type.clone(),
            rate: dec(t.rate),
            discount_percentage: dec(t.discount_percentage),
            discount_amount: dec(t.discount_amount),
            max_discount: dec(t.max_discount),
            applies: if t.auto { "auto" } else { "coupon" }.into(),
            given_item: given_item.unwrap_or_default(),
            given_qty: dec(t.given_qty),
            recurring: t.recurring,
            replace: t.replace.clone(),
            loyalty_points: if t.loyalty_points == 0 {
                String::new()
            } else {
                t.loyalty_points.to_string()
            },
            campaign_id: id(t.campaign_id),
            priority: t.priority.to_string(),
        }
    }

    /// Reads a post; the second value is whether it asks only to show the fields again
    /// (the "Update fields" button of a page without JavaScript).
    pub fn from_pairs(pairs: &[(String, String)]) -> (OfferForm, bool) {
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let ticked = |name: &str| pairs.iter().any(|(k, _)| k == name);
        let form = OfferForm {
            title: value("title"),
            description: value("description"),
            disabled: ticked("disabled"),
            company_id: value("company_id"),
            pos_profile_id: value("pos_profile_id"),
            warehouse: value("warehouse"),
            customer_group_id: value("customer_group_id"),
            segment_id: value("segment_id"),
            apply_on: value("apply_on"),
            apply_on_item: value("apply_on_item"),
            apply_on_group: value("apply_on_group"),
            apply_on_brand: value("apply_on_brand"),
            offer_type: value("offer_type"),
            min_qty: value("min_qty"),
            max_qty: value("max_qty"),
            min_amount: value("min_amount"),
            max_amount: value("max_amount"),
            valid_from: value("valid_from"),
            valid_upto: value("valid_upto"),
            discount_type: value("discount_type"),
            rate: value("rate"),
            discount_percentage: value("discount_percentage"),
            discount_amount: value("discount_amount"),
            max_discount: value("max_discount"),
            applies: value("applies"),
            given_item: value("given_item"),
            given_qty: value("given_qty"),
            recurring: ticked("recurring"),
            replace: value("replace"),
            loyalty_points: value("loyalty_points"),
            campaign_id: value("campaign_id"),
            priority: value("priority"),
        };
        (form, ticked("refresh"))
    }

    /// The form with a new title, for Copy.
    pub fn copied(mut self) -> OfferForm {
        self.title = format!("Copy of {}", self.title);
        self.title = self.title.chars().take(TITLE_MAX).collect();
        self.disabled = false;
        self
    }

    /// Parses every field; cross-field rules come later (`form_rules::check`).
    pub fn parse(&self) -> Result<Draft, FieldErrors> {
        let (draft, errors) = self.draft();
        errors.into_result(draft)
    }

    /// Reads the form as far as it reads: the draft (what does not read is left at its
    /// default) and the messages for what does not. The sentence beside a half-filled form
    /// is made from such a draft.
    pub fn draft(&self) -> (Draft, FieldErrors) {
        let mut errors = FieldErrors::new();
        let title = self.title.trim().to_owned();
        if title.is_empty() {
            errors.add("title", "Enter the Title.");
        } else if title.chars().count() > TITLE_MAX {
            errors.add("title", format!("Use at most {TITLE_MAX} characters."));
        }
        let description = self.description.trim().to_owned();
        if description.chars().count() > DESCRIPTION_MAX {
            errors.add(
                "description",
                format!("Use at most {DESCRIPTION_MAX} characters."),
            );
        }
        let company_id = id(&mut errors, "company_id", &self.company_id).unwrap_or_else(|| {
            errors.add("company_id", "Choose the company.");
            0
        });
        let apply_on = choice(
            &mut errors,
            "apply_on",
            &self.apply_on,
            &APPLY_ON,
            "Apply On",
        );
        let offer_type = choice(
            &mut errors,
            "offer_type",
            &self.offer_type,
            &OFFER_TYPES,
            "Offer Type",
        );
        let shown = super::form_rules::shown(&apply_on, &offer_type, &self.discount_type);
        let discount_type = if shown.discount_type {
            choice(
                &mut errors,
                "discount_type",
                &self.discount_type,
                &DISCOUNT_TYPES,
                "Discount Type",
            )
        } else {
            "percentage".into()
        };
        let replace = if shown.give_product {
            choice(&mut errors, "replace", &self.replace, &REPLACE, "Replace")
        } else {
            "none".into()
        };
        let auto = match self.applies.as_str() {
            "auto" => true,
            "coupon" => false,
            _ => {
                errors.add("applies", "Choose Auto or Coupon Based.");
                true
            }
        };
        let mut number = |field: &str, raw: &str, label: &str| -> Decimal {
            match read_number(raw, label) {
                Ok(value) => value,
                Err(message) => {
                    errors.add(field, message);
                    Decimal::ZERO
                }
            }
        };
        let min_qty = number("min_qty", &self.min_qty, "Min Qty");
        let max_qty = number("max_qty", &self.max_qty, "Max Qty");
        let min_amount = number("min_amount", &self.min_amount, "Min Amount");
        let max_amount = number("max_amount", &self.max_amount, "Max Amount");
        let rate = number("rate", &self.rate, "Rate");
        let discount_percentage = number(
            "discount_percentage",
            &self.discount_percentage,
            "Discount Percentage",
        );
        let discount_amount = number("discount_amount", &self.discount_amount, "Discount Amount");
        let max_discount = number("max_discount", &self.max_discount, "Max Discount");
        let given_qty = number("given_qty", &self.given_qty, "Given Qty");
        for (field, value) in [
            ("min_qty", min_qty),
            ("max_qty", max_qty),
            ("given_qty", given_qty),
        ] {
            if value < Decimal::ZERO {
                errors.add(field, "Enter a quantity of 0 or more.");
            }
        }
        let loyalty_points = match self.loyalty_points.trim() {
            "" => 0,
            raw => match raw.replace(',', "").parse::<i64>() {
                Ok(points) if (0..=1_000_000_000).contains(&points) => points,
                _ => {
                    errors.add(
                        "loyalty_points",
                        "Enter a whole number of points, like 100.",
                    );
                    0
                }
            },
        };
        let priority = match self.priority.trim() {
            "" => 10,
            raw => raw.parse::<i32>().unwrap_or_else(|_| {
                errors.add("priority", "Enter the Priority as a whole number, like 10.");
                10
            }),
        };
        let valid_from = date(&mut errors, "valid_from", &self.valid_from);
        if valid_from.is_none() && !errors.has("valid_from") {
            errors.add("valid_from", "Enter the first day of the offer.");
        }
        let valid_upto = date(&mut errors, "valid_upto", &self.valid_upto);
        let optional = |raw: &str| Some(raw.trim().to_owned()).filter(|v| !v.is_empty());
        let picked = Picked {
            item: optional(&self.apply_on_item).filter(|_| shown.item),
            group: optional(&self.apply_on_group).filter(|_| shown.item_group),
            brand: optional(&self.apply_on_brand).filter(|_| shown.brand),
            given_item: optional(&self.given_item).filter(|_| shown.give_product),
        };
        let terms = OfferTerms {
            title,
            disabled: self.disabled,
            pos_profile_id: id(&mut errors, "pos_profile_id", &self.pos_profile_id),
            warehouse: optional(&self.warehouse),
            customer_group_id: id(&mut errors, "customer_group_id", &self.customer_group_id),
            segment_id: id(&mut errors, "segment_id", &self.segment_id),
            apply_on,
            apply_on_id: None,
            offer_type,
            min_qty,
            max_qty,
            min_amount,
            max_amount,
            valid_from: valid_from.unwrap_or_default(),
            valid_upto,
            discount_type,
            rate,
            discount_percentage,
            discount_amount,
            max_discount,
            auto,
            given_item_id: None,
            given_qty,
            recurring: self.recurring,
            replace,
            loyalty_points,
            campaign_id: id(&mut errors, "campaign_id", &self.campaign_id),
            priority,
        };
        (
            Draft {
                company_id,
                description,
                terms,
                picked,
            },
            errors,
        )
    }
}

/// A number as typed (`1,000`, `$2.50`), empty meaning 0, at most 4 decimals (what the table
/// keeps; the currency's own limit is a rule across fields).
fn read_number(raw: &str, label: &str) -> Result<Decimal, String> {
    match typed_number(raw) {
        None => Ok(Decimal::ZERO),
        Some(Err(_)) => Err(format!("Enter the {label} as a number, like 10 or 2.50.")),
        Some(Ok(value)) if value.normalize().scale() > 4 => {
            Err(format!("Use at most 4 decimals for the {label}."))
        }
        Some(Ok(value)) if value.abs() >= Decimal::from(100_000_000_000_000i64) => {
            Err(format!("The {label} is too large."))
        }
        Some(Ok(value)) => Ok(value.normalize()),
    }
}

/// One of `choices`' codes, or a message asking for one.
fn choice(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    choices: &[(&str, &str)],
    label: &str,
) -> String {
    if choices.iter().any(|(code, _)| *code == raw) {
        raw.to_owned()
    } else {
        errors.add(field, format!("Choose the {label}."));
        choices
            .first()
            .map(|(c, _)| (*c).to_owned())
            .unwrap_or_default()
    }
}

/// An optional id chosen in a select.
fn id(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<i64> {
    match raw.trim() {
        "" => None,
        raw => raw
            .parse::<i64>()
            .map_err(|_| errors.add(field, "Choose one of the list."))
            .ok(),
    }
}

/// An optional date typed as `YYYY-MM-DD` (what `<input type=date>` posts).
fn date(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    match raw.trim() {
        "" => None,
        raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map_err(|_| errors.add(field, "Enter a date like 2026-01-31."))
            .ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut all = vec![
            ("title", " Winter 20% "),
            ("company_id", "1"),
            ("apply_on", "item_group"),
            ("apply_on_group", "Shirts"),
            ("apply_on_item", "X-1"),
            ("offer_type", "item_price"),
            ("discount_type", "percentage"),
            ("discount_percentage", "20"),
            ("valid_from", "2026-12-01"),
            ("applies", "coupon"),
            ("min_qty", "3"),
        ];
        // An extra field replaces the one above.
        all.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
        all.extend_from_slice(extra);
        all.into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    #[test]
    fn a_post_reads_into_terms_and_picked_names() {
        let (form, refresh) = OfferForm::from_pairs(&pairs(&[]));
        assert!(!refresh);
        let draft = form.parse().unwrap();
        assert_eq!(draft.terms.title, "Winter 20%");
        assert!(!draft.terms.auto);
        assert_eq!(draft.terms.min_qty, Decimal::from(3));
        assert_eq!(draft.terms.priority, 10);
        // Only the picker of the chosen Apply On counts.
        assert_eq!(draft.picked.group.as_deref(), Some("Shirts"));
        assert_eq!(draft.picked.item, None);
    }

    #[test]
    fn bad_values_get_messages_at_their_fields() {
        let (form, refresh) = OfferForm::from_pairs(&pairs(&[
            ("refresh", "1"),
            ("min_amount", "lots"),
            ("rate", "1.00001"),
            ("valid_upto", "31/12/2026"),
            ("applies", ""),
            ("given_qty", "-1"),
        ]));
        assert!(refresh);
        let errors = form.parse().unwrap_err();
        assert_eq!(
            errors.get("min_amount"),
            Some("Enter the Min Amount as a number, like 10 or 2.50.")
        );
        assert_eq!(
            errors.get("rate"),
            Some("Use at most 4 decimals for the Rate.")
        );
        assert!(errors.has("valid_upto") && errors.has("applies") && errors.has("given_qty"));
        assert!(!errors.has("title"));
    }

    #[test]
    fn copy_names_the_original() {
        let form = OfferForm::blank(NaiveDate::default(), Some(1));
        let copy = OfferForm {
            title: "Winter".into(),
            disabled: true,
            ..form
        }
        .copied();
        assert_eq!(copy.title, "Copy of Winter");
        assert!(!copy.disabled);
    }
}
