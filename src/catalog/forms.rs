//! The item and brand forms as posted, and how they become rows: the same reading serves the
//! form and the CSV import, so both accept and refuse the same values.

use std::collections::HashMap;

use patron_rules::catalog as rules;
use serde::Deserialize;

use super::model::ItemFields;
use crate::web::FieldErrors;

/// Longest item name.
pub const NAME_MAX: usize = 140;
/// Longest group or brand name.
pub const LABEL_MAX: usize = 120;

/// Group and brand ids by lower-case name: what the Item Group and Brand fields may name.
#[derive(Debug, Default, Clone)]
pub struct Names {
    /// Item groups.
    pub groups: HashMap<String, i64>,
    /// Brands.
    pub brands: HashMap<String, i64>,
}

impl Names {
    /// The names as stored now.
    pub fn load(conn: &mut diesel::PgConnection) -> diesel::QueryResult<Names> {
        Ok(Names {
            groups: super::model::group_ids_by_name(conn)?.into_iter().collect(),
            brands: super::model::brand_ids_by_name(conn)?.into_iter().collect(),
        })
    }
}

/// The item form as posted (and a CSV row as read). Group and brand are named, as people
/// type them in the pickers.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ItemForm {
    /// Item Code.
    pub item_code: String,
    /// Item Name.
    pub name: String,
    /// Item Group, by name.
    pub item_group: String,
    /// Brand, by name; empty for none.
    pub brand: String,
    /// Standard Rate.
    pub standard_rate: String,
    /// Unit.
    pub unit: String,
}

impl ItemForm {
    /// The item, or a message per field.
    pub fn parse(&self, names: &Names) -> Result<ItemFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let item_code = take(&mut errors, "item_code", rules::item_code(&self.item_code));
        let name = take(&mut errors, "name", rules::name(&self.name, NAME_MAX));
        let group = self.item_group.trim();
        let item_group_id = take(
            &mut errors,
            "item_group",
            if group.is_empty() {
                Err("Choose an item group.".to_owned())
            } else {
                names
                    .groups
                    .get(&group.to_lowercase())
                    .copied()
                    .ok_or_else(|| format!("No item group is called “{group}”."))
            },
        );
        let brand = self.brand.trim();
        let brand_id = take(
            &mut errors,
            "brand",
            if brand.is_empty() {
                Ok(None)
            } else {
                names
                    .brands
                    .get(&brand.to_lowercase())
                    .map(|id| Some(*id))
                    .ok_or_else(|| format!("No brand is called “{brand}”."))
            },
        );
        let standard_rate = take(
            &mut errors,
            "standard_rate",
            rules::rate(&self.standard_rate),
        );
        let unit = take(&mut errors, "unit", rules::unit(&self.unit));
        match (
            item_code,
            name,
            item_group_id,
            brand_id,
            standard_rate,
            unit,
        ) {
            (
                Some(item_code),
                Some(name),
                Some(item_group_id),
                Some(brand_id),
                Some(rate),
                Some(unit),
            ) if errors.is_empty() => Ok(ItemFields {
                item_code,
                name,
                item_group_id,
                brand_id,
                standard_rate: rate,
                unit,
            }),
            _ => Err(errors),
        }
    }
}

/// The value of `result`, or none with its message recorded for `field`.
fn take<T>(errors: &mut FieldErrors, field: &str, result: Result<T, String>) -> Option<T> {
    result.map_err(|message| errors.add(field, message)).ok()
}

/// The brand form as posted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct BrandForm {
    /// Name.
    pub name: String,
}

impl BrandForm {
    /// The name, or the message for the field.
    pub fn parse(&self) -> Result<String, FieldErrors> {
        rules::name(&self.name, LABEL_MAX).map_err(|message| {
            let mut errors = FieldErrors::new();
            errors.add("name", message);
            errors
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names {
            groups: HashMap::from([("tops".into(), 4)]),
            brands: HashMap::from([("northwind".into(), 9)]),
        }
    }

    #[test]
    fn a_good_form_becomes_an_item() {
        let form = ItemForm {
            item_code: "tsh-1".into(),
            name: " Tee ".into(),
            item_group: "TOPS".into(),
            brand: "Northwind".into(),
            standard_rate: "19.99".into(),
            unit: String::new(),
        };
        let item = form.parse(&names()).unwrap();
        assert_eq!(
            (
                item.item_code.as_str(),
                item.name.as_str(),
                item.item_group_id,
                item.brand_id,
                item.unit.as_str()
            ),
            ("TSH-1", "Tee", 4, Some(9), "Nos")
        );
    }

    #[test]
    fn every_bad_field_gets_its_message() {
        let form = ItemForm {
            item_code: "a b".into(),
            name: String::new(),
            item_group: "Shoes".into(),
            brand: "Acme".into(),
            standard_rate: "-2".into(),
            unit: "Kg".into(),
        };
        let errors = form.parse(&names()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            ["brand", "item_code", "item_group", "name", "standard_rate"]
        );
        assert_eq!(
            errors.get("item_group"),
            Some("No item group is called “Shoes”.")
        );
    }
}
