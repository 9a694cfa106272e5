//! The customer pages: the searchable list, create (with the duplicate warning), the detail
//! page, edit, deactivate and reactivate. There is no delete.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::{DateTime, Utc};
use patron_rules::Activation;
use patron_rules::customers::{initials, search_terms};
use patron_rules::tree::in_tree_order;
use patron_rules::users::Permission;
use serde::Deserialize;

use super::filters_on::{FilterOn, filters_on};
use super::forms::CustomerForm;
use super::head::{CustomerHead, CustomerTab};
use super::hooks::{Creation, CustomerHooks};
use super::list_page;
use super::list_segments::{CustomerSegments, SegmentChoice, SegmentLink, SegmentsShown};
use super::model::{
    self, Cursor, Customer, ListFilter, ListRow, NewCustomer, Origin, Sort, Status,
};
use super::panels::{CustomerPanels, PanelRequest, Slot, Viewer, edit_refusal, may_edit};
use crate::audit::model as audit_model;
use crate::state::AppState;
use crate::stores::model::{self as stores, Store};
use crate::trees::model::groups::{self, Group, Territory};
use crate::web::format::count;
use crate::web::pager::{self, Keyset, PageQuery, Pager};
use crate::web::request::is_fragment_request;
use crate::web::sort::SortHeader;
use crate::web::stream::csv_download;
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};

/// Rows per page of the list.
const PAGE_SIZE: i64 = 50;
/// Past this many matches the list says "1,000+" instead of counting on.
const COUNT_CAP: i64 = 1000;

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers", web::get().to(index))
        .route("/customers/export.csv", web::get().to(export_csv))
        .route("/customers", web::post().to(create))
        .route("/customers/new", web::get().to(new_page))
        .route("/customers/{id}", web::get().to(show))
        .route("/customers/{id}", web::post().to(update))
        .route("/customers/{id}/edit", web::get().to(edit_page))
        .route(
            "/customers/{id}/{action:deactivate|reactivate}",
            web::post().to(set_active),
        );
}

/// The list's query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    q: String,
    group: String,
    territory: String,
    store: String,
    status: String,
    /// A saved segment's id: only its members (for those who read segments).
    segment: String,
    /// `name`, `code` (ascending) or `name-desc`, `code-desc`; `created` is newest first.
    sort: String,
    #[serde(flatten)]
    page: PageQuery,
}

impl ListQuery {
    fn sort(&self) -> (Sort, bool) {
        match self.sort.as_str() {
            "code" => (Sort::Code, false),
            "code-desc" => (Sort::Code, true),
            "created" => (Sort::Created, true),
            "name-desc" => (Sort::Name, true),
            _ => (Sort::Name, false),
        }
    }

    /// The page's position in the list: the key of a row as `cursor_key` writes it.
    fn keyset(&self) -> Keyset<Cursor> {
        let (sort, _) = self.sort();
        self.page.keyset(|raw| {
            let (id, key) = raw.split_once(',')?;
            let id = id.parse::<i64>().ok()?;
            match sort {
                Sort::Name => Some(Cursor::Name(key.to_owned(), id)),
                Sort::Code => Some(Cursor::Code(id)),
                Sort::Created => DateTime::parse_from_rfc3339(key)
                    .ok()
                    .map(|at| Cursor::Created(at.with_timezone(&Utc), id)),
            }
        })
    }

    fn filter(&self) -> ListFilter {
        let (sort, descending) = self.sort();
        let keyset = self.keyset();
        let backward = keyset.is_backward();
        let after = match keyset {
            Keyset::First => None,
            Keyset::After(cursor) | Keyset::Before(cursor) => Some(cursor),
        };
        ListFilter {
            search: search_terms(&self.q),
            group_id: self.group.parse().ok(),
            territory_id: self.territory.parse().ok(),
            origin: match self.store.as_str() {
                "hq" => Some(Origin::Hq),
                other => other.parse().ok().map(Origin::Store),
            },
            status: match self.status.as_str() {
                "deactivated" => Status::Deactivated,
                "all" => Status::All,
                _ => Status::Active,
            },
            sort,
            descending,
            after,
            backward,
            own_store: None,
            within: None,
        }
    }

    /// A row's key in the current order, as `keyset` reads it back.
    fn cursor_key(&self, row: &ListRow) -> String {
        match self.sort().0 {
            Sort::Name => format!("{},{}", row.id, row.search_name),
            Sort::Code => format!("{},", row.id),
            Sort::Created => format!("{},{}", row.id, row.created_at.to_rfc3339()),
        }
    }

    /// The list's address with its filters, sorted by `sort`, from the first page.
    fn link(&self, sort: &str) -> String {
        self.link_without("", sort)
    }

    /// `link`, with the filter named `key` cleared.
    fn link_without(&self, key: &str, sort: &str) -> String {
        let filters = [
            ("q", self.q.as_str()),
            ("group", &self.group),
            ("territory", &self.territory),
            ("store", &self.store),
            ("status", &self.status),
            ("segment", &self.segment),
            ("sort", sort),
        ];
        let kept: Vec<(&str, &str)> = filters.into_iter().filter(|(k, _)| *k != key).collect();
        pager::link("/customers", &kept)
    }
}

/// The sort value as the headers know it: the default order is by name.
fn current_sort(sort: &str) -> &str {
    if sort.is_empty() { "name" } else { sort }
}

/// A list row as shown.
struct Row {
    id: i64,
    initials: String,
    name: String,
    code: String,
    mobile: String,
    email: String,
    group: String,
    store: String,
    active: bool,
    /// The saved segments they are in (empty unless the viewer reads segments).
    segments: Vec<SegmentLink>,
}

/// Segments a row names before "+N more".
const SEGMENTS_SHOWN: usize = 3;

impl Row {
    /// The segments the cell names.
    fn segments_shown(&self) -> &[SegmentLink] {
        &self.segments[..self.segments.len().min(SEGMENTS_SHOWN)]
    }

    /// How many more there are than the cell names.
    fn segments_more(&self) -> usize {
        self.segments.len().saturating_sub(SEGMENTS_SHOWN)
    }

    /// Every segment's name, for the cell's title when some go unnamed.
    fn segments_all(&self) -> String {
        let names: Vec<&str> = self.segments.iter().map(|s| s.name.as_str()).collect();
        names.join(", ")
    }
}

impl From<&ListRow> for Row {
    fn from(r: &ListRow) -> Row {
        Row {
            id: r.id,
            initials: initials(&r.first_name, &r.last_name),
            name: format!("{} {}", r.first_name, r.last_name)
                .trim()
                .to_owned(),
            code: r.code.clone(),
            mobile: r.mobile.clone(),
            email: r.email.clone(),
            group: r.group_name.clone(),
            store: r.store_code.clone().unwrap_or_else(|| "HQ".to_owned()),
            active: r.active,
            segments: Vec::new(),
        }
    }
}

impl IndexPage {
    /// The filters as a query string, for the export link.
    fn export_query(&self) -> String {
        let q = &self.query;
        serde_urlencoded::to_string([
            ("q", q.q.as_str()),
            ("group", &q.group),
            ("territory", &q.territory),
            ("store", &q.store),
            ("status", &q.status),
            ("segment", &q.segment),
        ])
        .unwrap_or_default()
    }

    /// "with the store filter ‘Downtown’ on", when filters emptied the list.
    fn filters_phrase(&self) -> Option<String> {
        let on: Vec<(&str, &str)> = self
            .filters_on
            .iter()
            .map(|f| (f.key, f.value.as_str()))
            .collect();
        patron_rules::search::filters_on(&on)
    }

    /// Whether the Segment filter is set to segment `id`.
    fn segment_chosen(&self, id: &i64) -> bool {
        self.chosen_segment().is_some_and(|c| c.id == *id)
    }

    /// What the list's members are as of, by the Segment filter: a snapshot, not live.
    fn segment_as_of(&self) -> String {
        match self.chosen_segment() {
            Some(SegmentChoice {
                as_of: Some(at), ..
            }) => format!("Members as of {at}"),
            Some(_) => "Members not taken yet".to_owned(),
            None => String::new(),
        }
    }

    fn chosen_segment(&self) -> Option<&SegmentChoice> {
        self.segments.as_ref().and_then(|s| s.chosen.as_ref())
    }

    /// The list as it is, without the filter `key`.
    fn clearing(&self, key: &str) -> String {
        self.query.link_without(key, &self.query.sort)
    }
}

#[derive(Template)]
#[template(path = "customers/index.html", blocks = ["results"])]
struct IndexPage {
    ctx: PageCtx,
    query: ListQuery,
    rows: Vec<Row>,
    total: String,
    pager: Pager,
    headers: [SortHeader; 2],
    searching: bool,
    more_matches: bool,
    groups: Vec<Group>,
    territories: Vec<Territory>,
    stores: Vec<Store>,
    can_create: bool,
    can_export: bool,
    /// The filters that are on, named only when the list came out empty.
    filters_on: Vec<FilterOn>,
    /// The Segments column and the Segment filter: none for those who may not read segments.
    segments: Option<SegmentsShown>,
    /// Whether only the results are rendered (htmx): the segment's "as of" then comes along.
    fragment: bool,
}

async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    segments: web::Data<CustomerSegments>,
    user: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersView)?;
    let query = query.into_inner();
    // Customers shop in every store: a supervisor's search finds the chain's, their own first.
    let mut filter = ListFilter {
        own_store: user.store_scope().only().flatten(),
        ..query.filter()
    };
    let fragment = is_fragment_request(&req);
    let (role, store, clock) = (user.role, user.store_id, user.clock);
    let raw_segment = query.segment.clone();
    let segments = **segments;
    let (rows, total, choices, narrowing, segments) = state
        .db
        .run(move |conn| {
            let segments = segments.shown(conn, role, store, clock, &raw_segment)?;
            filter.within = segments.as_ref().and_then(SegmentsShown::within);
            let mut rows: Vec<(ListRow, Vec<SegmentLink>)> =
                list_page::rows(conn, &filter, PAGE_SIZE + 1)?
                    .into_iter()
                    .map(|row| (row, Vec::new()))
                    .collect();
            if let Some(shown) = &segments {
                let ids: Vec<i64> = rows.iter().map(|(row, _)| row.id).collect();
                let mut of = shown.of_customers(conn, &ids)?;
                for (row, links) in &mut rows {
                    *links = of.remove(&row.id).unwrap_or_default();
                }
            }
            let mut narrowing = if rows.is_empty() {
                filters_on(conn, &filter)?
            } else {
                Vec::new()
            };
            if let Some(chosen) = segments.as_ref().and_then(|s| s.chosen.as_ref())
                && rows.is_empty()
            {
                narrowing.push(FilterOn {
                    key: "segment",
                    value: chosen.name.clone(),
                });
            }
            // A search shows its best matches and says whether there are more; counting every
            // match of a common name would cost more than finding them.
            let total = match filter.search {
                Some(_) => None,
                None => {
                    let unpaged = ListFilter {
                        after: None,
                        ..filter
                    };
                    Some(model::count_capped(conn, &unpaged, COUNT_CAP + 1)?)
                }
            };
            let choices = if fragment {
                (Vec::new(), Vec::new(), Vec::new())
            } else {
                (
                    groups::groups(conn)?,
                    groups::territories(conn)?,
                    stores::list_active(conn)?,
                )
            };
            Ok((rows, total, choices, narrowing, segments))
        })
        .await?;
    let searching = !query.q.trim().is_empty();
    let has_more = rows.len() > usize::try_from(PAGE_SIZE).unwrap_or(50);
    let (shown, pager) = if searching {
        // A search shows its best matches; paging is for browsing.
        (rows.into_iter().take(50).collect(), Pager::default())
    } else {
        let (shown, pager) = pager::paginate(
            &query.page,
            &query.keyset(),
            rows,
            50,
            |(row, _)| query.cursor_key(row),
            &query.link(&query.sort),
            "customer-results",
        );
        match total {
            Some(n) if n <= COUNT_CAP => (shown, pager.with_total(n)),
            _ => (shown, pager),
        }
    };
    let headers = [
        SortHeader::new("Name", "name", current_sort(&query.sort), |sort| {
            query.link(sort)
        }),
        SortHeader::new("Code", "code", current_sort(&query.sort), |sort| {
            query.link(sort)
        }),
    ];
    let shown_count = shown.len();
    let page = IndexPage {
        ctx: user.page(),
        rows: shown
            .into_iter()
            .map(|(row, segments)| Row {
                segments,
                ..Row::from(&row)
            })
            .collect(),
        total: match total {
            Some(n) if n > COUNT_CAP => format!("{}+", count(COUNT_CAP)),
            Some(n) => count(n),
            None if has_more => format!("{PAGE_SIZE}+"),
            None => count(i64::try_from(shown_count).unwrap_or(0)),
        },
        more_matches: searching && has_more,
        pager,
        headers,
        searching,
        groups: choices.0,
        territories: choices.1,
        stores: choices.2,
        can_create: user.can(Permission::CustomersCreate),
        can_export: user.can(Permission::CustomersExport),
        filters_on: narrowing,
        segments,
        fragment,
        query,
    };
    if fragment {
        render(&page.as_results())
    } else {
        render(&page)
    }
}

#[derive(Template)]
#[template(path = "customers/form.html")]
struct FormPage {
    ctx: PageCtx,
    editing: Option<Customer>,
    form: CustomerForm,
    errors: FieldErrors,
    groups: Vec<(Group, usize)>,
    territories: Vec<(Territory, usize)>,
    countries: Vec<(String, String)>,
    duplicates: Vec<Row>,
}

impl FormPage {
    fn selected(&self, field: &str, value: &str) -> bool {
        let current = match field {
            "customer_group_id" => &self.form.customer_group_id,
            "territory_id" => &self.form.territory_id,
            "country_code" => &self.form.country_code,
            "gender" => &self.form.gender,
            _ => return false,
        };
        current == value
    }
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<Customer>,
    form: CustomerForm,
    errors: FieldErrors,
    duplicates: Vec<Row>,
) -> Result<FormPage, AppError> {
    let (groups, territories, countries) = state
        .db
        .run(|conn| {
            use crate::db::schema::countries;
            use diesel::prelude::*;
            let countries = countries::table
                .order(countries::name.asc())
                .select((countries::code, countries::name))
                .load::<(String, String)>(conn)?;
            Ok((groups::groups(conn)?, groups::territories(conn)?, countries))
        })
        .await?;
    Ok(FormPage {
        ctx: user.page(),
        editing,
        form,
        errors,
        groups: in_tree_order(groups, Group::node),
        territories: in_tree_order(territories, Territory::node),
        countries,
        duplicates,
    })
}

async fn new_page(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersCreate)?;
    // The company's defaults, when it has them; otherwise the person chooses ("Choose…"), since
    // the top of the tree is never a choice anyone meant.
    let store_id = user.store_id;
    let company = state
        .db
        .run(move |conn| Ok(stores::company_of(conn, store_id)?))
        .await?;
    let chosen = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
    let form = CustomerForm {
        customer_group_id: chosen(company.as_ref().and_then(|c| c.default_customer_group_id)),
        territory_id: chosen(company.as_ref().and_then(|c| c.default_territory_id)),
        ..CustomerForm::default()
    };
    render(&form_page(&state, &user, None, form, FieldErrors::new(), Vec::new()).await?)
}

async fn create(
    state: web::Data<AppState>,
    hooks: web::Data<CustomerHooks>,
    user: CurrentUser,
    form: web::Form<CustomerForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersCreate)?;
    let form = form.into_inner();
    let fields = match form.parse(user.clock.today()) {
        Ok(fields) => fields,
        Err(errors) => return rerender(&state, &user, None, form, errors, Vec::new()).await,
    };
    if form.confirm_duplicates.is_empty() {
        let probe = fields.clone();
        let duplicates = state
            .db
            .run(move |conn| Ok(model::possible_duplicates(conn, &probe, None, 10)?))
            .await?;
        if !duplicates.is_empty() {
            let rows = duplicates.iter().map(Row::from).collect();
            let page = form_page(&state, &user, None, form, FieldErrors::new(), rows).await?;
            return render_status(StatusCode::CONFLICT, &page);
        }
    }
    // A store supervisor's customers belong to their store; HQ's to none.
    let origin_store_id = user.store_scope().only().flatten();
    let (actor, today) = (user.actor(), user.clock.today());
    let referral_code = form.referral_code.clone();
    let saved = state
        .db
        .tx(move |conn| {
            let created = model::create(
                conn,
                &NewCustomer {
                    uuid: uuid::Uuid::new_v4(),
                    origin_store_id,
                    fields,
                },
                &actor,
            )?;
            hooks.saved(conn, created.id, today, &actor)?;
            hooks.created(
                conn,
                &Creation {
                    customer: patron_rules::CustomerId(created.id),
                    store_id: origin_store_id,
                    referral_code: Some(referral_code.as_str()),
                    today,
                    actor: &actor,
                },
            )?;
            Ok(created)
        })
        .await;
    match saved {
        Ok(created) => {
            user.flash(Flash::success(format!(
                "Customer {} created.",
                created.code
            )));
            Ok(see_other(&format!("/customers/{}", created.id)))
        }
        Err(AppError::Validation(errors)) => {
            rerender(&state, &user, None, form, errors, Vec::new()).await
        }
        Err(other) => Err(other),
    }
}

async fn rerender(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<Customer>,
    form: CustomerForm,
    errors: FieldErrors,
    duplicates: Vec<Row>,
) -> Result<HttpResponse, AppError> {
    let page = form_page(state, user, editing, form, errors, duplicates).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

struct Activity {
    at: String,
    entry: crate::audit::readable::Readable,
}

#[derive(Template)]
#[template(path = "customers/show.html")]
struct ShowPage {
    ctx: PageCtx,
    head: CustomerHead,
    customer: Customer,
    country: Option<String>,
    activity: Vec<Activity>,
    /// Other areas' key figures (lifetime spend and visits), rendered by them.
    figures: Vec<String>,
    /// Other areas' cards (balances, loyalty), rendered by them.
    cards: Vec<String>,
    /// Other areas' history sections (sales), rendered by them.
    history: Vec<String>,
}

#[derive(Deserialize)]
struct ShowQuery {
    #[serde(default)]
    tab: String,
}

async fn show(
    state: web::Data<AppState>,
    panels: web::Data<CustomerPanels>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<ShowQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersView)?;
    let id = id.into_inner();
    let viewer = Viewer::of(&user);
    let query_string = req.query_string().to_owned();
    let (customer, facts, entries, shown) = state
        .db
        .run(move |conn| {
            let customer = model::find(conn, id)?;
            let facts = model::facts(conn, &customer)?;
            let filter = audit_model::AuditFilter {
                entity: Some("customer".into()),
                entity_id: Some(id.to_string()),
                ..Default::default()
            };
            let logged = audit_model::list(conn, &filter, 50)?;
            let entries = crate::audit::describe(conn, logged)?;
            let request = PanelRequest {
                customer: &customer,
                viewer: &viewer,
                query: &query_string,
                today: viewer.clock.date(Utc::now()),
            };
            let shown = panels.render(conn, &request)?;
            Ok((customer, facts, entries, shown))
        })
        .await?;
    let in_slot = |slot: Slot| -> Vec<String> {
        shown
            .iter()
            .filter(|p| p.slot == slot)
            .map(|p| p.html.clone())
            .collect()
    };
    let tab = if query.tab == "activity" {
        CustomerTab::Activity
    } else {
        CustomerTab::Sales
    };
    render(&ShowPage {
        ctx: user.page(),
        head: CustomerHead::new(&customer, &facts, user.role, user.store_scope(), tab),
        country: facts.country,
        figures: in_slot(Slot::Figures),
        cards: in_slot(Slot::Card),
        history: in_slot(Slot::History),
        activity: entries
            .into_iter()
            .map(|entry| Activity {
                at: user.clock.at_labelled(entry.at),
                entry,
            })
            .collect(),
        customer,
    })
}

/// Customer `id`, when `user` may change them; otherwise 403 with the reason
/// (`panels::edit_refusal`), the sentence the customer page shows in place of Edit.
async fn load_editable(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<Customer, AppError> {
    user.require(Permission::CustomersEdit)?;
    let (role, scope) = (user.role, user.store_scope());
    state
        .db
        .run(move |conn| {
            let customer = model::find(conn, id)?;
            if may_edit(role, scope, &customer) {
                return Ok(customer);
            }
            let store = model::facts(conn, &customer)?.origin_store;
            let store = store.as_ref().map(|(name, _)| name.as_str());
            Err(match edit_refusal(role, scope, &customer, store) {
                Some(reason) => AppError::Refused(reason),
                None => AppError::Forbidden,
            })
        })
        .await
}

async fn edit_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let customer = load_editable(&state, &user, id.into_inner()).await?;
    let form = CustomerForm::from_fields(&customer.fields);
    render(
        &form_page(
            &state,
            &user,
            Some(customer),
            form,
            FieldErrors::new(),
            Vec::new(),
        )
        .await?,
    )
}

async fn update(
    state: web::Data<AppState>,
    hooks: web::Data<CustomerHooks>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<CustomerForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let customer = load_editable(&state, &user, id).await?;
    let form = form.into_inner();
    let fields = match form.parse(user.clock.today()) {
        Ok(fields) => fields,
        Err(errors) => {
            return rerender(&state, &user, Some(customer), form, errors, Vec::new()).await;
        }
    };
    let (actor, today) = (user.actor(), user.clock.today());
    let saved = state
        .db
        .tx(move |conn| {
            let after = model::update(conn, id, &fields, &actor)?;
            hooks.saved(conn, id, today, &actor)?;
            Ok(after)
        })
        .await;
    match saved {
        Ok(saved) => {
            user.flash(Flash::success(format!("Saved {}.", saved.code)));
            Ok(see_other(&format!("/customers/{id}")))
        }
        Err(AppError::Validation(errors)) => {
            rerender(&state, &user, Some(customer), form, errors, Vec::new()).await
        }
        Err(other) => Err(other),
    }
}

async fn set_active(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, Activation)>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersDeactivate)?;
    let (id, activation) = path.into_inner();
    let actor = user.actor();
    let after = state
        .db
        .tx(move |conn| Ok(model::set_active(conn, id, activation, &actor)?))
        .await?;
    user.flash(Flash::success(format!(
        "{} {}.",
        after.code,
        activation.done()
    )));
    Ok(see_other(&format!("/customers/{id}")))
}

/// Rows fetched per chunk of the export.
const EXPORT_CHUNK: i64 = 5_000;

/// GET /customers/export.csv: the current filtered list as CSV, streamed. Every customer can be
/// looked up by every store, but taking them all out with their contact details is HQ's act, and
/// each export is audited with its filters and how many customers it held.
async fn export_csv(
    state: web::Data<AppState>,
    segments: web::Data<CustomerSegments>,
    user: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersExport)?;
    let mut filter = ListFilter {
        after: None,
        backward: false,
        ..query.filter()
    };
    let described = serde_json::json!({ "q": query.q, "group": query.group, "territory": query.territory, "store": query.store, "status": query.status, "segment": query.segment });
    let actor = user.actor();
    let (role, store, clock) = (user.role, user.store_id, user.clock);
    let raw_segment = query.segment.clone();
    let segments = **segments;
    // The file holds what the list shows: the same segment, for those who read segments.
    let filter = state
        .db
        .tx(move |conn| {
            filter.within = segments
                .shown(conn, role, store, clock, &raw_segment)?
                .and_then(|shown| shown.within());
            let rows = model::count_capped(conn, &filter, i64::MAX)?;
            model::note_export(conn, &actor, described, rows)?;
            Ok(filter)
        })
        .await?;

    let (mut after, mut first) = (0, true);
    let file = format!("customers-{}.csv", Utc::now().format("%Y-%m-%d"));
    Ok(csv_download(state.db.pool().clone(), &file, move |conn| {
        if after < 0 {
            return Ok(None);
        }
        let rows = super::export::page(conn, &filter, after, EXPORT_CHUNK)?;
        let bytes = super::export::to_csv(&rows, std::mem::replace(&mut first, false))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        // A short chunk is the last one.
        after = match super::export::last_id(&rows) {
            Some(id) if i64::try_from(rows.len()).unwrap_or(0) == EXPORT_CHUNK => id,
            _ => -1,
        };
        Ok(Some(bytes))
    }))
}
