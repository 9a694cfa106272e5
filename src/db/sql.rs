//! SQL text built from parts with its values bound, for queries whose conditions depend on what
//! a person chose (a customer search, a segment's filters): each value is a `$n` placeholder,
//! never spliced in.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Date, Numeric, Text, Timestamptz};
use rust_decimal::Decimal;

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    /// Text.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A day.
    Day(NaiveDate),
    /// An instant.
    Time(DateTime<Utc>),
    /// An amount.
    Amount(Decimal),
}

/// SQL text with its binds, numbered as they are added.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    /// Starts with `text`.
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_owned(),
            binds: Vec::new(),
        }
    }

    /// Appends `text`.
    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: Bind) -> &mut Sql {
        self.binds.push(value);
        self.text.push_str(&format!("${}", self.binds.len()));
        self
    }

    /// The text so far (for a test or a log).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The query, its values bound.
    pub fn query(&self) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
        let mut query = diesel::sql_query(self.text.clone()).into_boxed();
        for bind in &self.binds {
            query = match bind.clone() {
                Bind::Text(v) => query.bind::<Text, _>(v),
                Bind::Int(v) => query.bind::<BigInt, _>(v),
                Bind::Day(v) => query.bind::<Date, _>(v),
                Bind::Time(v) => query.bind::<Timestamptz, _>(v),
                Bind::Amount(v) => query.bind::<Numeric, _>(v),
            };
        }
        query
    }
}
