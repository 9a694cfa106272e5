//! What invoices do to points, as loyalty's step of the invoice pipeline in `sales`: a sale
//! earns at the customer's tier and may redeem (soonest-expiring points first); a return cuts the
//! original's points to what the kept amount earns (and, for offers, the bonus points the kept
//! goods no longer meet: `plan_bonus_cut`); a cancel reverses the invoice's entries once
//! (bonus points other areas gave with it too), and is refused while points it earned are spent
//! on another invoice.

use chrono::NaiveDate;
use diesel::prelude::*;
use patron_rules::loyalty as rules;
use patron_rules::{Currency, InvoiceId};
use rust_decimal::Decimal;

use super::model::ledger::{self, Member, NewEntry};
use super::model::programs;
use crate::db::schema::{invoices, loyalty_point_entries as entries};
use crate::kernel::Till;
use crate::sales::model::InvoiceRow;
use crate::sales::submit::{InvoiceExtras, InvoiceStep, Phase, Posting, Sale as SubmittedSale};
use crate::web::{AppError, FieldErrors};

/// Loyalty's step in the invoice pipeline: after settlement, it checks a redemption and plans
/// what the sale earns (or what a return cuts); a cancel reverses the invoice's entries.
pub struct LoyaltyStep;

impl InvoiceStep for LoyaltyStep {
    fn phase(&self) -> Phase {
        Phase::Rewards
    }

    fn plan(
        &self,
        conn: &mut PgConnection,
        sale: &mut SubmittedSale,
        _errors: &mut FieldErrors,
    ) -> Result<Option<Box<dyn Posting>>, AppError> {
        Ok(plan(conn, &Sale::of(sale))?.map(|plan| Box::new(plan) as Box<dyn Posting>))
    }

    fn on_return(
        &self,
        conn: &mut PgConnection,
        sale: &mut SubmittedSale,
        errors: &mut FieldErrors,
    ) -> Result<Option<Box<dyn Posting>>, AppError> {
        self.plan(conn, sale, errors)
    }

    fn describe(
        &self,
        conn: &mut PgConnection,
        invoice: InvoiceId,
        extras: &mut InvoiceExtras,
    ) -> QueryResult<()> {
        extras.loyalty_points_earned = ledger::points_earned(conn, invoice.get())?;
        Ok(())
    }

    fn reverse(
        &self,
        conn: &mut PgConnection,
        invoice: &InvoiceRow,
        today: NaiveDate,
        till: &Till,
    ) -> Result<(), AppError> {
        reverse(conn, invoice.id, today, &till.label())
    }
}

impl Posting for Plan {
    fn post(
        self: Box<Self>,
        conn: &mut PgConnection,
        invoice: InvoiceId,
        till: &Till,
    ) -> Result<(), AppError> {
        post(conn, invoice.get(), *self, &till.label())
    }

    /// The points its `earn` entries come to, as `ledger::points_earned` sums them.
    fn add_to_answer(&self, extras: &mut InvoiceExtras) {
        extras.loyalty_points_earned += self
            .entries
            .iter()
            .filter(|entry| entry.kind == "earn")
            .map(|entry| entry.points)
            .sum::<i64>();
    }
}

/// What loyalty reads of a sale (or return) being submitted.
#[derive(Debug, Clone)]
struct Sale<'a> {
    company_id: i64,
    customer_id: i64,
    posted_on: NaiveDate,
    currency: &'a Currency,
    /// Negative on a return.
    grand_total: Decimal,
    delivery: Decimal,
    offer_lines: Decimal,
    points_redeemed: i64,
    loyalty_amount: Decimal,
    /// For a return: the original invoice.
    return_of: Option<i64>,
}

impl<'a> Sale<'a> {
    fn of(sale: &'a SubmittedSale) -> Sale<'a> {
        Sale {
            company_id: sale.store.company_id.get(),
            customer_id: sale.customer.id.get(),
            posted_on: sale.posted_on(),
            currency: sale.currency(),
            grand_total: sale.totals.grand_total,
            delivery: sale.totals.delivery_amount,
            offer_lines: sale.offer_lines_amount(),
            points_redeemed: sale.body.loyalty_points_redeemed,
            loyalty_amount: sale.body.loyalty_amount,
            return_of: sale.original.as_ref().map(|o| o.id),
        }
    }
}

/// The entries a submission will write once the invoice has its id.
#[derive(Debug, Clone)]
pub struct Plan {
    entries: Vec<NewEntry>,
}

/// A stored entry, as the cancel and return steps read it.
#[derive(Debug, Clone, Queryable)]
struct Entry {
    id: i64,
    customer_id: i64,
    program_id: i64,
    company_id: i64,
    kind: String,
    points: i64,
    purchase_amount: Decimal,
    tier: Option<String>,
    collection_factor: Option<Decimal>,
    expiry_date: Option<NaiveDate>,
    against_entry_id: Option<i64>,
    reverses: Option<String>,
    invoice_id: Option<i64>,
}

type EntryColumns = (
    entries::id,
    entries::customer_id,
    entries::program_id,
    entries::company_id,
    entries::kind,
    entries::points,
    entries::purchase_amount,
    entries::tier,
    entries::collection_factor,
    entries::expiry_date,
    entries::against_entry_id,
    entries::reverses,
    entries::invoice_id,
);
const ENTRY: EntryColumns = (
    entries::id,
    entries::customer_id,
    entries::program_id,
    entries::company_id,
    entries::kind,
    entries::points,
    entries::purchase_amount,
    entries::tier,
    entries::collection_factor,
    entries::expiry_date,
    entries::against_entry_id,
    entries::reverses,
    entries::invoice_id,
);

impl Entry {
    fn member(&self) -> Member {
        Member {
            customer_id: self.customer_id,
            company_id: self.company_id,
            program_id: self.program_id,
        }
    }
}

/// Checks the sale's redemption and works out what it earns. Refusals name the field.
fn plan(conn: &mut PgConnection, sale: &Sale) -> Result<Option<Plan>, AppError> {
    let mut errors = FieldErrors::new();
    if sale.points_redeemed < 0 {
        errors.add(
            "loyalty_points_redeemed",
            "Points redeemed cannot be negative.",
        );
    } else if sale.points_redeemed == 0 && !sale.loyalty_amount.is_zero() {
        errors.add(
            "loyalty_amount",
            "Send the points redeemed with the loyalty amount.",
        );
    } else if sale.return_of.is_some() && sale.points_redeemed > 0 {
        errors.add(
            "loyalty_points_redeemed",
            "A return cannot redeem points: the original's points are cut instead.",
        );
    }
    errors.into_result(()).map_err(AppError::Validation)?;
    match sale.return_of {
        Some(original) => plan_return(conn, sale, original),
        None => plan_sale(conn, sale),
    }
}

fn plan_sale(conn: &mut PgConnection, sale: &Sale) -> Result<Option<Plan>, AppError> {
    let redeeming = sale.points_redeemed > 0;
    let member = if redeeming {
        ledger::lock_membership(conn, sale.customer_id, sale.company_id)?
    } else {
        ledger::membership(conn, sale.customer_id, sale.company_id)?
    };
    let Some(member) = member else {
        if redeeming {
            return Err(AppError::field(
                "loyalty_points_redeemed",
                "The customer is not enrolled in a loyalty program of this company.",
            ));
        }
        return Ok(None);
    };
    let program = programs::find(conn, member.program_id)?;
    if !program.runs_on(sale.posted_on) {
        if redeeming {
            return Err(AppError::field(
                "loyalty_points_redeemed",
                format!(
                    "The loyalty program {} is not running on {}.",
                    program.fields.name, sale.posted_on
                ),
            ));
        }
        return Ok(None);
    }
    if redeeming {
        let value = sale
            .currency
            .round(Decimal::from(sale.points_redeemed) * program.fields.conversion_factor);
        if value != sale.loyalty_amount {
            return Err(AppError::field(
                "loyalty_amount",
                format!(
                    "{} points are worth {}, not {}.",
                    sale.points_redeemed,
                    sale.currency.format(value),
                    sale.currency.format(sale.loyalty_amount)
                ),
            ));
        }
        if value > sale.grand_total {
            return Err(AppError::field(
                "loyalty_amount",
                format!(
                    "The points are worth {}, more than the sale's {}.",
                    sale.currency.format(value),
                    sale.currency.format(sale.grand_total)
                ),
            ));
        }
    }
    // The redemption is worked out before the earning is written, so that it cannot draw on
    // the points this very sale earns; the membership is locked until the sale commits.
    let mut planned = Vec::new();
    if redeeming {
        let template = NewEntry::new(&member, "redeem", 0, sale.posted_on, "");
        match ledger::draws(conn, &member, sale.points_redeemed, &template)? {
            Ok(draws) => planned.extend(draws),
            Err(short) => {
                return Err(AppError::field(
                    "loyalty_points_redeemed",
                    format!(
                        "Not enough loyalty points: the customer has {}.",
                        short.available
                    ),
                ));
            }
        }
    }
    let eligible = rules::eligible_amount(
        sale.grand_total,
        sale.delivery,
        sale.offer_lines,
        sale.loyalty_amount,
    );
    if eligible > Decimal::ZERO {
        let tiers = programs::tiers(conn, member.program_id)?;
        let spend =
            ledger::standing(conn, member.customer_id, member.program_id, sale.posted_on)?.spend;
        if let Some(tier) = rules::tier_for(&tiers, spend + eligible) {
            planned.push(NewEntry {
                purchase_amount: eligible,
                tier: Some(tier.name.clone()),
                collection_factor: Some(tier.collection_factor),
                expiry_date: rules::expiry_date(sale.posted_on, program.fields.expiry_days),
                ..NewEntry::new(
                    &member,
                    "earn",
                    rules::points_for(eligible, tier.collection_factor),
                    sale.posted_on,
                    "",
                )
            });
        }
    }
    Ok(Some(Plan { entries: planned }))
}

/// A return cuts the original's points to what the amount kept would have earned at the
/// original's rate.
fn plan_return(
    conn: &mut PgConnection,
    sale: &Sale,
    original: i64,
) -> Result<Option<Plan>, AppError> {
    let Some(credit) = credit_of(conn, original, "earn", None)? else {
        return Ok(None);
    };
    let member = credit_member(conn, &credit)?;
    let against = against(conn, credit.id)?;
    let earned_so_far: Vec<&Entry> = against.iter().filter(|e| is_earning(e)).collect();
    let points_now = credit.points + earned_so_far.iter().map(|e| e.points).sum::<i64>();
    let returned = sale.grand_total - sale.delivery - sale.offer_lines;
    let kept = credit.purchase_amount
        + earned_so_far
            .iter()
            .map(|e| e.purchase_amount)
            .sum::<Decimal>()
        + returned;
    let factor = credit.collection_factor.unwrap_or(Decimal::ONE);
    let cut = rules::points_for(kept.max(Decimal::ZERO), factor) - points_now;
    let remaining = credit.points + against.iter().map(|e| e.points).sum::<i64>();
    let unspent = remaining
        - against
            .iter()
            .filter(|e| e.kind == "expire")
            .map(|e| e.points)
            .sum::<i64>();
    if -cut > unspent {
        return Err(AppError::field(
            "return_against",
            spent_message(conn, &against, "return")?,
        ));
    }
    // Points that expired meanwhile are gone already: only what is left can be cut.
    let cut = cut.max(-remaining).min(0);
    Ok(Some(Plan {
        entries: vec![NewEntry {
            purchase_amount: returned,
            tier: credit.tier.clone(),
            collection_factor: credit.collection_factor,
            expiry_date: credit.expiry_date,
            against_entry_id: Some(credit.id),
            ..NewEntry::new(&member, "earn", cut, sale.posted_on, "")
        }],
    }))
}

/// Bonus points a return takes back of the credit its original was given, written once the
/// return has its id.
#[derive(Debug, Clone)]
pub struct BonusCut {
    entry: NewEntry,
}

impl BonusCut {
    /// Writes the cut for return `invoice_id`.
    pub fn post(self, conn: &mut PgConnection, invoice_id: i64, by: &str) -> QueryResult<()> {
        post_entries(conn, invoice_id, vec![self.entry], by)
    }
}

/// Plans taking `points` back of the bonus credit invoice `original` was given for `reason`,
/// against that credit (so a cancel of the return gives them back to it); none when the
/// original was given no such credit. Refused, naming `return_against`, when the points were
/// spent meanwhile; points that expired meanwhile are gone already and are not cut again.
pub fn plan_bonus_cut(
    conn: &mut PgConnection,
    original: i64,
    reason: &str,
    points: i64,
    day: NaiveDate,
) -> Result<Option<BonusCut>, AppError> {
    let Some(credit) = credit_of(conn, original, "bonus", Some(reason))? else {
        return Ok(None);
    };
    let member = credit_member(conn, &credit)?;
    let against = against(conn, credit.id)?;
    let remaining = credit.points + against.iter().map(|e| e.points).sum::<i64>();
    let expired: i64 = against
        .iter()
        .filter(|e| e.kind == "expire")
        .map(|e| e.points)
        .sum();
    if points > remaining - expired {
        return Err(AppError::field(
            "return_against",
            spent_message(conn, &against, "return")?,
        ));
    }
    let cut = points.min(remaining);
    if cut <= 0 {
        return Ok(None);
    }
    Ok(Some(BonusCut {
        entry: NewEntry {
            expiry_date: credit.expiry_date,
            against_entry_id: Some(credit.id),
            reason: format!("{reason} (goods returned)"),
            ..NewEntry::new(&member, "bonus", -cut, day, "")
        },
    }))
}

/// The credit of `kind` invoice `original` was given (of those, the one given for `reason`).
fn credit_of(
    conn: &mut PgConnection,
    original: i64,
    kind: &str,
    reason: Option<&str>,
) -> QueryResult<Option<Entry>> {
    let mut query = entries::table
        .filter(entries::invoice_id.eq(original))
        .filter(entries::kind.eq(kind))
        .filter(entries::against_entry_id.is_null())
        .select(ENTRY)
        .into_boxed();
    if let Some(reason) = reason {
        query = query.filter(entries::reason.eq(reason));
    }
    query.first::<Entry>(conn).optional()
}

/// The member `credit` belongs to, their membership locked (a return's cut and a sale's
/// redemption of the same points queue); the credit's own program when they moved since.
fn credit_member(conn: &mut PgConnection, credit: &Entry) -> QueryResult<Member> {
    Ok(
        ledger::lock_membership(conn, credit.customer_id, credit.company_id)?
            .filter(|m| m.program_id == credit.program_id)
            .unwrap_or_else(|| credit.member()),
    )
}

/// Entries of kind earn against a credit and the reversals of those: what returns did to it.
fn is_earning(entry: &Entry) -> bool {
    entry.kind == "earn" || (entry.kind == "reversal" && entry.reverses.as_deref() == Some("earn"))
}

/// Entries that draw on or give back to credit `id`.
fn against(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<Entry>> {
    entries::table
        .filter(entries::against_entry_id.eq(id))
        .order(entries::id.asc())
        .select(ENTRY)
        .load(conn)
}

/// Why points cannot be taken back: the invoice (or adjustment) that spent them.
fn spent_message(conn: &mut PgConnection, against: &[Entry], what: &str) -> QueryResult<String> {
    let spender = against
        .iter()
        .rev()
        .find(|e| e.kind == "redeem" || (e.kind == "adjust" && e.points < 0));
    let number = match spender.and_then(|e| e.invoice_id) {
        Some(invoice) => invoices::table
            .find(invoice)
            .select(invoices::number)
            .first::<String>(conn)
            .optional()?,
        None => None,
    };
    Ok(match number {
        Some(number) => format!(
            "The points this invoice earned were already redeemed on invoice {number}: cancel that one before this {what}."
        ),
        None => format!(
            "The points this invoice earned were already taken by a manual adjustment, so this {what} cannot take them back."
        ),
    })
}

/// Writes what `plan` worked out (redemption and earning) for invoice `invoice_id`.
fn post(conn: &mut PgConnection, invoice_id: i64, plan: Plan, by: &str) -> Result<(), AppError> {
    Ok(post_entries(conn, invoice_id, plan.entries, by)?)
}

/// Writes `planned` as invoice `invoice_id`'s entries, made by `by`.
fn post_entries(
    conn: &mut PgConnection,
    invoice_id: i64,
    planned: Vec<NewEntry>,
    by: &str,
) -> QueryResult<()> {
    let written: Vec<NewEntry> = planned
        .into_iter()
        .map(|entry| NewEntry {
            invoice_id: Some(invoice_id),
            created_by: by.to_owned(),
            ..entry
        })
        .collect();
    ledger::insert(conn, &written)
}

/// Reverses what invoice `invoice_id` did to points, once (the reversal index refuses a second
/// time); refused while points it earned are spent elsewhere.
fn reverse(
    conn: &mut PgConnection,
    invoice_id: i64,
    today: NaiveDate,
    by: &str,
) -> Result<(), AppError> {
    let own: Vec<Entry> = entries::table
        .filter(entries::invoice_id.eq(invoice_id))
        .filter(entries::kind.eq_any(["earn", "redeem", "bonus"]))
        .order(entries::id.asc())
        .select(ENTRY)
        .load(conn)?;
    let Some(first) = own.first() else {
        return Ok(());
    };
    ledger::lock_membership(conn, first.customer_id, first.company_id)?;
    let mut reversals = Vec::new();
    for entry in &own {
        let base = NewEntry {
            invoice_id: Some(invoice_id),
            reverses: Some(entry.kind.clone()),
            expiry_date: entry.expiry_date,
            tier: entry.tier.clone(),
            ..NewEntry::new(&entry.member(), "reversal", -entry.points, today, by)
        };
        match entry.against_entry_id {
            // A draw or a return's cut: give back to the same credit — and when that credit has
            // lapsed, write the points given back off at once, as the expiry task would.
            Some(credit) => {
                let lapsed = entry.expiry_date.is_some_and(|last| last < today);
                if lapsed && entry.points < 0 {
                    reversals.push(NewEntry {
                        invoice_id: Some(invoice_id),
                        against_entry_id: Some(credit),
                        expiry_date: entry.expiry_date,
                        reason: "Points expired".into(),
                        ..NewEntry::new(&entry.member(), "expire", entry.points, today, by)
                    });
                }
                reversals.push(NewEntry {
                    purchase_amount: -entry.purchase_amount,
                    against_entry_id: Some(credit),
                    ..base
                });
            }
            // Points this invoice earned: take back what is left, unless some were spent.
            None => {
                let against = against(conn, entry.id)?;
                let drawn: i64 = against
                    .iter()
                    .filter(|e| !is_earning(e) && e.kind != "expire")
                    .map(|e| e.points)
                    .sum();
                if drawn < 0 {
                    return Err(AppError::field(
                        "id",
                        spent_message(conn, &against, "cancel")?,
                    ));
                }
                let left = entry.points + against.iter().map(|e| e.points).sum::<i64>();
                let bought = entry.purchase_amount
                    + against.iter().map(|e| e.purchase_amount).sum::<Decimal>();
                reversals.push(NewEntry {
                    points: -left,
                    purchase_amount: -bought,
                    against_entry_id: Some(entry.id),
                    ..base
                });
            }
        }
    }
    diesel::insert_into(entries::table)
        .values(&reversals)
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}
