//! What other areas do when something happens to customers, without customers knowing them: an
//! area above offers a function, the app lists them (`app::customer_hooks`) and hands the list
//! to every handler as app data. Loyalty enrols by auto opt-in when a customer is saved or
//! imported; sales, loyalty (and later coupons and referrals) move their rows on a merge.

use chrono::NaiveDate;
use diesel::{PgConnection, QueryResult};

use crate::audit::Actor;
use crate::kernel::CustomerId;
use crate::web::AppError;

/// After one customer is created or changed (at HQ or by a till), in the same transaction.
pub type Saved = fn(&mut PgConnection, CustomerId, NaiveDate, &Actor) -> Result<(), AppError>;

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
