//! Sales by Customer's bounded read (`reports::model::top_customers`) finds the same page as
//! adding up every customer of the period: over 150 customers with sales, returns and a cancel
//! on the same day, many of them level on net sales or last purchase, the Walk-in beside them,
//! two stores, several periods and page sizes, read a few customers at a time so the read goes
//! round and stops early; and its totals line from the store rollups equals theirs.

use chrono::NaiveDate;
use patron::reports::model::Filter;
use patron::reports::model::customers::{CustomerSales, added_up};
use patron::reports::model::top_customers::{first_reading, store_totals};

use crate::common::shop::shop;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[actix_web::test]
async fn the_bounded_read_of_top_customers_finds_what_adding_up_every_customer_finds() {
    let (app, _till) = shop().await;
    let north = app.store("NORTH");
    let south = app.store("SOUTH");
    patron::seed::customers(&mut app.conn(), 150, |_| {}).unwrap();
    // Up to four days per customer over 2025-2026 at either store, net sales on a coarse grid
    // (many customers level), some days a return only, some a sale and a larger return, and
    // the Walk-in on every day of the two years.
    app.sql(&format!(
        "INSERT INTO folded_customer_days \
           (company_id, day, customer_id, store_id, slot, sales, returns, net_sales, discount) \
         SELECT (SELECT min(id) FROM companies), DATE '2025-01-01' + ((c.id * 37 + k * 101) % 700)::int, c.id, \
                CASE WHEN (c.id + k) % 2 = 0 THEN {north} ELSE {south} END, s.slot, \
                CASE WHEN s.slot = 0 AND (c.id + k) % 9 <> 0 THEN 1 ELSE 0 END, \
                CASE WHEN s.slot = 1 OR (c.id + k) % 9 = 0 THEN 1 ELSE 0 END, \
                CASE WHEN s.slot = 1 THEN -((c.id * k) % 3) * 40 \
                     WHEN (c.id + k) % 9 = 0 THEN -25 \
                     ELSE ((c.id * 7 + k * 13) % 23) * 25 END, \
                CASE WHEN s.slot = 0 THEN k ELSE 0 END \
         FROM customers c, generate_series(1, 4) k, generate_series(0, 1) s(slot) \
         WHERE c.first_name <> 'Walk-in' AND k <= 1 + c.id % 4 AND (s.slot = 0 OR c.id % 5 = 0) \
         UNION ALL \
         SELECT (SELECT min(id) FROM companies), d::date, c.id, {north}, 0, 3, 0, 300, 0 \
         FROM customers c, generate_series(DATE '2025-01-01', DATE '2026-12-31', interval '1 day') d \
         WHERE c.first_name = 'Walk-in'"
    ));
    app.sql(
        "INSERT INTO folded_store_days \
           (company_id, day, store_id, sales_person_id, slot, sales, returns, net_sales, discount, \
            delivery) \
         SELECT company_id, day, store_id, NULL, slot, sum(sales), sum(returns), sum(net_sales), \
                sum(discount), 0 \
         FROM folded_customer_days GROUP BY company_id, day, store_id, slot",
    );
    app.sql("SELECT rebuild_customer_purchases()");
    let company = app.count("SELECT min(id) AS n FROM companies");

    let mut conn = app.conn();
    let mut checked = 0;
    for (from, to) in [
        ("2025-01-01", "2026-12-31"),
        ("2025-12-07", "2026-12-06"),
        ("2026-03-01", "2026-03-31"),
        ("2025-02-10", "2025-06-30"),
    ] {
        for store in [None, Some(north), Some(south)] {
            let filter = Filter {
                company,
                from: day(from),
                to: day(to),
                store,
                customer_group: None,
                territory: None,
                sales_person: None,
                campaign: None,
            };
            let (all, _) = added_up(&mut conn, &filter, "", 10_000).unwrap();
            assert_eq!(
                store_totals(&mut conn, &filter).unwrap(),
                all.line,
                "totals {from}..{to} at {store:?}"
            );
            for sort in ["net-desc", "last-desc"] {
                for limit in [1, 4, 15, 60] {
                    let expected: Vec<CustomerSales> =
                        added_up(&mut conn, &filter, sort, limit).unwrap().1;
                    for read in [1, 3] {
                        let found = first_reading(&mut conn, &filter, sort, limit, read)
                            .unwrap()
                            .expect("these sorts have a bound");
                        assert_eq!(
                            found, expected,
                            "{sort}, first {limit} of {from}..{to} at {store:?}, reading {read}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 192);
    let ties = app.count(
        "SELECT count(*) AS n FROM (SELECT net_sales FROM customer_purchases \
         GROUP BY net_sales HAVING count(*) > 1) x",
    );
    assert!(
        ties > 5,
        "the data has customers level on net sales: {ties}"
    );

    // A group narrows customers the lifetime rows do not know: not this way.
    let filter = Filter {
        company,
        from: day("2025-01-01"),
        to: day("2026-12-31"),
        store: None,
        customer_group: Some(app.count("SELECT min(id) AS n FROM customer_groups")),
        territory: None,
        sales_person: None,
        campaign: None,
    };
    assert_eq!(first_reading(&mut conn, &filter, "", 5, 3).unwrap(), None);
}
