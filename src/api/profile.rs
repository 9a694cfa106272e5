//! `GET /api/v1/terminal/profile`: everything a till needs to configure itself — its store and
//! company currency, the POS profile switches, the Default Customer, delivery charges and the
//! sales persons allowed to sell there.

use actix_web::{HttpResponse, web};
use diesel::PgConnection;
use diesel::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;
use crate::stores::model::profile::ProfileSettings;
use crate::stores::model::{self as stores, delivery, profile, sales_persons};
use crate::web::AppError;
use crate::web::till::ApiRoutes;
use crate::web::till::Terminal;

/// Mounts the endpoint.
pub fn routes(routes: &mut ApiRoutes) {
    routes.add(__path_show, show);
}

/// What a till needs to configure itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct TerminalProfile {
    store: StoreJson,
    profile: ProfileJson,
    delivery_charges: Vec<ChargeJson>,
    sales_persons: Vec<SalesPersonJson>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Store)]
struct StoreJson {
    code: String,
    name: String,
    warehouse: String,
    address: String,
    phone: String,
    company: CompanyJson,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Company)]
struct CompanyJson {
    name: String,
    currency: String,
    currency_minor_unit: u32,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PosProfile)]
struct ProfileJson {
    default_customer: Option<CustomerRef>,
    show_customer_balance: bool,
    apply_customer_discount: bool,
    force_customer_price_list: bool,
    auto_create_referral: bool,
    auto_fetch_coupon_gifts: bool,
    auto_set_delivery_charges: bool,
    /// The most change the till may give back in cash (company currency): a sale paid with
    /// more cash than its total plus this is refused.
    #[schema(format = "decimal")]
    max_change: String,
}

#[derive(Debug, Serialize, ToSchema)]
struct CustomerRef {
    id: uuid::Uuid,
    code: String,
    name: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DeliveryCharge)]
struct ChargeJson {
    label: String,
    #[schema(format = "decimal")]
    default_rate: String,
    #[schema(format = "decimal")]
    rate: String,
    shipping_account: String,
    cost_center: String,
    is_default: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SalesPerson)]
struct SalesPersonJson {
    employee_code: String,
    name: String,
    /// Percent.
    #[schema(format = "decimal")]
    commission_rate: String,
}

/// The profile of store `store_id` as tills read it. Amounts are strings rounded to the company
/// currency; deactivated sales persons are left out.
pub fn load(conn: &mut PgConnection, store_id: i64) -> QueryResult<TerminalProfile> {
    let store = stores::find(conn, store_id)?;
    let company = stores::find_company(conn, store.company_id)?;
    let currency = stores::company_currency(conn, store.company_id)?;
    let profile = profile::for_store(conn, store_id)?;
    let charges = delivery::list(conn, profile.id)?;
    let persons = sales_persons::by_ids(conn, &profile.allowed_sales_persons)?;
    let ProfileSettings {
        default_customer_id: _,
        show_customer_balance,
        apply_customer_discount,
        force_customer_price_list,
        auto_create_referral,
        auto_fetch_coupon_gifts,
        auto_set_delivery_charges,
        max_change,
    } = profile.settings;
    Ok(TerminalProfile {
        store: StoreJson {
            code: store.code,
            name: store.name,
            warehouse: store.warehouse,
            address: store.address,
            phone: store.phone,
            company: CompanyJson {
                name: company.name,
                currency: currency.code.clone(),
                currency_minor_unit: currency.minor_unit,
            },
        },
        profile: ProfileJson {
            default_customer: profile
                .default_customer
                .map(|(id, code, name)| CustomerRef { id, code, name }),
            show_customer_balance,
            apply_customer_discount,
            force_customer_price_list,
            auto_create_referral,
            auto_fetch_coupon_gifts,
            auto_set_delivery_charges,
            max_change: currency.round(max_change).to_string(),
        },
        delivery_charges: charges
            .into_iter()
            .map(|charge| ChargeJson {
                label: charge.label,
                default_rate: currency.round(charge.default_rate).to_string(),
                rate: currency.round(charge.rate).to_string(),
                shipping_account: charge.shipping_account,
                cost_center: charge.cost_center,
                is_default: charge.is_default,
            })
            .collect(),
        sales_persons: persons
            .into_iter()
            .filter(|person| person.active)
            .map(|person| SalesPersonJson {
                employee_code: person.employee_code,
                name: person.name,
                commission_rate: person.commission_rate.round_dp(2).to_string(),
            })
            .collect(),
    })
}

/// The calling till's store and everything it needs to configure itself.
///
/// Its store and company currency, the POS profile switches, the Default Customer, the delivery
/// charges (amounts rounded to the currency) and the active sales persons allowed to sell there.
#[utoipa::path(get, path = "/api/v1/terminal/profile", tag = "terminal",
    operation_id = "terminal_profile",
    responses((status = 200, description = "The calling store's profile", body = TerminalProfile)))]
async fn show(state: web::Data<AppState>, till: Terminal) -> Result<HttpResponse, AppError> {
    let answer = state
        .db
        .run(move |conn| Ok(load(conn, till.store_id.get())?))
        .await?;
    Ok(HttpResponse::Ok().json(answer))
}
