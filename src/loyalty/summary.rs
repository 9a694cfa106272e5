//! A member's loyalty as people and tills read it: program, current tier, balance and its money
//! value, points expiring within 30 days. The customer page's panel and the terminal API both
//! show this one computation.

use chrono::NaiveDate;
use diesel::PgConnection;
use diesel::QueryResult;
use patron_rules::Currency;
use patron_rules::loyalty::{self as rules, TierRule};
use rust_decimal::Decimal;

use super::model::ledger::{self, Member};
use super::model::programs::{self, Program};
use crate::stores::model as stores;

/// One membership, worked out.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The membership.
    pub member: Member,
    /// Its program.
    pub program: Program,
    /// The program's tiers.
    pub tiers: Vec<TierRule>,
    /// The tier the customer's spend reaches.
    pub tier: Option<TierRule>,
    /// Points that count today.
    pub balance: i64,
    /// What they are worth, rounded in the company currency.
    pub value: Decimal,
    /// Points whose last day is within the next 30 days.
    pub expiring_soon: i64,
    /// Total bought in the program.
    pub spend: Decimal,
    /// The company currency.
    pub currency: Currency,
}

impl Summary {
    /// "1 point = $0.01".
    pub fn conversion(&self) -> String {
        conversion(&self.currency, &self.program)
    }
}

/// "1 point = $0.01" for `program` in `currency` (more decimals when a point is worth less than
/// the currency's smallest unit).
pub fn conversion(currency: &Currency, program: &Program) -> String {
    let factor = program.fields.conversion_factor;
    let shown = if currency.round(factor) == factor {
        currency.format(factor)
    } else {
        format!("{} {}", factor.normalize(), currency.code)
    };
    rules::conversion_label(&shown)
}

/// `member`'s summary on `today`.
pub fn summary(conn: &mut PgConnection, member: Member, today: NaiveDate) -> QueryResult<Summary> {
    let program = programs::find(conn, member.program_id)?;
    let tiers = programs::tiers(conn, member.program_id)?;
    let standing = ledger::standing(conn, member.customer_id, member.program_id, today)?;
    let currency = stores::company_currency(conn, member.company_id)?;
    Ok(Summary {
        tier: rules::tier_for(&tiers, standing.spend).cloned(),
        value: currency.round(Decimal::from(standing.balance) * program.fields.conversion_factor),
        balance: standing.balance,
        expiring_soon: standing.expiring_soon,
        spend: standing.spend,
        member,
        program,
        tiers,
        currency,
    })
}

/// Every membership of customer `customer_id`, worked out.
pub fn summaries(
    conn: &mut PgConnection,
    customer_id: i64,
    today: NaiveDate,
) -> QueryResult<Vec<Summary>> {
    ledger::memberships(conn, customer_id)?
        .into_iter()
        .map(|member| summary(conn, member, today))
        .collect()
}
