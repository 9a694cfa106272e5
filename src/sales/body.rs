//! An invoice as a till sends it (`POST /api/v1/invoices`). Amounts are JSON strings ("39.98")
//! or numbers; times are RFC 3339. Reading it names the field a till got wrong (`api::json`).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use patron_rules::sales::PayMode;

/// The invoice.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct InvoiceBody {
    /// The till's uuid for the sale: the same uuid is the same sale.
    pub id: Uuid,
    /// The till's own number ("S1-000123").
    pub number: String,
    /// When the sale was made: not on a business day before its company was set up in Patron,
    /// nor more than `PATRON_TILL_FUTURE_MINUTES` (a day) ahead of the server's clock.
    pub posted_at: DateTime<Utc>,
    /// The customer by uuid...
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    /// ...or by code; neither: the store's Default Customer.
    #[serde(default)]
    pub customer_code: Option<String>,
    /// Employee code of the sales person (one the store allows).
    #[serde(default)]
    pub sales_person: Option<String>,
    /// What was sold.
    pub lines: Vec<LineBody>,
    /// Coupon codes the sale uses (any case): each must pass the validation chain at `posted_at`
    /// and counts one use; a code used up meanwhile refuses the sale.
    #[serde(default)]
    pub coupon_codes: Vec<String>,
    /// Loyalty points redeemed: at most the customer's balance on the posting date, in their
    /// program of this company; the soonest-expiring points go first.
    #[serde(default)]
    pub loyalty_points_redeemed: i64,
    /// What the redeemed points are worth: points x the program's conversion factor, rounded in
    /// the company currency, at most the grand total. Payments cover the grand total less this.
    #[serde(default)]
    #[schema(value_type = String, format = "decimal")]
    pub loyalty_amount: Decimal,
    /// Label of one of the store's delivery charges; the rate comes from the profile.
    #[serde(default)]
    pub delivery_charge: Option<String>,
    /// The Grand Total offer the sale takes, if any: the grand total is the net total less its
    /// amount, plus delivery.
    #[serde(default)]
    pub grand_total_offer: Option<GrandTotalOfferBody>,
    /// How it was paid.
    #[serde(default)]
    pub payments: Vec<PaymentBody>,
    /// The till's totals, checked against the server's.
    pub totals: TotalsBody,
    /// For a return: the uuid of the invoice being returned against.
    #[serde(default)]
    pub return_against: Option<Uuid>,
}

/// One line.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[schema(as = InvoiceLineBody)]
pub struct LineBody {
    /// Item Code.
    pub item_code: String,
    /// Quantity (negative on returns).
    #[schema(value_type = String, format = "decimal")]
    pub qty: Decimal,
    /// Price List Rate.
    #[schema(value_type = String, format = "decimal")]
    pub price_list_rate: Decimal,
    /// Discount on the line.
    #[serde(default)]
    #[schema(value_type = String, format = "decimal")]
    pub discount_amount: Decimal,
    /// Whether the line came from an offer (offer lines earn no points).
    #[serde(default)]
    pub is_offer: bool,
    /// Which offer.
    #[serde(default)]
    pub offer: Option<String>,
}

/// A Grand Total offer claimed by a sale.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct GrandTotalOfferBody {
    /// The offer's Title.
    pub offer: String,
    /// The discount it gives on the net total.
    #[schema(value_type = String, format = "decimal")]
    pub amount: Decimal,
}

/// One payment.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[schema(as = InvoicePaymentBody)]
pub struct PaymentBody {
    /// cash, card, on_account, store_credit or gift_card.
    #[schema(value_type = PayModeSchema)]
    pub mode: PayMode,
    /// Amount (negative for refunds).
    #[schema(value_type = String, format = "decimal")]
    pub amount: Decimal,
    /// For `gift_card` (and only there): the number of the card that pays, or on a return the
    /// card the refund goes back onto. Several payments may name the same card.
    #[serde(default)]
    pub card: Option<String>,
}

/// The till's totals.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[schema(as = InvoiceTotalsBody)]
pub struct TotalsBody {
    /// Sum of the line amounts.
    #[schema(value_type = String, format = "decimal")]
    pub net_total: Decimal,
    /// Sum of the line discounts.
    #[serde(default)]
    #[schema(value_type = String, format = "decimal")]
    pub discount_amount: Decimal,
    /// Net total less the Grand Total offer's discount, plus delivery.
    #[schema(value_type = String, format = "decimal")]
    pub grand_total: Decimal,
}

/// How a sale is paid, as the OpenAPI document shows `rules::PayMode` (the rules stay free of
/// utoipa).
#[derive(ToSchema)]
#[schema(as = PayMode, rename_all = "snake_case")]
#[expect(dead_code, reason = "only documents the values of `rules::PayMode`")]
enum PayModeSchema {
    /// Notes and coins: the only mode that gives change.
    Cash,
    /// Card.
    Card,
    /// On the customer's account (raises what they owe, within their credit limit).
    OnAccount,
    /// Store credit.
    StoreCredit,
    /// Gift card.
    GiftCard,
}
