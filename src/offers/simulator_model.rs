//! The offer simulator's form as typed (cart lines, store, posting date, customer, coupon codes)
//! read into a cart to price, and a priced cart as the simulator's page shows it. No I/O here.

use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use patron_rules::offers::Reason;
use patron_rules::stores::typed_number;
use patron_rules::{Clock, Currency};
use rust_decimal::Decimal;

use super::pricing::PricedCart;
use crate::web::FieldErrors;

/// Lines a cart may hold (the till API's limit).
pub const MAX_LINES: usize = 1000;

/// Coupon codes a cart may carry.
pub const MAX_COUPONS: usize = 20;

/// One cart line as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    /// Item Code.
    pub item: String,
    /// Qty (blank: 1).
    pub qty: String,
    /// Rate (blank: the item's price).
    pub rate: String,
}

impl LineInput {
    fn is_blank(&self) -> bool {
        self.item.trim().is_empty() && self.qty.trim().is_empty() && self.rate.trim().is_empty()
    }
}

/// What the person asked for besides pricing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Price the cart.
    Price,
    /// Show one more blank line (the "Add line" button without JavaScript).
    AddLine,
    /// Take line `n` (from 0) out (its "Remove" button without JavaScript).
    Remove(usize),
}

/// The simulator's form as typed; every field is a query parameter, so a priced cart is a link.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimForm {
    /// Cart lines, in the order typed.
    pub lines: Vec<LineInput>,
    /// Store code (its POS profile prices the cart).
    pub store: String,
    /// Posting Date, `YYYY-MM-DD` (blank: today in the company's time zone).
    pub date: String,
    /// Customer code (blank: the store's Default Customer).
    pub customer: String,
    /// Coupon Codes, comma or space separated.
    pub coupons: String,
    /// "Try on invoice": an invoice number or uuid.
    pub invoice: String,
}

impl SimForm {
    /// Reads the query string. Lines come as repeated `item`, `qty` and `rate` (one of each per
    /// line, in page order); whether anything was asked at all is the third value (a first visit
    /// shows the empty form without messages).
    pub fn from_pairs(pairs: &[(String, String)]) -> (SimForm, Action, bool) {
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let column = |name: &str| -> Vec<String> {
            pairs
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .collect()
        };
        let (items, qtys, rates) = (column("item"), column("qty"), column("rate"));
        let count = items
            .len()
            .max(qtys.len())
            .max(rates.len())
            .min(MAX_LINES + 1);
        let cell = |values: &[String], i: usize| values.get(i).cloned().unwrap_or_default();
        let lines = (0..count)
            .map(|i| LineInput {
                item: cell(&items, i),
                qty: cell(&qtys, i),
                rate: cell(&rates, i),
            })
            .collect();
        let action = match (value("add").is_empty(), value("remove").parse::<usize>()) {
            (_, Ok(n)) => Action::Remove(n),
            (false, _) => Action::AddLine,
            _ => Action::Price,
        };
        let form = SimForm {
            lines,
            store: value("store"),
            date: value("date"),
            customer: value("customer"),
            coupons: value("coupons"),
            invoice: value("invoice"),
        };
        (form, action, !pairs.is_empty())
    }

    /// The form after `action` (a line taken out), its blank lines dropped: lines are then
    /// numbered as the page shows them, so that a message goes to its own line.
    pub fn apply(&mut self, action: Action) {
        if let Action::Remove(n) = action
            && n < self.lines.len()
        {
            self.lines.remove(n);
        }
        self.lines.retain(|l| !l.is_blank());
    }

    /// The lines as the page shows them: the typed ones, then a blank one to type into (two
    /// after "Add line").
    pub fn lines_shown(&self, action: Action) -> Vec<LineInput> {
        let mut shown = self.lines.clone();
        shown.push(LineInput::default());
        if action == Action::AddLine {
            shown.push(LineInput::default());
        }
        shown
    }

    /// The query string that prices this form again (`store=NORTH&date=...&item=...`).
    pub fn query(&self) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("store", &self.store),
            ("date", &self.date),
            ("customer", &self.customer),
            ("coupons", &self.coupons),
        ];
        for line in self.lines.iter().filter(|l| !l.is_blank()) {
            pairs.extend([
                ("item", line.item.as_str()),
                ("qty", line.qty.as_str()),
                ("rate", line.rate.as_str()),
            ]);
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// A cart line read from the form.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftLine {
    /// Its place in the form (from 0): where its messages go.
    pub row: usize,
    /// Item Code, as codes are kept (upper case).
    pub item_code: String,
    /// Qty.
    pub qty: Decimal,
    /// Rate; none: the item's price.
    pub rate: Option<Decimal>,
}

/// The form read: what the database still has to resolve (items, store, customer, coupons).
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// The lines with an item.
    pub lines: Vec<DraftLine>,
    /// The posting date; none: today.
    pub day: Option<NaiveDate>,
    /// The customer code; none: the store's Default Customer.
    pub customer: Option<String>,
    /// The coupon codes, each once.
    pub coupons: Vec<String>,
}

/// Where a line's message goes: `item_2`, `qty_2`, `rate_2`.
pub fn line_field(name: &str, row: usize) -> String {
    format!("{name}_{row}")
}

/// Reads `form` into a draft, or the messages by field. `priced` says whether the cart must
/// hold a line (a request to price it, rather than to add a line).
pub fn parse(form: &SimForm, priced: bool) -> Result<Draft, FieldErrors> {
    let (draft, errors) = read(form, priced);
    errors.into_result(draft)
}

/// As `parse`, but the draft comes with the messages: what was read well (the lines without
/// mistakes, the customer, the coupon codes) can still be looked up while the rest is fixed.
pub fn read(form: &SimForm, priced: bool) -> (Draft, FieldErrors) {
    let mut errors = FieldErrors::new();
    let mut lines = Vec::new();
    if form.lines.len() > MAX_LINES {
        errors.add(
            "lines",
            format!("A cart has at most {MAX_LINES} lines: take some out."),
        );
    }
    for (row, line) in form.lines.iter().enumerate().take(MAX_LINES) {
        if line.is_blank() {
            continue;
        }
        let code = line
            .item
            .split(" · ")
            .next()
            .unwrap_or_default()
            .trim()
            .to_uppercase();
        if code.is_empty() {
            errors.add(
                &line_field("item", row),
                "Enter an Item Code, or clear the line.",
            );
        }
        let qty = match typed_number(&line.qty) {
            None => Some(Decimal::ONE),
            Some(Ok(qty)) if qty > Decimal::ZERO && qty.normalize().scale() <= 4 => {
                Some(qty.normalize())
            }
            Some(_) => {
                errors.add(
                    &line_field("qty", row),
                    "Enter a Qty above 0, like 1 or 2.5.",
                );
                None
            }
        };
        let rate = match typed_number(&line.rate) {
            None => Some(None),
            Some(Ok(rate)) if rate >= Decimal::ZERO && rate.normalize().scale() <= 4 => {
                Some(Some(rate.normalize()))
            }
            Some(_) => {
                errors.add(
                    &line_field("rate", row),
                    "Enter a Rate of 0 or more, like 19.99.",
                );
                None
            }
        };
        if let (false, Some(qty), Some(rate)) = (code.is_empty(), qty, rate) {
            lines.push(DraftLine {
                row,
                item_code: code,
                qty,
                rate,
            });
        }
    }
    if priced && lines.is_empty() && errors.is_empty() {
        errors.add(
            &line_field("item", form.lines.len().min(MAX_LINES)),
            "Enter an Item Code: the cart needs a line to price.",
        );
    }
    let day = match form.date.trim() {
        "" => None,
        raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(day) if (1970..=9998).contains(&chrono::Datelike::year(&day)) => Some(day),
            _ => {
                errors.add("date", "Enter a date like 2026-12-24.");
                None
            }
        },
    };
    let customer = match form.customer.split(" · ").next().unwrap_or_default().trim() {
        "" => None,
        code => Some(code.to_uppercase()),
    };
    let mut coupons: Vec<String> = Vec::new();
    for code in form
        .coupons
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|c| !c.is_empty())
    {
        if !coupons.iter().any(|c| c.eq_ignore_ascii_case(code)) {
            coupons.push(code.to_owned());
        }
    }
    if coupons.len() > MAX_COUPONS {
        errors.add(
            "coupons",
            format!("A sale takes at most {MAX_COUPONS} coupon codes."),
        );
    }
    let draft = Draft {
        lines,
        day,
        customer,
        coupons,
    };
    (draft, errors)
}

/// The instant a cart of posting date `day` is priced at: now when `day` is the company's today;
/// otherwise the last second of the company's `day`, so the engine sees that day with the offer
/// versions in force at its end.
pub fn instant(day: NaiveDate, clock: Clock, now: DateTime<Utc>) -> DateTime<Utc> {
    if clock.date(now) == day {
        return now;
    }
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    clock.start_of(next) - chrono::Duration::seconds(1)
}

/// A priced line as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedRow {
    /// Item Code.
    pub item_code: String,
    /// Item Name.
    pub item_name: String,
    /// Qty.
    pub qty: String,
    /// Rate.
    pub rate: String,
    /// Discount.
    pub discount: String,
    /// Amount.
    pub amount: String,
    /// What gave the discount or the free units: an offer's Title, "Customer group discount",
    /// or nothing.
    pub by: Option<String>,
    /// A free line.
    pub free: bool,
}

/// One offer the engine considered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferRow {
    /// Its Title.
    pub title: String,
    /// Its version's page.
    pub href: String,
    /// What it gave ("$6.00 off", "3 free", "50 bonus points"), or why it did not apply.
    pub text: String,
}

/// The priced cart as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Paid lines, then free lines.
    pub lines: Vec<PricedRow>,
    /// The lines at their Rates (Net Total before the lines' discounts); none when no line has
    /// a discount, so that the Totals start at Net Total.
    pub list_total: Option<String>,
    /// The lines' discounts, one row per offer ("Tees 10% (item discount)", "−$6.00"), in the
    /// order the lines show them: what takes the lines at their Rates to Net Total.
    pub line_discounts: Vec<(String, String)>,
    /// The Grand Total offer's Title and discount: what takes Net Total to Grand Total.
    pub grand_total_offer: Option<(String, String)>,
    /// Bonus points, and the offer giving them.
    pub bonus: Vec<(String, i64)>,
    /// Net Total.
    pub net_total: String,
    /// Grand Total.
    pub grand_total: String,
    /// Offers that gave something, with what.
    pub applied: Vec<OfferRow>,
    /// Offers that did not apply, with why (those with none of their items in the cart apart).
    pub missed: Vec<OfferRow>,
    /// Offers none of whose items are in the cart.
    pub not_in_cart: Vec<OfferRow>,
}

/// `cart` as the page shows it; `names` holds the item names by code, `coupons` the coupon codes
/// the cart carried with the offer each made eligible.
pub fn outcome(
    cart: &PricedCart,
    names: &HashMap<String, String>,
    coupons: &[(String, i64)],
) -> Outcome {
    let currency = &cart.currency;
    let money = |amount: Decimal| currency.format(amount);
    let lines = cart
        .lines
        .iter()
        .map(|l| PricedRow {
            item_name: names.get(&l.item_code).cloned().unwrap_or_default(),
            item_code: l.item_code.clone(),
            qty: l.qty.normalize().to_string(),
            rate: money(l.price_list_rate),
            discount: money(l.discount_amount),
            amount: money(l.amount),
            by: match &l.offer {
                Some(title) => Some(title.clone()),
                None if !l.discount_amount.is_zero() => Some("Customer group discount".into()),
                None => None,
            },
            free: l.is_offer,
        })
        .collect();
    let mut applied = Vec::new();
    let mut missed = Vec::new();
    let mut not_in_cart = Vec::new();
    for o in &cart.offers {
        let href = format!("/offers/{}/versions/{}", o.offer.id, o.offer.version);
        let row = |text: String| OfferRow {
            title: o.title.clone(),
            href: href.clone(),
            text,
        };
        match &o.reason {
            None => applied.push(row(gave(cart, &o.title, currency))),
            Some(reason) if *reason == Reason::NotInCart.to_string() => {
                not_in_cart.push(row(reason.clone()));
            }
            Some(reason) => missed.push(row(displaced(cart, o, reason, coupons))),
        }
    }
    let line_discounts = line_discounts(cart);
    Outcome {
        lines,
        list_total: (!line_discounts.is_empty())
            .then(|| money(cart.net_total + cart.discount_amount)),
        line_discounts: line_discounts
            .into_iter()
            .map(|(by, amount)| (by, format!("−{}", money(amount))))
            .collect(),
        grand_total_offer: cart
            .grand_total_offer
            .as_ref()
            .map(|(title, amount)| (title.clone(), money(*amount))),
        bonus: cart.bonus_points.clone(),
        net_total: money(cart.net_total),
        grand_total: money(cart.grand_total),
        applied,
        missed,
        not_in_cart,
    }
}

/// The lines' discounts by what gave them, in the order the lines show them: an offer's Title
/// with what kind of discount it is, or "Customer group discount".
fn line_discounts(cart: &PricedCart) -> Vec<(String, Decimal)> {
    let mut rows: Vec<(String, Decimal)> = Vec::new();
    for line in cart.lines.iter().filter(|l| !l.discount_amount.is_zero()) {
        let by = match &line.offer {
            Some(title) if line.is_offer => format!("{title} (free items)"),
            Some(title) => format!("{title} (item discount)"),
            None => "Customer group discount".to_owned(),
        };
        match rows.iter_mut().find(|(seen, _)| *seen == by) {
            Some((_, amount)) => *amount += line.discount_amount,
            None => rows.push((by, line.discount_amount)),
        }
    }
    rows
}

/// Why offer `o` did not apply, in words: as the engine says it, except when another Grand
/// Total offer took its place (one per sale), which names that offer and, when a coupon brought
/// it (or this one), the coupon.
fn displaced(
    cart: &PricedCart,
    o: &super::pricing::OfferOutcome,
    reason: &str,
    coupons: &[(String, i64)],
) -> String {
    let Some((winner, _)) = cart.grand_total_offer.as_ref().filter(|_| o.displaced) else {
        return reason.to_owned();
    };
    let coupon_of = |id: i64| {
        coupons
            .iter()
            .find(|(_, offer)| *offer == id)
            .map(|(c, _)| c)
    };
    let by_coupon = cart
        .offers
        .iter()
        .filter(|w| w.reason.is_none() && w.title == *winner)
        .find_map(|w| coupon_of(w.offer.id));
    let gives_more = match by_coupon {
        Some(code) => format!("the coupon {code}'s offer {winner} gives more"),
        None => format!("the offer {winner} gives more"),
    };
    let mine = match coupon_of(o.offer.id) {
        Some(code) => format!("coupon {code} is valid, but "),
        None => String::new(),
    };
    format!("{mine}{gives_more} (one Grand Total offer per sale)")
}

/// What offer `title` gave on `cart`, in words.
fn gave(cart: &PricedCart, title: &str, currency: &Currency) -> String {
    let mine = |l: &&super::pricing::PricedLine| l.offer.as_deref() == Some(title);
    let mut said = Vec::new();
    let free: Decimal = cart
        .lines
        .iter()
        .filter(mine)
        .filter(|l| l.is_offer)
        .map(|l| l.qty)
        .sum();
    let off: Decimal = cart
        .lines
        .iter()
        .filter(mine)
        .filter(|l| !l.is_offer)
        .map(|l| l.discount_amount)
        .sum::<Decimal>()
        + cart
            .grand_total_offer
            .iter()
            .filter(|(t, _)| t == title)
            .map(|(_, amount)| *amount)
            .sum::<Decimal>();
    if !free.is_zero() {
        said.push(format!("{} free", free.normalize()));
    }
    if !off.is_zero() {
        said.push(format!("{} off", currency.format(off)));
    }
    let points: i64 = cart
        .bonus_points
        .iter()
        .filter(|(t, _)| t == title)
        .map(|(_, p)| p)
        .sum();
    if points != 0 {
        said.push(format!("{points} bonus points"));
    }
    if said.is_empty() {
        "Applied".into()
    } else {
        said.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn lines_are_read_in_page_order_and_blank_ones_are_dropped() {
        let (form, action, asked) = SimForm::from_pairs(&pairs(&[
            ("store", "NORTH"),
            ("item", "tee-blk-m · Black Tee M"),
            ("qty", "3"),
            ("rate", ""),
            ("item", ""),
            ("qty", ""),
            ("rate", ""),
            ("item", "CAP-RED"),
            ("qty", ""),
            ("rate", "$7.50"),
            ("coupons", "SAVE10, save10  WINTER"),
        ]));
        assert!(asked);
        assert_eq!(action, Action::Price);
        let draft = parse(&form, true).unwrap();
        assert_eq!(
            draft.lines,
            vec![
                DraftLine {
                    row: 0,
                    item_code: "TEE-BLK-M".into(),
                    qty: Decimal::from(3),
                    rate: None
                },
                DraftLine {
                    row: 2,
                    item_code: "CAP-RED".into(),
                    qty: Decimal::ONE,
                    rate: Some(Decimal::new(75, 1))
                },
            ]
        );
        assert_eq!(draft.coupons, ["SAVE10", "WINTER"]);
        assert_eq!(draft.day, None);
        let mut form = form;
        form.apply(action);
        assert_eq!(form.lines_shown(action).len(), 3);
        assert_eq!(parse(&form, true).unwrap().lines[1].row, 1);
    }

    #[test]
    fn bad_values_get_messages_by_their_line() {
        let (form, _, _) = SimForm::from_pairs(&pairs(&[
            ("item", "X"),
            ("qty", "0"),
            ("rate", "-1"),
            ("item", ""),
            ("qty", "2"),
            ("rate", ""),
            ("date", "24/12/2026"),
        ]));
        let errors = parse(&form, true).unwrap_err();
        assert!(
            errors
                .get("qty_0")
                .unwrap()
                .starts_with("Enter a Qty above 0")
        );
        assert!(
            errors
                .get("rate_0")
                .unwrap()
                .starts_with("Enter a Rate of 0")
        );
        assert_eq!(
            errors.get("item_1"),
            Some("Enter an Item Code, or clear the line.")
        );
        assert_eq!(errors.get("date"), Some("Enter a date like 2026-12-24."));
    }

    #[test]
    fn an_empty_cart_asks_for_a_line_only_when_it_is_to_be_priced() {
        let (form, action, _) = SimForm::from_pairs(&pairs(&[("add", "1"), ("store", "N")]));
        assert_eq!(action, Action::AddLine);
        assert!(parse(&form, false).is_ok());
        let errors = parse(&form, true).unwrap_err();
        assert!(errors.get("item_0").is_some());
    }

    #[test]
    fn remove_and_add_change_the_lines_shown() {
        let (mut form, action, _) = SimForm::from_pairs(&pairs(&[
            ("item", "A"),
            ("qty", "1"),
            ("rate", ""),
            ("item", "B"),
            ("qty", "1"),
            ("rate", ""),
            ("remove", "0"),
        ]));
        assert_eq!(action, Action::Remove(0));
        form.apply(action);
        assert_eq!(form.lines.len(), 1);
        assert_eq!(form.lines[0].item, "B");
        assert_eq!(form.lines_shown(Action::AddLine).len(), 3);
        assert_eq!(
            form.query(),
            "store=&date=&customer=&coupons=&item=B&qty=1&rate="
        );
    }

    #[test]
    fn a_day_is_priced_now_when_today_else_at_its_last_second() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let now = at("2026-12-06T10:00:00Z");
        assert_eq!(instant(day("2026-12-06"), Clock::UTC, now), now);
        assert_eq!(
            instant(day("2026-12-01"), Clock::UTC, now),
            at("2026-12-01T23:59:59Z")
        );
        // Paris is an hour ahead: its 1 December ends at 23:00 UTC.
        let paris = Clock::from_name("Europe/Paris");
        assert_eq!(
            instant(day("2026-12-01"), paris, now),
            at("2026-12-01T22:59:59Z")
        );
        // New York is behind: its 1 December ends at 05:00 UTC on the 2nd.
        let new_york = Clock::from_name("America/New_York");
        assert_eq!(
            instant(day("2026-12-01"), new_york, now),
            at("2026-12-02T04:59:59Z")
        );
        // Late evening in New York is already tomorrow in UTC, and still today for the company.
        let late = at("2026-12-07T03:00:00Z");
        assert_eq!(instant(day("2026-12-06"), new_york, late), late);
    }
}
