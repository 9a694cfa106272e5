//! How a till's offline edit meets HQ's record: each changed field comes as `{from, to}`; a field
//! HQ still holds at `from` takes `to`, a field HQ changed meanwhile keeps HQ's value and is
//! reported as a conflict. No lost update, no silent overwrite. Pure: the till API's wire types
//! for these (`customers::api`) convert to and from them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The fields a till may change (what people fill in at the counter; not the credit limit).
pub const TILL_FIELDS: [&str; 16] = [
    "first_name",
    "last_name",
    "customer_group",
    "territory",
    "tax_id",
    "mobile",
    "email",
    "website",
    "address_line1",
    "address_line2",
    "city",
    "postcode",
    "country_code",
    "birthday",
    "gender",
    "notes",
];

/// One field's change as the till saw it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct FieldChange {
    /// The value the till had before its edit.
    pub from: Value,
    /// The value the till wants.
    pub to: Value,
}

/// A field HQ changed while the till was editing it too.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// The field.
    pub field: String,
    /// What the till had.
    pub from: Value,
    /// What the till wanted.
    pub to: Value,
    /// What HQ holds, and keeps.
    pub current: Value,
}

/// The outcome: values to write, and the conflicts to report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Merge {
    /// Field -> new value, for fields whose HQ value still equals the till's `from`.
    pub apply: BTreeMap<String, Value>,
    /// Fields HQ changed meanwhile.
    pub conflicts: Vec<Conflict>,
}

/// Values compare as people read them: surrounding spaces do not count, and an empty string is
/// no value (a till may send "" where HQ stores null).
fn same(a: &Value, b: &Value) -> bool {
    fn plain(v: &Value) -> Value {
        match v {
            Value::String(s) if s.trim().is_empty() => Value::Null,
            Value::String(s) => Value::String(s.trim().to_owned()),
            other => other.clone(),
        }
    }
    plain(a) == plain(b)
}

/// Merges `changes` into `current` (the record as HQ holds it, field -> value). Unknown fields
/// are the caller's to refuse before this (see `TILL_FIELDS`).
pub fn merge(
    current: &serde_json::Map<String, Value>,
    changes: &BTreeMap<String, FieldChange>,
) -> Merge {
    let mut merge = Merge::default();
    for (field, change) in changes {
        let held = current.get(field).cloned().unwrap_or(Value::Null);
        if same(&held, &change.to) {
            continue;
        }
        if same(&held, &change.from) {
            merge.apply.insert(field.clone(), change.to.clone());
        } else {
            merge.conflicts.push(Conflict {
                field: field.clone(),
                from: change.from.clone(),
                to: change.to.clone(),
                current: held,
            });
        }
    }
    merge
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn changes(pairs: &[(&str, Value, Value)]) -> BTreeMap<String, FieldChange> {
        pairs
            .iter()
            .map(|(f, from, to)| {
                (
                    (*f).to_owned(),
                    FieldChange {
                        from: from.clone(),
                        to: to.clone(),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn untouched_fields_take_the_till_s_value_and_changed_ones_conflict() {
        let current = json!({"email": "ana@example.com", "city": "Porto", "mobile": "+351 1"});
        let current = current.as_object().unwrap();
        let merge = merge(
            current,
            &changes(&[
                (
                    "email",
                    json!("ana@example.com"),
                    json!("ana.lima@example.com"),
                ),
                ("city", json!("Lisbon"), json!("Faro")),
            ]),
        );
        assert_eq!(merge.apply.len(), 1);
        assert_eq!(merge.apply["email"], json!("ana.lima@example.com"));
        assert_eq!(
            merge.conflicts,
            vec![Conflict {
                field: "city".into(),
                from: json!("Lisbon"),
                to: json!("Faro"),
                current: json!("Porto"),
            }]
        );
    }

    #[test]
    fn the_same_change_made_on_both_sides_is_no_conflict() {
        let current = json!({"city": "Faro", "country_code": null});
        let current = current.as_object().unwrap();
        let merge = merge(
            current,
            &changes(&[
                ("city", json!("Porto"), json!("Faro")),
                ("country_code", json!(""), json!("PT")),
            ]),
        );
        assert!(merge.conflicts.is_empty());
        assert_eq!(merge.apply.len(), 1, "only the country changes: {merge:?}");
        assert_eq!(merge.apply["country_code"], json!("PT"));
    }

    #[test]
    fn spaces_and_empty_values_compare_as_people_read_them() {
        let current = json!({"notes": "", "city": "Porto "});
        let current = current.as_object().unwrap();
        let merge = merge(
            current,
            &changes(&[
                ("notes", Value::Null, json!("Prefers email")),
                ("city", json!(" Porto"), json!("Braga")),
            ]),
        );
        assert!(merge.conflicts.is_empty());
        assert_eq!(merge.apply.len(), 2);
    }
}
