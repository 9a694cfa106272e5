//! The referral code form as typed and its checks, each message by its field: what the form
//! alone tells (`parse`), then what needs the database (`check_against`: both offers coupon
//! based, enabled and the company's; the campaign the company's; the referrer known).

use diesel::PgConnection;
use patron_rules::referrals::RewardReferrer;

use super::model::{CodeFields, StoredCode};
use crate::coupons::code_record;
use crate::coupons::code_record::form::{OfferWording, check_campaign};
use crate::web::{AppError, FieldErrors};

/// The form as posted (and shown again after an error).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodeForm {
    /// Referral Code (empty: one is made).
    pub code: String,
    /// Company id.
    pub company_id: String,
    /// Customer: the referrer's customer code.
    pub customer: String,
    /// Campaign id.
    pub campaign_id: String,
    /// Customer Offer id.
    pub customer_offer_id: String,
    /// Primary Offer id.
    pub primary_offer_id: String,
    /// Max Registrations (empty: no cap).
    pub max_registrations: String,
    /// Reward Referrer, as stored.
    pub reward_referrer: String,
    /// Disabled.
    pub disabled: bool,
}

/// What a good form holds: the settings (`customer_id` filled by `check_against`), the code
/// typed, normalised (none: make one), and the referrer's customer code.
pub type Parsed = code_record::form::Parsed<CodeFields, String>;

impl CodeForm {
    /// A new code's form for `company`.
    pub fn blank(company: Option<i64>) -> CodeForm {
        CodeForm {
            company_id: company.map(|c| c.to_string()).unwrap_or_default(),
            reward_referrer: RewardReferrer::AtRegistration.as_stored().into(),
            ..CodeForm::default()
        }
    }

    /// The form of a stored code; `customer_code` is the referrer's.
    pub fn of(code: &StoredCode, customer_code: String) -> CodeForm {
        let f = &code.fields;
        let id = |id: Option<i64>| id.map(|i| i.to_string()).unwrap_or_default();
        CodeForm {
            code: code.code.clone(),
            company_id: f.company_id.to_string(),
            customer: customer_code,
            campaign_id: id(f.campaign_id),
            customer_offer_id: f.customer_offer_id.to_string(),
            primary_offer_id: id(f.primary_offer_id),
            max_registrations: f
                .max_registrations
                .map(|m| m.to_string())
                .unwrap_or_default(),
            reward_referrer: f.reward_referrer.clone(),
            disabled: f.disabled,
        }
    }

    /// The form from posted pairs (an unchecked box is absent).
    pub fn from_pairs(pairs: &[(String, String)]) -> CodeForm {
        let value = |name: &str| code_record::form::value(pairs, name);
        CodeForm {
            code: value("code"),
            company_id: value("company_id"),
            customer: value("customer"),
            campaign_id: value("campaign_id"),
            customer_offer_id: value("customer_offer_id"),
            primary_offer_id: value("primary_offer_id"),
            max_registrations: value("max_registrations"),
            reward_referrer: value("reward_referrer"),
            disabled: pairs.iter().any(|(k, _)| k == "disabled"),
        }
    }

    /// Parses what the form alone can tell.
    pub fn parse(&self) -> Result<Parsed, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = code_record::form::typed_code(&self.code, "referral code", &mut errors);
        let optional =
            |errors: &mut FieldErrors, field: &str, raw: &str, message: &str| match raw.trim() {
                "" => None,
                raw => raw.parse::<i64>().ok().or_else(|| {
                    errors.add(field, message);
                    None
                }),
            };
        let company_id = optional(
            &mut errors,
            "company_id",
            &self.company_id,
            "Choose the company.",
        );
        if company_id.is_none() && !errors.has("company_id") {
            errors.add("company_id", "Choose the company.");
        }
        let customer_offer_id = optional(
            &mut errors,
            "customer_offer_id",
            &self.customer_offer_id,
            "Choose the Customer Offer.",
        );
        if customer_offer_id.is_none() && !errors.has("customer_offer_id") {
            errors.add(
                "customer_offer_id",
                "Choose the Customer Offer: the new customer's welcome coupon is for it.",
            );
        }
        let primary_offer_id = optional(
            &mut errors,
            "primary_offer_id",
            &self.primary_offer_id,
            "Choose an offer from the list.",
        );
        let campaign_id = optional(
            &mut errors,
            "campaign_id",
            &self.campaign_id,
            "Choose a campaign from the list.",
        );
        let max_registrations = match self.max_registrations.trim() {
            "" => None,
            raw => match raw.parse::<i32>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    errors.add(
                        "max_registrations",
                        "Enter how many customers may register with it (1 or more), or leave \
                         it empty for no cap.",
                    );
                    None
                }
            },
        };
        let reward = match self.reward_referrer.as_str() {
            "at_registration" => RewardReferrer::AtRegistration,
            "first_purchase" => RewardReferrer::FirstPurchase,
            _ => {
                errors.add(
                    "reward_referrer",
                    "Choose At registration or After the new customer's first purchase.",
                );
                RewardReferrer::AtRegistration
            }
        };
        let customer_code = self.customer.trim().to_owned();
        if customer_code.is_empty() {
            errors.add(
                "customer",
                "Choose the customer who shares the code (type a name, phone or code).",
            );
        }
        errors.into_result(()).map(|()| Parsed {
            fields: CodeFields {
                company_id: company_id.unwrap_or(0),
                customer_id: 0,
                campaign_id,
                customer_offer_id: customer_offer_id.unwrap_or(0),
                primary_offer_id,
                disabled: self.disabled,
                max_registrations,
                reward_referrer: reward.as_stored().to_owned(),
            },
            code,
            customer_code,
        })
    }
}

/// How the offer checks word a referral code's messages.
const OFFER: OfferWording = OfferWording {
    whose: "code's",
    carrier: "a referral coupon",
    missing: "Choose an offer from the list.",
};

/// Checks that offer `id` can carry a referral coupon of `company`.
pub fn check_offer(
    conn: &mut PgConnection,
    field: &str,
    id: i64,
    company: i64,
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    code_record::form::check_offer(conn, field, id, company, OFFER, errors).map(|_| ())
}

/// Checks what needs the database; fills in the referrer's id. A company that is not known
/// already has its message, and nothing else is checked.
pub fn check_against(
    conn: &mut PgConnection,
    parsed: &mut Parsed,
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    if errors.has("company_id") {
        return Ok(());
    }
    let company = parsed.fields.company_id;
    let customer_offer = parsed.fields.customer_offer_id;
    check_offer(conn, "customer_offer_id", customer_offer, company, errors)?;
    if let Some(primary) = parsed.fields.primary_offer_id {
        check_offer(conn, "primary_offer_id", primary, company, errors)?;
    }
    check_campaign(conn, parsed.fields.campaign_id, company, "code's", errors)?;
    // The picker fills in "CUST-00042"; a code followed by a name is read by its code.
    let typed = parsed
        .customer_code
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    match crate::customers::model::find_by_code(conn, &typed)? {
        Some(customer) if customer.active => parsed.fields.customer_id = customer.id,
        Some(_) => errors.add(
            "customer",
            format!("Customer {typed} is deactivated: choose an active customer."),
        ),
        None => errors.add("customer", format!("No customer has the code {typed}.")),
    }
    Ok(())
}
