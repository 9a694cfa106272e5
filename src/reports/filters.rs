//! The filter bar every report shares: who may read (reports.view reads every store;
//! reports.store only the reader's own), the date range in the company's business days (the
//! last 30 days unless chosen), and the optional store, customer group, territory and sales
//! person, read from the query string with a message by each field that is wrong.

use chrono::{Days, NaiveDate};
use diesel::PgConnection;
use patron_rules::Currency;
use patron_rules::clock::Clock;
use patron_rules::users::Permission;
use serde::Deserialize;

use super::model::Filter;
use crate::stores::model as stores;
use crate::trees::model::groups;
use crate::web::date_range::read_dates;
use crate::web::{AppError, CurrentUser, FieldErrors};

/// Days a report covers when no range is chosen.
pub const DEFAULT_DAYS: u64 = 30;

/// What the reader may see: every store of their company, or only their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    /// Their store, when they may read only its figures.
    pub own_store: Option<i64>,
    /// Where they work, for their company.
    pub user_store: Option<i64>,
    /// Their company's clock.
    pub clock: Clock,
}

impl Reader {
    /// The reader behind `user`, or 403 without reports.view or reports.store.
    pub fn of(user: &CurrentUser) -> Result<Reader, AppError> {
        user.require_any(&[Permission::ReportsView, Permission::StoreReportsView])?;
        let own_store = if user.can(Permission::ReportsView) {
            None
        } else {
            Some(user.store_id.ok_or(AppError::Forbidden)?)
        };
        Ok(Reader {
            own_store,
            user_store: user.store_id,
            clock: user.clock,
        })
    }
}

/// The filters as the query string carries them.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ReportQuery {
    /// First day, YYYY-MM-DD.
    pub from: String,
    /// Last day, YYYY-MM-DD.
    pub to: String,
    /// Store id.
    pub store: String,
    /// Customer group id.
    pub customer_group: String,
    /// Territory id.
    pub territory: String,
    /// Sales person id.
    pub sales_person: String,
    /// Campaign id (the promotions reports).
    pub campaign: String,
    /// Sort value of a sortable report.
    pub sort: String,
    /// Days without a purchase (lapsed customers).
    pub days: String,
    /// "1": the print view.
    pub print: String,
}

impl ReportQuery {
    /// The query string of these filters, `sort` replaced (empty: none), print left out.
    pub fn link(&self, sort: &str) -> String {
        let pairs = [
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("store", self.store.as_str()),
            ("customer_group", self.customer_group.as_str()),
            ("territory", self.territory.as_str()),
            ("sales_person", self.sales_person.as_str()),
            ("campaign", self.campaign.as_str()),
            ("days", self.days.as_str()),
            ("sort", sort),
        ];
        serde_urlencoded::to_string(
            pairs
                .iter()
                .filter(|(_, value)| !value.is_empty())
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default()
    }

    /// Whether the print view was asked for.
    pub fn printing(&self) -> bool {
        self.print == "1"
    }
}

/// The choices of the filter bar's selects, as (value, label).
#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// Stores (only the reader's own for a store supervisor).
    pub stores: Vec<(String, String)>,
    /// Customer groups.
    pub customer_groups: Vec<(String, String)>,
    /// Territories.
    pub territories: Vec<(String, String)>,
    /// Sales persons.
    pub sales_persons: Vec<(String, String)>,
    /// The company's campaigns.
    pub campaigns: Vec<(String, String)>,
}

/// A report's filters read: what to query, the selects, the messages, and how the header
/// names them ("1 Nov 2026 – 30 Nov 2026 · Downtown").
#[derive(Debug, Clone)]
pub struct Resolved {
    /// What the queries take.
    pub filter: Filter,
    /// The query as it will be linked again (dates filled in).
    pub query: ReportQuery,
    /// The selects' choices.
    pub choices: Choices,
    /// Messages by field.
    pub errors: FieldErrors,
    /// The filters in words, for the print view's header.
    pub summary: String,
    /// The company currency.
    pub currency: Currency,
    /// The reader.
    pub reader: Reader,
    /// "14:03:09 EST" when the figures come from a replica that lags: as of when they are true.
    pub as_of: Option<String>,
}

fn id_of(
    raw: &str,
    field: &str,
    known: &[(String, String)],
    errors: &mut FieldErrors,
) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if known.iter().any(|(value, _)| value == raw) {
        return raw.parse().ok();
    }
    errors.add(field, "Choose one from the list.");
    None
}

fn label_of(id: Option<i64>, known: &[(String, String)]) -> Option<String> {
    let id = id?.to_string();
    known
        .iter()
        .find(|(value, _)| *value == id)
        .map(|(_, label)| label.clone())
}

/// Reads `query` for `reader`: a supervisor's store is theirs whatever the query says.
pub fn resolve(
    conn: &mut PgConnection,
    reader: Reader,
    mut query: ReportQuery,
) -> Result<Resolved, AppError> {
    let (company, currency) = stores::home_company(conn, reader.user_store)?;
    let mut errors = FieldErrors::new();
    let (from, to) = read_dates(&query.from, &query.to, &mut errors);
    let today = reader.clock.today();
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| to - Days::new(DEFAULT_DAYS - 1));
    (query.from, query.to) = (iso(from), iso(to));
    let choices = choices(conn, reader, company.id)?;
    let store = match reader.own_store {
        Some(own) => {
            query.store = own.to_string();
            Some(own)
        }
        None => id_of(&query.store, "store", &choices.stores, &mut errors),
    };
    let customer_group = id_of(
        &query.customer_group,
        "customer_group",
        &choices.customer_groups,
        &mut errors,
    );
    let territory = id_of(
        &query.territory,
        "territory",
        &choices.territories,
        &mut errors,
    );
    let sales_person = id_of(
        &query.sales_person,
        "sales_person",
        &choices.sales_persons,
        &mut errors,
    );
    let campaign = id_of(&query.campaign, "campaign", &choices.campaigns, &mut errors);
    let mut summary = vec![format!(
        "{} – {}",
        from.format("%-d %b %Y"),
        to.format("%-d %b %Y")
    )];
    summary.push(label_of(store, &choices.stores).unwrap_or_else(|| "All stores".into()));
    summary.extend(label_of(customer_group, &choices.customer_groups));
    summary.extend(label_of(territory, &choices.territories));
    summary.extend(label_of(sales_person, &choices.sales_persons));
    summary.extend(label_of(campaign, &choices.campaigns).map(|c| format!("Campaign {c}")));
    Ok(Resolved {
        filter: Filter {
            company: company.id,
            from,
            to,
            store,
            customer_group,
            territory,
            sales_person,
            campaign,
        },
        query,
        choices,
        errors,
        summary: summary.join(" · "),
        currency,
        reader,
        as_of: super::model::lagging_since(conn)?.map(|at| reader.clock.at_seconds(at)),
    })
}

fn iso(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

fn choices(conn: &mut PgConnection, reader: Reader, company: i64) -> Result<Choices, AppError> {
    let stores = stores::list_active(conn)?
        .into_iter()
        .filter(|s| s.company_id == company)
        .filter(|s| reader.own_store.is_none_or(|own| own == s.id))
        .map(|s| (s.id.to_string(), s.name))
        .collect();
    let customer_groups = groups::groups(conn)?
        .into_iter()
        .map(|g| (g.id.to_string(), g.name))
        .collect();
    let territories = groups::territories(conn)?
        .into_iter()
        .map(|t| (t.id.to_string(), t.name))
        .collect();
    let sales_persons = stores::sales_persons::active(conn)?
        .into_iter()
        .map(|p| (p.id.to_string(), p.name))
        .collect();
    let campaigns = crate::offers::model::queries::campaign_choices(conn, Some(company))?
        .into_iter()
        .map(|c| (c.id.to_string(), c.name))
        .collect();
    Ok(Choices {
        stores,
        customer_groups,
        territories,
        sales_persons,
        campaigns,
    })
}
