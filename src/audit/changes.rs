//! What an audit entry changed, as lines a person reads ("Email: a@x → b@y"), from the JSON
//! snapshots the log keeps before and after. Pure: names of referenced records (a Customer
//! Group's id) come from the caller, which reads them for a whole page at once.

use std::collections::BTreeMap;

use patron_rules::users::Role;
use serde_json::Value;

use super::labels::field_label;

/// One changed (or, for a created or removed record, shown) field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The field's label, as the form says it.
    pub label: String,
    /// Its value before, if the record existed.
    pub from: Option<String>,
    /// Its value after, if the record still exists.
    pub to: Option<String>,
}

/// Fields that say nothing to a person: keys, bookkeeping, search columns, secrets.
const HIDDEN: [&str; 20] = [
    "id",
    "uuid",
    "created_at",
    "updated_at",
    "change_seq",
    "search_name",
    "search_email",
    "search_text",
    "mobile_digits",
    "password_hash",
    "token_hash",
    "deactivated_at",
    "deactivated_by",
    "failed_logins",
    "locked_until",
    "last_sign_in_at",
    "last_used_at",
    "created_by_label",
    "default_customer",
    "hint",
];

/// A created record shows this many of its fields; the page links to the rest.
const CREATED_FIELDS: usize = 6;
/// Longer values are cut, with an ellipsis.
const LONGEST: usize = 80;

/// The kind of record a field refers to, for fields that hold another record's id.
pub fn reference_kind(entity: &str, key: &str) -> Option<&'static str> {
    Some(match key {
        "customer_group_id" => "customer_group",
        "territory_id" => "territory",
        "store_id" | "origin_store_id" => "store",
        "company_id" => "company",
        "item_group_id" => "item_group",
        "brand_id" => "brand",
        "default_customer_id" | "merged_into_id" => "customer",
        "allowed_sales_persons" => "sales_person",
        "parent_id" => match entity {
            "customer_group" => "customer_group",
            "territory" => "territory",
            "item_group" => "item_group",
            _ => return None,
        },
        _ => return None,
    })
}

/// The fields of a snapshot, nested settings lifted to the top, hidden ones left out.
fn fields(snapshot: Option<&Value>) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    if let Some(Value::Object(map)) = snapshot {
        for (key, value) in map {
            match value {
                Value::Object(inner) => {
                    for (key, value) in inner {
                        out.insert(key.clone(), value.clone());
                    }
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
    }
    out.retain(|key, _| !HIDDEN.contains(&key.as_str()));
    out
}

/// The ids of other records an entry's snapshots name, with their kinds.
pub fn references(
    entity: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for snapshot in [before, after] {
        for (key, value) in fields(snapshot) {
            if let Some(kind) = reference_kind(entity, &key) {
                let ids: Vec<&Value> = match &value {
                    Value::Array(items) => items.iter().collect(),
                    other => vec![other],
                };
                out.extend(
                    ids.into_iter()
                        .filter_map(Value::as_i64)
                        .map(|id| (kind, id)),
                );
            }
        }
    }
    out
}

/// The lines of one entry. `name` gives a referenced record's name (kind, id).
pub fn changes(
    entity: &str,
    action: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    name: &dyn Fn(&str, i64) -> Option<String>,
) -> Vec<Change> {
    let (old, new) = (fields(before), fields(after));
    let text = |key: &str, value: &Value| show(entity, key, value, name);
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort_by_key(|key| (field_rank(key), key.to_owned()));
    keys.dedup();
    if matches!(action, "deactivate" | "reactivate") {
        // The action says it; the Status line would only repeat it.
        keys.retain(|key| key.as_str() != "active");
    }
    let both = before.is_some() && after.is_some();
    let mut lines: Vec<Change> = keys
        .into_iter()
        .filter_map(|key| {
            let (from, to) = (old.get(key), new.get(key));
            if both {
                (from != to).then(|| Change {
                    label: field_label(key),
                    from: Some(from.map_or_else(|| "—".to_owned(), |v| text(key, v))),
                    to: Some(to.map_or_else(|| "—".to_owned(), |v| text(key, v))),
                })
            } else {
                // A record created or removed: its fields that hold something.
                let value = from.or(to).filter(|v| !is_empty(v))?;
                let shown = Some(text(key, value));
                Some(Change {
                    label: field_label(key),
                    from: from.and(shown.clone()),
                    to: to.and(shown),
                })
            }
        })
        .collect();
    if !both {
        lines.truncate(CREATED_FIELDS);
    }
    lines
}

/// Known fields first, in the order the forms show them; the rest alphabetically.
fn field_rank(key: &str) -> usize {
    const ORDER: [&str; 16] = [
        "name",
        "first_name",
        "last_name",
        "code",
        "item_code",
        "email",
        "mobile",
        "role",
        "customer_group_id",
        "territory_id",
        "store_id",
        "origin_store_id",
        "item_group_id",
        "brand_id",
        "standard_rate",
        "active",
    ];
    ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len())
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// A value as a person reads it: names for ids, Yes/No, numbers without trailing zeros.
fn show(
    entity: &str,
    key: &str,
    value: &Value,
    name: &dyn Fn(&str, i64) -> Option<String>,
) -> String {
    let kind = reference_kind(entity, key);
    let one = |v: &Value| -> String {
        match (kind, v) {
            (Some(kind), Value::Number(n)) if n.is_i64() => {
                let id = n.as_i64().unwrap_or_default();
                name(kind, id).unwrap_or_else(|| format!("#{id}"))
            }
            _ => scalar(key, v),
        }
    };
    let text = match value {
        Value::Array(items) => items.iter().map(one).collect::<Vec<_>>().join(", "),
        other => one(other),
    };
    shorten(if text.is_empty() {
        "—".to_owned()
    } else {
        text
    })
}

fn scalar(key: &str, value: &Value) -> String {
    match value {
        Value::Null => "—".to_owned(),
        Value::Bool(on) if key == "active" => if *on { "Active" } else { "Deactivated" }.to_owned(),
        Value::Bool(true) => "Yes".to_owned(),
        Value::Bool(false) => "No".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(role) if key == "role" => {
            Role::parse(role).map_or_else(|| role.clone(), |r| r.label().to_owned())
        }
        Value::String(s) => trim_decimal(s),
        Value::Array(_) => String::new(),
        // A record inside a record (a tier): its fields on one line, its name first.
        Value::Object(map) => {
            let mut parts: Vec<String> = Vec::new();
            if let Some(Value::String(name)) = map.get("name") {
                parts.push(name.clone());
            }
            let rest: Vec<String> = map
                .iter()
                .filter(|(k, v)| {
                    k.as_str() != "name" && !HIDDEN.contains(&k.as_str()) && !is_empty(v)
                })
                .map(|(k, v)| format!("{} {}", field_label(k), scalar(k, v)))
                .collect();
            if !rest.is_empty() {
                parts.push(format!("({})", rest.join(", ")));
            }
            parts.join(" ")
        }
    }
}

/// "1000.0000" -> "1000", "0.010000" -> "0.01"; other text as it is.
fn trim_decimal(s: &str) -> String {
    let numeric = !s.is_empty()
        && s.contains('.')
        && s.trim_start_matches('-')
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.');
    if numeric {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s.to_owned()
    }
}

fn shorten(text: String) -> String {
    if text.chars().count() <= LONGEST {
        return text;
    }
    let cut: String = text.chars().take(LONGEST - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(kind: &str, id: i64) -> Option<String> {
        match (kind, id) {
            ("customer_group", 2) => Some("Retail".into()),
            ("customer_group", 3) => Some("Wholesale".into()),
            ("sales_person", 1) => Some("Olivia Bennett".into()),
            _ => None,
        }
    }

    fn line(c: &Change) -> String {
        match (&c.from, &c.to) {
            (Some(from), Some(to)) => format!("{}: {from} → {to}", c.label),
            (Some(v), None) | (None, Some(v)) => format!("{}: {v}", c.label),
            (None, None) => c.label.clone(),
        }
    }

    #[test]
    fn an_update_shows_each_changed_field_in_words() {
        let before = json!({"id": 7, "email": "a@x.com", "customer_group_id": 2, "updated_at": "t1", "credit_limit": "0.0000"});
        let after = json!({"id": 7, "email": "b@y.com", "customer_group_id": 3, "updated_at": "t2", "credit_limit": "250.5000"});
        let lines: Vec<String> = changes("customer", "update", Some(&before), Some(&after), &names)
            .iter()
            .map(line)
            .collect();
        assert_eq!(
            lines,
            [
                "Email: a@x.com → b@y.com",
                "Customer Group: Retail → Wholesale",
                "Credit Limit: 0 → 250.5",
            ]
        );
    }

    #[test]
    fn a_created_record_shows_its_main_fields_and_settings_read_as_fields() {
        let after = json!({"id": 1, "first_name": "Jane", "last_name": "Doe", "email": "", "customer_group_id": 9, "allowed_sales_persons": [1]});
        let lines: Vec<String> = changes("customer", "create", None, Some(&after), &names)
            .iter()
            .map(line)
            .collect();
        assert_eq!(
            lines,
            [
                "First Name: Jane",
                "Last Name: Doe",
                "Customer Group: #9",
                "Allowed Sales Persons: Olivia Bennett",
            ]
        );
        let user = json!({"name": "Sam", "role": "hq_manager"});
        let lines: Vec<String> = changes("user", "create", None, Some(&user), &names)
            .iter()
            .map(line)
            .collect();
        assert_eq!(lines, ["Name: Sam", "Role: HQ manager"]);
        let before = json!({"settings": {"show_customer_balance": false}});
        let after = json!({"settings": {"show_customer_balance": true}});
        let lines: Vec<String> =
            changes("pos_profile", "update", Some(&before), Some(&after), &names)
                .iter()
                .map(line)
                .collect();
        assert_eq!(lines, ["Show customer balance: No → Yes"]);
    }

    #[test]
    fn deactivating_says_nothing_twice_and_long_values_are_cut() {
        let before = json!({"active": true, "notes": "x".repeat(200)});
        let after = json!({"active": false, "notes": "y".repeat(200)});
        let lines = changes(
            "customer",
            "deactivate",
            Some(&before),
            Some(&after),
            &names,
        );
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].label, "Notes");
        assert_eq!(lines[0].to.as_ref().map(|t| t.chars().count()), Some(80));
        assert!(lines[0].to.as_ref().is_some_and(|t| t.ends_with('…')));
    }

    #[test]
    fn references_collect_ids_of_other_records() {
        let after =
            json!({"customer_group_id": 2, "parent_id": 4, "allowed_sales_persons": [1, 3]});
        assert_eq!(
            references("customer_group", None, Some(&after)),
            [
                ("sales_person", 1),
                ("sales_person", 3),
                ("customer_group", 2),
                ("customer_group", 4)
            ]
        );
    }
}
