//! Offers in the till API: `GET /api/v1/offers/changes` (the offer versions that concern the
//! calling store, in the change-feed shape of items and customers, so that a till can price carts
//! offline) and `POST /api/v1/carts/evaluate` (a cart priced by the server's engine, ready to be
//! submitted as an invoice as it is).

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::feed::{self, FeedOffer};
use super::pricing::{self, PricedCart, WantedLine};
use crate::customers::sync;
use crate::state::AppState;
use crate::web::till::feed::{Cursor, FeedParams};
use crate::web::till::terminal::Terminal;
use crate::web::till::{ApiError, ApiRoutes, json};
use crate::web::{AppError, FieldErrors};

/// Adds the offers endpoints to the till API's route table.
pub fn routes(routes: &mut ApiRoutes) {
    routes
        .add(__path_changes, changes)
        .add(__path_evaluate, evaluate);
}

/// One page of the offers feed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OfferFeed)]
pub struct Feed {
    offers: Vec<FeedOffer>,
    next: i64,
    has_more: bool,
}

/// Offers changed after a cursor, in change order.
///
/// Ask again with `after=next` until `has_more` is false. An offer that does not concern this
/// store (another store's profile or warehouse) comes with `applies: false` and its terms left
/// out, so that a till drops a copy it had.
#[utoipa::path(get, path = "/api/v1/offers/changes", tag = "offers",
    operation_id = "offer_changes", params(FeedParams),
    responses(
        (status = 200, description = "One page of the feed", body = Feed),
        (status = 422, description = "`after` or `limit` out of range", body = ApiError),
    ))]
async fn changes(
    state: web::Data<AppState>,
    terminal: Terminal,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let cursor = Cursor::parse(
        query.get("after").map(String::as_str),
        query.get("limit").map(String::as_str),
    )?;
    let till = terminal.till();
    let rows = state
        .db
        .run(move |conn| {
            let scope = pricing::till_scope(conn, &till)?;
            Ok(feed::load(conn, &scope, cursor)?)
        })
        .await?;
    let (offers, next, has_more) = cursor.page(rows, |o| o.change_seq);
    Ok(HttpResponse::Ok().json(Feed {
        offers,
        next,
        has_more,
    }))
}

/// A cart to price.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct CartBody {
    /// The lines as the customer brings them (free units are the server's to add).
    pub lines: Vec<CartLineBody>,
    /// The customer by uuid...
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    /// ...or by code; neither: the store's Default Customer.
    #[serde(default)]
    pub customer_code: Option<String>,
    /// When the sale is made (absent: now).
    #[serde(default)]
    pub posted_at: Option<DateTime<Utc>>,
    /// Coupons for the sale: each must pass the validation chain (as `coupons/validate`) and
    /// makes its coupon-based offer eligible.
    #[serde(default)]
    pub coupon_codes: Vec<String>,
}

/// One line of a cart.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct CartLineBody {
    /// Item Code.
    pub item_code: String,
    /// Quantity (above 0).
    #[schema(value_type = String, format = "decimal")]
    pub qty: Decimal,
    /// Price List Rate.
    #[schema(value_type = String, format = "decimal")]
    pub price_list_rate: Decimal,
    /// The cashier's manual discount on the whole line (absent: none), from 0 to qty x rate. The
    /// line keeps it and takes no Item Price offer or customer group discount (nor do Replace
    /// offers make its units free); its units still count toward offers' Min Qty, and Grand
    /// Total offers count (and take their percentage of) the net after it.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = "decimal")]
    pub manual_discount: Option<Decimal>,
}

/// A priced cart: its lines and totals are what `POST /api/v1/invoices` takes.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PricedCart)]
pub struct PricedCartJson {
    lines: Vec<PricedLineJson>,
    /// The Grand Total offer to send with the invoice.
    grand_total_offer: Option<GrandTotalJson>,
    /// Bonus points the sale will give (the server awards them): only to a member of a loyalty
    /// program of the company that runs that day; for anyone else the Loyalty Point offer is
    /// listed among `offers` as not applied, with why.
    bonus_points: Vec<BonusJson>,
    totals: TotalsJson,
    /// Every offer considered: those that applied first, then why the others did not.
    offers: Vec<OutcomeJson>,
}

/// A priced line.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PricedCartLine)]
struct PricedLineJson {
    item_code: String,
    #[schema(value_type = String, format = "decimal")]
    qty: Decimal,
    #[schema(value_type = String, format = "decimal")]
    price_list_rate: Decimal,
    #[schema(value_type = String, format = "decimal")]
    discount_amount: Decimal,
    #[schema(value_type = String, format = "decimal")]
    amount: Decimal,
    is_offer: bool,
    offer: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PricedCartGrandTotalOffer)]
struct GrandTotalJson {
    offer: String,
    #[schema(value_type = String, format = "decimal")]
    amount: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PricedCartBonus)]
struct BonusJson {
    offer: String,
    points: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PricedCartTotals)]
struct TotalsJson {
    #[schema(value_type = String, format = "decimal")]
    net_total: Decimal,
    #[schema(value_type = String, format = "decimal")]
    discount_amount: Decimal,
    /// Net total less the Grand Total offer (delivery comes on top at the till).
    #[schema(value_type = String, format = "decimal")]
    grand_total: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PricedCartOffer)]
struct OutcomeJson {
    /// The offer's id.
    id: i64,
    version: i64,
    offer: String,
    applied: bool,
    /// Why it did not apply ("Min Qty 3 not met: 2 in cart (1 more to get 1 free)").
    reason: Option<String>,
}

impl From<PricedCart> for PricedCartJson {
    fn from(cart: PricedCart) -> PricedCartJson {
        let money = |amount: Decimal| {
            let mut rounded = cart.currency.round(amount);
            rounded.rescale(cart.currency.minor_unit);
            rounded
        };
        PricedCartJson {
            lines: cart
                .lines
                .iter()
                .map(|l| PricedLineJson {
                    item_code: l.item_code.clone(),
                    qty: l.qty.normalize(),
                    price_list_rate: l.price_list_rate.normalize(),
                    discount_amount: money(l.discount_amount),
                    amount: money(l.amount),
                    is_offer: l.is_offer,
                    offer: l.offer.clone(),
                })
                .collect(),
            grand_total_offer: cart.grand_total_offer.as_ref().map(|(offer, amount)| {
                GrandTotalJson {
                    offer: offer.clone(),
                    amount: money(*amount),
                }
            }),
            bonus_points: cart
                .bonus_points
                .iter()
                .map(|(offer, points)| BonusJson {
                    offer: offer.clone(),
                    points: *points,
                })
                .collect(),
            totals: TotalsJson {
                net_total: money(cart.net_total),
                discount_amount: money(cart.discount_amount),
                grand_total: money(cart.grand_total),
            },
            offers: cart
                .offers
                .iter()
                .map(|o| OutcomeJson {
                    id: o.offer.id,
                    version: o.offer.version,
                    offer: o.title.clone(),
                    applied: o.reason.is_none(),
                    reason: o.reason.clone(),
                })
                .collect(),
        }
    }
}

/// Price a cart with the offers in force.
///
/// The server's engine, with the offer versions in force at `posted_at` for this store and
/// customer: per-line discounts and the offer that gave each, free lines, the Grand Total offer,
/// bonus points, and for every offer considered that did not apply, why. Offers of a campaign
/// whose budget is used up do not apply. The lines and totals can be submitted as an invoice.
///
/// An Item Price offer's Max Discount caps what it gives on the sale: when its lines' discounts
/// come to more, the cap is shared among them in proportion to each line's discount, rounded to
/// the cent (the company currency's minor unit) so that they add up to the cap exactly, the cents
/// left over going to the largest remainders, ties to the earlier line (10.00 over three lines of
/// 10.00 off each: 3.34, 3.33, 3.33). A line with a `manual_discount` keeps it as its
/// `discount_amount` and takes no offer; Grand Total offers count the net after it. Bonus points
/// are answered only for a member of a loyalty program of the company that runs that day: for
/// anyone else the Loyalty Point offer comes as not applied, with why. An offer aimed at a
/// customer segment (`needs_server_evaluate` in the offers feed) applies to the segment's members
/// as of its last snapshot; for anyone else it comes as not applied ("not in segment Lapsed
/// regulars as of 7 Dec, 03:00").
#[utoipa::path(post, path = "/api/v1/carts/evaluate", tag = "offers",
    operation_id = "evaluate_cart",
    request_body(content = CartBody, example = json!({
        "lines": [{"item_code": "TOP-00001", "qty": "3", "price_list_rate": "14.99"}],
        "posted_at": "2026-01-15T10:15:00Z"
    })),
    responses(
        (status = 200, description = "The priced cart", body = PricedCartJson),
        (status = 400, description = "The body is not JSON", body = ApiError),
        (status = 422, description = "A field is missing or wrong; `fields` names it", body = ApiError),
    ))]
async fn evaluate(
    state: web::Data<AppState>,
    coupons: web::Data<pricing::Coupons>,
    terminal: Terminal,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let body: CartBody = json::parse(&bytes)?;
    let till = terminal.till();
    let coupons = **coupons;
    let priced = state
        .db
        .run(move |conn| {
            let mut errors = FieldErrors::new();
            if body.lines.is_empty() || body.lines.len() > 1000 {
                errors.add("lines", "A cart has 1 to 1,000 lines.");
            }
            for (index, line) in body.lines.iter().enumerate() {
                let range = patron_rules::sales::line_in_range(line.qty, line.price_list_rate);
                if let Err((field, message)) = range {
                    errors.add(&format!("lines[{index}].{field}"), message);
                }
            }
            let at = body.posted_at.unwrap_or_else(Utc::now);
            if at < DateTime::UNIX_EPOCH {
                errors.add("posted_at", "The date is out of range.");
            }
            errors.into_result(()).map_err(AppError::Validation)?;
            let scope = pricing::till_scope(conn, &till)?;
            let customer = customer(conn, &body, &scope)?;
            let lines: Vec<WantedLine> = body
                .lines
                .iter()
                .map(|l| WantedLine {
                    item_code: l.item_code.clone(),
                    qty: l.qty,
                    price_list_rate: l.price_list_rate,
                    manual_discount: l.manual_discount.unwrap_or_default(),
                })
                .collect();
            let coupons = pricing::CouponCodes {
                codes: &body.coupon_codes,
                check: coupons.0,
            };
            let mut priced = pricing::price(conn, &scope, customer, at, &lines, coupons)?;
            if !priced.bonus_points.is_empty() {
                let day = scope.clock.date(at);
                if let Some(why) =
                    pricing::bonus_not_credited(conn, customer, scope.company_id, day)?
                {
                    priced.withhold_bonus(&why);
                }
            }
            Ok(priced)
        })
        .await?;
    Ok(HttpResponse::Ok().json(PricedCartJson::from(priced)))
}

/// The cart's customer: by uuid, by code, else the store's Default Customer.
fn customer(
    conn: &mut diesel::PgConnection,
    body: &CartBody,
    scope: &pricing::StoreScope,
) -> Result<Option<i64>, AppError> {
    sync::named_by_till(
        conn,
        body.customer_id,
        body.customer_code.as_deref(),
        scope.default_customer_id,
    )
}
