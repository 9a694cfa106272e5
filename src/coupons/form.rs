//! The coupon form as typed and its checks, each message by its field: what can be read from the
//! form alone (`parse`), then what needs the database (`check_against`: the offer must be
//! coupon based, enabled and the company's; the dates inside the offer's; the customer known).

use chrono::NaiveDate;
use diesel::PgConnection;
use patron_rules::coupons::CouponType;

use super::code_record;
use super::code_record::form::{OfferWording, check_campaign, check_offer};
use super::model::store::{CouponFields, StoredCoupon};
use crate::web::{AppError, FieldErrors};

/// The coupon form as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CouponForm {
    /// Coupon Name.
    pub name: String,
    /// Coupon Type (promotional, gift_card).
    pub coupon_type: String,
    /// Coupon Code (blank: generated; read-only once made).
    pub code: String,
    /// Company id.
    pub company_id: String,
    /// POS Offer id.
    pub offer_id: String,
    /// Campaign id (blank: none).
    pub campaign_id: String,
    /// Valid From (blank: the offer's).
    pub valid_from: String,
    /// Valid Upto (blank: the offer's).
    pub valid_upto: String,
    /// Maximum Use (blank or 0: unlimited).
    pub maximum_use: String,
    /// One Use.
    pub one_use: bool,
    /// Customer code (gift card coupons).
    pub customer: String,
}

/// What the form holds once read: the fields, the code asked for (none: generate one) and the
/// customer's code as typed (the fields' customer is filled in by `check_against`).
pub type Parsed = code_record::form::Parsed<CouponFields, Option<String>>;

/// What a New page's address fills in: `?offer=ID`, from the offer page's "New coupon" and
/// "Generate codes" (the offer select still shows only the company's coupon based offers).
#[derive(Debug, Default, serde::Deserialize)]
pub struct OfferPrefill {
    /// The offer's id.
    #[serde(default)]
    pub offer: String,
}

impl CouponForm {
    /// A new coupon's form with the offer of `prefill` chosen.
    pub fn for_offer(company: Option<i64>, prefill: &OfferPrefill) -> CouponForm {
        CouponForm {
            offer_id: prefill.offer.trim().to_owned(),
            ..CouponForm::blank(company)
        }
    }

    /// A new coupon's form.
    pub fn blank(company: Option<i64>) -> CouponForm {
        CouponForm {
            coupon_type: CouponType::Promotional.as_str().into(),
            company_id: company.map(|c| c.to_string()).unwrap_or_default(),
            // Empty: no limit. A flyer's code is used by many sales; a one-off code says 1.
            maximum_use: String::new(),
            ..CouponForm::default()
        }
    }

    /// The form of a stored coupon (`customer_code`: its customer's code).
    pub fn of(coupon: &StoredCoupon, customer_code: Option<String>) -> CouponForm {
        let f = &coupon.fields;
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        CouponForm {
            name: f.name.clone(),
            coupon_type: f.coupon_type.clone(),
            code: coupon.code.clone(),
            company_id: f.company_id.to_string(),
            offer_id: f.offer_id.to_string(),
            campaign_id: f.campaign_id.map(|c| c.to_string()).unwrap_or_default(),
            valid_from: date(f.valid_from),
            valid_upto: date(f.valid_upto),
            maximum_use: f.maximum_use.to_string(),
            one_use: f.one_use,
            customer: customer_code.unwrap_or_default(),
        }
    }

    /// Reads a post.
    pub fn from_pairs(pairs: &[(String, String)]) -> CouponForm {
        let value = |name: &str| code_record::form::value(pairs, name);
        CouponForm {
            name: value("name"),
            coupon_type: value("coupon_type"),
            code: value("code"),
            company_id: value("company_id"),
            offer_id: value("offer_id"),
            campaign_id: value("campaign_id"),
            valid_from: value("valid_from"),
            valid_upto: value("valid_upto"),
            maximum_use: value("maximum_use"),
            one_use: pairs.iter().any(|(k, _)| k == "one_use"),
            customer: value("customer"),
        }
    }

    /// Whether this is a gift card coupon.
    pub fn is_gift_card(&self) -> bool {
        self.coupon_type == CouponType::GiftCard.as_str()
    }

    /// The fields, or a message per field, from the form alone.
    pub fn parse(&self) -> Result<Parsed, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            errors.add("name", "Enter the Coupon Name.");
        } else if name.chars().count() > 140 {
            errors.add("name", "Use at most 140 characters.");
        }
        let coupon_type = match self.coupon_type.as_str() {
            "promotional" | "gift_card" => self.coupon_type.clone(),
            _ => {
                errors.add("coupon_type", "Choose Promotional or Gift Card.");
                String::new()
            }
        };
        let code = code_record::form::typed_code(&self.code, "coupon code", &mut errors);
        let id = |errors: &mut FieldErrors, field: &str, raw: &str, missing: &str| {
            raw.trim().parse::<i64>().ok().or_else(|| {
                errors.add(field, missing);
                None
            })
        };
        let company_id = id(
            &mut errors,
            "company_id",
            &self.company_id,
            "Choose the company.",
        );
        let offer_id = id(
            &mut errors,
            "offer_id",
            &self.offer_id,
            "Choose the POS Offer.",
        );
        let campaign_id = match self.campaign_id.trim() {
            "" => None,
            raw => id(
                &mut errors,
                "campaign_id",
                raw,
                "Choose a campaign from the list.",
            ),
        };
        let date = |errors: &mut FieldErrors, field: &str, raw: &str| match raw.trim() {
            "" => None,
            raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map_err(|_| errors.add(field, "Enter a date like 2026-01-31."))
                .ok(),
        };
        let valid_from = date(&mut errors, "valid_from", &self.valid_from);
        let valid_upto = date(&mut errors, "valid_upto", &self.valid_upto);
        if let (Some(from), Some(upto)) = (valid_from, valid_upto)
            && upto < from
        {
            errors.add("valid_upto", "Valid Upto cannot be before Valid From.");
        }
        let gift = self.is_gift_card();
        let maximum_use = if gift {
            1
        } else {
            match self.maximum_use.trim() {
                "" => 0,
                raw => raw
                    .parse::<i32>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .unwrap_or_else(|| {
                        errors.add(
                            "maximum_use",
                            "Enter how many times it may be used, or 0 for no limit.",
                        );
                        0
                    }),
            }
        };
        let customer_code = Some(self.customer.trim().to_owned()).filter(|c| !c.is_empty());
        if gift && customer_code.is_none() {
            errors.add(
                "customer",
                "A Gift Card coupon is for one customer: choose them.",
            );
        }
        if !gift && customer_code.is_some() {
            errors.add(
                "customer",
                "Only a Gift Card coupon is for one customer: leave this empty.",
            );
        }
        errors.into_result(()).map(|()| Parsed {
            fields: CouponFields {
                company_id: company_id.unwrap_or(0),
                name,
                coupon_type,
                offer_id: offer_id.unwrap_or(0),
                campaign_id,
                valid_from,
                valid_upto,
                maximum_use,
                one_use: self.one_use,
                customer_id: None,
            },
            code,
            customer_code,
        })
    }
}

/// How the offer check words a coupon's messages.
const OFFER: OfferWording = OfferWording {
    whose: "coupon's",
    carrier: "a coupon",
    missing: "Choose the POS Offer.",
};

/// The checks that need the database, adding messages to `errors`; fills in the customer's id.
pub fn check_against(
    conn: &mut PgConnection,
    parsed: &mut Parsed,
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    let fields = &mut parsed.fields;
    let company = fields.company_id;
    let offer = check_offer(conn, "offer_id", fields.offer_id, company, OFFER, errors)?;
    if let Some(offer) = offer {
        let terms = &offer.fields.terms;
        if let Some(from) = fields.valid_from
            && from < terms.valid_from
        {
            errors.add(
                "valid_from",
                format!(
                    "The offer is valid from {}: start on or after it.",
                    terms.valid_from
                ),
            );
        }
        if let (Some(upto), Some(offer_upto)) = (fields.valid_upto, terms.valid_upto)
            && upto > offer_upto
        {
            errors.add(
                "valid_upto",
                format!("The offer is valid up to {offer_upto}: end on or before it."),
            );
        }
    }
    check_campaign(conn, fields.campaign_id, company, "coupon's", errors)?;
    if let Some(code) = &parsed.customer_code {
        match crate::customers::model::find_by_code(conn, code)? {
            Some(customer) => fields.customer_id = Some(customer.id),
            None => errors.add("customer", format!("No customer has the code {code}.")),
        }
    }
    Ok(())
}
