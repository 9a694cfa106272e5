//! The writes every code record makes, each audited in the caller's transaction: create (code
//! typed or generated), save (never the code or the company), Disable and Enable (the path every
//! never-deleted record takes, `audit::switch`).

use diesel::prelude::*;
use patron_rules::Activation;
use patron_rules::coupons::codes;
use serde::Serialize;

use crate::audit;
use crate::kernel::Actor;

/// A table of code records (coupons, referral codes). An area implements the queries with
/// `code_table_queries!(table, Fields, Stored)`, names its audit entity, and gets the audited
/// writes for free.
pub trait CodeTable: Sized + 'static {
    /// The audit log's name for one record.
    const ENTITY: &'static str;
    /// What the form edits (everything but the code), as the audit log shows it.
    type Fields: Serialize + Send + 'static;
    /// A stored record (id, code, fields and what the area counts).
    type Stored: Send + 'static;

    /// Record `id`.
    fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Self::Stored>;
    /// A stored record's id.
    fn id_of(stored: &Self::Stored) -> i64;
    /// A stored record's code.
    fn code_of(stored: &Self::Stored) -> &str;
    /// A stored record's company.
    fn company_of(stored: &Self::Stored) -> i64;
    /// The company the fields are for.
    fn fields_company(fields: &Self::Fields) -> i64;
    /// Whether `company` has a record with `code` (already normalised).
    fn code_taken(conn: &mut PgConnection, company: i64, code: &str) -> QueryResult<bool>;
    /// Inserts a record; returns its id (no audit: `create` writes it).
    fn insert(conn: &mut PgConnection, code: &str, fields: &Self::Fields) -> QueryResult<i64>;
    /// Inserts a record unless `code` is the company's already (then none); returns its id (no
    /// audit: `create_fresh` writes it).
    fn insert_unless_taken(
        conn: &mut PgConnection,
        code: &str,
        fields: &Self::Fields,
    ) -> QueryResult<Option<i64>>;
    /// Record `id`'s fields, locked until the transaction ends.
    fn locked_fields(conn: &mut PgConnection, id: i64) -> QueryResult<Self::Fields>;
    /// Writes record `id`'s fields and its `updated_at` (no audit: `save` writes it).
    fn update(conn: &mut PgConnection, id: i64, fields: &Self::Fields) -> QueryResult<()>;
    /// Record `id`'s Disabled, locked until the transaction ends.
    fn locked_disabled(conn: &mut PgConnection, id: i64) -> QueryResult<bool>;
    /// Writes record `id`'s Disabled and its `updated_at`; returns Disabled as stored.
    fn write_disabled(conn: &mut PgConnection, id: i64, disabled: bool) -> QueryResult<bool>;

    /// Creates a record under a fresh code (10 characters of the alphabet without look-alikes),
    /// audited; returns its id and code. One INSERT that skips a code the company already has
    /// (drawn again then), rather than a look before each insert: registering a referred
    /// customer makes up to two coupons and a till waits for it.
    fn create_fresh(
        conn: &mut PgConnection,
        actor: &Actor,
        fields: &Self::Fields,
    ) -> QueryResult<(i64, String)> {
        loop {
            let code = codes::random(codes::SINGLE_LENGTH);
            if let Some(id) = Self::insert_unless_taken(conn, &code, fields)? {
                Self::audit_created(conn, actor, id, &code, fields)?;
                return Ok((id, code));
            }
        }
    }

    /// Creates a record with `code` (normalised, checked free by the caller), audited with the
    /// code and its fields; returns its id.
    fn create(
        conn: &mut PgConnection,
        actor: &Actor,
        code: &str,
        fields: &Self::Fields,
    ) -> QueryResult<i64> {
        let id = Self::insert(conn, code, fields)?;
        Self::audit_created(conn, actor, id, code, fields)?;
        Ok(id)
    }

    /// The audit entry of record `id` just created with `code`.
    fn audit_created(
        conn: &mut PgConnection,
        actor: &Actor,
        id: i64,
        code: &str,
        fields: &Self::Fields,
    ) -> QueryResult<()> {
        audit::record(
            conn,
            actor,
            Self::ENTITY,
            id,
            "create",
            None,
            audit::snapshot(&Snapshot { code, fields }),
        )
    }

    /// Saves record `id` (its code and company stay), audited with before and after.
    fn save(
        conn: &mut PgConnection,
        actor: &Actor,
        id: i64,
        fields: &Self::Fields,
    ) -> QueryResult<()> {
        let before = Self::locked_fields(conn, id)?;
        Self::update(conn, id, fields)?;
        audit::record_change(conn, actor, Self::ENTITY, id, "update", &before, fields)
    }

    /// Disables (or enables) record `id`, audited; false when it already was.
    fn set_disabled(
        conn: &mut PgConnection,
        actor: &Actor,
        id: i64,
        disabled: bool,
    ) -> QueryResult<bool> {
        let current = Self::locked_disabled(conn, id)?;
        if current == disabled {
            return Ok(false);
        }
        let activation = if disabled {
            Activation::Deactivate
        } else {
            Activation::Reactivate
        };
        audit::switch(
            conn,
            actor,
            Self::ENTITY,
            id,
            activation,
            |_| Ok(Switched { disabled: current }),
            |conn, active| {
                Self::write_disabled(conn, id, !active).map(|disabled| Switched { disabled })
            },
        )?;
        Ok(true)
    }
}

/// A new record as the audit log keeps it: its code and its fields side by side.
#[derive(Serialize)]
struct Snapshot<'a, F> {
    code: &'a str,
    #[serde(flatten)]
    fields: &'a F,
}

/// What Disable changes, as the audit log shows it before and after.
#[derive(Debug, Serialize)]
struct Switched {
    disabled: bool,
}

/// The table-specific queries of a [`CodeTable`] impl, for a Diesel table `$table` (in scope,
/// with `id`, `code`, `company_id`, `disabled` and `updated_at` columns), its form's fields
/// `$fields` (Selectable, Insertable, AsChangeset, with `company_id`) and its stored row
/// `$stored` (Selectable, with `id`, `code` and `fields`). Written once as a macro because
/// Diesel's per-table types make the generic version unreadable.
macro_rules! code_table_queries {
    ($table:ident, $fields:ty, $stored:ty) => {
        fn find(conn: &mut diesel::PgConnection, id: i64) -> diesel::QueryResult<$stored> {
            use diesel::prelude::*;
            $table::table
                .find(id)
                .select(<$stored>::as_select())
                .first(conn)
        }

        fn id_of(stored: &$stored) -> i64 {
            stored.id
        }

        fn code_of(stored: &$stored) -> &str {
            &stored.code
        }

        fn company_of(stored: &$stored) -> i64 {
            stored.fields.company_id
        }

        fn fields_company(fields: &$fields) -> i64 {
            fields.company_id
        }

        fn code_taken(
            conn: &mut diesel::PgConnection,
            company: i64,
            code: &str,
        ) -> diesel::QueryResult<bool> {
            use diesel::prelude::*;
            diesel::select(diesel::dsl::exists(
                $table::table
                    .filter($table::company_id.eq(company))
                    .filter($table::code.eq(code)),
            ))
            .get_result(conn)
        }

        fn insert(
            conn: &mut diesel::PgConnection,
            code: &str,
            fields: &$fields,
        ) -> diesel::QueryResult<i64> {
            use diesel::prelude::*;
            diesel::insert_into($table::table)
                .values((fields, $table::code.eq(code)))
                .returning($table::id)
                .get_result(conn)
        }

        fn insert_unless_taken(
            conn: &mut diesel::PgConnection,
            code: &str,
            fields: &$fields,
        ) -> diesel::QueryResult<Option<i64>> {
            use diesel::prelude::*;
            diesel::insert_into($table::table)
                .values((fields, $table::code.eq(code)))
                .on_conflict(($table::code, $table::company_id))
                .do_nothing()
                .returning($table::id)
                .get_result(conn)
                .optional()
        }

        fn locked_fields(conn: &mut diesel::PgConnection, id: i64) -> diesel::QueryResult<$fields> {
            use diesel::prelude::*;
            $table::table
                .find(id)
                .select(<$fields>::as_select())
                .for_update()
                .first(conn)
        }

        fn update(
            conn: &mut diesel::PgConnection,
            id: i64,
            fields: &$fields,
        ) -> diesel::QueryResult<()> {
            use diesel::prelude::*;
            diesel::update($table::table.find(id))
                .set((fields, $table::updated_at.eq(diesel::dsl::now)))
                .execute(conn)
                .map(|_| ())
        }

        fn locked_disabled(conn: &mut diesel::PgConnection, id: i64) -> diesel::QueryResult<bool> {
            use diesel::prelude::*;
            $table::table
                .find(id)
                .select($table::disabled)
                .for_update()
                .first(conn)
        }

        fn write_disabled(
            conn: &mut diesel::PgConnection,
            id: i64,
            disabled: bool,
        ) -> diesel::QueryResult<bool> {
            use diesel::prelude::*;
            diesel::update($table::table.find(id))
                .set((
                    $table::disabled.eq(disabled),
                    $table::updated_at.eq(diesel::dsl::now),
                ))
                .returning($table::disabled)
                .get_result(conn)
        }
    };
}
pub(crate) use code_table_queries;
