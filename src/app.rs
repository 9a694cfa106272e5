//! The application: `build` mounts every area behind the middleware.
//! `main` serves it; the tests start the very same app on a free port.

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity, TtlExtensionPolicy};
use actix_web::body::MessageBody;
use actix_web::cookie::SameSite;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, Error, web};

use crate::customers::hooks::CustomerHooks;
use crate::customers::list_segments::CustomerSegments;
use crate::customers::panels::CustomerPanels;
use crate::sales::submit::InvoiceSteps;
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::session_store::PgSessionStore;
use crate::web::tiles::HomeTiles;
use crate::web::{assets, csrf, error_pages, observe, security_headers};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "patron_session";

/// How long an idle keep-alive connection stays open. Longer than what clients and load
/// balancers keep an idle connection for (60 s is the common default), so that the client is the
/// one that closes it: a server that closes first races the client's next request on that
/// connection, which then fails with an incomplete message. actix-web's own default is 5 s.
pub const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(75);

/// The invoice pipeline's area steps, in the order they run within their phase; `rollups` false
/// (a bench-only setting) leaves the reports' rollups out.
pub fn invoice_steps(rollups: bool) -> InvoiceSteps {
    InvoiceSteps::new(vec![
        // Coupons first: a valid coupon makes its offer eligible for the offers step.
        &crate::coupons::invoice::CouponsStep,
        &crate::offers::invoice::OffersStep,
        &crate::gift_cards::invoice::GiftCardsStep,
        &crate::loyalty::invoice::LoyaltyStep,
        &crate::referrals::invoice::ReferralsStep,
        // Last: the rollups read the invoice as written.
        if rollups {
            &crate::reports::invoice::RollupsStep::ON
        } else {
            &crate::reports::invoice::RollupsStep::OFF
        },
    ])
}

/// What other areas do when customers are saved, imported or merged.
pub const CUSTOMER_HOOKS: CustomerHooks = CustomerHooks {
    saved: &[crate::loyalty::enrolment::on_customer_saved],
    // Registration first: a new customer's own code is made after they are registered.
    created: &[
        crate::referrals::register::on_customer_created,
        crate::referrals::model::defaults::on_customer_created,
    ],
    imported: &[crate::loyalty::enrolment::auto_opt_in_all],
    merged: &[
        crate::sales::model::move_customer,
        crate::loyalty::model::ledger::move_customer,
        crate::coupons::model::move_customer,
        crate::gift_cards::model::move_customer,
        crate::referrals::model::move_customer,
        // Last: the rollups follow the invoices and registrations moved above.
        crate::reports::rollups::move_customer,
    ],
};

/// Who answers the customer list's Segments column and filter.
pub const LIST_SEGMENTS: CustomerSegments =
    CustomerSegments(&crate::segments::customer_list::ListedSegments);

/// The customer page's parts that other areas own, in page order.
pub fn customer_panels() -> CustomerPanels {
    CustomerPanels::new(vec![
        &crate::sales::customer_panels::FiguresPanel,
        &crate::sales::customer_panels::BalancesPanel,
        &crate::gift_cards::panel::StoreCredit,
        &crate::loyalty::panel::LoyaltyCard,
        &crate::referrals::panel::ReferralsCard,
        &crate::segments::panel::SegmentsCard,
        &crate::sales::customer_panels::HistoryPanel,
    ])
}

/// The home page's parts that areas own, in page order.
pub fn home_tiles() -> HomeTiles {
    HomeTiles::new(vec![
        &crate::customers::home::FindCustomer,
        &crate::reports::home::SalesToDate,
        &crate::sales::home::LatestSales,
        &crate::loyalty::home::Programs,
        &crate::offers::home::Offers,
        &crate::gift_cards::home::Outstanding,
        &crate::audit::home::LatestActivity,
    ])
}

/// Extra routes for one app instance (the tests mount a panicking handler, for one).
pub type ExtraRoutes = fn(&mut web::ServiceConfig);

/// The whole application.
pub fn build(
    state: web::Data<AppState>,
    extra: Option<ExtraRoutes>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let config = &state.config;
    let store = PgSessionStore::new(
        state.db.pool().clone(),
        config.session_idle(),
        config.session_max(),
    );
    let sessions = SessionMiddleware::builder(store, state.cookie_key.clone())
        .cookie_name(SESSION_COOKIE.to_owned())
        .cookie_secure(config.cookies_secure())
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_content_security(CookieContentSecurity::Signed)
        .session_lifecycle(
            BrowserSession::default()
                .state_ttl(actix_web::cookie::time::Duration::hours(i64::from(
                    config.session_max_hours,
                )))
                .state_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
        )
        .build();

    // Listed innermost first: the last `wrap` sees the request first.
    App::new()
        .app_data(state.clone())
        .app_data(web::Data::from(
            std::sync::Arc::new(crate::stores::accounts::StoreAccounts)
                as std::sync::Arc<dyn crate::web::accounts::Accounts>,
        ))
        .app_data(web::Data::new(invoice_steps(!config.bench_skip_rollups)))
        .app_data(web::Data::new(CUSTOMER_HOOKS))
        .app_data(web::Data::new(customer_panels()))
        .app_data(web::Data::new(LIST_SEGMENTS))
        .app_data(web::Data::new(home_tiles()))
        .app_data(web::Data::new(crate::offers::pricing::Coupons(
            crate::coupons::validate::for_cart,
        )))
        // The importers whose rows nothing else reacts to take `()` as their hooks.
        .app_data(web::Data::new(()))
        .app_data(web::FormConfig::default().error_handler(|err, _| {
            AppError::BadRequest(format!("The form could not be read: {err}")).into()
        }))
        .app_data(web::QueryConfig::default().error_handler(|err, _| {
            AppError::BadRequest(format!("The address could not be read: {err}")).into()
        }))
        .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
        .app_data(web::JsonConfig::default().error_handler(|err, _| {
            AppError::BadRequest(format!("The JSON body could not be read: {err}")).into()
        }))
        // First: the till API's table mounts all of /api/v1 as one scope (see api::routes).
        .configure(crate::api::routes::config)
        .configure(crate::api::openapi::config)
        .configure(crate::api::docs_page::config)
        .configure(crate::home::config)
        .configure(crate::users::signin::config)
        .configure(crate::users::routes::config)
        .configure(crate::customers::config)
        .configure(crate::customers::group_import::config)
        .configure(crate::trees::routes::config)
        .configure(crate::stores::routes::config)
        .configure(crate::stores::profile_routes::config)
        .configure(crate::stores::token_routes::config)
        .configure(crate::catalog::config)
        .configure(crate::stores::company_routes::config)
        .configure(crate::stores::sales_person_routes::config)
        .configure(crate::loyalty::config)
        .configure(crate::offers::config)
        .configure(crate::coupons::config)
        .configure(crate::gift_cards::config)
        .configure(crate::referrals::config)
        .configure(crate::reports::config)
        .configure(crate::segments::config)
        .configure(crate::audit::routes::config)
        .configure(crate::sales::config)
        .configure(crate::ops::config)
        .route("/static/{file}", web::get().to(assets::serve))
        .configure(|cfg| {
            if let Some(extra) = extra {
                extra(cfg);
            }
        })
        .default_service(web::to(|| async {
            Err::<actix_web::HttpResponse, _>(AppError::NotFound)
        }))
        .wrap(from_fn(csrf::guard))
        .wrap(from_fn(error_pages::keep_layout))
        .wrap(sessions)
        .wrap(from_fn(error_pages::render_errors))
        .wrap(security_headers())
        .wrap(from_fn(observe::observe))
}
