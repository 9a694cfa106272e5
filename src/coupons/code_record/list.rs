//! The list query both code lists build: one company's records newest first, the area's search
//! and filters added as it goes, paged by id (one row more than a page when there is more).

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Text};

use patron_rules::keyset::Keyset;

/// Rows per page.
pub const PAGE: usize = 50;

/// A list query being built on `SELECT ... FROM <table> <alias> ...`: placeholders are numbered
/// in the text as values are bound (`$1` is the company).
pub struct ListQuery {
    query: BoxedSqlQuery<'static, Pg, SqlQuery>,
    alias: &'static str,
    bound: usize,
}

impl ListQuery {
    /// `select` (whose record table is named `alias`) for `company`'s records.
    pub fn of_company(select: &str, alias: &'static str, company: i64) -> ListQuery {
        let query = diesel::sql_query(format!("{select} WHERE {alias}.company_id = $1"))
            .into_boxed::<Pg>()
            .bind::<BigInt, _>(company);
        ListQuery {
            query,
            alias,
            bound: 1,
        }
    }

    /// The placeholder of the next value bound ("$2", "$3", ...).
    pub fn placeholder(&mut self) -> String {
        self.bound += 1;
        format!("${}", self.bound)
    }

    /// Adds SQL text (" AND ...").
    pub fn sql(mut self, text: impl AsRef<str>) -> ListQuery {
        self.query = self.query.sql(text.as_ref());
        self
    }

    /// Binds a text value to the last placeholder taken.
    pub fn text(mut self, value: String) -> ListQuery {
        self.query = self.query.bind::<Text, _>(value);
        self
    }

    /// Keeps the rows whose `column` is the id `raw` holds (nothing when it holds none).
    pub fn id_is(mut self, column: &str, raw: &str) -> ListQuery {
        if let Ok(id) = raw.trim().parse::<i64>() {
            let at = self.placeholder();
            self.query = self
                .query
                .sql(format!(" AND {column} = {at}"))
                .bind::<BigInt, _>(id);
        }
        self
    }

    /// The page `keyset` asks for, newest first, with one row more when there is more.
    pub fn page<Row>(
        mut self,
        conn: &mut PgConnection,
        keyset: &Keyset<i64>,
    ) -> QueryResult<Vec<Row>>
    where
        Row: QueryableByName<Pg> + 'static,
    {
        let alias = self.alias;
        let query = match keyset {
            Keyset::First => self.query.sql(format!(" ORDER BY {alias}.id DESC")),
            Keyset::After(id) => {
                let at = self.placeholder();
                self.query
                    .sql(format!(" AND {alias}.id < {at} ORDER BY {alias}.id DESC"))
                    .bind::<BigInt, _>(*id)
            }
            Keyset::Before(id) => {
                let at = self.placeholder();
                self.query
                    .sql(format!(" AND {alias}.id > {at} ORDER BY {alias}.id ASC"))
                    .bind::<BigInt, _>(*id)
            }
        };
        query.sql(format!(" LIMIT {}", PAGE + 1)).load::<Row>(conn)
    }
}

/// Record `id` as `select` (whose record table is named `alias`) shows it.
pub fn one<Row>(conn: &mut PgConnection, select: &str, alias: &str, id: i64) -> QueryResult<Row>
where
    Row: QueryableByName<Pg> + 'static,
{
    diesel::sql_query(format!("{select} WHERE {alias}.id = $1"))
        .bind::<BigInt, _>(id)
        .get_result(conn)
}
