//! Audit entries as a person reads them: "Dana Reyes (HQ) updated customer Jane Doe", with links
//! to the records and the changed fields in words. The Audit page and home's "Latest activity"
//! both show entries through `describe`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use super::changes::{Change, changes, references};
use super::labels::{SESSION_ACTIONS, action_label, action_verb, kind_label, kind_noun};
use super::model::{self, AuditEntry, AuditFilter};
use super::names::{self, Names};

/// One audit entry in words.
#[derive(Debug, Clone)]
pub struct Readable {
    /// The entry's id.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who: "Dana Reyes (HQ)", or what the log recorded for a till or the command line.
    pub actor: String,
    /// The person's page.
    pub actor_href: Option<String>,
    /// What happened, for a column: "Updated".
    pub action: String,
    /// What kind of record: "Loyalty program".
    pub kind: String,
    /// Which one: "Jane Doe".
    pub subject: String,
    /// Its page, where it has one.
    pub href: Option<String>,
    /// The changed fields (a created record's main fields).
    pub changes: Vec<Change>,
    /// "updated customer", "signed in": the sentence's middle, before the subject.
    predicate: String,
    /// Whether the subject belongs in the sentence (not for signing in).
    names_subject: bool,
}

impl Readable {
    /// The words between who and the record: "updated customer", "signed in".
    pub fn predicate(&self) -> &str {
        &self.predicate
    }

    /// Whether a sentence names the record after `predicate` (signing in names none): a
    /// template that links the record shows `subject` after the predicate only then.
    pub fn names_subject(&self) -> bool {
        self.names_subject
    }

    /// What the person did, without who: "updated customer Jane Doe".
    pub fn what(&self) -> String {
        if self.names_subject {
            format!("{} {}", self.predicate, self.subject)
        } else {
            self.predicate.clone()
        }
    }

    /// The whole sentence: "Dana Reyes (HQ) updated customer Jane Doe".
    pub fn sentence(&self) -> String {
        format!("{} {}", self.actor, self.what())
    }
}

/// The newest `n` entries that are changes (sign-ins and sign-outs left out), in words.
pub fn latest_activity(conn: &mut PgConnection, n: i64) -> QueryResult<Vec<Readable>> {
    let filter = AuditFilter {
        except_actions: SESSION_ACTIONS.iter().map(|a| (*a).to_owned()).collect(),
        ..AuditFilter::default()
    };
    let entries = model::list(conn, &filter, n)?;
    describe(conn, entries)
}

/// `entries` in words, their records' names read in one query per kind of record.
pub fn describe(conn: &mut PgConnection, entries: Vec<AuditEntry>) -> QueryResult<Vec<Readable>> {
    let mut wanted: BTreeSet<(&str, i64)> = BTreeSet::new();
    for e in &entries {
        if let Ok(id) = e.entity_id.parse::<i64>() {
            wanted.insert((e.entity.as_str(), id));
        }
        if let Some(actor) = e.actor_id {
            wanted.insert(("user", actor));
        }
        wanted.extend(references(&e.entity, e.before.as_ref(), e.after.as_ref()));
    }
    let names = names::resolve(conn, &wanted)?;
    Ok(entries.into_iter().map(|e| readable(e, &names)).collect())
}

fn readable(e: AuditEntry, names: &Names) -> Readable {
    let name = |kind: &str, id: i64| names.get(kind, id).map(|n| n.name.clone());
    let lines = changes(
        &e.entity,
        &e.action,
        e.before.as_ref(),
        e.after.as_ref(),
        &name,
    );
    let (actor, actor_href) = match e.actor_id.and_then(|id| names.get("user", id)) {
        Some(user) => (
            match &user.place {
                Some(place) => format!("{} ({place})", user.name),
                None => user.name.clone(),
            },
            user.href.clone(),
        ),
        None => (e.actor_label.clone(), None),
    };
    let found = e
        .entity_id
        .parse::<i64>()
        .ok()
        .and_then(|id| names.get(&e.entity, id));
    let (subject, href) = match found {
        Some(named) => (named.name.clone(), named.href.clone()),
        None if e.entity_id == "all" => (format!("all {}s", kind_noun(&e.entity)), None),
        None => (
            snapshot_name(e.after.as_ref())
                .or_else(|| snapshot_name(e.before.as_ref()))
                .unwrap_or_else(|| format!("#{}", e.entity_id)),
            None,
        ),
    };
    let session = SESSION_ACTIONS.contains(&e.action.as_str());
    let predicate = if e.entity_id == "all" {
        action_verb(&e.action)
    } else {
        format!("{} {}", action_verb(&e.action), kind_noun(&e.entity))
    };
    Readable {
        id: e.id,
        at: e.at,
        actor,
        actor_href,
        action: action_label(&e.action),
        kind: kind_label(&e.entity),
        subject,
        href,
        changes: lines,
        predicate: if session {
            action_verb(&e.action)
        } else {
            predicate
        },
        names_subject: !session,
    }
}

/// A removed record's name, from what the log kept of it.
fn snapshot_name(snapshot: Option<&Value>) -> Option<String> {
    let map = snapshot?.as_object()?;
    let text = |key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let person = format!(
        "{} {}",
        text("first_name").unwrap_or_default(),
        text("last_name").unwrap_or_default()
    );
    text("name")
        .or_else(|| text("label"))
        .or_else(|| Some(person.trim().to_owned()).filter(|p| !p.is_empty()))
        .or_else(|| text("number"))
        .or_else(|| text("code"))
        .or_else(|| text("file_name"))
}
