//! The invoice pipeline: submitting a sale (or a return) is one transaction that reads as its
//! steps. Sales owns resolve, totals, settlement and write; every other area joins through the
//! contract in `step` — `plan` in its phase, `post` once the invoice has its id, `reverse` on
//! cancel — and the app hands the list over (`InvoiceSteps`), so an area adds its step without
//! touching another's.

mod price;
mod resolve;
pub mod sale;
pub mod step;
mod write;

use diesel::PgConnection;

pub use crate::sales::views::{InvoiceExtras, Promotion};
pub use sale::Sale;
pub use step::{InvoiceStep, InvoiceSteps, Phase, Posting};

use super::body::InvoiceBody;
use crate::kernel::Till;
use crate::web::AppError;

/// What submitting answered: a new invoice (201) or the answer first given to this sale (200).
#[derive(Debug)]
pub enum Outcome {
    /// Written now.
    Created(serde_json::Value),
    /// A retry of a sale already written.
    Replayed(serde_json::Value),
}

/// Submits `body` from `till` through `steps`; `hash` is the SHA-256 of the request that makes
/// retries safe; the sale may be dated up to `ahead` past the server's clock.
pub fn submit(
    conn: &mut PgConnection,
    steps: &InvoiceSteps,
    till: &Till,
    body: &InvoiceBody,
    hash: &[u8],
    ahead: chrono::Duration,
) -> Result<Outcome, AppError> {
    if let Some(done) = write::replay(conn, body.id, hash)? {
        return Ok(done);
    }
    let mut sale = resolve::sale(conn, till, body, ahead)?;
    let mut postings = steps.plan(conn, Phase::Pricing, &mut sale)?;
    price::totals(&mut sale)?;
    postings.extend(steps.plan(conn, Phase::Payment, &mut sale)?);
    price::settle(conn, &mut sale)?;
    postings.extend(steps.plan(conn, Phase::Rewards, &mut sale)?);
    let closing = steps.plan(conn, Phase::Closing, &mut sale)?;
    write::invoice(conn, hash, sale, postings, closing)
}
