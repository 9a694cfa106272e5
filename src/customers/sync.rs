//! Customers written by tills: create (idempotent by the till's uuid; HQ assigns the code) and
//! the field-by-field merge of an offline edit. Reads go through the feed's `CustomerRecord`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Uuid as SqlUuid};
use patron_rules::customers::sync::{self as sync_rules, Conflict, FieldChange, TILL_FIELDS};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::feed::{CustomerRecord, RECORD_SELECT};
use super::forms::CustomerForm;
use super::hooks::{Creation, CustomerHooks};
use super::model::{self, CustomerFields, NewCustomer};
use crate::db::schema::countries;
use crate::kernel::Actor;
use crate::trees::model::groups;
use crate::web::{AppError, FieldErrors};

/// A customer as a till sends it. Group and territory go by name; absent, the roots of the trees.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TillCustomer {
    /// The till's uuid for the customer: a retry with it returns the same customer.
    #[schema(required = true)]
    pub id: Uuid,
    /// First Name.
    pub first_name: String,
    /// Last Name.
    pub last_name: String,
    /// Customer Group's name.
    pub customer_group: Option<String>,
    /// Territory's name.
    pub territory: Option<String>,
    /// Tax Id.
    pub tax_id: String,
    /// Mobile.
    pub mobile: String,
    /// Email.
    pub email: String,
    /// Website.
    pub website: String,
    /// Address Line 1.
    pub address_line1: String,
    /// Address Line 2.
    pub address_line2: String,
    /// City.
    pub city: String,
    /// Postcode.
    pub postcode: String,
    /// ISO country code.
    pub country_code: Option<String>,
    /// Birthday, YYYY-MM-DD: from 1900-01-01 to today (the company's business day).
    #[schema(format = Date)]
    pub birthday: Option<String>,
    /// female, male, other or empty.
    pub gender: String,
    /// Notes.
    pub notes: String,
    /// A referral code the customer came with (create only): checked, and the welcome coupons
    /// made, in the same transaction; a refusal is an error on this field and nothing is made.
    pub referral_code: Option<String>,
}

/// The API's name for a form field (ids go by name in the API).
fn api_field(form_field: &str) -> &str {
    match form_field {
        "customer_group_id" => "customer_group",
        "territory_id" => "territory",
        other => other,
    }
}

/// Form errors renamed to the API's fields, under `prefix` ("" or "changes.").
fn renamed(errors: &FieldErrors, prefix: &str) -> FieldErrors {
    let mut out = FieldErrors::new();
    for (field, message) in errors.iter() {
        out.add(&format!("{prefix}{}", api_field(field)), message);
    }
    out
}

/// The id of the group and territory named (the roots when absent), or the field that is wrong.
fn tree_ids(
    conn: &mut PgConnection,
    group: Option<&str>,
    territory: Option<&str>,
    prefix: &str,
) -> Result<(i64, i64), AppError> {
    let mut errors = FieldErrors::new();
    let group_id = match group.map(str::trim).filter(|g| !g.is_empty()) {
        None => Some(groups::root_group_id(conn)?),
        Some(name) => match groups::group_by_name(conn, name)? {
            Some(group) => Some(group.id),
            None => {
                errors.add(
                    &format!("{prefix}customer_group"),
                    format!("No customer group is called {name}."),
                );
                None
            }
        },
    };
    let territory_id = match territory.map(str::trim).filter(|t| !t.is_empty()) {
        None => Some(groups::root_territory_id(conn)?),
        Some(name) => match groups::territory_by_name(conn, name)? {
            Some(territory) => Some(territory.id),
            None => {
                errors.add(
                    &format!("{prefix}territory"),
                    format!("No territory is called {name}."),
                );
                None
            }
        },
    };
    match (group_id, territory_id) {
        (Some(group), Some(territory)) if errors.is_empty() => Ok((group, territory)),
        _ => Err(AppError::Validation(errors)),
    }
}

/// Checks what the form cannot: the country must be one Patron knows.
fn check_country(
    conn: &mut PgConnection,
    fields: &CustomerFields,
    prefix: &str,
) -> Result<(), AppError> {
    let Some(code) = &fields.country_code else {
        return Ok(());
    };
    let known: bool = diesel::select(diesel::dsl::exists(
        countries::table.filter(countries::code.eq(code)),
    ))
    .get_result(conn)?;
    if known {
        Ok(())
    } else {
        Err(AppError::field(
            &format!("{prefix}country_code"),
            format!("{code} is not an ISO 3166 country code."),
        ))
    }
}

/// The customer with id `id` as tills see it.
pub fn record(conn: &mut PgConnection, id: i64) -> QueryResult<CustomerRecord> {
    diesel::sql_query(format!("{RECORD_SELECT} WHERE c.id = $1"))
        .bind::<BigInt, _>(id)
        .get_result(conn)
}

/// The customers with these ids, in that order.
pub fn records(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<Vec<CustomerRecord>> {
    diesel::sql_query(format!(
        "{RECORD_SELECT} WHERE c.id = ANY($1) ORDER BY array_position($1, c.id)"
    ))
    .bind::<Array<BigInt>, _>(ids)
    .load(conn)
}

/// The internal id of the customer with uuid `uuid`.
pub fn id_of(conn: &mut PgConnection, uuid: Uuid) -> QueryResult<i64> {
    diesel::sql_query("SELECT id AS n FROM customers WHERE uuid = $1")
        .bind::<SqlUuid, _>(uuid)
        .get_result::<Count>(conn)
        .map(|row| row.n)
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Creates the customer a till sent, at the till's store, unless its uuid exists already.
/// Returns the customer's id and whether it was made now. One transaction, audited.
pub fn create(
    conn: &mut PgConnection,
    hooks: &CustomerHooks,
    body: &TillCustomer,
    store_id: i64,
    today: NaiveDate,
    actor: &Actor,
) -> Result<(i64, bool), AppError> {
    if let Ok(id) = id_of(conn, body.id) {
        return Ok((id, false));
    }
    let (group_id, territory_id) = tree_ids(
        conn,
        body.customer_group.as_deref(),
        body.territory.as_deref(),
        "",
    )?;
    let form = CustomerForm {
        first_name: body.first_name.clone(),
        last_name: body.last_name.clone(),
        customer_group_id: group_id.to_string(),
        territory_id: territory_id.to_string(),
        tax_id: body.tax_id.clone(),
        mobile: body.mobile.clone(),
        email: body.email.clone(),
        website: body.website.clone(),
        address_line1: body.address_line1.clone(),
        address_line2: body.address_line2.clone(),
        city: body.city.clone(),
        postcode: body.postcode.clone(),
        country_code: body.country_code.clone().unwrap_or_default(),
        birthday: body.birthday.clone().unwrap_or_default(),
        gender: body.gender.clone(),
        notes: body.notes.clone(),
        ..CustomerForm::default()
    };
    let fields = form
        .parse(today)
        .map_err(|e| AppError::Validation(renamed(&e, "")))?;
    check_country(conn, &fields, "")?;
    let new = NewCustomer {
        uuid: body.id,
        origin_store_id: Some(store_id),
        fields,
    };
    // Two retries racing: the second finds the uuid taken and answers with the first's customer.
    match model::insert_once(conn, &new, actor)?.map(|customer| customer.id) {
        Some(id) => {
            hooks.saved(conn, id, today, actor)?;
            hooks.created(
                conn,
                &Creation {
                    customer: patron_rules::CustomerId(id),
                    store_id: Some(store_id),
                    referral_code: body.referral_code.as_deref(),
                    today,
                    actor,
                },
            )?;
            Ok((id, true))
        }
        None => Ok((id_of(conn, body.id)?, false)),
    }
}

/// The record's fields a till may change, as JSON values.
fn till_view(record: &CustomerRecord) -> serde_json::Map<String, Value> {
    let all = serde_json::to_value(record).unwrap_or(Value::Null);
    TILL_FIELDS
        .iter()
        .map(|field| {
            (
                (*field).to_owned(),
                all.get(*field).cloned().unwrap_or(Value::Null),
            )
        })
        .collect()
}

/// A JSON value as the form's text ("" for null, numbers as written).
fn as_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Applies a till's offline edit of customer `uuid` field by field (see
/// `patron_rules::customers::sync`), in one transaction with the row locked; returns the customer's
/// id and the conflicts.
pub fn patch(
    conn: &mut PgConnection,
    hooks: &CustomerHooks,
    uuid: Uuid,
    changes: &BTreeMap<String, FieldChange>,
    today: NaiveDate,
    actor: &Actor,
) -> Result<(i64, Vec<Conflict>), AppError> {
    let mut unknown = FieldErrors::new();
    for field in changes
        .keys()
        .filter(|f| !TILL_FIELDS.contains(&f.as_str()))
    {
        unknown.add(
            &format!("changes.{field}"),
            "Tills cannot change this field.",
        );
    }
    if !unknown.is_empty() {
        return Err(AppError::Validation(unknown));
    }
    let id = id_of(conn, uuid)?;
    let before = model::find_for_update(conn, id)?;
    let current = till_view(&record(conn, id)?);
    let merged = sync_rules::merge(&current, changes);
    if merged.apply.is_empty() {
        return Ok((id, merged.conflicts));
    }
    let value = |field: &str| {
        merged
            .apply
            .get(field)
            .or_else(|| current.get(field))
            .map(as_text)
            .unwrap_or_default()
    };
    let (group_id, territory_id) = tree_ids(
        conn,
        Some(value("customer_group").as_str()),
        Some(value("territory").as_str()),
        "changes.",
    )?;
    let form = CustomerForm {
        first_name: value("first_name"),
        last_name: value("last_name"),
        customer_group_id: group_id.to_string(),
        territory_id: territory_id.to_string(),
        tax_id: value("tax_id"),
        mobile: value("mobile"),
        email: value("email"),
        website: value("website"),
        address_line1: value("address_line1"),
        address_line2: value("address_line2"),
        city: value("city"),
        postcode: value("postcode"),
        country_code: value("country_code"),
        birthday: value("birthday"),
        gender: value("gender"),
        notes: value("notes"),
        credit_limit: before.fields.credit_limit.to_string(),
        ..CustomerForm::default()
    };
    let fields = form
        .parse(today)
        .map_err(|e| AppError::Validation(renamed(&e, "changes.")))?;
    check_country(conn, &fields, "changes.")?;
    model::update(conn, id, &fields, actor)?;
    hooks.saved(conn, id, today, actor)?;
    Ok((id, merged.conflicts))
}

/// The customer a till names by uuid, else by code, else `default` (the store's Default
/// Customer), followed through merges to the one kept; an unknown uuid or code is a field error.
pub fn named_by_till(
    conn: &mut PgConnection,
    uuid: Option<Uuid>,
    code: Option<&str>,
    default: Option<i64>,
) -> Result<Option<i64>, crate::web::AppError> {
    use crate::web::AppError;
    let found = if let Some(uuid) = uuid {
        Some(
            id_of(conn, uuid)
                .map_err(|_| AppError::field("customer_id", "No customer has this id."))?,
        )
    } else if let Some(code) = code.filter(|c| !c.trim().is_empty()) {
        let id = super::model::find_by_code(conn, code)?.map(|c| c.id);
        Some(id.ok_or_else(|| {
            AppError::field("customer_code", format!("No customer has the code {code}."))
        })?)
    } else {
        default
    };
    let Some(mut id) = found else {
        return Ok(None);
    };
    let mut row = super::model::find(conn, id)?;
    while let Some(kept) = row.merged_into_id {
        id = kept;
        row = super::model::find(conn, id)?;
    }
    Ok(Some(id))
}
