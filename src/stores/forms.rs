//! The forms of the stores pages as typed, and their parsing into fields that can be saved.

use patron_rules::clock::parse_zone;
use patron_rules::stores::{normalize_code, parse_amount, parse_percent};
use serde::Deserialize;

use super::model::delivery::ChargeFields;
use super::model::sales_persons::SalesPersonFields;
use super::model::{CompanyFields, StoreFields};
use crate::web::FieldErrors;

/// Longest store code.
pub const STORE_CODE_MAX: usize = 16;

/// Checks that `value` (trimmed) is between 1 (when `required`) and `max` characters.
fn text(
    errors: &mut FieldErrors,
    field: &str,
    label: &str,
    value: &str,
    required: bool,
    max: usize,
) -> String {
    let value = value.trim();
    if required && value.is_empty() {
        errors.add(field, format!("Enter the {label}."));
    } else if value.chars().count() > max {
        errors.add(field, format!("Use at most {max} characters."));
    }
    value.to_owned()
}

/// The store form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StoreForm {
    /// Store Code.
    #[serde(default)]
    pub code: String,
    /// Store Name.
    #[serde(default)]
    pub name: String,
    /// Company id.
    #[serde(default)]
    pub company_id: String,
    /// Warehouse.
    #[serde(default)]
    pub warehouse: String,
    /// Address.
    #[serde(default)]
    pub address: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
}

impl StoreForm {
    /// The fields to save, or the messages per field.
    pub fn parse(&self) -> Result<StoreFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = normalize_code(&self.code, STORE_CODE_MAX).unwrap_or_else(|message| {
            errors.add("code", message);
            String::new()
        });
        let name = text(&mut errors, "name", "Store Name", &self.name, true, 120);
        let company_id = self.company_id.trim().parse::<i64>().unwrap_or_else(|_| {
            errors.add("company_id", "Choose the company.");
            0
        });
        let warehouse = text(
            &mut errors,
            "warehouse",
            "Warehouse",
            &self.warehouse,
            false,
            120,
        );
        let address = text(&mut errors, "address", "Address", &self.address, false, 300);
        let phone = text(&mut errors, "phone", "Phone", &self.phone, false, 40);
        errors.into_result(StoreFields {
            code,
            name,
            company_id,
            warehouse,
            address,
            phone,
        })
    }
}

/// The company form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CompanyForm {
    /// Company Name.
    #[serde(default)]
    pub name: String,
    /// Currency code.
    #[serde(default)]
    pub currency_code: String,
    /// "on" when Active is ticked.
    #[serde(default)]
    pub active: Option<String>,
    /// Default Customer Group id ("": none, people choose).
    #[serde(default)]
    pub default_customer_group_id: String,
    /// Default Territory id ("": none, people choose).
    #[serde(default)]
    pub default_territory_id: String,
    /// Time Zone (UTC when the field is not sent at all).
    #[serde(default = "utc")]
    pub time_zone: String,
}

fn utc() -> String {
    "UTC".to_owned()
}

/// An optional id chosen from a list: "" is none.
fn optional_id(errors: &mut FieldErrors, field: &str, value: &str, what: &str) -> Option<i64> {
    match value.trim() {
        "" => None,
        raw => raw.parse::<i64>().map(Some).unwrap_or_else(|_| {
            errors.add(field, format!("Choose a {what} from the list."));
            None
        }),
    }
}

impl CompanyForm {
    /// The fields to save (the currency, group and territory are checked against their tables
    /// by the handler).
    pub fn parse(&self) -> Result<CompanyFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = text(&mut errors, "name", "Company Name", &self.name, true, 120);
        let currency_code = self.currency_code.trim().to_uppercase();
        if currency_code.len() != 3 {
            errors.add("currency_code", "Choose the currency.");
        }
        let default_customer_group_id = optional_id(
            &mut errors,
            "default_customer_group_id",
            &self.default_customer_group_id,
            "customer group",
        );
        let default_territory_id = optional_id(
            &mut errors,
            "default_territory_id",
            &self.default_territory_id,
            "territory",
        );
        let time_zone = parse_zone(&self.time_zone)
            .map(|zone| zone.name().to_owned())
            .unwrap_or_else(|message| {
                errors.add("time_zone", message);
                String::new()
            });
        errors.into_result(CompanyFields {
            name,
            currency_code,
            default_customer_group_id,
            default_territory_id,
            time_zone,
        })
    }
}

/// A delivery charge row as typed in the inline table.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChargeForm {
    /// Label.
    #[serde(default)]
    pub label: String,
    /// Default Rate.
    #[serde(default)]
    pub default_rate: String,
    /// Rate.
    #[serde(default)]
    pub rate: String,
    /// Shipping Account.
    #[serde(default)]
    pub shipping_account: String,
    /// Cost Center.
    #[serde(default)]
    pub cost_center: String,
    /// "on" when Default is ticked.
    #[serde(default)]
    pub is_default: Option<String>,
}

impl ChargeForm {
    /// The fields to save, or the messages per field.
    pub fn parse(&self) -> Result<ChargeFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let label = text(&mut errors, "label", "Label", &self.label, true, 80);
        let mut amount = |field: &str, label: &str, raw: &str| {
            parse_amount(raw, label).unwrap_or_else(|message| {
                errors.add(field, message);
                Default::default()
            })
        };
        let rate = amount("rate", "Rate", &self.rate);
        // Left empty, the list rate is the store's rate.
        let default_rate = if self.default_rate.trim().is_empty() {
            rate
        } else {
            amount("default_rate", "Default Rate", &self.default_rate)
        };
        let shipping_account = text(
            &mut errors,
            "shipping_account",
            "Shipping Account",
            &self.shipping_account,
            false,
            120,
        );
        let cost_center = text(
            &mut errors,
            "cost_center",
            "Cost Center",
            &self.cost_center,
            false,
            120,
        );
        errors.into_result(ChargeFields {
            label,
            default_rate,
            rate,
            shipping_account,
            cost_center,
            is_default: self.is_default.is_some(),
        })
    }
}

/// The sales person form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SalesPersonForm {
    /// Employee Code.
    #[serde(default)]
    pub employee_code: String,
    /// Sales Person Name.
    #[serde(default)]
    pub name: String,
    /// Commission Rate (%).
    #[serde(default)]
    pub commission_rate: String,
}

impl SalesPersonForm {
    /// The fields to save, or the messages per field.
    pub fn parse(&self) -> Result<SalesPersonFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let employee_code = normalize_code(&self.employee_code, 20).unwrap_or_else(|message| {
            errors.add("employee_code", message);
            String::new()
        });
        let name = text(
            &mut errors,
            "name",
            "Sales Person Name",
            &self.name,
            true,
            120,
        );
        let raw_rate = if self.commission_rate.trim().is_empty() {
            "0"
        } else {
            &self.commission_rate
        };
        let commission_rate = parse_percent(raw_rate, "Commission Rate").unwrap_or_else(|m| {
            errors.add("commission_rate", m);
            Default::default()
        });
        errors.into_result(SalesPersonFields {
            employee_code,
            name,
            commission_rate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn a_charge_with_a_negative_rate_and_no_label_is_refused_per_field() {
        let form = ChargeForm {
            label: " ".into(),
            default_rate: "5".into(),
            rate: "-1".into(),
            ..ChargeForm::default()
        };
        let errors = form.parse().unwrap_err();
        assert_eq!(errors.get("label"), Some("Enter the Label."));
        assert_eq!(errors.get("rate"), Some("The Rate cannot be negative."));
        assert!(!errors.has("default_rate"));
    }

    #[test]
    fn an_empty_default_rate_is_the_rate() {
        let form = ChargeForm {
            label: "Express".into(),
            rate: "12.5".into(),
            ..ChargeForm::default()
        };
        let fields = form.parse().unwrap();
        assert_eq!(fields.default_rate, Decimal::new(125, 1));
    }

    #[test]
    fn a_sales_person_code_is_upper_cased_and_the_rate_defaults_to_zero() {
        let form = SalesPersonForm {
            employee_code: "emp-9".into(),
            name: "Ada".into(),
            commission_rate: String::new(),
        };
        let fields = form.parse().unwrap();
        assert_eq!(fields.employee_code, "EMP-9");
        assert_eq!(fields.commission_rate, Decimal::ZERO);
        let too_high = SalesPersonForm {
            commission_rate: "101".into(),
            ..form
        };
        assert!(too_high.parse().unwrap_err().has("commission_rate"));
    }
}
