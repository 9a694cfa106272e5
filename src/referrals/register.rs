//! Registering a referred customer, as the customers area's `created` hook: the code is checked
//! (each refusal a message on `referral_code`, undoing the whole create), counted against its
//! cap, and the welcome coupon, the registration and, when Reward Referrer is At registration,
//! the referrer's coupon are made in the create's transaction.

use diesel::prelude::*;
use patron_rules::coupons::codes;
use patron_rules::referrals::{self as rules, Newcomer, Refusal, RewardReferrer};

use super::model::{self, NewRegistration};
use super::rewards::{self, Reward};
use crate::customers::hooks::Creation;
use crate::db::schema::customers;
use crate::web::AppError;

/// The field referral errors are reported on, in the form and the till API.
pub const FIELD: &str = "referral_code";

fn refused(refusal: &Refusal) -> AppError {
    AppError::field(FIELD, refusal.message())
}

/// The company a customer created for `store` belongs to (HQ's: the main company); none in a
/// back office with no company yet, which has no referral codes either.
pub fn company_of(conn: &mut PgConnection, store: Option<i64>) -> QueryResult<Option<i64>> {
    Ok(crate::stores::model::company_of(conn, store)?.map(|c| c.id))
}

/// The `created` hook: registers the new customer with the referral code they came with.
pub fn on_customer_created(
    conn: &mut PgConnection,
    creation: &Creation<'_>,
) -> Result<(), AppError> {
    let Some(typed) = creation
        .referral_code
        .map(codes::normalize)
        .filter(|c| !c.is_empty())
    else {
        return Ok(());
    };
    if typed.chars().count() > 40 {
        return Err(refused(&Refusal::Unknown(typed.chars().take(40).collect())));
    }
    let Some(company) = company_of(conn, creation.store_id)? else {
        return Err(refused(&Refusal::Unknown(typed)));
    };
    let customer = creation.customer.get();
    let (mobile, email, first, last): (Option<String>, Option<String>, String, String) =
        customers::table
            .find(customer)
            .select((
                customers::mobile_digits,
                customers::search_email,
                customers::first_name,
                customers::last_name,
            ))
            .first(conn)?;
    let newcomer = Newcomer {
        customer_id: customer,
        company_id: company,
        mobile_digits: mobile.unwrap_or_default(),
        email: email.unwrap_or_default(),
    };
    let found = model::find_by_code(conn, company, &typed)?;
    rules::check(found.as_ref().map(|f| &f.facts), &typed, &newcomer).map_err(|r| refused(&r))?;
    let Some(found) = found else {
        return Err(refused(&Refusal::Unknown(typed)));
    };
    let code = found.stored;
    if !model::take_registration(conn, code.id)? {
        // Disabled or filled up by another registration since it was read.
        let fresh = model::find_by_code(conn, company, &code.code)?;
        let refusal = rules::check_code(fresh.as_ref().map(|f| &f.facts), &typed, company)
            .err()
            .unwrap_or(Refusal::Full(
                code.code.clone(),
                code.fields.max_registrations.unwrap_or(0),
            ));
        return Err(refused(&refusal));
    }
    let campaign_id = code.fields.campaign_id;
    let welcome = format!("Referral welcome ({})", code.code);
    let customer_coupon_id = rewards::issue(
        conn,
        creation.actor,
        &Reward {
            company_id: company,
            offer_id: code.fields.customer_offer_id,
            campaign_id,
            customer_id: customer,
            name: &welcome,
        },
    )?;
    let referrer_coupon_id = match (code.fields.reward(), code.fields.primary_offer_id) {
        (RewardReferrer::AtRegistration, Some(offer_id)) => {
            let name = referrer_coupon_name(&code.code, &first, &last);
            Some(rewards::issue(
                conn,
                creation.actor,
                &Reward {
                    company_id: company,
                    offer_id,
                    campaign_id,
                    customer_id: code.fields.customer_id,
                    name: &name,
                },
            )?)
        }
        _ => None,
    };
    model::insert_registration(
        conn,
        &NewRegistration {
            referral_code_id: code.id,
            referrer_id: code.fields.customer_id,
            customer_id: customer,
            customer_coupon_id,
            referrer_coupon_id,
            store_id: creation.store_id,
        },
    )?;
    Ok(())
}

/// The referrer's coupon's name: which code and whom it thanks them for.
pub fn referrer_coupon_name(code: &str, first: &str, last: &str) -> String {
    let name = format!("{first} {last}");
    format!("Referral reward ({code}: {})", name.trim())
}
