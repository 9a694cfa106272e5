//! The loyalty program form as typed: its fields and the Collection Rules rows (which repeat
//! their field names, so the form is read from the posted pairs), and their parsing into the
//! settings and tiers that are stored.

use chrono::NaiveDate;
use patron_rules::loyalty::{self as rules, TierColumn, TierRule, TierSpot};
use patron_rules::stores::typed_number;
use rust_decimal::Decimal;

use super::model::programs::{Program, ProgramFields};
use crate::web::FieldErrors;

/// One row of the Collection Rules table as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TierRow {
    /// Tier Name.
    pub name: String,
    /// Min Spent.
    pub min_spent: String,
    /// Collection Factor.
    pub factor: String,
}

/// The Collection Factor a new row starts with: a point for every unit of money spent.
pub const DEFAULT_FACTOR: &str = "1";

impl TierRow {
    /// The spare row the form offers, its defaults as values: Collection Factor 1, and Min
    /// Spent 0 when it would be the `first` tier (the lowest tier starts at 0).
    pub fn spare(first: bool) -> TierRow {
        TierRow {
            name: String::new(),
            min_spent: if first { "0".into() } else { String::new() },
            factor: DEFAULT_FACTOR.into(),
        }
    }

    /// A row left empty, or holding only the Collection Factor it was offered with: ignored,
    /// so that the form's spare row never counts.
    pub fn is_blank(&self) -> bool {
        let factor = self.factor.trim();
        self.name.trim().is_empty()
            && self.min_spent.trim().is_empty()
            && (factor.is_empty() || factor == DEFAULT_FACTOR)
    }
}

/// The error key of a Collection Rules cell: `tier-2-min_spent`.
pub fn cell_key(row: usize, column: TierColumn) -> String {
    let column = match column {
        TierColumn::Name => "name",
        TierColumn::MinSpent => "min_spent",
        TierColumn::Factor => "factor",
    };
    format!("tier-{row}-{column}")
}

/// What a post of the form asks for: saving, or (without JavaScript) another row or one row
/// less, shown again unsaved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Save the program.
    Save,
    /// Show the form again with a spare row (the Add tier button).
    AddTier,
    /// Show the form again without row `n` (a Remove button; out of range: the spare row).
    RemoveTier(usize),
}

/// The program form as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgramForm {
    /// Program Name.
    pub name: String,
    /// Company id.
    pub company_id: String,
    /// Program Type: `single` or `multiple`.
    pub program_type: String,
    /// Conversion Factor.
    pub conversion_factor: String,
    /// Expiry Duration in days.
    pub expiry_days: String,
    /// Valid From (`YYYY-MM-DD`).
    pub valid_from: String,
    /// Valid Upto (`YYYY-MM-DD`, empty: open-ended).
    pub valid_upto: String,
    /// Customer Group id (empty: any).
    pub customer_group_id: String,
    /// Territory id (empty: any).
    pub territory_id: String,
    /// Auto Opt In.
    pub auto_opt_in: bool,
    /// Forfeit Points On Unenrol.
    pub forfeit_on_unenrol: bool,
    /// The Collection Rules rows that hold something, in the order typed.
    pub tiers: Vec<TierRow>,
}

/// The ids the selects offer: a posted id must be one of them.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Companies.
    pub companies: Vec<i64>,
    /// Customer groups.
    pub groups: Vec<i64>,
    /// Territories.
    pub territories: Vec<i64>,
}

/// Longest Program Name (the table's limit).
const NAME_MAX: usize = 120;
/// Longest Tier Name (the table's limit).
const TIER_NAME_MAX: usize = 60;
/// Longest Expiry Duration: a hundred years.
const EXPIRY_MAX: i32 = 36_500;

impl ProgramForm {
    /// A new program's form: Multiple Tier, a point worth 0.01, points that never expire,
    /// valid from `today`, the company preselected when there is only one.
    pub fn blank(today: NaiveDate, companies: &[i64]) -> ProgramForm {
        ProgramForm {
            company_id: match companies {
                [only] => only.to_string(),
                _ => String::new(),
            },
            program_type: "multiple".into(),
            conversion_factor: "0.01".into(),
            expiry_days: "0".into(),
            valid_from: today.to_string(),
            ..ProgramForm::default()
        }
    }

    /// The form of a stored program.
    pub fn of(program: &Program, tiers: &[TierRule]) -> ProgramForm {
        let f = &program.fields;
        let id = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
        ProgramForm {
            name: f.name.clone(),
            company_id: f.company_id.to_string(),
            program_type: if f.multiple_tier {
                "multiple"
            } else {
                "single"
            }
            .into(),
            conversion_factor: f.conversion_factor.normalize().to_string(),
            expiry_days: f.expiry_days.to_string(),
            valid_from: f.valid_from.to_string(),
            valid_upto: f.valid_upto.map(|d| d.to_string()).unwrap_or_default(),
            customer_group_id: id(f.customer_group_id),
            territory_id: id(f.territory_id),
            auto_opt_in: f.auto_opt_in,
            forfeit_on_unenrol: f.forfeit_on_unenrol,
            tiers: tiers
                .iter()
                .map(|t| TierRow {
                    name: t.name.clone(),
                    min_spent: t.min_spent.normalize().to_string(),
                    factor: t.collection_factor.normalize().to_string(),
                })
                .collect(),
        }
    }

    /// Reads a post: the fields, the rows (`tier_name`, `tier_min_spent` and `tier_factor`
    /// repeat once per row, in order; empty rows are dropped) and what the post asks for.
    pub fn from_pairs(pairs: &[(String, String)]) -> (ProgramForm, Intent) {
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let column = |name: &str| -> Vec<&str> {
            pairs
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        let (names, mins, factors) = (
            column("tier_name"),
            column("tier_min_spent"),
            column("tier_factor"),
        );
        let rows = names.len().max(mins.len()).max(factors.len());
        let cell = |col: &[&str], i: usize| col.get(i).copied().unwrap_or_default().to_owned();
        let tiers = (0..rows)
            .map(|i| TierRow {
                name: cell(&names, i),
                min_spent: cell(&mins, i),
                factor: cell(&factors, i),
            })
            .filter(|row| !row.is_blank())
            .collect();
        let ticked = |name: &str| pairs.iter().any(|(k, _)| k == name);
        let intent = if ticked("add_tier") {
            Intent::AddTier
        } else if let Some((_, row)) = pairs.iter().find(|(k, _)| k == "remove_tier") {
            // The spare row posts no number: there is nothing typed to take out.
            Intent::RemoveTier(row.trim().parse().unwrap_or(usize::MAX))
        } else {
            Intent::Save
        };
        let form = ProgramForm {
            name: value("name"),
            company_id: value("company_id"),
            program_type: value("program_type"),
            conversion_factor: value("conversion_factor"),
            expiry_days: value("expiry_days"),
            valid_from: value("valid_from"),
            valid_upto: value("valid_upto"),
            customer_group_id: value("customer_group_id"),
            territory_id: value("territory_id"),
            auto_opt_in: ticked("auto_opt_in"),
            forfeit_on_unenrol: ticked("forfeit_on_unenrol"),
            tiers,
        };
        (form, intent)
    }

    /// Whether the Multiple Tier type is chosen.
    pub fn multiple_tier(&self) -> bool {
        self.program_type == "multiple"
    }

    /// The settings and tiers to save, or a message per field (`tiers` for the table).
    pub fn parse(&self, known: &Known) -> Result<(ProgramFields, Vec<TierRule>), FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            errors.add("name", "Enter the Program Name.");
        } else if name.chars().count() > NAME_MAX {
            errors.add("name", format!("Use at most {NAME_MAX} characters."));
        }
        let company_id = pick(
            &mut errors,
            "company_id",
            &self.company_id,
            &known.companies,
        )
        .unwrap_or_else(|| {
            errors.add("company_id", "Choose the company.");
            0
        });
        let multiple_tier = match self.program_type.as_str() {
            "multiple" => true,
            "single" => false,
            _ => {
                errors.add("program_type", "Choose Single Tier or Multiple Tier.");
                false
            }
        };
        let conversion_factor = match number(&self.conversion_factor, "Conversion Factor", 6) {
            Ok(v) if v > Decimal::ZERO => v,
            Ok(_) => {
                errors.add(
                    "conversion_factor",
                    "The Conversion Factor must be more than 0: it is what one point is worth.",
                );
                Decimal::ZERO
            }
            Err(message) => {
                errors.add("conversion_factor", capitalized(&message));
                Decimal::ZERO
            }
        };
        let expiry_days = match self.expiry_days.trim() {
            "" => 0,
            raw => match raw.parse::<i32>() {
                Ok(days) if (0..=EXPIRY_MAX).contains(&days) => days,
                _ => {
                    errors.add(
                        "expiry_days",
                        format!("Enter a whole number of days from 0 (never) to {EXPIRY_MAX}."),
                    );
                    0
                }
            },
        };
        let valid_from = date(&mut errors, "valid_from", &self.valid_from);
        if valid_from.is_none() && !errors.has("valid_from") {
            errors.add("valid_from", "Enter the first day of the program.");
        }
        let valid_upto = date(&mut errors, "valid_upto", &self.valid_upto);
        if let (Some(from), Some(upto)) = (valid_from, valid_upto)
            && upto < from
        {
            errors.add("valid_upto", "Valid Upto cannot be before Valid From.");
        }
        let customer_group_id = pick(
            &mut errors,
            "customer_group_id",
            &self.customer_group_id,
            &known.groups,
        );
        let territory_id = pick(
            &mut errors,
            "territory_id",
            &self.territory_id,
            &known.territories,
        );
        let tiers = match self.tier_rules() {
            Ok(tiers) => match rules::check_tiers(&tiers, multiple_tier) {
                Ok(()) => tiers,
                Err(problems) => {
                    for (spot, message) in problems {
                        let field = match spot {
                            TierSpot::Table => "tiers".to_owned(),
                            TierSpot::Cell(row, column) => cell_key(row, column),
                        };
                        errors.add(&field, message);
                    }
                    Vec::new()
                }
            },
            Err(cells) => {
                for (field, message) in cells {
                    errors.add(&field, message);
                }
                Vec::new()
            }
        };
        let fields = ProgramFields {
            name,
            company_id,
            multiple_tier,
            conversion_factor,
            expiry_days,
            valid_from: valid_from.unwrap_or_default(),
            valid_upto,
            customer_group_id,
            territory_id,
            auto_opt_in: self.auto_opt_in,
            forfeit_on_unenrol: self.forfeit_on_unenrol,
        };
        errors.into_result((fields, tiers))
    }

    /// The rows as numbers, or a message for each cell that is not one.
    fn tier_rules(&self) -> Result<Vec<TierRule>, Vec<(String, String)>> {
        let mut rules = Vec::with_capacity(self.tiers.len());
        let mut cells = Vec::new();
        for (index, row) in self.tiers.iter().enumerate() {
            let name = row.name.trim().to_owned();
            if name.chars().count() > TIER_NAME_MAX {
                cells.push((
                    cell_key(index, TierColumn::Name),
                    format!("Use at most {TIER_NAME_MAX} characters."),
                ));
            }
            let mut read = |raw: &str, label: &str, scale: u32, column: TierColumn| {
                number(raw, label, scale)
                    .map_err(|message| cells.push((cell_key(index, column), capitalized(&message))))
                    .ok()
            };
            let min_spent = read(&row.min_spent, "Min Spent", 4, TierColumn::MinSpent);
            let factor = read(&row.factor, "Collection Factor", 6, TierColumn::Factor);
            if let (Some(min_spent), Some(collection_factor)) = (min_spent, factor) {
                rules.push(TierRule {
                    name,
                    min_spent,
                    collection_factor,
                });
            }
        }
        if cells.is_empty() {
            Ok(rules)
        } else {
            Err(cells)
        }
    }
}

/// A decimal as typed (`1,000`, `$0.01`) with at most `scale` decimals; `label` names it.
/// Its sign is the rules' business.
fn number(raw: &str, label: &str, scale: u32) -> Result<Decimal, String> {
    let value = typed_number(raw)
        .ok_or_else(|| format!("enter the {label}."))?
        .map_err(|_| format!("enter the {label} as a number, like 250 or 0.5."))?;
    if value.normalize().scale() > scale {
        return Err(format!("use at most {scale} decimals for the {label}."));
    }
    if value.abs() >= Decimal::from(1_000_000_000_000i64) {
        return Err(format!("the {label} is too large."));
    }
    Ok(value.normalize())
}

/// `message` with its first letter in upper case, to stand alone next to a field.
fn capitalized(message: &str) -> String {
    let mut chars = message.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// An optional date typed as `YYYY-MM-DD` (what `<input type=date>` posts).
fn date(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    match raw.trim() {
        "" => None,
        raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map_err(|_| errors.add(field, "Enter a date like 2026-01-31."))
            .ok(),
    }
}

/// An optional id chosen in a select, which must be one it offers.
fn pick(errors: &mut FieldErrors, field: &str, raw: &str, known: &[i64]) -> Option<i64> {
    match raw.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(id) if known.contains(&id) => Some(id),
            _ => {
                errors.add(field, "Choose one of the list.");
                None
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut all = vec![
            ("name", " Rewards "),
            ("company_id", "1"),
            ("program_type", "multiple"),
            ("conversion_factor", "0.01"),
            ("expiry_days", "365"),
            ("valid_from", "2026-01-01"),
            ("valid_upto", ""),
            ("customer_group_id", ""),
            ("territory_id", "7"),
            ("auto_opt_in", "on"),
        ];
        all.extend_from_slice(extra);
        all.into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    fn row(
        name: &'static str,
        min: &'static str,
        factor: &'static str,
    ) -> [(&'static str, &'static str); 3] {
        [
            ("tier_name", name),
            ("tier_min_spent", min),
            ("tier_factor", factor),
        ]
    }

    fn known() -> Known {
        Known {
            companies: vec![1],
            groups: vec![3],
            territories: vec![7],
        }
    }

    #[test]
    fn repeated_rows_are_read_in_order_and_empty_ones_dropped() {
        let mut extra: Vec<(&str, &str)> = Vec::new();
        extra.extend(row("Silver", "0", "1"));
        extra.extend(row("", "", ""));
        extra.extend(row("Gold", "1,000", "0.5"));
        let (form, intent) = ProgramForm::from_pairs(&pairs(&extra));
        assert_eq!(intent, Intent::Save);
        assert_eq!(form.tiers.len(), 2);
        let (fields, tiers) = form.parse(&known()).unwrap();
        assert_eq!(fields.name, "Rewards");
        assert_eq!(fields.territory_id, Some(7));
        assert_eq!(fields.customer_group_id, None);
        assert!(fields.auto_opt_in && !fields.forfeit_on_unenrol);
        assert_eq!(fields.conversion_factor, Decimal::new(1, 2));
        assert_eq!(tiers[1].min_spent, Decimal::from(1000));
        assert_eq!(tiers[1].collection_factor, Decimal::new(5, 1));
    }

    #[test]
    fn the_buttons_without_javascript_are_intents() {
        let (_, intent) = ProgramForm::from_pairs(&pairs(&[("add_tier", "1")]));
        assert_eq!(intent, Intent::AddTier);
        let (_, intent) = ProgramForm::from_pairs(&pairs(&[("remove_tier", "2")]));
        assert_eq!(intent, Intent::RemoveTier(2));
    }

    #[test]
    fn bad_fields_get_their_own_messages() {
        let mut all = pairs(&row("Silver", "0", "1"));
        for (k, v) in all.iter_mut() {
            match k.as_str() {
                "conversion_factor" => *v = "0".into(),
                "valid_upto" => *v = "2025-12-31".into(),
                "territory_id" => *v = "99".into(),
                "expiry_days" => *v = "-1".into(),
                _ => {}
            }
        }
        let errors = ProgramForm::from_pairs(&all).0.parse(&known()).unwrap_err();
        assert!(
            errors
                .get("conversion_factor")
                .unwrap()
                .contains("more than 0")
        );
        assert!(
            errors
                .get("valid_upto")
                .unwrap()
                .contains("before Valid From")
        );
        assert!(errors.has("territory_id") && errors.has("expiry_days"));
        assert!(!errors.has("tiers") && !errors.has("name"));
    }

    #[test]
    fn rows_that_are_not_numbers_are_reported_at_their_cells() {
        let mut extra: Vec<(&str, &str)> = Vec::new();
        extra.extend(row("Silver", "0", "1"));
        extra.extend(row("Gold", "lots", "1"));
        let errors = ProgramForm::from_pairs(&pairs(&extra))
            .0
            .parse(&known())
            .unwrap_err();
        assert_eq!(
            errors.get("tier-1-min_spent"),
            Some("Enter the Min Spent as a number, like 250 or 0.5.")
        );
        assert!(!errors.has("tiers") && !errors.has("tier-0-min_spent"));
        let errors = ProgramForm::from_pairs(&pairs(&row("Silver", "0", "0.0000001")))
            .0
            .parse(&known())
            .unwrap_err();
        assert_eq!(
            errors.get("tier-0-factor"),
            Some("Use at most 6 decimals for the Collection Factor.")
        );
    }

    #[test]
    fn a_named_tier_without_min_spent_is_kept_and_marked_at_its_cell() {
        let (form, _) = ProgramForm::from_pairs(&pairs(&row("Bronze", "", "1")));
        assert_eq!(form.tiers.len(), 1, "a partly filled row is kept as typed");
        let errors = form.parse(&known()).unwrap_err();
        assert_eq!(errors.get("tier-0-min_spent"), Some("Enter the Min Spent."));
        assert!(!errors.has("conversion_factor") && !errors.has("tiers"));
        // The spare row as offered, untouched, is no tier.
        assert!(TierRow::spare(false).is_blank());
        assert!(!TierRow::spare(true).is_blank());
        let blank = ProgramForm::blank(NaiveDate::default(), &[1]);
        assert_eq!(blank.conversion_factor, "0.01");
    }

    #[test]
    fn a_stored_program_reads_back_as_the_same_form() {
        let (form, _) = ProgramForm::from_pairs(&pairs(&row("Silver", "0", "1")));
        let (fields, tiers) = form.parse(&known()).unwrap();
        let program = Program {
            id: 1,
            fields,
            active: true,
            updated_at: chrono::Utc::now(),
        };
        let again = ProgramForm::of(&program, &tiers);
        assert_eq!(again.name, "Rewards");
        assert_eq!(again.tiers, form.tiers);
        assert_eq!(again.conversion_factor, "0.01");
    }
}
