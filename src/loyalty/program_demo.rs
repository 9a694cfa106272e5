//! The demo loyalty program: "Patron Rewards" for the demo company, three tiers (1 point per
//! dollar, 2 at Platinum), a cent a point, points valid a year. Nobody is enrolled here.
//! Running it again adds nothing.

use chrono::NaiveDate;
use diesel::PgConnection;
use patron_rules::loyalty::{self as rules, TierRule};
use rust_decimal::Decimal;

use super::model;
use super::model::programs::{self, ProgramFields};
use crate::kernel::Actor;

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
    rules::check_tiers(&tiers, true).map_err(|problems| {
        let messages: Vec<String> = problems.into_iter().map(|(_, message)| message).collect();
        anyhow::anyhow!(messages.join(" "))
    })?;
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
    model::create_program(conn, &Actor::System("demo data"), &fields, &tiers)?;
    Ok(())
}

/// Enrols nine in ten demo customers (never a store's Default Customer) in "Patron Rewards" and
/// writes the points their demo sales earned — at the tier their spend had reached, valid a year
/// — then the expire entries of those past their date, so that the panel, the ledger and the
/// reports have something to show. Runs once: nothing happens when anyone is enrolled.
pub fn members(conn: &mut PgConnection) -> anyhow::Result<()> {
    use crate::db::schema::loyalty_members;
    use diesel::QueryDsl;
    use diesel::RunQueryDsl;
    use diesel::sql_types::Text;
    let anyone = diesel::select(diesel::dsl::exists(
        loyalty_members::table.select(loyalty_members::customer_id),
    ))
    .get_result::<bool>(conn)?;
    if anyone {
        return Ok(());
    }
    diesel::sql_query(
        "INSERT INTO loyalty_members (customer_id, company_id, program_id, enrolled_at, enrolled_by)
         SELECT c.id, p.company_id, p.id, least(c.created_at, p.valid_from), 'demo data'
         FROM customers c, loyalty_programs p
         WHERE p.name = $1 AND c.active AND c.id % 10 <> 0
           AND c.id NOT IN (SELECT default_customer_id FROM pos_profiles
                            WHERE default_customer_id IS NOT NULL)",
    )
    .bind::<Text, _>(NAME)
    .execute(conn)?;
    // Each sale at the tier the customer's spend reached with it (Platinum: two points a dollar).
    diesel::sql_query(
        "INSERT INTO loyalty_point_entries (customer_id, program_id, company_id, invoice_id, kind,
                                           points, purchase_amount, tier, collection_factor,
                                           posting_date, expiry_date, created_by)
         SELECT s.customer_id, s.program_id, s.company_id, s.id, 'earn',
                trunc(s.grand_total / t.collection_factor), s.grand_total, t.name,
                t.collection_factor, s.day, s.day + p.expiry_days, 'demo data'
         FROM (SELECT i.id, i.customer_id, m.program_id, m.company_id, i.grand_total,
                      business_day(i.posted_at, co.time_zone) AS day,
                      sum(i.grand_total) OVER (PARTITION BY i.customer_id
                                               ORDER BY i.posted_at, i.id) AS spend
               FROM invoices i
               JOIN loyalty_members m ON m.customer_id = i.customer_id AND m.company_id = i.company_id
               JOIN companies co ON co.id = i.company_id
               WHERE i.status = 'submitted' AND i.return_against_id IS NULL) s
         JOIN loyalty_programs p ON p.id = s.program_id AND s.day >= p.valid_from
         CROSS JOIN LATERAL (SELECT name, collection_factor FROM loyalty_tiers
                             WHERE program_id = s.program_id AND min_spent <= s.spend
                             ORDER BY min_spent DESC LIMIT 1) t",
    )
    .execute(conn)?;
    // Each return cuts its sale's points to what the goods kept earn, against the sale's credit,
    // as a till's return does (`invoice::plan_return`); returns of one sale cut in turn.
    diesel::sql_query(
        "INSERT INTO loyalty_point_entries (customer_id, program_id, company_id, invoice_id, kind,
                                           points, purchase_amount, tier, collection_factor,
                                           posting_date, expiry_date, against_entry_id, created_by)
         SELECT e.customer_id, e.program_id, e.company_id, r.id, 'earn',
                trunc(greatest(r.kept, 0) / e.collection_factor)
                  - trunc(greatest(r.kept - r.grand_total, 0) / e.collection_factor),
                r.grand_total, e.tier, e.collection_factor, r.day, e.expiry_date, e.id, 'demo data'
         FROM loyalty_point_entries e
         JOIN LATERAL (SELECT r.id, r.grand_total, business_day(r.posted_at, co.time_zone) AS day,
                              e.purchase_amount + sum(r.grand_total) OVER (ORDER BY r.id) AS kept
                       FROM invoices r JOIN companies co ON co.id = r.company_id
                       WHERE r.return_against_id = e.invoice_id AND r.status = 'submitted') r
           ON true
         WHERE e.kind = 'earn' AND e.against_entry_id IS NULL AND e.created_by = 'demo data'",
    )
    .execute(conn)?;
    super::model::ledger::expire(conn, chrono::Utc::now())?;
    Ok(())
}
