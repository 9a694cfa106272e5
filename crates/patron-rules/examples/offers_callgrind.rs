//! Evaluates the offer engine's bench cart N times (the first argument, 1,000 by default), for
//! instruction counts that do not depend on the machine's load:
//! `valgrind --tool=callgrind target/release/examples/offers_callgrind 1000`, less the same
//! with 0, divided by 1,000 (see bench/RESULTS.md, "Offer engine").

use std::hint::black_box;

use patron_rules::Currency;
use patron_rules::offers::evaluate;

#[path = "../benches/offer_cart/mod.rs"]
mod offer_cart;

fn main() {
    let times: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let offers = offer_cart::offers();
    let lines = offer_cart::lines();
    let usd = Currency::usd();
    let cart = offer_cart::cart(&lines, &usd);
    let mut applied = 0;
    for _ in 0..times {
        applied += evaluate(black_box(&cart), black_box(&offers)).applied.len();
    }
    println!("{times} evaluations, {applied} offers applied");
}
