//! The segment form as typed and read into `Filters`, each message by its field. Every filter is
//! a field or two that may be left empty (empty: not a filter), so that the form reads top to
//! bottom like the sentences it makes. Picked names (an item, a group, a brand, a coupon code)
//! are looked up in the company's records.

use std::collections::HashMap;

use diesel::prelude::*;
use patron_rules::segments::{
    DEFAULT_DAYS, Filters, Goods, MAX_DAYS, MONTHS, Origin, Scores, Within,
};
use patron_rules::stores::typed_number;
use rust_decimal::Decimal;

use crate::db::schema::{brands, coupons, item_groups, items};
use crate::web::FieldErrors;

/// Every filter field of the form, in its order.
pub const FIELDS: [&str; 32] = [
    "lapsed_days",
    "recent_days",
    "sales_min",
    "sales_max",
    "sales_days",
    "spent_min",
    "spent_max",
    "spent_days",
    "recency_from",
    "recency_to",
    "frequency_from",
    "frequency_to",
    "monetary_from",
    "monetary_to",
    "customer_group_id",
    "territory_id",
    "origin",
    "loyalty_program_id",
    "loyalty_tier_id",
    "points_min",
    "points_max",
    "bought_kind",
    "bought",
    "bought_days",
    "used_offer_id",
    "used_offer_days",
    "used_coupon",
    "used_coupon_days",
    "referred",
    "referrer_of",
    "unused_coupon_offer_id",
    "birthday_month",
];

/// Longest name (the table's limit).
const NAME_MAX: usize = 100;

/// The form as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SegmentForm {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    values: HashMap<String, String>,
}

impl SegmentForm {
    /// What field `key` holds ("" when nothing).
    pub fn value(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }

    /// Whether select `key` holds `option`.
    pub fn chosen(&self, key: &str, option: &str) -> bool {
        self.value(key) == option
    }

    /// A post of the form.
    pub fn from_pairs(pairs: &[(String, String)]) -> SegmentForm {
        let mut form = SegmentForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "name" => form.name = value.clone(),
                "description" => form.description = value.clone(),
                k if FIELDS.contains(&k) => {
                    form.values.insert(k.to_owned(), value.clone());
                }
                _ => {}
            }
        }
        form
    }

    /// The form of stored `filters` (`picked`: the bought record's code or name and the used
    /// coupon's code, as the pickers hold them).
    pub fn of(name: &str, description: &str, f: &Filters, picked: (String, String)) -> SegmentForm {
        let mut form = SegmentForm {
            name: name.to_owned(),
            description: description.to_owned(),
            ..SegmentForm::default()
        };
        let mut set = |key: &str, value: Option<String>| {
            if let Some(v) = value {
                form.values.insert(key.to_owned(), v);
            }
        };
        let text = |n: Option<u32>| n.map(|n| n.to_string());
        set("lapsed_days", text(f.lapsed_days));
        set("recent_days", text(f.recent_days));
        set("sales_min", text(f.sales_min));
        set("sales_max", text(f.sales_max));
        set("sales_days", text(f.sales_days));
        set("spent_min", f.spent_min.map(|a| a.normalize().to_string()));
        set("spent_max", f.spent_max.map(|a| a.normalize().to_string()));
        set("spent_days", text(f.spent_days));
        for (key, scores) in [
            ("recency", f.recency_score),
            ("frequency", f.frequency_score),
            ("monetary", f.monetary_score),
        ] {
            set(&format!("{key}_from"), scores.map(|s| s.from.to_string()));
            set(&format!("{key}_to"), scores.map(|s| s.to.to_string()));
        }
        set(
            "customer_group_id",
            f.customer_group_id.map(|i| i.to_string()),
        );
        set("territory_id", f.territory_id.map(|i| i.to_string()));
        set(
            "origin",
            f.origin.map(|o| match o {
                Origin::Hq => "hq".to_owned(),
                Origin::Store(id) => id.to_string(),
            }),
        );
        set(
            "loyalty_program_id",
            f.loyalty_program_id.map(|i| i.to_string()),
        );
        set("loyalty_tier_id", f.loyalty_tier_id.map(|i| i.to_string()));
        set("points_min", f.points_min.map(|p| p.to_string()));
        set("points_max", f.points_max.map(|p| p.to_string()));
        if let Some(b) = f.bought {
            let kind = match b.what {
                Goods::Item(_) => "item",
                Goods::ItemGroup(_) => "item_group",
                Goods::Brand(_) => "brand",
            };
            set("bought_kind", Some(kind.into()));
            set("bought", Some(picked.0));
            set("bought_days", Some(b.days.to_string()));
        }
        if let Some(u) = f.used_offer {
            set("used_offer_id", Some(u.what.to_string()));
            set("used_offer_days", Some(u.days.to_string()));
        }
        if let Some(u) = f.used_coupon {
            set("used_coupon", Some(picked.1));
            set("used_coupon_days", Some(u.days.to_string()));
        }
        set(
            "referred",
            f.referred.map(|r| if r { "yes" } else { "no" }.to_owned()),
        );
        set("referrer_of", text(f.referrer_of));
        set(
            "unused_coupon_offer_id",
            f.unused_coupon_of_offer.map(|i| i.to_string()),
        );
        set("birthday_month", text(f.birthday_month));
        form
    }

    /// Reads the filters, looking picked names up among `company`'s records; what does not
    /// read gets a message by its field and is left out.
    pub fn read(
        &self,
        conn: &mut PgConnection,
        company: i64,
    ) -> QueryResult<(Filters, FieldErrors)> {
        let mut errors = FieldErrors::new();
        let mut r = Reader {
            form: self,
            errors: &mut errors,
        };
        let mut f = Filters {
            lapsed_days: r.days("lapsed_days"),
            recent_days: r.days("recent_days"),
            sales_min: r.count("sales_min").filter(|n| *n > 0),
            sales_max: r.count("sales_max"),
            sales_days: r.days("sales_days"),
            spent_min: r.amount("spent_min").filter(|a| !a.is_zero()),
            spent_max: r.amount("spent_max"),
            spent_days: r.days("spent_days"),
            recency_score: r.scores("recency"),
            frequency_score: r.scores("frequency"),
            monetary_score: r.scores("monetary"),
            customer_group_id: r.id("customer_group_id"),
            territory_id: r.id("territory_id"),
            origin: match self.value("origin").trim() {
                "" => None,
                "hq" => Some(Origin::Hq),
                _ => r.id("origin").map(Origin::Store),
            },
            loyalty_program_id: r.id("loyalty_program_id"),
            loyalty_tier_id: r.id("loyalty_tier_id"),
            points_min: r.points("points_min"),
            points_max: r.points("points_max"),
            bought: None,
            used_offer: r.id("used_offer_id").map(|what| Within {
                what,
                days: r.days("used_offer_days").unwrap_or(DEFAULT_DAYS),
            }),
            used_coupon: None,
            referred: match self.value("referred") {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            referrer_of: r.count("referrer_of").filter(|n| *n > 0),
            unused_coupon_of_offer: r.id("unused_coupon_offer_id"),
            birthday_month: r.count("birthday_month"),
        };
        if f.birthday_month.is_some_and(|m| !(1..=12).contains(&m)) {
            errors.add("birthday_month", "Choose a month.");
            f.birthday_month = None;
        }
        if f.sales_min.is_none() && f.sales_max.is_none() {
            f.sales_days = None;
        }
        if f.spent_min.is_none() && f.spent_max.is_none() {
            f.spent_days = None;
        }
        let days = |key: &str, errors: &mut FieldErrors| {
            Reader { form: self, errors }
                .days(key)
                .unwrap_or(DEFAULT_DAYS)
        };
        let picked = self.value("bought").trim();
        if !picked.is_empty() {
            let what = match self.value("bought_kind") {
                "item_group" => item_groups::table
                    .filter(crate::db::lower(item_groups::name).eq(picked.to_lowercase()))
                    .select(item_groups::id)
                    .first(conn)
                    .optional()?
                    .map(Goods::ItemGroup),
                "brand" => brands::table
                    .filter(crate::db::lower(brands::name).eq(picked.to_lowercase()))
                    .select(brands::id)
                    .first(conn)
                    .optional()?
                    .map(Goods::Brand),
                _ => items::table
                    .filter(items::item_code.eq(picked.to_uppercase()))
                    .or_filter(crate::db::lower(items::name).eq(picked.to_lowercase()))
                    .select(items::id)
                    .first(conn)
                    .optional()?
                    .map(Goods::Item),
            };
            match what {
                Some(what) => {
                    f.bought = Some(Within {
                        what,
                        days: days("bought_days", &mut errors),
                    })
                }
                None => errors.add("bought", format!("Nothing is called {picked}.")),
            }
        }
        let code = self.value("used_coupon").trim();
        if !code.is_empty() {
            let coupon: Option<i64> = coupons::table
                .filter(coupons::company_id.eq(company))
                .filter(coupons::code.eq(code.to_uppercase()))
                .select(coupons::id)
                .first(conn)
                .optional()?;
            match coupon {
                Some(what) => {
                    f.used_coupon = Some(Within {
                        what,
                        days: days("used_coupon_days", &mut errors),
                    })
                }
                None => errors.add("used_coupon", format!("No coupon has the code {code}.")),
            }
        }
        for (field, message) in f.problems() {
            errors.add(field, message);
        }
        Ok((f, errors))
    }

    /// The name and description, checked.
    pub fn head(&self, errors: &mut FieldErrors) -> (String, String) {
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            errors.add("name", "Enter the segment's name.");
        } else if name.chars().count() > NAME_MAX {
            errors.add("name", format!("Use at most {NAME_MAX} characters."));
        }
        let description = self.description.trim().to_owned();
        if description.chars().count() > 2000 {
            errors.add("description", "Use at most 2000 characters.");
        }
        (name, description)
    }
}

/// The months for the Birthday select: (number, name).
pub fn months() -> Vec<(u32, &'static str)> {
    (1..=12).zip(MONTHS).collect()
}

/// Reads the fields of one form, noting what does not read.
struct Reader<'a> {
    form: &'a SegmentForm,
    errors: &'a mut FieldErrors,
}

impl Reader<'_> {
    fn raw(&self, key: &str) -> Option<String> {
        Some(self.form.value(key).trim().replace(',', "")).filter(|v| !v.is_empty())
    }

    fn count(&mut self, key: &str) -> Option<u32> {
        let raw = self.raw(key)?;
        raw.parse::<u32>()
            .map_err(|_| self.errors.add(key, "Enter a whole number, like 3."))
            .ok()
    }

    fn days(&mut self, key: &str) -> Option<u32> {
        let days = self.count(key)?;
        if (1..=MAX_DAYS).contains(&days) {
            Some(days)
        } else {
            self.errors
                .add(key, format!("Enter a number of days from 1 to {MAX_DAYS}."));
            None
        }
    }

    fn points(&mut self, key: &str) -> Option<i64> {
        let raw = self.raw(key)?;
        raw.parse::<i64>()
            .map_err(|_| {
                self.errors
                    .add(key, "Enter a whole number of points, like 100.")
            })
            .ok()
    }

    fn amount(&mut self, key: &str) -> Option<Decimal> {
        match typed_number(self.form.value(key))? {
            Ok(a) if a >= Decimal::ZERO => Some(a.normalize()),
            _ => {
                self.errors
                    .add(key, "Enter an amount of 0 or more, like 500 or 49.99.");
                None
            }
        }
    }

    fn id(&mut self, key: &str) -> Option<i64> {
        let raw = self.raw(key)?;
        raw.parse::<i64>()
            .map_err(|_| self.errors.add(key, "Choose one of the list."))
            .ok()
    }

    /// A score range from its two selects; one end alone runs to the far end (1 or 5).
    fn scores(&mut self, key: &str) -> Option<Scores> {
        let from = self.count(&format!("{key}_from"));
        let to = self.count(&format!("{key}_to"));
        let score = |n: u32| u8::try_from(n).unwrap_or(u8::MAX);
        match (from, to) {
            (None, None) => None,
            (from, to) => Some(Scores {
                from: score(from.unwrap_or(1)),
                to: score(to.unwrap_or(5)),
            }),
        }
    }
}
