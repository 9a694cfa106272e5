//! What both code forms read and check the same way: a posted field, the code typed (normalised,
//! or none: make one), whether an offer can carry the record's coupons and whether a campaign is
//! the company's. Each area's form keeps its fields and its own messages.

use diesel::PgConnection;
use patron_rules::coupons::codes;

use crate::offers::model::versions::{self, StoredOffer};
use crate::web::{AppError, FieldErrors};

/// What a good form holds: the fields to save, the code typed and the customer as typed (their
/// id is filled in by the area's database checks).
#[derive(Debug, Clone)]
pub struct Parsed<F, C> {
    /// The fields to save.
    pub fields: F,
    /// The code typed, normalised (none: make one).
    pub code: Option<String>,
    /// The customer's code, as typed.
    pub customer_code: C,
}

/// Posted field `name` (empty when absent).
pub fn value(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// The code typed, normalised; none when left empty. A code that cannot be typed at a till gets
/// its message on `code`, naming it `noun` ("coupon code", "referral code").
pub fn typed_code(raw: &str, noun: &str, errors: &mut FieldErrors) -> Option<String> {
    let code = codes::normalize(raw);
    if code.is_empty() {
        return None;
    }
    if let Some(problem) = codes::problem(&code) {
        errors.add("code", problem.replace("coupon code", noun));
    }
    Some(code)
}

/// How an offer check words its messages.
#[derive(Debug, Clone, Copy)]
pub struct OfferWording {
    /// Whose company ("coupon's", "code's").
    pub whose: &'static str,
    /// What the offer would be activated by ("a coupon", "a referral coupon").
    pub carrier: &'static str,
    /// The message when no offer is chosen.
    pub missing: &'static str,
}

/// Checks that offer `id` can carry a coupon of `company` (the company's, Coupon Based,
/// enabled), adding a message on `field`; returns the offer when it exists.
pub fn check_offer(
    conn: &mut PgConnection,
    field: &str,
    id: i64,
    company: i64,
    wording: OfferWording,
    errors: &mut FieldErrors,
) -> Result<Option<StoredOffer>, AppError> {
    match versions::find(conn, id, false) {
        Ok(offer) => {
            let terms = &offer.fields.terms;
            if offer.fields.company_id != company {
                errors.add(
                    field,
                    format!("Choose an offer of the {} company.", wording.whose),
                );
            } else if terms.auto {
                errors.add(
                    field,
                    format!(
                        "{} is not Coupon Based: {} cannot activate it.",
                        terms.title, wording.carrier
                    ),
                );
            } else if terms.disabled {
                errors.add(field, format!("{} is disabled.", terms.title));
            }
            Ok(Some(offer))
        }
        Err(diesel::result::Error::NotFound) => {
            errors.add(field, wording.missing);
            Ok(None)
        }
        Err(other) => Err(other.into()),
    }
}

/// Checks that campaign `campaign` (if one is chosen) is `company`'s, adding a message on
/// `campaign_id` that names `whose` company ("coupon's", "code's").
pub fn check_campaign(
    conn: &mut PgConnection,
    campaign: Option<i64>,
    company: i64,
    whose: &str,
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    let Some(campaign) = campaign else {
        return Ok(());
    };
    match crate::offers::model::campaigns::find(conn, campaign) {
        Ok(found) if found.fields.company_id == company => {}
        Ok(_) | Err(diesel::result::Error::NotFound) => errors.add(
            "campaign_id",
            format!("Choose a campaign of the {whose} company."),
        ),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
