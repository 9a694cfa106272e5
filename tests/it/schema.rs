//! `src/db/schema.rs` says what Diesel believes the tables are; the migrations say what they
//! are. They are written by hand in two places, so this test holds them against each other: every
//! table and column of the migrated database, with its type and nullability, must be in the
//! schema, and nothing more.

use std::collections::BTreeMap;

use diesel::prelude::*;

use crate::common::TestDb;

/// `(table, column)` -> `Type` or `Nullable<Type>`, as schema.rs spells it.
type Columns = BTreeMap<(String, String), String>;

/// The columns schema.rs declares in its `diesel::table!` blocks.
fn declared() -> Columns {
    let text = include_str!("../../src/db/schema.rs");
    let mut columns = Columns::new();
    let mut table: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if let Some(name) = line
            .strip_suffix('{')
            .map(str::trim)
            .filter(|l| l.contains('('))
        {
            // `invoices (id) {` opens a table.
            table = name.split_whitespace().next().map(str::to_owned);
        } else if line == "}" {
            table = None;
        } else if let (Some(table), Some((column, ty))) = (&table, line.split_once("->")) {
            let column = column.trim().trim_start_matches("r#").to_owned();
            let ty = ty.trim().trim_end_matches(',').to_owned();
            columns.insert((table.clone(), column), ty);
        }
    }
    columns
}

/// What PostgreSQL's type is called in schema.rs.
fn diesel_type(udt: &str) -> String {
    match udt {
        "int8" => "Int8".into(),
        "int4" => "Int4".into(),
        "int2" => "Int2".into(),
        "text" | "varchar" | "citext" => "Text".into(),
        "bool" => "Bool".into(),
        "numeric" => "Numeric".into(),
        "timestamptz" => "Timestamptz".into(),
        "timestamp" => "Timestamp".into(),
        "date" => "Date".into(),
        "uuid" => "Uuid".into(),
        "jsonb" => "Jsonb".into(),
        "json" => "Json".into(),
        "bytea" => "Bytea".into(),
        array if array.starts_with('_') => format!("Array<{}>", diesel_type(&array[1..])),
        other => format!("<{other}>"),
    }
}

/// The columns of the migrated database, as schema.rs would spell them.
fn migrated(db: &TestDb) -> Columns {
    #[derive(QueryableByName)]
    struct Column {
        #[diesel(sql_type = diesel::sql_types::Text)]
        table_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        column_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        udt_name: String,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        nullable: bool,
    }
    let rows: Vec<Column> = diesel::sql_query(
        "SELECT c.table_name::text, c.column_name::text, c.udt_name::text,
                c.is_nullable = 'YES' AS nullable
         FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
           AND c.table_name <> '__diesel_schema_migrations'",
    )
    .load(&mut db.conn())
    .unwrap();
    rows.into_iter()
        .map(|c| {
            let ty = diesel_type(&c.udt_name);
            let ty = if c.nullable {
                format!("Nullable<{ty}>")
            } else {
                ty
            };
            ((c.table_name, c.column_name), ty)
        })
        .collect()
}

#[test]
fn schema_rs_declares_exactly_the_migrated_tables_and_columns() {
    let db = TestDb::create();
    let declared = declared();
    let migrated = migrated(&db);
    assert!(declared.len() > 100, "schema.rs was read: {declared:?}");
    let mut differences = Vec::new();
    for ((table, column), ty) in &migrated {
        match declared.get(&(table.clone(), column.clone())) {
            None => differences.push(format!("{table}.{column} ({ty}) is missing in schema.rs")),
            Some(said) if said != ty => {
                differences.push(format!("{table}.{column} is {ty}, schema.rs says {said}"))
            }
            Some(_) => {}
        }
    }
    for (table, column) in declared.keys() {
        if !migrated.contains_key(&(table.clone(), column.clone())) {
            differences.push(format!(
                "{table}.{column} is in schema.rs but not in the database"
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "schema.rs and the migrations disagree (regenerate it with `diesel print-schema`):\n{}",
        differences.join("\n")
    );
}
