//! The customer form as posted, parsed into fields that cannot be wrong.

use chrono::NaiveDate;
use patron_rules::customers::{check_birthday, check_phone};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::model::CustomerFields;
use crate::users::forms::EmailAddress;
use crate::web::FieldErrors;

/// The form as posted (and shown again after an error). Field names are the columns'.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CustomerForm {
    /// First Name.
    pub first_name: String,
    /// Last Name.
    pub last_name: String,
    /// Customer Group id.
    pub customer_group_id: String,
    /// Territory id.
    pub territory_id: String,
    /// Tax Id.
    pub tax_id: String,
    /// Mobile Number.
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
    /// Country code.
    pub country_code: String,
    /// Birthday, YYYY-MM-DD.
    pub birthday: String,
    /// Gender.
    pub gender: String,
    /// Internal notes.
    pub notes: String,
    /// Credit Limit.
    pub credit_limit: String,
    /// Set by "Create anyway" after the duplicate warning.
    pub confirm_duplicates: String,
    /// Referral Code (new customers only; the referrals area checks it).
    pub referral_code: String,
}

fn text(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let value = value.trim();
    if value.chars().count() > max {
        errors.add(field, format!("Use at most {max} characters."));
    }
    value.to_owned()
}

fn id(errors: &mut FieldErrors, field: &str, value: &str, what: &str) -> i64 {
    value.trim().parse::<i64>().unwrap_or_else(|_| {
        errors.add(field, format!("Choose a {what}."));
        0
    })
}

impl CustomerForm {
    /// The form filled from a stored customer, for editing.
    pub fn from_fields(f: &CustomerFields) -> CustomerForm {
        CustomerForm {
            first_name: f.first_name.clone(),
            last_name: f.last_name.clone(),
            customer_group_id: f.customer_group_id.to_string(),
            territory_id: f.territory_id.to_string(),
            tax_id: f.tax_id.clone(),
            mobile: f.mobile.clone(),
            email: f.email.clone(),
            website: f.website.clone(),
            address_line1: f.address_line1.clone(),
            address_line2: f.address_line2.clone(),
            city: f.city.clone(),
            postcode: f.postcode.clone(),
            country_code: f.country_code.clone().unwrap_or_default(),
            birthday: f.birthday.map(|d| d.to_string()).unwrap_or_default(),
            gender: f.gender.clone(),
            notes: f.notes.clone(),
            credit_limit: f.credit_limit.normalize().to_string(),
            confirm_duplicates: String::new(),
            referral_code: String::new(),
        }
    }

    /// Parses every field, collecting a message per bad one. `today` bounds the birthday.
    pub fn parse(&self, today: NaiveDate) -> Result<CustomerFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let first_name = text(&mut errors, "first_name", &self.first_name, 100);
        if first_name.is_empty() {
            errors.add("first_name", "Enter the first name.");
        }
        let last_name = text(&mut errors, "last_name", &self.last_name, 100);
        let customer_group_id = id(
            &mut errors,
            "customer_group_id",
            &self.customer_group_id,
            "customer group",
        );
        let territory_id = id(&mut errors, "territory_id", &self.territory_id, "territory");
        let mobile = text(&mut errors, "mobile", &self.mobile, 40);
        if let Err(message) = check_phone(&mobile) {
            errors.add("mobile", message);
        }
        let email = self.email.trim().to_owned();
        if !email.is_empty()
            && let Err(message) = EmailAddress::parse(&email)
        {
            errors.add("email", message);
        }
        let website = text(&mut errors, "website", &self.website, 200);
        let birthday = match self.birthday.trim() {
            "" => None,
            raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(day) => match check_birthday(day, today) {
                    Ok(()) => Some(day),
                    Err(message) => {
                        errors.add("birthday", message);
                        None
                    }
                },
                Err(_) => {
                    errors.add("birthday", "Enter a date like 1990-04-23.");
                    None
                }
            },
        };
        let gender = self.gender.trim().to_owned();
        if !["", "female", "male", "other"].contains(&gender.as_str()) {
            errors.add("gender", "Choose female, male, other or leave it empty.");
        }
        let credit_limit = match self.credit_limit.trim() {
            "" => Decimal::ZERO,
            raw => match raw.replace(',', "").parse::<Decimal>() {
                Ok(v) if v < Decimal::ZERO => {
                    errors.add("credit_limit", "The credit limit cannot be negative.");
                    Decimal::ZERO
                }
                Ok(v) if v.scale() > 4 || v >= Decimal::from(100_000_000_000_000i64) => {
                    errors.add("credit_limit", "Use at most 14 digits and 4 decimals.");
                    Decimal::ZERO
                }
                Ok(v) => v,
                Err(_) => {
                    errors.add("credit_limit", "Enter an amount like 500 or 1250.50.");
                    Decimal::ZERO
                }
            },
        };
        let country = self.country_code.trim().to_uppercase();
        let fields = CustomerFields {
            first_name,
            last_name,
            customer_group_id,
            territory_id,
            tax_id: text(&mut errors, "tax_id", &self.tax_id, 40),
            mobile,
            email: if email.chars().count() > 254 {
                String::new()
            } else {
                email
            },
            website,
            address_line1: text(&mut errors, "address_line1", &self.address_line1, 140),
            address_line2: text(&mut errors, "address_line2", &self.address_line2, 140),
            city: text(&mut errors, "city", &self.city, 100),
            postcode: text(&mut errors, "postcode", &self.postcode, 20),
            country_code: (!country.is_empty()).then_some(country),
            birthday,
            gender,
            notes: text(&mut errors, "notes", &self.notes, 2000),
            credit_limit,
        };
        errors.into_result(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn valid() -> CustomerForm {
        CustomerForm {
            first_name: " Ana ".into(),
            customer_group_id: "1".into(),
            territory_id: "1".into(),
            ..CustomerForm::default()
        }
    }

    #[test]
    fn the_smallest_valid_customer_has_a_first_name_group_and_territory() {
        let fields = valid().parse(today()).unwrap();
        assert_eq!(fields.first_name, "Ana");
        assert_eq!(fields.credit_limit, Decimal::ZERO);
        assert_eq!(fields.country_code, None);
    }

    #[test]
    fn each_bad_field_gets_its_message() {
        type Case = (&'static str, fn(&mut CustomerForm), &'static str);
        let cases: [Case; 10] = [
            (
                "first_name",
                |f| f.first_name = "  ".into(),
                "Enter the first name.",
            ),
            (
                "customer_group_id",
                |f| f.customer_group_id = "".into(),
                "Choose a customer group.",
            ),
            (
                "territory_id",
                |f| f.territory_id = "x".into(),
                "Choose a territory.",
            ),
            (
                "email",
                |f| f.email = "ana@".into(),
                "Enter an email address like name@example.com.",
            ),
            (
                "mobile",
                |f| f.mobile = "call me".into(),
                "Use digits, spaces, dashes, brackets and a leading +.",
            ),
            (
                "birthday",
                |f| f.birthday = "2026-11-24".into(),
                "A birthday cannot be in the future.",
            ),
            (
                "birthday",
                |f| f.birthday = "0000-01-01".into(),
                "A birthday cannot be before 1900-01-01.",
            ),
            (
                "birthday",
                |f| f.birthday = "24/11/1990".into(),
                "Enter a date like 1990-04-23.",
            ),
            (
                "credit_limit",
                |f| f.credit_limit = "-1".into(),
                "The credit limit cannot be negative.",
            ),
            (
                "last_name",
                |f| f.last_name = "x".repeat(101),
                "Use at most 100 characters.",
            ),
        ];
        for (field, break_it, message) in cases {
            let mut form = valid();
            break_it(&mut form);
            let errors = form.parse(today()).unwrap_err();
            assert_eq!(errors.get(field), Some(message), "{field}");
        }
    }

    #[test]
    fn credit_limits_are_exact_decimals() {
        let mut form = valid();
        form.credit_limit = "1,250.5".into();
        assert_eq!(
            form.parse(today()).unwrap().credit_limit,
            Decimal::new(12505, 1)
        );
        form.credit_limit = "0.00001".into();
        assert!(form.parse(today()).is_err());
    }

    #[test]
    fn a_birthday_today_is_fine() {
        let mut form = valid();
        form.birthday = "2026-11-23".into();
        assert!(form.parse(today()).is_ok());
    }
}
