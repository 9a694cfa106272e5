//! Criterion benches of the pure rules the invoice pipeline and the pages run on every request:
//! a sale's totals and settlement, loyalty's earn and redeem planning, and how a customer search
//! term is read. `cargo bench` runs them; the offer engine adds its own here.

mod offer_cart;

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use patron_rules::Currency;
use patron_rules::customers::search_terms;
use patron_rules::loyalty::{self as loyalty, Credit, TierRule};
use patron_rules::sales::{self as sales, LineFigures, PayMode};
use rust_decimal::Decimal;

/// A five-line sale, as bench/invoices.sh sends, and a 50-line one.
fn lines(n: usize) -> Vec<LineFigures> {
    (0..n)
        .map(|i| LineFigures {
            qty: Decimal::from(1 + i % 3),
            price_list_rate: Decimal::new(1999 + 100 * i as i64, 2),
            discount_amount: Decimal::new((i % 2) as i64 * 150, 2),
        })
        .collect()
}

fn sale_totals_and_settlement(c: &mut Criterion) {
    let usd = Currency::usd();
    for n in [5, 50] {
        let lines = lines(n);
        c.bench_function(&format!("sales: totals of {n} lines"), |b| {
            b.iter(|| sales::totals(&usd, black_box(&lines), Decimal::ZERO, Decimal::new(500, 2)))
        });
    }
    let due = sales::totals(&usd, &lines(5), Decimal::ZERO, Decimal::new(500, 2)).grand_total;
    let payments = [
        (PayMode::Card, due - Decimal::from(20)),
        (PayMode::Cash, Decimal::from(50)),
    ];
    c.bench_function("sales: settle a sale by card and cash", |b| {
        b.iter(|| {
            sales::settle(
                &usd,
                black_box(due),
                black_box(&payments),
                Decimal::from(1000),
            )
        })
    });
}

fn loyalty_earn_and_redeem(c: &mut Criterion) {
    let tiers = vec![
        TierRule {
            name: "Silver".into(),
            min_spent: Decimal::ZERO,
            collection_factor: Decimal::ONE,
        },
        TierRule {
            name: "Gold".into(),
            min_spent: Decimal::from(1000),
            collection_factor: Decimal::new(8, 1),
        },
        TierRule {
            name: "Platinum".into(),
            min_spent: Decimal::from(5000),
            collection_factor: Decimal::new(5, 1),
        },
    ];
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    c.bench_function("loyalty: plan what a sale earns", |b| {
        b.iter(|| {
            let eligible = loyalty::eligible_amount(
                black_box(Decimal::new(12_345, 2)),
                Decimal::new(500, 2),
                Decimal::ZERO,
                Decimal::ZERO,
            );
            let tier = loyalty::tier_for(black_box(&tiers), Decimal::from(1800) + eligible);
            let points = tier.map(|t| loyalty::points_for(eligible, t.collection_factor));
            (points, loyalty::expiry_date(day, 365))
        })
    });
    // A long-standing member: 500 credits, some expiring, redeeming across many of them.
    let credits: Vec<Credit> = (0..500)
        .map(|i| Credit {
            id: i,
            expiry: (i % 4 != 0).then(|| day + chrono::Days::new((i * 7 % 365) as u64)),
            remaining: 10 + i % 90,
        })
        .collect();
    c.bench_function("loyalty: redeem 5,000 points from 500 credits", |b| {
        b.iter(|| loyalty::draw(black_box(&credits), black_box(5_000)))
    });
}

fn customer_search_terms(c: &mut Criterion) {
    for term in [
        "maria",
        "CUST-00042",
        "+1 (555) 010-2030",
        "ana lima @example.com",
    ] {
        c.bench_function(&format!("customers: read search term {term:?}"), |b| {
            b.iter(|| search_terms(black_box(term)))
        });
    }
}

/// The offer engine against the cart and offers of `offer_cart` (also what
/// `examples/offers_callgrind.rs` counts instructions of).
fn offer_engine(c: &mut Criterion) {
    let offers = offer_cart::offers();
    let lines = offer_cart::lines();
    let usd = Currency::usd();
    let cart = offer_cart::cart(&lines, &usd);
    c.bench_function("offers: a 50-line cart against 200 active offers", |b| {
        b.iter(|| patron_rules::offers::evaluate(black_box(&cart), black_box(&offers)))
    });
}

criterion_group!(
    benches,
    sale_totals_and_settlement,
    loyalty_earn_and_redeem,
    customer_search_terms,
    offer_engine
);
criterion_main!(benches);
