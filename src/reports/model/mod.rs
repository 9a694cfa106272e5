//! What the report pages read, all from the rollups: the filters every report takes, and one
//! module of queries per report.

pub mod customer_page;
pub mod customers;
pub mod home;
pub mod promotions;
pub mod stores;
pub mod top_customers;

use chrono::NaiveDate;
use diesel::pg::Pg;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{BigInt, Date, Nullable};

/// The filters of a report, resolved: the company's business days `from` to `to` (both
/// included) and the optional narrowing ones. A store supervisor's `store` is always theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The company.
    pub company: i64,
    /// First day.
    pub from: NaiveDate,
    /// Last day (included).
    pub to: NaiveDate,
    /// One store only.
    pub store: Option<i64>,
    /// Customers of this customer group (or a group under it) only.
    pub customer_group: Option<i64>,
    /// Customers of this territory (or one under it) only.
    pub territory: Option<i64>,
    /// One sales person only.
    pub sales_person: Option<i64>,
    /// One campaign's offers or coupons only (the promotions reports).
    pub campaign: Option<i64>,
}

impl Filter {
    /// Whether a customer group or territory narrows the customers: then only the customers
    /// table knows who is in, not the rollups or the lifetime rows.
    pub fn narrows_customers(&self) -> bool {
        self.customer_group.is_some() || self.territory.is_some()
    }

    /// `sql` with this filter bound as `$1` company, `$2` from, `$3` to, `$4` store, `$5`
    /// customer group, `$6` territory (a report's own binds follow).
    pub fn bind(&self, sql: String) -> BoxedSqlQuery<'static, Pg, diesel::query_builder::SqlQuery> {
        diesel::sql_query(sql)
            .into_boxed::<Pg>()
            .bind::<BigInt, _>(self.company)
            .bind::<Date, _>(self.from)
            .bind::<Date, _>(self.to)
            .bind::<Nullable<BigInt>, _>(self.store)
            .bind::<Nullable<BigInt>, _>(self.customer_group)
            .bind::<Nullable<BigInt>, _>(self.territory)
    }

    /// `sql` with this filter bound as the store reports take it: `$1` company, `$2` from, `$3`
    /// to, `$4` store, `$5` sales person.
    pub fn bind_stores(
        &self,
        sql: &str,
    ) -> BoxedSqlQuery<'static, Pg, diesel::query_builder::SqlQuery> {
        diesel::sql_query(sql.to_owned())
            .into_boxed::<Pg>()
            .bind::<BigInt, _>(self.company)
            .bind::<Date, _>(self.from)
            .bind::<Date, _>(self.to)
            .bind::<Nullable<BigInt>, _>(self.store)
            .bind::<Nullable<BigInt>, _>(self.sales_person)
    }

    /// `sql` with this filter written in as literals (`$1`..`$6` as `bind` takes them): for a
    /// cursor, which PostgreSQL declares without parameters. Only numbers and dates go in.
    pub fn inline(&self, sql: &str) -> String {
        let id = |v: Option<i64>| v.map_or("NULL::bigint".to_owned(), |v| format!("{v}::bigint"));
        let values = [
            format!("{}::bigint", self.company),
            format!("'{}'::date", self.from.format("%Y-%m-%d")),
            format!("'{}'::date", self.to.format("%Y-%m-%d")),
            id(self.store),
            id(self.customer_group),
            id(self.territory),
        ];
        let mut out = sql.to_owned();
        // Highest first, so that `$1` does not eat the start of a `$1x`.
        for (i, value) in values.iter().enumerate().rev() {
            out = out.replace(&format!("${}", i + 1), value);
        }
        out
    }
}

/// The stores' default customers (the Walk-in), as a subquery: the lists of named customers
/// leave them out (`customer_id NOT IN {DEFAULT_CUSTOMERS}`).
pub(crate) const DEFAULT_CUSTOMERS: &str =
    "(SELECT default_customer_id FROM pos_profiles WHERE default_customer_id IS NOT NULL)";

/// The SQL that keeps rows of customers `c` in `filter`'s group and territory (binds `$5`, `$6`).
pub(crate) const CUSTOMER_FILTERS: &str = "($5::bigint IS NULL OR c.customer_group_id IN ( \
       WITH RECURSIVE g AS (SELECT id FROM customer_groups WHERE id = $5 \
         UNION ALL SELECT x.id FROM customer_groups x JOIN g ON x.parent_id = g.id) \
       SELECT id FROM g)) \
     AND ($6::bigint IS NULL OR c.territory_id IN ( \
       WITH RECURSIVE t AS (SELECT id FROM territories WHERE id = $6 \
         UNION ALL SELECT x.id FROM territories x JOIN t ON x.parent_id = t.id) \
       SELECT id FROM t))";

/// When the figures were true, if the database read is a replica that has not replayed all it
/// received: the time of the last transaction it replayed. None on the primary or a replica that
/// is caught up.
pub fn lagging_since(
    conn: &mut diesel::PgConnection,
) -> diesel::QueryResult<Option<chrono::DateTime<chrono::Utc>>> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Replay {
        #[diesel(sql_type = Nullable<diesel::sql_types::Timestamptz>)]
        at: Option<chrono::DateTime<chrono::Utc>>,
    }
    diesel::sql_query(
        "SELECT CASE WHEN pg_is_in_recovery() \
                      AND pg_last_wal_receive_lsn() IS DISTINCT FROM pg_last_wal_replay_lsn() \
                     THEN pg_last_xact_replay_timestamp() END AS at",
    )
    .get_result::<Replay>(conn)
    .map(|r| r.at)
}
