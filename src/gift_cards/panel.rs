//! The customer page's Store credit card: the customer's gift cards with their balances, and
//! what their usable cards hold in all (per currency). People who keep gift cards see the
//! numbers and open the cards; everyone else who may see the customer sees each card's last four
//! characters only, since a number is all it takes to spend a card.

use askama::Template;
use diesel::PgConnection;
use patron_rules::Currency;
use patron_rules::gift_cards::{Status, grouped, masked};
use patron_rules::users::Permission;
use rust_decimal::Decimal;

use super::model;
use super::model::queries::Currencies;
use crate::customers::panels::{CustomerPanel, Panel, PanelRequest, Slot, html};
use crate::web::AppError;
use crate::web::format::day;

/// The Store credit card.
pub struct StoreCredit;

/// One card as the panel lists it.
struct CardLine {
    id: i64,
    number: String,
    balance: String,
    status: Status,
    valid_upto: Option<String>,
}

#[derive(Template)]
#[template(path = "gift_cards/panel.html")]
struct StoreCreditCard {
    customer_code: String,
    cards: Vec<CardLine>,
    /// What the usable cards hold, per currency ("$70.00").
    totals: Vec<String>,
    /// Whether the viewer keeps gift cards: full numbers, links, Issue.
    can_manage: bool,
}

/// Adds `amount` to the total of `currency`.
fn add(totals: &mut Vec<(Currency, Decimal)>, currency: &Currency, amount: Decimal) {
    match totals.iter_mut().find(|(c, _)| c.code == currency.code) {
        Some((_, total)) => *total += amount,
        None => totals.push((currency.clone(), amount)),
    }
}

impl CustomerPanel for StoreCredit {
    fn render(
        &self,
        conn: &mut PgConnection,
        request: &PanelRequest,
    ) -> Result<Option<Panel>, AppError> {
        let can_manage = request.viewer.role.can(Permission::GiftCardsManage);
        let cards = model::of_customer(conn, request.customer.id)?;
        if cards.is_empty() && !can_manage {
            return Ok(None);
        }
        let mut currencies = Currencies::default();
        let mut totals = Vec::new();
        let mut lines = Vec::with_capacity(cards.len());
        for card in cards {
            let currency = currencies.get(conn, &card.currency_code)?;
            let status = card.status(request.today);
            // Only what the customer can spend counts; the others still show, at zero.
            let usable = if status == Status::Active {
                card.balance
            } else {
                Decimal::ZERO
            };
            add(&mut totals, &currency, usable);
            lines.push(CardLine {
                id: card.id,
                number: if can_manage {
                    grouped(&card.number)
                } else {
                    masked(&card.number)
                },
                balance: currency.format(card.balance),
                status,
                valid_upto: card.valid_upto.map(day),
            });
        }
        let totals = totals
            .iter()
            .map(|(currency, total)| currency.format(*total))
            .collect();
        let card = StoreCreditCard {
            customer_code: request.customer.code.clone(),
            cards: lines,
            totals,
            can_manage,
        };
        Ok(Some(Panel {
            slot: Slot::Card,
            html: html(&card)?,
        }))
    }
}
