//! The demo loyalty program: "Patron Rewards" for the demo company, three tiers (1 point per
//! dollar, 2 at Platinum), a cent a point, points valid a year. Nobody is enrolled here.
//! Running it again adds nothing.

use chrono::NaiveDate;
use diesel::PgConnection;
use rust_decimal::Decimal;

use super::programs::{self, ProgramFields};
use super::rules::{self, TierRule};
use crate::audit::{self, Actor};

/// The demo program's name.
pub const NAME: &str = "Patron Rewards";

/// (tier, Min Spent, Collection Factor as hundredths: money spent per point).
const TIERS: [(&str, i64, i64); 3] = [
    ("Silver", 0, 100),
    ("Gold", 1000, 100),
    ("Platinum", 5000, 50),
];

/// Adds "Patron Rewards" to the first company unless it has it.
pub fn seed(conn: &mut PgConnection) -> anyhow::Result<()> {
    let company_id = crate::stores::model::first_company(conn)?;
    if programs::name_taken(conn, company_id, NAME, None)? {
        return Ok(());
    }
    let tiers: Vec<TierRule> = TIERS
        .iter()
        .map(|(name, min_spent, factor)| TierRule {
            name: (*name).to_owned(),
            min_spent: Decimal::from(*min_spent),
            collection_factor: Decimal::new(*factor, 2),
        })
        .collect();
    rules::check_tiers(&tiers, true).map_err(|(_, message)| anyhow::anyhow!(message))?;
    let fields = ProgramFields {
        name: NAME.to_owned(),
        company_id,
        multiple_tier: true,
        conversion_factor: Decimal::new(1, 2),
        expiry_days: 365,
        valid_from: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
        valid_upto: None,
        customer_group_id: None,
        territory_id: None,
        auto_opt_in: true,
        forfeit_on_unenrol: false,
    };
    let id = programs::insert(conn, &fields, &tiers)?;
    let after = programs::snapshot(conn, id)?;
    audit::record(
        conn,
        &Actor::System("demo data"),
        "loyalty_program",
        id,
        "create",
        None,
        Some(after),
    )?;
    Ok(())
}
