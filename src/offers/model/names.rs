//! The names behind an offer's ids, for its sentence and its terms: items read "Classic T-Shirt
//! (TS-01)" (a code alone tells a marketer little), groups, brands, stores, customer groups,
//! segments (with when their members were taken) and campaigns by name. A list's offers are
//! named in one query per kind, not one per offer.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use patron_rules::Currency;

use super::super::offer_form::{OfferForm, Picked};
use super::super::sentence::{self, Names};
use super::versions::OfferTerms;
use crate::db::schema::{
    brands, campaigns, customer_groups, item_groups, items, pos_profiles, stores as store_rows,
};
use crate::stores::model as stores;

/// An item as pages name it.
fn item_label(code: &str, name: &str) -> String {
    if name.trim().is_empty() || name == code {
        code.to_owned()
    } else {
        format!("{name} ({code})")
    }
}

/// The names of each of `offers`' ids, in order.
pub fn of_terms(conn: &mut PgConnection, offers: &[&OfferTerms]) -> QueryResult<Vec<Names>> {
    let target = |kind: &str| -> Vec<i64> {
        offers
            .iter()
            .filter(|t| t.apply_on == kind)
            .filter_map(|t| t.apply_on_id)
            .collect()
    };
    let mut item_ids = target("item_code");
    item_ids.extend(offers.iter().filter_map(|t| t.given_item_id));
    let items: HashMap<i64, String> = items::table
        .filter(items::id.eq_any(&item_ids))
        .select((items::id, items::item_code, items::name))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, code, name)| (id, item_label(&code, &name)))
        .collect();
    let groups: HashMap<i64, String> = item_groups::table
        .filter(item_groups::id.eq_any(target("item_group")))
        .select((item_groups::id, item_groups::name))
        .load(conn)?
        .into_iter()
        .collect();
    let brands: HashMap<i64, String> = brands::table
        .filter(brands::id.eq_any(target("brand")))
        .select((brands::id, brands::name))
        .load(conn)?
        .into_iter()
        .collect();
    let stores: HashMap<i64, String> = pos_profiles::table
        .inner_join(store_rows::table)
        .filter(pos_profiles::id.eq_any(offers.iter().filter_map(|t| t.pos_profile_id)))
        .select((pos_profiles::id, store_rows::name))
        .load(conn)?
        .into_iter()
        .collect();
    let customer_groups: HashMap<i64, String> = customer_groups::table
        .filter(customer_groups::id.eq_any(offers.iter().filter_map(|t| t.customer_group_id)))
        .select((customer_groups::id, customer_groups::name))
        .load(conn)?
        .into_iter()
        .collect();
    let segments = super::segments::named(
        conn,
        &offers
            .iter()
            .filter_map(|t| t.segment_id)
            .collect::<Vec<_>>(),
    )?;
    // Snapshot times read in the segment's company's zone.
    let mut clocks: HashMap<i64, patron_rules::Clock> = HashMap::new();
    for s in segments.values() {
        if let std::collections::hash_map::Entry::Vacant(slot) = clocks.entry(s.company_id) {
            slot.insert(stores::company_clock(conn, s.company_id)?);
        }
    }
    let campaigns: HashMap<i64, String> = campaigns::table
        .filter(campaigns::id.eq_any(offers.iter().filter_map(|t| t.campaign_id)))
        .select((campaigns::id, campaigns::name))
        .load(conn)?
        .into_iter()
        .collect();
    let name =
        |map: &HashMap<i64, String>, id: Option<i64>| id.and_then(|id| map.get(&id).cloned());
    let segment = |t: &OfferTerms| t.segment_id.and_then(|id| segments.get(&id));
    Ok(offers
        .iter()
        .map(|t| Names {
            target: match t.apply_on.as_str() {
                "item_code" => name(&items, t.apply_on_id),
                "item_group" => name(&groups, t.apply_on_id),
                "brand" => name(&brands, t.apply_on_id),
                _ => None,
            },
            given: name(&items, t.given_item_id),
            store: name(&stores, t.pos_profile_id),
            group: name(&customer_groups, t.customer_group_id),
            segment: segment(t).map(|s| s.name.clone()),
            segment_as_of: segment(t).and_then(|s| {
                let clock = clocks.get(&s.company_id).copied().unwrap_or_default();
                s.snapshot_at.map(|at| clock.at(at))
            }),
            campaign: name(&campaigns, t.campaign_id),
        })
        .collect())
}

/// The names of a form being filled in: its selects' ids as stored terms have them, its
/// pickers' codes and names as typed (an item code that names no item reads as typed, so the
/// sentence shows what the field holds).
pub fn of_form(conn: &mut PgConnection, terms: &OfferTerms, picked: &Picked) -> QueryResult<Names> {
    let mut names = of_terms(conn, &[terms])?.pop().unwrap_or_default();
    let mut item = |code: &Option<String>| -> QueryResult<Option<String>> {
        let Some(code) = code else { return Ok(None) };
        let name: Option<String> = items::table
            .filter(items::item_code.eq(code))
            .select(items::name)
            .first(conn)
            .optional()?;
        Ok(Some(
            name.map_or_else(|| code.clone(), |n| item_label(code, &n)),
        ))
    };
    names.target = match terms.apply_on.as_str() {
        "item_code" => item(&picked.item)?,
        "item_group" => picked.group.clone(),
        "brand" => picked.brand.clone(),
        _ => None,
    };
    names.given = item(&picked.given_item)?;
    Ok(names)
}

/// The sentence beside the offer form, from what it holds so far (`today` stands in for a
/// Valid From not yet given).
pub fn form_sentence(
    conn: &mut PgConnection,
    form: &OfferForm,
    today: NaiveDate,
) -> QueryResult<String> {
    let (mut draft, _) = form.draft();
    if form.valid_from.trim().is_empty() || draft.terms.valid_from == NaiveDate::default() {
        draft.terms.valid_from = today;
    }
    let currency = match stores::find_company(conn, draft.company_id).optional()? {
        Some(company) => stores::company_currency(conn, company.id)?,
        None => Currency::usd(),
    };
    let names = of_form(conn, &draft.terms, &draft.picked)?;
    Ok(sentence::sentence(&draft.terms, &names, &currency))
}
