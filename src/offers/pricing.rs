//! A cart priced for a store, as a till would submit it: the engine run with the offer versions in
//! force at the cart's time, campaigns whose budget is used up left out, and the customer group's
//! discount where the store's profile applies it. The till API (`carts/evaluate`) and the
//! simulator page both read carts through here, and both ask here whether the cart's bonus points
//! would be credited to its customer.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use patron_rules::Currency;
use patron_rules::clock::Clock;
use patron_rules::offers::{self as rules, Cart, CartLine, DiscountSource, Offer, OfferRef};
use rust_decimal::Decimal;

use super::in_force;
use super::model::campaigns;
use super::shopper::{self, Shopper};
use crate::db::schema::items;
use crate::kernel::Till;
use crate::sales::model as sales;
use crate::web::{AppError, FieldErrors};

/// Checks one coupon code of a cart against the offer versions in force: the offer it makes
/// eligible, or why it may not be used. The coupons area answers; the app wires it in
/// (`Coupons`), since offers know nothing of coupons.
pub type CouponCheck =
    fn(&mut PgConnection, &CouponAsk, &[Offer]) -> QueryResult<Result<i64, String>>;

/// A coupon code asked for on a cart.
#[derive(Debug, Clone, Copy)]
pub struct CouponAsk<'a> {
    /// The code as the till sent it.
    pub code: &'a str,
    /// Where.
    pub store: &'a StoreScope,
    /// For whom (none: nobody in particular).
    pub customer: Option<i64>,
    /// The sale's date.
    pub on: NaiveDate,
}

/// The coupon check, as app data.
#[derive(Clone, Copy)]
pub struct Coupons(pub CouponCheck);

/// A cart's coupon codes and who checks them.
#[derive(Clone, Copy)]
pub struct CouponCodes<'a> {
    /// The codes.
    pub codes: &'a [String],
    /// The check.
    pub check: CouponCheck,
}

/// The store a cart is priced for.
#[derive(Debug, Clone)]
pub struct StoreScope {
    /// Its company.
    pub company_id: i64,
    /// The company's clock: the business day offers and coupons are valid on.
    pub clock: Clock,
    /// Its POS profile.
    pub profile_id: i64,
    /// Its warehouse.
    pub warehouse: String,
    /// The company currency.
    pub currency: Currency,
    /// Whether its profile applies the customer group's default discount.
    pub apply_customer_discount: bool,
    /// Its profile's Default Customer.
    pub default_customer_id: Option<i64>,
}

/// Store `store_id`'s scope.
pub fn store_scope(conn: &mut PgConnection, store_id: i64) -> QueryResult<StoreScope> {
    use crate::db::schema::{companies, stores};
    let (company_id, zone) = stores::table
        .inner_join(companies::table)
        .filter(stores::id.eq(store_id))
        .select((stores::company_id, companies::time_zone))
        .first::<(i64, String)>(conn)?;
    scope(conn, store_id, company_id, Clock::from_name(&zone))
}

/// The calling till's store's scope (the till knows its company: one query fewer).
pub fn till_scope(conn: &mut PgConnection, till: &Till) -> QueryResult<StoreScope> {
    scope(conn, till.store_id.get(), till.company_id.get(), till.clock)
}

fn scope(
    conn: &mut PgConnection,
    store_id: i64,
    company_id: i64,
    clock: Clock,
) -> QueryResult<StoreScope> {
    let (warehouse, currency, profile_id, settings) =
        crate::stores::model::sale_context(conn, store_id)?;
    Ok(StoreScope {
        company_id,
        clock,
        profile_id,
        warehouse,
        currency,
        apply_customer_discount: settings.apply_customer_discount,
        default_customer_id: settings.default_customer_id,
    })
}

/// A line as the cart brings it.
#[derive(Debug, Clone)]
pub struct WantedLine {
    /// Item Code.
    pub item_code: String,
    /// Quantity.
    pub qty: Decimal,
    /// Price List Rate.
    pub price_list_rate: Decimal,
    /// The cashier's manual discount on the line (0: none).
    pub manual_discount: Decimal,
}

/// A priced line, in the shape of an invoice line.
#[derive(Debug, Clone, PartialEq)]
pub struct PricedLine {
    /// Item Code.
    pub item_code: String,
    /// Quantity.
    pub qty: Decimal,
    /// Price List Rate.
    pub price_list_rate: Decimal,
    /// The line's discount.
    pub discount_amount: Decimal,
    /// What the line comes to.
    pub amount: Decimal,
    /// A free line an offer gave.
    pub is_offer: bool,
    /// The offer's Title ("Customer group discount" is no offer: none).
    pub offer: Option<String>,
}

/// What happened to one offer.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferOutcome {
    /// The offer and version.
    pub offer: OfferRef,
    /// Its Title.
    pub title: String,
    /// None when it applied; else why not.
    pub reason: Option<String>,
    /// Whether the sale's one Grand Total offer went to another that gives more (the simulator
    /// says which, and whose coupon brought it).
    pub displaced: bool,
}

/// A priced cart.
#[derive(Debug, Clone)]
pub struct PricedCart {
    /// Paid lines, then free lines.
    pub lines: Vec<PricedLine>,
    /// The Grand Total offer's Title and discount.
    pub grand_total_offer: Option<(String, Decimal)>,
    /// Bonus points and the offer's Title.
    pub bonus_points: Vec<(String, i64)>,
    /// Sum of line amounts.
    pub net_total: Decimal,
    /// Sum of line discounts.
    pub discount_amount: Decimal,
    /// Net total less the grand-total discount.
    pub grand_total: Decimal,
    /// Every offer considered: applied first, in the order they applied, then the others.
    pub offers: Vec<OfferOutcome>,
    /// The currency amounts are in.
    pub currency: Currency,
}

/// Prices `lines` for `customer` at `store` at `at`; unknown items are refused by line, and a
/// coupon code that may not be used by its place in `coupon_codes`.
pub fn price(
    conn: &mut PgConnection,
    store: &StoreScope,
    customer: Option<i64>,
    at: DateTime<Utc>,
    lines: &[WantedLine],
    coupons: CouponCodes,
) -> Result<PricedCart, AppError> {
    let (priced, refused) = price_without_refused(conn, store, customer, at, lines, coupons)?;
    refused.into_result(priced).map_err(AppError::Validation)
}

/// As `price`, but a coupon code that may not be used leaves the cart priced without it: its
/// reason comes back beside the cart (by `coupon_codes[i]`), as the simulator shows it.
pub fn price_without_refused(
    conn: &mut PgConnection,
    store: &StoreScope,
    customer: Option<i64>,
    at: DateTime<Utc>,
    lines: &[WantedLine],
    coupons: CouponCodes,
) -> Result<(PricedCart, FieldErrors), AppError> {
    let codes: Vec<String> = lines
        .iter()
        .map(|l| l.item_code.trim().to_uppercase())
        .collect();
    let known = sales::items::items_by_code(conn, &codes)?;
    let mut errors = FieldErrors::new();
    let mut cart_lines = Vec::with_capacity(lines.len());
    for (index, (line, code)) in lines.iter().zip(&codes).enumerate() {
        let Some(item) = known.iter().find(|i| &i.item_code == code) else {
            errors.add(
                &format!("lines[{index}].item_code"),
                format!("No item has the code {code}."),
            );
            continue;
        };
        if !line.qty.is_sign_positive() || line.qty.is_zero() || line.qty.scale() > 4 {
            errors.add(
                &format!("lines[{index}].qty"),
                "The quantity is a number above 0.",
            );
        }
        if line.price_list_rate.is_sign_negative() || line.price_list_rate.scale() > 4 {
            errors.add(
                &format!("lines[{index}].price_list_rate"),
                "The rate is a number of 0 or more.",
            );
        }
        let gross = line.qty.checked_mul(line.price_list_rate);
        if !line.manual_discount.is_zero()
            && (line.manual_discount.is_sign_negative()
                || line.manual_discount.scale() > 4
                || gross.is_none_or(|gross| line.manual_discount > gross))
        {
            errors.add(
                &format!("lines[{index}].manual_discount"),
                "The manual discount is between 0 and the line's quantity times its rate.",
            );
        }
        cart_lines.push(CartLine {
            item_code: item.item_code.clone(),
            item_groups: item.item_groups.clone(),
            brand_id: item.brand_id,
            qty: line.qty,
            price_list_rate: line.price_list_rate,
            manual_discount: line.manual_discount,
        });
    }
    errors.into_result(()).map_err(AppError::Validation)?;
    let loaded = in_force::of_company(conn, store.company_id)?;
    let shopper = match customer {
        Some(id) => shopper::of_customer_with(conn, id, loaded.aims_at_segments())?,
        None => Shopper::default(),
    };
    let spent = campaigns::spent(conn, store.company_id)?;
    let offers = loaded.at(at);
    let mut refused = FieldErrors::new();
    let mut coupon_offers = Vec::new();
    for (index, code) in coupons.codes.iter().enumerate() {
        let ask = CouponAsk {
            code,
            store,
            customer,
            on: store.clock.date(at),
        };
        match (coupons.check)(conn, &ask, &offers)? {
            Ok(offer) => coupon_offers.push(offer),
            Err(message) => refused.add(&format!("coupon_codes[{index}]"), message),
        }
    }
    let cart = Cart {
        company_id: store.company_id,
        profile_id: store.profile_id,
        warehouse: &store.warehouse,
        customer_groups: &shopper.groups,
        segments: &shopper.segments,
        posting_date: store.clock.date(at),
        coupon_offers: &coupon_offers,
        spent_campaigns: &spent,
        customer_discount: if store.apply_customer_discount {
            shopper.default_discount
        } else {
            Decimal::ZERO
        },
        currency: &store.currency,
        lines: &cart_lines,
    };
    let priced = rules::evaluate(&cart, &offers);
    let free_rates = free_item_rates(conn, &priced)?;
    Ok((
        shape(&cart, &offers, &priced, &free_rates, &store.currency),
        refused,
    ))
}

/// Why `customer` would not be credited bonus points at `company` on `day` (none: they would),
/// as loyalty's bonus credit decides it: a member of a program of the company that runs that day.
/// Words that fit after "Not credited: " ("the customer is in no loyalty program of this company").
pub fn bonus_not_credited(
    conn: &mut PgConnection,
    customer: Option<i64>,
    company: i64,
    day: NaiveDate,
) -> QueryResult<Option<String>> {
    let Some(customer) = customer else {
        return Ok(Some("the sale has no customer to credit them to".into()));
    };
    let Some(member) = crate::loyalty::model::ledger::membership(conn, customer, company)? else {
        return Ok(Some(
            "the customer is in no loyalty program of this company".into(),
        ));
    };
    let program = crate::loyalty::model::programs::find(conn, member.program_id)?;
    Ok(
        (!program.runs_on(day))
            .then(|| format!("{} does not run on that day", program.fields.name)),
    )
}

impl PricedCart {
    /// The cart as it is for a customer who would get no bonus points: none listed, and each
    /// Loyalty Point offer that gave them among the offers that did not apply, with `why`.
    pub fn withhold_bonus(&mut self, why: &str) {
        let giving: Vec<String> = self.bonus_points.drain(..).map(|(t, _)| t).collect();
        for outcome in &mut self.offers {
            if outcome.reason.is_none() && giving.contains(&outcome.title) {
                outcome.reason = Some(format!("no bonus points: {why}"));
            }
        }
        // Applied first, then the others, each part in its order.
        self.offers.sort_by_key(|o| o.reason.is_some());
    }
}

/// The standard rate of free items that are not in the cart (a free line shows what it is worth).
fn free_item_rates(
    conn: &mut PgConnection,
    priced: &rules::Priced,
) -> QueryResult<HashMap<String, Decimal>> {
    let wanted: Vec<&str> = priced
        .free
        .iter()
        .filter(|f| f.price_list_rate.is_none())
        .map(|f| f.item_code.as_str())
        .collect();
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(items::table
        .filter(items::item_code.eq_any(wanted))
        .select((items::item_code, items::standard_rate))
        .load::<(String, Decimal)>(conn)?
        .into_iter()
        .collect())
}

fn shape(
    cart: &Cart,
    offers: &[Offer],
    priced: &rules::Priced,
    free_rates: &HashMap<String, Decimal>,
    currency: &Currency,
) -> PricedCart {
    let titles: HashMap<OfferRef, &str> = offers
        .iter()
        .map(|o| (o.reference(), o.title.as_str()))
        .collect();
    let title = |r: &OfferRef| titles.get(r).map_or_else(String::new, |t| (*t).to_owned());
    let mut lines = Vec::new();
    for (line, out) in cart.lines.iter().zip(&priced.lines) {
        if out.qty.is_zero() {
            continue;
        }
        let gross = currency.round(out.qty * line.price_list_rate);
        lines.push(PricedLine {
            item_code: line.item_code.clone(),
            qty: out.qty,
            price_list_rate: line.price_list_rate,
            discount_amount: out.discount,
            amount: gross - out.discount,
            is_offer: false,
            // A manual or customer group discount names no offer.
            offer: match out.source {
                Some(DiscountSource::Offer(r)) => Some(title(&r)),
                _ => None,
            },
        });
    }
    for free in &priced.free {
        let rate = free
            .price_list_rate
            .or_else(|| free_rates.get(&free.item_code).copied())
            .unwrap_or_default();
        lines.push(PricedLine {
            item_code: free.item_code.clone(),
            qty: free.qty,
            price_list_rate: rate,
            discount_amount: currency.round(free.qty * rate),
            amount: Decimal::ZERO,
            is_offer: true,
            offer: Some(title(&free.offer)),
        });
    }
    let net_total: Decimal = lines.iter().map(|l| l.amount).sum();
    let discount_amount: Decimal = lines.iter().map(|l| l.discount_amount).sum();
    let grand_total_offer = priced.grand_total.map(|(amount, r)| (title(&r), amount));
    let grand_total = net_total - grand_total_offer.as_ref().map_or(Decimal::ZERO, |g| g.1);
    let mut outcomes: Vec<OfferOutcome> = priced
        .applied
        .iter()
        .map(|r| OfferOutcome {
            offer: *r,
            title: title(r),
            reason: None,
            displaced: false,
        })
        .collect();
    outcomes.extend(priced.missed.iter().map(|(r, reason)| OfferOutcome {
        offer: *r,
        title: title(r),
        reason: Some(reason.to_string()),
        displaced: matches!(reason, rules::Reason::AnotherGrandTotal { .. }),
    }));
    PricedCart {
        lines,
        grand_total_offer,
        bonus_points: priced
            .bonus_points
            .iter()
            .map(|(points, r)| (title(r), *points))
            .collect(),
        net_total,
        discount_amount,
        grand_total,
        offers: outcomes,
        currency: currency.clone(),
    }
}
