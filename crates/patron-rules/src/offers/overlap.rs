//! Which auto Item Price offers can hit the same item in the same store on the same day: a line
//! takes only one of them (the larger discount), so marketing is warned that one of the two
//! may never apply. Pure; `queries::overlap_candidates` loads the offers.
//!
//! What counts, kept to what is cheap and certain from the offers alone: the same target (the
//! same item, group or brand); an item and a group it sits in (or below); a group and one of
//! its subgroups; an item and its brand. A brand against a group would need every item of both,
//! so it is not checked. Stores overlap unless both name different POS Profiles or different
//! Warehouses; customers overlap unless both name different Customer Groups (a group and its
//! subgroup are not told apart, so that pair is missed rather than guessed).

use chrono::NaiveDate;

/// What an offer applies on, with what the check needs to compare targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An item: its id, its brand and its group with the group's ancestors.
    Item {
        /// Item id.
        id: i64,
        /// Its brand.
        brand: Option<i64>,
        /// Its item group, then the group's ancestors.
        lineage: Vec<i64>,
    },
    /// An item group: its id, then its ancestors.
    Group(Vec<i64>),
    /// A brand.
    Brand(i64),
}

/// An enabled auto Item Price offer as the check sees it.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Offer id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// What it applies on.
    pub target: Target,
    /// Valid From.
    pub valid_from: NaiveDate,
    /// Valid Upto (none: open).
    pub valid_upto: Option<NaiveDate>,
    /// POS Profile.
    pub pos_profile_id: Option<i64>,
    /// Warehouse.
    pub warehouse: Option<String>,
    /// Customer Group.
    pub customer_group_id: Option<i64>,
}

/// Two offers that can hit the same line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlap {
    /// One offer (the lower id).
    pub first: (i64, String),
    /// The other.
    pub second: (i64, String),
}

fn both_or_same<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

fn targets_meet(a: &Target, b: &Target) -> bool {
    use Target::*;
    match (a, b) {
        (Item { id: x, .. }, Item { id: y, .. }) => x == y,
        (Group(x), Group(y)) => match (x.first(), y.first()) {
            (Some(gx), Some(gy)) => x.contains(gy) || y.contains(gx),
            _ => false,
        },
        (Brand(x), Brand(y)) => x == y,
        (Item { lineage, .. }, Group(g)) | (Group(g), Item { lineage, .. }) => {
            g.first().is_some_and(|group| lineage.contains(group))
        }
        (Item { brand, .. }, Brand(b)) | (Brand(b), Item { brand, .. }) => *brand == Some(*b),
        (Group(_), Brand(_)) | (Brand(_), Group(_)) => false,
    }
}

fn dates_meet(a: &Candidate, b: &Candidate) -> bool {
    a.valid_upto.is_none_or(|upto| b.valid_from <= upto)
        && b.valid_upto.is_none_or(|upto| a.valid_from <= upto)
}

/// Every pair among `offers` that can hit the same line, by first offer id.
pub fn overlaps(offers: &[Candidate]) -> Vec<Overlap> {
    let mut found = Vec::new();
    for (i, a) in offers.iter().enumerate() {
        for b in &offers[i + 1..] {
            if targets_meet(&a.target, &b.target)
                && dates_meet(a, b)
                && both_or_same(&a.pos_profile_id, &b.pos_profile_id)
                && both_or_same(&a.warehouse, &b.warehouse)
                && both_or_same(&a.customer_group_id, &b.customer_group_id)
            {
                let (first, second) = if a.id < b.id { (a, b) } else { (b, a) };
                found.push(Overlap {
                    first: (first.id, first.title.clone()),
                    second: (second.id, second.title.clone()),
                });
            }
        }
    }
    found.sort_by_key(|o| (o.first.0, o.second.0));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn offer(id: i64, target: Target) -> Candidate {
        Candidate {
            id,
            title: format!("Offer {id}"),
            target,
            valid_from: day(1),
            valid_upto: None,
            pos_profile_id: None,
            warehouse: None,
            customer_group_id: None,
        }
    }

    fn shirt(id: i64) -> Target {
        Target::Item {
            id,
            brand: Some(50),
            lineage: vec![20, 10, 1],
        }
    }

    fn pairs(offers: &[Candidate]) -> Vec<(i64, i64)> {
        overlaps(offers)
            .into_iter()
            .map(|o| (o.first.0, o.second.0))
            .collect()
    }

    #[test]
    fn targets_that_share_a_line_overlap() {
        let offers = [
            offer(1, shirt(7)),
            offer(2, shirt(7)),
            offer(3, Target::Group(vec![10, 1])),
            offer(4, Target::Brand(50)),
            offer(5, shirt(8)),
            offer(6, Target::Group(vec![30, 1])),
            offer(7, Target::Group(vec![20, 10, 1])),
        ];
        assert_eq!(
            pairs(&offers),
            [
                (1, 2),
                (1, 3),
                (1, 4),
                (1, 7),
                (2, 3),
                (2, 4),
                (2, 7),
                (3, 5),
                (3, 7),
                (4, 5),
                (5, 7)
            ]
        );
    }

    #[test]
    fn separate_dates_stores_or_groups_do_not() {
        let mut later = offer(2, shirt(7));
        later.valid_from = day(11);
        let mut early = offer(1, shirt(7));
        early.valid_upto = Some(day(10));
        assert!(pairs(&[early.clone(), later.clone()]).is_empty());
        later.valid_from = day(10);
        assert_eq!(pairs(&[early, later]), [(1, 2)], "the last day is shared");

        let mut north = offer(1, shirt(7));
        north.pos_profile_id = Some(1);
        let mut south = offer(2, shirt(7));
        south.pos_profile_id = Some(2);
        assert!(pairs(&[north.clone(), south]).is_empty());
        assert_eq!(pairs(&[north, offer(3, shirt(7))]), [(1, 3)]);

        let mut vip = offer(1, shirt(7));
        vip.customer_group_id = Some(4);
        let mut staff = offer(2, shirt(7));
        staff.customer_group_id = Some(5);
        assert!(pairs(&[vip, staff]).is_empty());
    }
}
