//! Synthetic referrals for the funnel's benchmark (`patron seed --referrals N`), set-based: two
//! coupon-based offers and a campaign, one code per ten registrations on existing customers, N
//! new referred customers spread over the past year with their welcome coupons (a third used),
//! the referrers' coupons, and a first purchase (an invoice header) for three in five of them.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

#[derive(QueryableByName)]
struct One {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn one(conn: &mut PgConnection, sql: &str) -> QueryResult<i64> {
    diesel::sql_query(sql).get_result::<One>(conn).map(|r| r.n)
}

/// Adds `n` registrations (and what they need) to the first company, in one transaction;
/// returns how many were made.
pub fn add_registrations(conn: &mut PgConnection, n: i64) -> QueryResult<i64> {
    if n <= 0 {
        return Ok(0);
    }
    conn.transaction(|conn| {
        let company = one(conn, "SELECT min(id) AS n FROM companies")?;
        let store = one(
            conn,
            &format!("SELECT min(id) AS n FROM stores WHERE company_id = {company}"),
        )?;
        let offer = |conn: &mut PgConnection, title: &str| {
            one(
                conn,
                &format!(
                    "WITH made AS (INSERT INTO offers (company_id, title) VALUES ({company}, '{title}') \
                     RETURNING id) \
                     INSERT INTO offer_versions (offer_id, version, in_force_from, title, apply_on, \
                     offer_type, valid_from, discount_type, discount_percentage, auto) \
                     SELECT id, 1, now(), '{title}', 'transaction', 'grand_total', '2026-01-01', \
                     'percentage', 10, false FROM made RETURNING offer_id AS n"
                ),
            )
        };
        let tag = chrono::Utc::now().format("%Y%m%d%H%M%S").to_string();
        let welcome = offer(conn, &format!("Referral welcome {tag}"))?;
        let thanks = offer(conn, &format!("Referral thanks {tag}"))?;
        diesel::sql_query(format!(
            "INSERT INTO offer_revisions VALUES ({company}, gen_random_uuid()) \
             ON CONFLICT (company_id) DO UPDATE SET token = excluded.token"
        ))
        .execute(conn)?;
        let campaign = one(
            conn,
            &format!(
                "INSERT INTO campaigns (company_id, name, start_date) \
                 VALUES ({company}, 'Referrals {tag}', '2025-01-01') RETURNING id AS n"
            ),
        )?;
        let codes = (n / 10).max(1);
        let prefix = format!("S{}", &tag[8..]);
        conn.batch_execute(&format!(
            "CREATE TEMP TABLE syn_code ON COMMIT DROP AS \
             WITH refs AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM customers \
                           WHERE active ORDER BY id LIMIT {codes}), \
             made AS (INSERT INTO referral_codes (company_id, code, customer_id, campaign_id, \
                        customer_offer_id, primary_offer_id, created_at) \
                      SELECT {company}, '{prefix}C' || lpad(k::text, 7, '0'), id, {campaign}, \
                        {welcome}, {thanks}, now() - interval '400 days' FROM refs \
                      RETURNING id, customer_id) \
             SELECT row_number() OVER (ORDER BY id) AS k, id, customer_id FROM made;
             CREATE TEMP TABLE syn_new ON COMMIT DROP AS \
             WITH made AS (INSERT INTO customers (first_name, last_name, customer_group_id, \
                             territory_id, origin_store_id) \
                           SELECT 'Referred', 'Customer ' || g, \
                             (SELECT min(id) FROM customer_groups), (SELECT min(id) FROM territories), \
                             {store} FROM generate_series(1, {n}) g RETURNING id) \
             SELECT row_number() OVER (ORDER BY id) AS n, id AS customer_id FROM made;
             CREATE TEMP TABLE syn_reg ON COMMIT DROP AS \
             SELECT s.n, s.customer_id, c.id AS code_id, c.customer_id AS referrer_id, \
                    now() - ((s.n % 365) || ' days')::interval AS at \
             FROM syn_new s JOIN syn_code c ON c.k = (s.n - 1) % (SELECT count(*) FROM syn_code) + 1;
             CREATE TEMP TABLE syn_welcome ON COMMIT DROP AS \
             WITH made AS (INSERT INTO coupons (company_id, name, coupon_type, code, offer_id, \
                             campaign_id, maximum_use, used, customer_id) \
                           SELECT {company}, 'Referral welcome', 'gift_card', \
                             '{prefix}W' || lpad(n::text, 8, '0'), {welcome}, {campaign}, 1, \
                             CASE WHEN n % 3 = 0 THEN 1 ELSE 0 END, customer_id FROM syn_reg \
                           RETURNING id, customer_id) SELECT * FROM made;
             CREATE TEMP TABLE syn_thanks ON COMMIT DROP AS \
             WITH made AS (INSERT INTO coupons (company_id, name, coupon_type, code, offer_id, \
                             campaign_id, maximum_use, used, customer_id) \
                           SELECT {company}, 'Referral reward', 'gift_card', \
                             '{prefix}T' || lpad(n::text, 8, '0'), {thanks}, {campaign}, 1, \
                             CASE WHEN n % 4 = 0 THEN 1 ELSE 0 END, referrer_id FROM syn_reg \
                           RETURNING id, code) \
             SELECT id, substr(code, length('{prefix}T') + 1)::bigint AS n FROM made;
             INSERT INTO referral_registrations (referral_code_id, referrer_id, customer_id, \
               customer_coupon_id, referrer_coupon_id, store_id, created_at) \
             SELECT r.code_id, r.referrer_id, r.customer_id, w.id, t.id, {store}, r.at \
             FROM syn_reg r JOIN syn_welcome w ON w.customer_id = r.customer_id \
             JOIN syn_thanks t ON t.n = r.n;
             UPDATE referral_codes c SET registrations = x.k FROM \
               (SELECT code_id, count(*) AS k FROM syn_reg GROUP BY code_id) x WHERE c.id = x.code_id;
             INSERT INTO invoices (uuid, number, store_id, company_id, customer_id, posted_at, \
               currency_code, net_total, discount_amount, grand_total, request_hash, response) \
             SELECT gen_random_uuid(), '{prefix}-' || r.n, {store}, {company}, r.customer_id, \
               r.at + interval '1 day', (SELECT currency_code FROM companies WHERE id = {company}), \
               20 + r.n % 50, 0, 20 + r.n % 50, '\\x00', '{{}}' FROM syn_reg r WHERE r.n % 5 < 3;
             ANALYZE referral_codes; ANALYZE referral_registrations; ANALYZE coupons; ANALYZE invoices;"
        ))?;
        Ok(n)
    })
}
