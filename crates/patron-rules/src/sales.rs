//! The arithmetic of a sale, pure: line amounts and totals in the company currency, which
//! payments settle a sale, what a line may hold and which dates a till may give it. Every amount
//! is rust_decimal and rounds in one place (`Currency::round`, half away from zero).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::Currency;
use crate::clock::Clock;

/// How a sale is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayMode {
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

impl PayMode {
    /// The stored name (`on_account`).
    pub fn as_str(self) -> &'static str {
        match self {
            PayMode::Cash => "cash",
            PayMode::Card => "card",
            PayMode::OnAccount => "on_account",
            PayMode::StoreCredit => "store_credit",
            PayMode::GiftCard => "gift_card",
        }
    }

    /// The mode as people read it ("On account"): the one wording of every page.
    pub fn label(self) -> &'static str {
        match self {
            PayMode::Cash => "Cash",
            PayMode::Card => "Card",
            PayMode::OnAccount => "On account",
            PayMode::StoreCredit => "Store credit",
            PayMode::GiftCard => "Gift card",
        }
    }

    /// The mode stored as `text`, if it is one.
    pub fn from_stored(text: &str) -> Option<PayMode> {
        [
            PayMode::Cash,
            PayMode::Card,
            PayMode::OnAccount,
            PayMode::StoreCredit,
            PayMode::GiftCard,
        ]
        .into_iter()
        .find(|mode| mode.as_str() == text)
    }
}

/// Any stored payment mode as people read it: a sale's (`PayMode::label`) or a payment towards
/// an account's ("bank_transfer" reads "Bank transfer"); an unknown name reads with spaces.
pub fn mode_label(stored: &str) -> String {
    if let Some(mode) = PayMode::from_stored(stored) {
        return mode.label().to_owned();
    }
    match stored {
        "bank_transfer" => "Bank transfer".to_owned(),
        "cheque" => "Cheque".to_owned(),
        other => {
            let words = other.replace('_', " ");
            let mut chars = words.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        }
    }
}

/// Where an invoice stands: submitted (it counts) or cancelled (it does not). Stored as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceStatus {
    /// Written and counted in balances, points and reports.
    Submitted,
    /// Cancelled: kept for history, counted nowhere.
    Cancelled,
}

impl InvoiceStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Submitted => "submitted",
            InvoiceStatus::Cancelled => "cancelled",
        }
    }

    /// The status stored as `text` (anything unknown reads as cancelled: it never counts).
    pub fn from_stored(text: &str) -> InvoiceStatus {
        if text == "submitted" {
            InvoiceStatus::Submitted
        } else {
            InvoiceStatus::Cancelled
        }
    }
}

/// A line as sent: quantity, list rate and discount.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineFigures {
    /// Quantity (negative on returns).
    pub qty: Decimal,
    /// Price List Rate.
    pub price_list_rate: Decimal,
    /// Discount on the whole line (negative on returns, like the quantity).
    pub discount_amount: Decimal,
}

/// What a line comes to: quantity times rate less discount, rounded to the currency.
pub fn line_amount(currency: &Currency, line: &LineFigures) -> Decimal {
    currency.round(line.qty * line.price_list_rate - line.discount_amount)
}

/// Largest quantity on one line, and largest rate: beyond them a till has surely gone wrong
/// (and the database's amounts, 14 digits before the point, would overflow).
pub const MAX_QTY: i64 = 1_000_000;
/// See `MAX_QTY`.
pub const MAX_RATE: i64 = 10_000_000_000;
/// Largest single payment (or refund): a sale of `MAX_QTY` at `MAX_RATE` is far past anything
/// a till takes in one payment.
pub const MAX_PAYMENT: i64 = 10_000_000_000;

/// Why a line's quantity or rate is out of range (the field and the message), if it is: checked
/// before anything multiplies them.
pub fn line_in_range(qty: Decimal, rate: Decimal) -> Result<(), (&'static str, &'static str)> {
    if qty.abs() > Decimal::from(MAX_QTY) || qty.scale() > 4 {
        return Err(("qty", "The quantity is out of range."));
    }
    if rate.abs() > Decimal::from(MAX_RATE) || rate.scale() > 4 {
        return Err(("price_list_rate", "The rate is out of range."));
    }
    Ok(())
}

/// The dates a till may give a sale: from the first business day of its company in Patron
/// (`since`, on the company's `clock`) to `ahead` past the server's clock `now` (a till's clock
/// drifts, and a sale made offline arrives later, never earlier). Why `posted_at` is outside
/// them, if it is.
pub fn check_posted_at(
    posted_at: DateTime<Utc>,
    now: DateTime<Utc>,
    ahead: Duration,
    clock: Clock,
    since: NaiveDate,
) -> Result<(), String> {
    if posted_at > now + ahead {
        return Err(format!(
            "The sale cannot be dated more than {} ahead of the server's clock: check the \
             till's date and time.",
            span(ahead)
        ));
    }
    // Compared as instants: the business day of a date thousands of years away is not needed.
    if posted_at < clock.start_of(since) {
        return Err(format!(
            "The sale cannot be dated before {since}, the day its company was set up: check \
             the till's date and time."
        ));
    }
    Ok(())
}

/// A length of time as people say it: "a day", "2 hours", "90 minutes".
fn span(length: Duration) -> String {
    let minutes = length.num_minutes();
    let (count, unit) = if minutes != 0 && minutes % 1440 == 0 {
        (minutes / 1440, "day")
    } else if minutes != 0 && minutes % 60 == 0 {
        (minutes / 60, "hour")
    } else {
        (minutes, "minute")
    };
    match count {
        1 if unit == "hour" => "an hour".to_owned(),
        1 => format!("a {unit}"),
        n => format!("{n} {unit}s"),
    }
}

/// Why a line cannot be sold (or returned), if it cannot.
pub fn check_line(line: &LineFigures, is_return: bool) -> Result<(), (&'static str, String)> {
    if line.qty.is_zero() {
        return Err(("qty", "The quantity cannot be zero.".into()));
    }
    if !is_return && line.qty.is_sign_negative() {
        return Err((
            "qty",
            "A sale cannot have a negative quantity; send a return (return_against) instead."
                .into(),
        ));
    }
    if is_return && line.qty.is_sign_positive() {
        return Err(("qty", "A return's quantities are negative.".into()));
    }
    if line.price_list_rate.is_sign_negative() && !line.price_list_rate.is_zero() {
        return Err(("price_list_rate", "The rate cannot be negative.".into()));
    }
    let gross = (line.qty * line.price_list_rate).abs();
    let discount = line.discount_amount;
    if !discount.is_zero() && (discount.is_sign_negative() != is_return || discount.abs() > gross) {
        return Err((
            "discount_amount",
            "The discount must be between 0 and the line's quantity times its rate (negative on returns).".into(),
        ));
    }
    Ok(())
}

/// The totals of a sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Sum of the line amounts.
    pub net_total: Decimal,
    /// Sum of the line discounts.
    pub discount_amount: Decimal,
    /// A Grand Total offer's discount on the net total.
    pub grand_total_discount: Decimal,
    /// The delivery charge.
    pub delivery_amount: Decimal,
    /// What the sale comes to: net total less the grand-total discount, plus delivery.
    pub grand_total: Decimal,
}

/// The totals of `lines` less a grand-total discount plus a delivery charge, each rounded to the
/// currency.
pub fn totals(
    currency: &Currency,
    lines: &[LineFigures],
    grand_total_discount: Decimal,
    delivery: Decimal,
) -> Totals {
    let net_total: Decimal = lines.iter().map(|l| line_amount(currency, l)).sum();
    let discount_amount = currency.round(lines.iter().map(|l| l.discount_amount).sum());
    let grand_total_discount = currency.round(grand_total_discount);
    let delivery_amount = currency.round(delivery);
    Totals {
        net_total,
        discount_amount,
        grand_total_discount,
        delivery_amount,
        grand_total: net_total - grand_total_discount + delivery_amount,
    }
}

/// How a sale's payments settle what is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settlement {
    /// Everything paid.
    pub paid: Decimal,
    /// Cash handed back.
    pub change: Decimal,
    /// Put on the customer's account.
    pub on_account: Decimal,
}

/// Checks that `payments` settle `due` (the grand total less any loyalty amount): a sale's
/// payments are positive and cover it, and only cash may give change, at most `max_change` (the
/// store's Maximum Change); a return's are negative (refunds) and add up to it exactly.
pub fn settle(
    currency: &Currency,
    due: Decimal,
    payments: &[(PayMode, Decimal)],
    max_change: Decimal,
) -> Result<Settlement, String> {
    let is_return = due.is_sign_negative() && !due.is_zero();
    for (mode, amount) in payments {
        if amount.abs() > Decimal::from(MAX_PAYMENT) {
            return Err(format!("The {} amount is out of range.", mode.as_str()));
        }
        if amount.is_zero() || amount.is_sign_negative() != is_return {
            return Err(if is_return {
                format!("A refund's {} amount must be negative.", mode.as_str())
            } else {
                format!("The {} amount must be more than zero.", mode.as_str())
            });
        }
        if currency.round(*amount) != *amount {
            return Err(format!(
                "The {} amount has more decimals than {} has.",
                mode.as_str(),
                currency.code
            ));
        }
    }
    let paid: Decimal = payments.iter().map(|(_, a)| *a).sum();
    let not_cash: Decimal = payments
        .iter()
        .filter(|(mode, _)| *mode != PayMode::Cash)
        .map(|(_, a)| *a)
        .sum();
    let on_account: Decimal = payments
        .iter()
        .filter(|(mode, _)| *mode == PayMode::OnAccount)
        .map(|(_, a)| *a)
        .sum();
    if is_return {
        if paid != due {
            return Err(format!(
                "The refunds add up to {paid}, but the return comes to {due}."
            ));
        }
        return Ok(Settlement {
            paid,
            change: Decimal::ZERO,
            on_account,
        });
    }
    if paid < due {
        return Err(format!(
            "The payments add up to {paid}, less than the {due} due."
        ));
    }
    if not_cash > due {
        return Err("Only cash can be more than what is due (to give change).".into());
    }
    if paid - due > max_change {
        return Err(format!(
            "Paid {paid} on {due} due would give {} in change, more than the store's Maximum \
             Change of {}.",
            paid - due,
            currency.round(max_change)
        ));
    }
    Ok(Settlement {
        paid,
        change: paid - due,
        on_account,
    })
}

/// "Submitted", "Cancelled" or "Return": the badge of an invoice.
pub fn status_label(status: &str, is_return: bool) -> &'static str {
    match (status, is_return) {
        ("cancelled", _) => "Cancelled",
        (_, true) => "Return",
        _ => "Submitted",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_badge_says_cancelled_before_return() {
        assert_eq!(status_label("submitted", false), "Submitted");
        assert_eq!(status_label("submitted", true), "Return");
        assert_eq!(status_label("cancelled", true), "Cancelled");
        assert_eq!(status_label("cancelled", false), "Cancelled");
    }

    #[test]
    fn a_sale_is_dated_between_its_company_s_first_day_and_a_window_past_now() {
        let clock = Clock::from_name("America/New_York");
        let now: DateTime<Utc> = "2026-12-07T12:00:00Z".parse().unwrap();
        let since = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        let check = |at: &str, ahead: i64| {
            check_posted_at(
                at.parse().unwrap(),
                now,
                Duration::minutes(ahead),
                clock,
                since,
            )
        };
        // The company's first day starts at midnight New York time (05:00 UTC).
        assert!(check("2025-03-01T05:00:00Z", 1440).is_ok());
        assert!(check("2026-12-08T12:00:00Z", 1440).is_ok());
        let before = check("2025-03-01T04:59:59Z", 1440).unwrap_err();
        assert!(before.contains("before 2025-03-01"), "{before}");
        assert!(check("-4000-01-01T00:00:00Z", 1440).is_err());
        for (ahead, said) in [
            (1440, "a day"),
            (2880, "2 days"),
            (60, "an hour"),
            (120, "2 hours"),
            (90, "90 minutes"),
            (1, "a minute"),
            (0, "0 minutes"),
        ] {
            let later = now + Duration::minutes(ahead) + Duration::seconds(1);
            let message = check(&later.to_rfc3339(), ahead).unwrap_err();
            assert!(
                message.contains(&format!("more than {said} ahead")),
                "{message}"
            );
        }
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn line(qty: &str, rate: &str, discount: &str) -> LineFigures {
        LineFigures {
            qty: d(qty),
            price_list_rate: d(rate),
            discount_amount: d(discount),
        }
    }

    #[test]
    fn payment_modes_read_in_words() {
        for (stored, label) in [
            ("cash", "Cash"),
            ("card", "Card"),
            ("on_account", "On account"),
            ("store_credit", "Store credit"),
            ("gift_card", "Gift card"),
            ("bank_transfer", "Bank transfer"),
            ("cheque", "Cheque"),
            ("loyalty_points", "Loyalty points"),
        ] {
            assert_eq!(mode_label(stored), label, "{stored}");
        }
        assert_eq!(PayMode::from_stored("gift_card"), Some(PayMode::GiftCard));
        assert_eq!(PayMode::from_stored("Gift card"), None);
    }

    #[test]
    fn totals_round_each_line_to_the_currency() {
        let usd = Currency::usd();
        let lines = [line("2", "19.99", "0"), line("3", "0.335", "0.10")];
        // 39.98 + (1.005 - 0.10 = 0.905 -> 0.91)
        let t = totals(&usd, &lines, d("0"), d("5"));
        assert_eq!(t.net_total, d("40.89"));
        assert_eq!(t.discount_amount, d("0.10"));
        assert_eq!(t.delivery_amount, d("5.00"));
        assert_eq!(t.grand_total, d("45.89"));
        let yen = Currency {
            code: "JPY".into(),
            minor_unit: 0,
            symbol: "¥".into(),
        };
        assert_eq!(
            totals(&yen, &[line("3", "333.5", "0")], d("0"), d("0")).grand_total,
            d("1001")
        );
    }

    #[test]
    fn lines_are_checked_for_what_a_till_could_get_wrong() {
        assert!(check_line(&line("1", "10", "0"), false).is_ok());
        assert_eq!(
            check_line(&line("0", "10", "0"), false).unwrap_err().0,
            "qty"
        );
        assert_eq!(
            check_line(&line("-1", "10", "0"), false).unwrap_err().0,
            "qty"
        );
        assert_eq!(
            check_line(&line("1", "-10", "0"), false).unwrap_err().0,
            "price_list_rate"
        );
        assert_eq!(
            check_line(&line("1", "10", "11"), false).unwrap_err().0,
            "discount_amount"
        );
        assert_eq!(
            check_line(&line("1", "10", "-1"), false).unwrap_err().0,
            "discount_amount"
        );
        assert!(check_line(&line("-1", "10", "-2"), true).is_ok());
        assert_eq!(
            check_line(&line("1", "10", "0"), true).unwrap_err().0,
            "qty"
        );
    }

    #[test]
    fn quantities_rates_and_payments_past_their_bounds_are_refused() {
        assert_eq!(line_in_range(d("1000000"), d("10000000000")), Ok(()));
        assert_eq!(line_in_range(d("-1000000"), d("0")), Ok(()));
        assert_eq!(line_in_range(d("1000001"), d("1")).unwrap_err().0, "qty");
        assert_eq!(line_in_range(d("1.00001"), d("1")).unwrap_err().0, "qty");
        assert_eq!(
            line_in_range(d("1"), d("10000000001")).unwrap_err().0,
            "price_list_rate"
        );
        let usd = Currency::usd();
        let any_change = d("100000000000");
        assert!(
            settle(
                &usd,
                d("7.50"),
                &[(PayMode::Cash, d("10000000000"))],
                any_change
            )
            .is_ok()
        );
        assert_eq!(
            settle(
                &usd,
                d("7.50"),
                &[(PayMode::Cash, d("10000000001"))],
                any_change
            )
            .unwrap_err(),
            "The cash amount is out of range."
        );
        // Change stops at the store's Maximum Change.
        let twenty = [(PayMode::Cash, d("20"))];
        assert_eq!(
            settle(&usd, d("7.50"), &twenty, d("12.50")).unwrap().change,
            d("12.50")
        );
        assert!(
            settle(&usd, d("7.50"), &twenty, d("12.49"))
                .unwrap_err()
                .contains("more than the store's Maximum Change of 12.49")
        );
    }

    #[test]
    fn payments_cover_the_sale_and_only_cash_gives_change() {
        let usd = Currency::usd();
        let cash = |a: &str| (PayMode::Cash, d(a));
        let card = |a: &str| (PayMode::Card, d(a));
        let account = |a: &str| (PayMode::OnAccount, d(a));
        let s = settle(&usd, d("39.98"), &[cash("50")], d("1000")).unwrap();
        assert_eq!((s.paid, s.change), (d("50"), d("10.02")));
        let s = settle(&usd, d("39.98"), &[card("20"), account("19.98")], d("1000")).unwrap();
        assert_eq!((s.change, s.on_account), (Decimal::ZERO, d("19.98")));
        assert!(settle(&usd, d("39.98"), &[card("39.97")], d("1000")).is_err());
        assert!(settle(&usd, d("39.98"), &[card("40")], d("1000")).is_err());
        assert!(settle(&usd, d("39.98"), &[card("-1"), cash("41")], d("1000")).is_err());
        assert!(settle(&usd, d("39.98"), &[cash("39.985")], d("1000")).is_err());
        assert!(settle(&usd, d("0"), &[], d("1000")).is_ok());
    }

    #[test]
    fn refunds_add_up_to_the_return_exactly() {
        let usd = Currency::usd();
        let s = settle(
            &usd,
            d("-19.99"),
            &[(PayMode::Cash, d("-19.99"))],
            d("1000"),
        )
        .unwrap();
        assert_eq!(s.paid, d("-19.99"));
        assert!(settle(&usd, d("-19.99"), &[(PayMode::Cash, d("-20"))], d("1000")).is_err());
        assert!(settle(&usd, d("-19.99"), &[(PayMode::Cash, d("19.99"))], d("1000")).is_err());
    }
}
