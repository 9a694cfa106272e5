//! The audit entry of an import run, written in the run's transaction.

use diesel::prelude::*;

use crate::audit;
use crate::kernel::Actor;

/// Notes in the audit log that import `id` of `entity` records wrote `imported` rows and
/// skipped `skipped_with_errors` lines.
pub fn note_import(
    conn: &mut PgConnection,
    actor: &Actor,
    entity: &str,
    id: i64,
    imported: usize,
    skipped_with_errors: usize,
) -> QueryResult<()> {
    let note = serde_json::json!({ "import": id, "imported": imported, "skipped_with_errors": skipped_with_errors });
    audit::record(conn, actor, entity, id, "import", None, Some(note))
}
