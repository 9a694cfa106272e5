//! The gift card forms as typed and their parsing, with a message per field: Issue (Card
//! Number, Initial Value, Customer, Valid Upto, Company), Top up (Amount, Note) and Adjust
//! (Amount, signed, and its Reason).

use chrono::NaiveDate;
use patron_rules::Currency;
use patron_rules::gift_cards::{self as rules, CardNumber};
use patron_rules::stores::typed_number;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::web::FieldErrors;

/// Longest note or reason kept with an entry.
const NOTE_MAX: usize = 500;

/// The Issue form as typed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct IssueForm {
    /// Company id.
    pub company_id: String,
    /// Card Number (blank: generated).
    pub number: String,
    /// Initial Value.
    pub initial_value: String,
    /// Customer: the code, as the picker fills it ("CUST-00042 · Ana Lima").
    pub customer: String,
    /// Valid Upto (blank: never expires).
    pub valid_upto: String,
}

/// An Issue form that reads right (the customer is looked up by the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct IssueFields {
    /// Typed number, if one was.
    pub number: Option<CardNumber>,
    /// Initial Value.
    pub initial_value: Decimal,
    /// Customer code, if one was given.
    pub customer_code: Option<String>,
    /// Valid Upto.
    pub valid_upto: Option<NaiveDate>,
}

impl IssueForm {
    /// The company id typed, if it is a number.
    pub fn company(&self) -> Option<i64> {
        self.company_id.trim().parse().ok()
    }

    /// The fields, or a message per field; amounts in `currency`, dates from `today` on.
    pub fn parse(&self, currency: &Currency, today: NaiveDate) -> Result<IssueFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let number = match self.number.trim() {
            "" => None,
            typed => CardNumber::parse(typed)
                .map_err(|message| errors.add("number", message))
                .ok(),
        };
        let initial_value = amount(
            &self.initial_value,
            "Initial Value",
            &mut errors,
            "initial_value",
        )
        .and_then(|value| {
            rules::check_credit(value, currency)
                .map_err(|message| errors.add("initial_value", message))
                .ok()
                .map(|()| value)
        });
        let valid_upto = match self.valid_upto.trim() {
            "" => None,
            typed => match NaiveDate::parse_from_str(typed, "%Y-%m-%d") {
                Ok(day) if day < today => {
                    errors.add("valid_upto", "Valid Upto cannot be in the past.");
                    None
                }
                Ok(day) => Some(day),
                Err(_) => {
                    errors.add("valid_upto", "Enter a date like 2027-12-31.");
                    None
                }
            },
        };
        // The picker shows "CUST-00001 · Walk-in Customer"; the code is what counts.
        let customer_code = self.customer.split_whitespace().next().map(str::to_owned);
        if self.company().is_none() {
            errors.add("company_id", "Choose the company.");
        }
        errors.into_result(IssueFields {
            number,
            initial_value: initial_value.unwrap_or_default(),
            customer_code,
            valid_upto,
        })
    }
}

/// The Top up and Adjust forms as typed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    /// Amount (Adjust: signed).
    pub amount: String,
    /// Note (Top up) or Reason (Adjust).
    pub note: String,
}

impl MoveForm {
    /// A top-up: an amount the card takes and an optional note.
    pub fn top_up(&self, currency: &Currency) -> Result<(Decimal, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let value = amount(&self.amount, "amount", &mut errors, "amount").and_then(|value| {
            rules::check_credit(value, currency)
                .map_err(|message| errors.add("amount", message))
                .ok()
                .map(|()| value)
        });
        let note = self.note(&mut errors, false);
        errors.into_result((value.unwrap_or_default(), note))
    }

    /// An adjustment of a card holding `balance`: a signed amount that leaves it at zero or
    /// more, and its reason.
    pub fn adjustment(
        &self,
        currency: &Currency,
        balance: Decimal,
    ) -> Result<(Decimal, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let value = amount(&self.amount, "amount", &mut errors, "amount").and_then(|value| {
            rules::check_adjustment(value, balance, currency)
                .map_err(|message| errors.add("amount", message))
                .ok()
                .map(|()| value)
        });
        let note = self.note(&mut errors, true);
        errors.into_result((value.unwrap_or_default(), note))
    }

    fn note(&self, errors: &mut FieldErrors, required: bool) -> String {
        let note = self.note.trim().replace('\0', " ");
        if required && note.is_empty() {
            errors.add("note", "Say why: the reason is kept in the card's ledger.");
        } else if note.chars().count() > NOTE_MAX {
            errors.add("note", format!("Use at most {NOTE_MAX} characters."));
        }
        note
    }
}

/// An amount as typed (`25`, `$25.00`, `-5`), or a message on `field`.
fn amount(raw: &str, label: &str, errors: &mut FieldErrors, field: &str) -> Option<Decimal> {
    match typed_number(raw) {
        None => {
            errors.add(field, format!("Enter the {label}."));
            None
        }
        Some(Err(_)) => {
            errors.add(field, format!("Enter the {label} as a number, like 25.00."));
            None
        }
        Some(Ok(value)) => Some(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        "2026-12-06".parse().unwrap()
    }

    #[test]
    fn an_issue_form_reads_with_a_message_per_field() {
        let usd = Currency::usd();
        let form = IssueForm {
            company_id: "1".into(),
            number: "abcd efgh jkmn pqrs".into(),
            initial_value: "$50".into(),
            customer: "CUST-00042 · Ana Lima".into(),
            valid_upto: "2027-12-31".into(),
        };
        let fields = form.parse(&usd, today()).unwrap();
        assert_eq!(fields.number.unwrap().as_str(), "ABCDEFGHJKMNPQRS");
        assert_eq!(fields.initial_value, Decimal::from(50));
        assert_eq!(fields.customer_code.as_deref(), Some("CUST-00042"));
        let bad = IssueForm {
            company_id: String::new(),
            number: "ABC".into(),
            initial_value: "0".into(),
            customer: String::new(),
            valid_upto: "2026-12-05".into(),
        }
        .parse(&usd, today())
        .unwrap_err();
        assert_eq!(bad.get("company_id"), Some("Choose the company."));
        assert_eq!(
            bad.get("number"),
            Some("A card number has 16 characters; this one has 3.")
        );
        assert_eq!(
            bad.get("initial_value"),
            Some("The amount must be more than zero.")
        );
        assert_eq!(
            bad.get("valid_upto"),
            Some("Valid Upto cannot be in the past.")
        );
        let blank = IssueForm::default().parse(&usd, today()).unwrap_err();
        assert_eq!(blank.get("initial_value"), Some("Enter the Initial Value."));
        assert!(!blank.has("number"), "a blank number is generated");
    }

    #[test]
    fn top_ups_are_positive_and_adjustments_keep_the_balance_and_say_why() {
        let usd = Currency::usd();
        let form = |amount: &str, note: &str| MoveForm {
            amount: amount.into(),
            note: note.into(),
        };
        assert_eq!(
            form("25", "").top_up(&usd),
            Ok((Decimal::from(25), String::new()))
        );
        assert!(form("-25", "").top_up(&usd).is_err());
        assert_eq!(
            form("-5", " Damaged card ").adjustment(&usd, Decimal::from(20)),
            Ok((Decimal::from(-5), "Damaged card".into()))
        );
        let refused = form("-25", "")
            .adjustment(&usd, Decimal::from(20))
            .unwrap_err();
        assert_eq!(
            refused.get("amount"),
            Some("The balance is $20.00: an adjustment can take away at most that.")
        );
        assert_eq!(
            refused.get("note"),
            Some("Say why: the reason is kept in the card's ledger.")
        );
    }
}
