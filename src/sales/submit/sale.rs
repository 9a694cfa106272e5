//! The sale as the pipeline builds it: the store context loaded once, the customer, the lines
//! resolved to items (with their item group's ancestry and brand, what offers match on), then the
//! totals and the settlement. Area steps read it; Pricing steps may change line discounts.

use std::any::Any;
use std::sync::Arc;

use chrono::NaiveDate;
use patron_rules::clock::Clock;
use patron_rules::sales::{self as rules, LineFigures, Settlement, Totals};
use patron_rules::{CompanyId, Currency, CustomerId, ItemId, StoreId};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::kernel::Till;
use crate::sales::body::InvoiceBody;
use crate::sales::model::InvoiceRow;
use crate::stores::model::profile::ProfileSettings;

/// The store a sale is made at, loaded once per submission.
#[derive(Debug, Clone)]
pub struct StoreContext {
    /// The store.
    pub store_id: StoreId,
    /// Its company.
    pub company_id: CompanyId,
    /// The company's clock: the business day the sale is filed under.
    pub clock: Clock,
    /// The store's warehouse.
    pub warehouse: String,
    /// The company's currency.
    pub currency: Currency,
    /// The store's POS profile.
    pub profile_id: i64,
    /// Its settings (the Default Customer, the switches).
    pub settings: ProfileSettings,
}

/// The customer a sale is for (a merged customer already followed to the one they were kept as).
#[derive(Debug, Clone)]
pub struct SaleCustomer {
    /// Who.
    pub id: CustomerId,
    /// Their credit limit, for what goes on account.
    pub credit_limit: Decimal,
    /// Their uuid, code and name, as the answer names them.
    pub named: (Uuid, String, String),
}

/// An item as a line sells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoldItem {
    /// The item.
    pub id: ItemId,
    /// Item Code.
    pub code: String,
    /// Name, as printed on the invoice.
    pub name: String,
    /// Its item group first, then that group's ancestors up to the root.
    pub item_groups: Vec<i64>,
    /// Its brand.
    pub brand_id: Option<i64>,
}

/// One line of the sale.
#[derive(Debug, Clone)]
pub struct Line {
    /// What is sold.
    pub item: SoldItem,
    /// Quantity, rate and discount.
    pub figures: LineFigures,
    /// Whether an offer gave the line.
    pub is_offer: bool,
    /// Which offer.
    pub offer: Option<String>,
}

/// A delivery charge of the store's profile.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Its label.
    pub label: String,
    /// What it costs.
    pub rate: Decimal,
}

/// The sale being submitted.
#[derive(Debug, Clone)]
pub struct Sale<'a> {
    /// The till that sends it.
    pub till: &'a Till,
    /// What the till sent.
    pub body: &'a InvoiceBody,
    /// Where it is made.
    pub store: StoreContext,
    /// For whom.
    pub customer: SaleCustomer,
    /// The sales person, if the till named one.
    pub sales_person_id: Option<i64>,
    /// Their employee code, as stored.
    pub sales_person_code: Option<String>,
    /// The lines.
    pub lines: Vec<Line>,
    /// The delivery charge, if any.
    pub delivery: Option<Delivery>,
    /// For a return: the invoice returned against, locked.
    pub original: Option<InvoiceRow>,
    /// The server's totals (set by the totals step).
    pub totals: Totals,
    /// How the payments settle it (set by the settlement step).
    pub settlement: Settlement,
    /// The offers the sale's coupons make eligible (set by the coupons step, before offers).
    pub coupon_offers: Vec<i64>,
    /// The offers step has uses of offers to record (set in its plan): later steps that read
    /// them back skip a plain sale.
    pub offers_used: bool,
    /// The company's offers in force, loaded by the first step that needs them (coupons or
    /// offers: `offers::in_force::of_sale`) and reused by the next.
    pub loaded_offers: Loaded,
}

/// Something an area loads once per sale for its steps, opaque to sales (which knows no area's
/// types): the first step to need it stores it, later ones take it back by its type.
#[derive(Clone, Default)]
pub struct Loaded(Option<Arc<dyn Any + Send + Sync>>);

impl Loaded {
    /// What was stored, if it is a `T`.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        self.0.clone()?.downcast().ok()
    }

    /// Stores `value` for the steps after this one.
    pub fn set<T: Any + Send + Sync>(&mut self, value: Arc<T>) {
        self.0 = Some(value);
    }
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Loaded(..)"
        } else {
            "Loaded(none)"
        })
    }
}

impl Sale<'_> {
    /// The company currency.
    pub fn currency(&self) -> &Currency {
        &self.store.currency
    }

    /// The business day of the sale (the company's day of `posted_at`).
    pub fn posted_on(&self) -> NaiveDate {
        self.store.clock.date(self.body.posted_at)
    }

    /// What the lines an offer gave come to.
    pub fn offer_lines_amount(&self) -> Decimal {
        self.lines
            .iter()
            .filter(|line| line.is_offer)
            .map(|line| rules::line_amount(self.currency(), &line.figures))
            .sum()
    }
}
