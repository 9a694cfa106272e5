//! What other areas do when something happens to customers, without customers knowing them: an
//! area above offers a function, the app lists them (`app::customer_hooks`) and hands the list
//! to every handler as app data. Loyalty enrols by auto opt-in when a customer is saved or
//! imported; referrals register a referred customer and give new customers their own code when
//! one is created (never on an import); sales, loyalty, coupons and referrals move their rows on
//! a merge.

use chrono::NaiveDate;
use diesel::{PgConnection, QueryResult};
use patron_rules::CustomerId;

use crate::kernel::Actor;
use crate::web::AppError;

/// After one customer is created or changed (at HQ or by a till), in the same transaction.
pub type Saved = fn(&mut PgConnection, CustomerId, NaiveDate, &Actor) -> Result<(), AppError>;

/// A customer just created by a person or a till: where, and what came with the create beyond
/// the customer's own fields.
#[derive(Debug, Clone, Copy)]
pub struct Creation<'a> {
    /// The new customer.
    pub customer: CustomerId,
    /// The store it was created for (a till's, a store supervisor's); none at HQ.
    pub store_id: Option<i64>,
    /// The referral code the customer came with, as typed (may be blank).
    pub referral_code: Option<&'a str>,
    /// Today, for dates.
    pub today: NaiveDate,
    /// Who created it.
    pub actor: &'a Actor,
}

/// After one customer is created (not imported), after the `saved` hooks, in the same
/// transaction. A refusal (a field error on `referral_code`) undoes the whole create.
pub type Created = fn(&mut PgConnection, &Creation<'_>) -> Result<(), AppError>;

/// After customers are imported in bulk (set-based), in the same transaction; `by` is the
/// importer's label.
pub type Imported = fn(&mut PgConnection, &[i64], NaiveDate, &str) -> QueryResult<usize>;

/// On a merge: moves the area's rows from customer `from` to customer `to`; returns how many.
pub type Merged = fn(&mut PgConnection, CustomerId, CustomerId) -> QueryResult<usize>;

/// The lists, as the app wires them.
#[derive(Debug, Clone, Copy, Default)]
pub struct CustomerHooks {
    /// Run after a customer is saved.
    pub saved: &'static [Saved],
    /// Run after a customer is created, after `saved`.
    pub created: &'static [Created],
    /// Run after customers are imported.
    pub imported: &'static [Imported],
    /// Run by a merge, before the merged customer is deactivated.
    pub merged: &'static [Merged],
}

impl CustomerHooks {
    /// Runs every `saved` hook for customer `id`.
    pub fn saved(
        &self,
        conn: &mut PgConnection,
        id: i64,
        today: NaiveDate,
        actor: &Actor,
    ) -> Result<(), AppError> {
        for hook in self.saved {
            hook(conn, CustomerId(id), today, actor)?;
        }
        Ok(())
    }

    /// Runs every `created` hook for a new customer.
    pub fn created(
        &self,
        conn: &mut PgConnection,
        creation: &Creation<'_>,
    ) -> Result<(), AppError> {
        for hook in self.created {
            hook(conn, creation)?;
        }
        Ok(())
    }

    /// Runs every `imported` hook for customers `ids`.
    pub fn imported(
        &self,
        conn: &mut PgConnection,
        ids: &[i64],
        today: NaiveDate,
        by: &str,
    ) -> QueryResult<()> {
        for hook in self.imported {
            hook(conn, ids, today, by)?;
        }
        Ok(())
    }

    /// Moves every area's rows from customer `from` to customer `to`; returns how many.
    pub fn merged(&self, conn: &mut PgConnection, from: i64, to: i64) -> QueryResult<usize> {
        let mut moved = 0;
        for hook in self.merged {
            moved += hook(conn, CustomerId(from), CustomerId(to))?;
        }
        Ok(moved)
    }
}
