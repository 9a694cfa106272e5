//! The campaign form as typed and its parsing into a campaign's fields, with a message per
//! field (Name, Description, Start, End, Active, Budget in the company's currency).

use chrono::NaiveDate;
use patron_rules::stores::typed_number;
use rust_decimal::Decimal;

use super::model::campaigns::{Campaign, CampaignFields};
use crate::web::FieldErrors;

/// The campaign form as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CampaignForm {
    /// Company id (fixed once the campaign exists).
    pub company_id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Start.
    pub start_date: String,
    /// End (empty: open).
    pub end_date: String,
    /// Active.
    pub active: bool,
    /// Budget (empty: none).
    pub budget: String,
}

/// Longest Name (the table's limit).
const NAME_MAX: usize = 120;

impl CampaignForm {
    /// A new campaign's form: active, starting `today`.
    pub fn blank(today: NaiveDate, company: Option<i64>) -> CampaignForm {
        CampaignForm {
            company_id: company.map(|c| c.to_string()).unwrap_or_default(),
            start_date: today.to_string(),
            active: true,
            ..CampaignForm::default()
        }
    }

    /// The form of a stored campaign.
    pub fn of(campaign: &Campaign) -> CampaignForm {
        let f = &campaign.fields;
        CampaignForm {
            company_id: f.company_id.to_string(),
            name: f.name.clone(),
            description: f.description.clone(),
            start_date: f.start_date.to_string(),
            end_date: f.end_date.map(|d| d.to_string()).unwrap_or_default(),
            active: f.active,
            budget: f
                .budget
                .map(|b| b.normalize().to_string())
                .unwrap_or_default(),
        }
    }

    /// Reads a post.
    pub fn from_pairs(pairs: &[(String, String)]) -> CampaignForm {
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        CampaignForm {
            company_id: value("company_id"),
            name: value("name"),
            description: value("description"),
            start_date: value("start_date"),
            end_date: value("end_date"),
            active: pairs.iter().any(|(k, _)| k == "active"),
            budget: value("budget"),
        }
    }

    /// The fields to save, or a message per field; `minor_unit` is the decimals of the
    /// company's currency, which the Budget may not exceed.
    pub fn parse(&self, minor_unit: u32) -> Result<CampaignFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            errors.add("name", "Enter the Name.");
        } else if name.chars().count() > NAME_MAX {
            errors.add("name", format!("Use at most {NAME_MAX} characters."));
        }
        let description = self.description.trim().to_owned();
        if description.chars().count() > 2000 {
            errors.add("description", "Use at most 2000 characters.");
        }
        let company_id = self.company_id.trim().parse::<i64>().unwrap_or_else(|_| {
            errors.add("company_id", "Choose the company.");
            0
        });
        let date = |errors: &mut FieldErrors, field: &str, raw: &str| match raw.trim() {
            "" => None,
            raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map_err(|_| errors.add(field, "Enter a date like 2026-01-31."))
                .ok(),
        };
        let start = date(&mut errors, "start_date", &self.start_date);
        if start.is_none() && !errors.has("start_date") {
            errors.add("start_date", "Enter the first day of the campaign.");
        }
        let end = date(&mut errors, "end_date", &self.end_date);
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            errors.add("end_date", "End cannot be before Start.");
        }
        let budget = match typed_number(&self.budget) {
            None => None,
            Some(Err(_)) => {
                errors.add("budget", "Enter the Budget as an amount, like 5000.");
                None
            }
            Some(Ok(value)) if value < Decimal::ZERO => {
                errors.add("budget", "The Budget cannot be negative.");
                None
            }
            Some(Ok(value)) if value.normalize().scale() > minor_unit => {
                errors.add(
                    "budget",
                    format!(
                        "The company's currency takes at most {minor_unit} decimals: round the Budget."
                    ),
                );
                None
            }
            Some(Ok(value)) if value >= Decimal::from(100_000_000_000_000i64) => {
                errors.add("budget", "The Budget is too large.");
                None
            }
            Some(Ok(value)) => Some(value.normalize()),
        };
        errors.into_result(CampaignFields {
            company_id,
            name,
            description,
            start_date: start.unwrap_or_default(),
            end_date: end,
            active: self.active,
            budget,
        })
    }
}

/// How far the discount given has gone into the budget, for the bar: (percent of the bar
/// filled, 0-100; overrun beyond the budget, if any).
pub fn budget_use(given: Decimal, budget: Decimal) -> (u32, Option<Decimal>) {
    if budget <= Decimal::ZERO {
        let over = (given > Decimal::ZERO).then_some(given);
        return (if over.is_some() { 100 } else { 0 }, over);
    }
    let percent = (given * Decimal::ONE_HUNDRED / budget)
        .floor()
        .clamp(Decimal::ZERO, Decimal::ONE_HUNDRED);
    let percent = u32::try_from(percent.mantissa() / 10i128.pow(percent.scale())).unwrap_or(100);
    let over = (given > budget).then(|| given - budget);
    (percent, over)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaign_form_parses_with_messages() {
        let form = CampaignForm {
            company_id: "1".into(),
            name: " Black Friday ".into(),
            start_date: "2026-11-27".into(),
            end_date: "2026-11-26".into(),
            budget: "5,000.505".into(),
            ..CampaignForm::default()
        };
        let errors = form.parse(2).unwrap_err();
        assert_eq!(errors.get("end_date"), Some("End cannot be before Start."));
        assert!(errors.get("budget").unwrap().contains("at most 2 decimals"));
        let fields = CampaignForm {
            end_date: String::new(),
            budget: "5,000".into(),
            ..form
        }
        .parse(2)
        .unwrap();
        assert_eq!(fields.name, "Black Friday");
        assert_eq!(fields.budget, Some(Decimal::from(5000)));
    }

    #[test]
    fn the_bar_fills_to_the_budget_and_names_the_overrun() {
        assert_eq!(
            budget_use(Decimal::from(250), Decimal::from(1000)),
            (25, None)
        );
        assert_eq!(
            budget_use(Decimal::from(1200), Decimal::from(1000)),
            (100, Some(Decimal::from(200)))
        );
        assert_eq!(budget_use(Decimal::ZERO, Decimal::ZERO), (0, None));
    }
}
