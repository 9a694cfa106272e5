//! The Referrals card on the customer page: the customer's own codes (with a Copy button), who
//! referred them, the customers they referred, and every reward coupon with its status.

use askama::Template;
use diesel::prelude::*;
use patron_rules::users::Permission;

use super::model::queries::{self, CouponState, Registration};
use super::model::queries::{Registered, with_states};
use crate::customers::panels::{self as customer_panels, CustomerPanel, PanelRequest, Slot};
use crate::db::schema::referral_codes;
use crate::web::AppError;

/// How many referred customers the card lists.
const LISTED: i64 = 50;

#[derive(Template)]
#[template(path = "referrals/panel.html")]
struct CardFragment {
    customer_code: String,
    codes: Vec<(i64, String, bool)>,
    referred_by: Option<Registration>,
    welcome: Option<CouponState>,
    referred: Vec<Registered>,
    can_manage: bool,
}

/// The Referrals card of the customer page.
pub struct ReferralsCard;

impl CustomerPanel for ReferralsCard {
    fn render(
        &self,
        conn: &mut PgConnection,
        request: &PanelRequest,
    ) -> Result<Option<customer_panels::Panel>, AppError> {
        let customer = request.customer.id;
        let codes: Vec<(i64, String, bool)> = referral_codes::table
            .filter(referral_codes::customer_id.eq(customer))
            .order(referral_codes::id.asc())
            .select((
                referral_codes::id,
                referral_codes::code,
                referral_codes::disabled,
            ))
            .load(conn)?;
        let referred_by = queries::referral_of(conn, customer)?;
        let welcome = match &referred_by {
            Some(r) => queries::coupon_states(conn, &[r.customer_coupon_id], request.today)?
                .remove(&r.customer_coupon_id),
            None => None,
        };
        let rows = queries::referred_by(conn, customer, LISTED)?;
        let referred = with_states(conn, rows, request.today)?;
        let fragment = CardFragment {
            customer_code: request.customer.code.clone(),
            codes,
            referred_by,
            welcome,
            referred,
            can_manage: request.viewer.role.can(Permission::ReferralsManage),
        };
        Ok(Some(customer_panels::Panel {
            slot: Slot::Card,
            html: customer_panels::html(&fragment)?,
        }))
    }
}
