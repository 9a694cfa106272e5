//! What a submitted sale claims of offers, and the check of each claim against the engine.
//!
//! The engine runs on the sale's lines as the customer brought them: paid lines, plus the free
//! units a Replace offer took from them (they count toward that offer). Each claimed Item Price
//! offer is run on its own, so that a till that chose a smaller offer for a line (it had not yet
//! heard of the larger one) is still justified; Give Product offers run together (their free
//! units change what is left to pay for); the Grand Total offer and the Loyalty Point offers run
//! with all the claimed line offers, on the net they leave.
//!
//! A paid line that names no offer and carries a discount is the cashier's manual discount (or
//! the customer group's, which the check counts the same way): the engine keeps it on that line,
//! gives that line no offer, and takes it off the net that Grand Total and Loyalty Point offers
//! count. An Item Price offer with a Max Discount is checked line by line against its share of
//! the cap, shared (as the engine shares it) among the lines that claim the offer in proportion to
//! what the offer gives each of them alone.

use std::collections::HashMap;

use diesel::PgConnection;
use patron_rules::offers::{
    self as rules, Cart, CartLine, DiscountSource, Offer, OfferType, Priced, Replace,
    share_max_discount,
};
use rust_decimal::Decimal;

use super::shopper::{self, Shopper};
use crate::sales::submit::Sale;
use crate::web::{AppError, FieldErrors};

/// A line that names an offer.
#[derive(Debug)]
pub struct LineClaim<'o> {
    /// The sale's line (as sent, from 0).
    pub line: usize,
    /// The offer it names.
    pub offer: &'o Offer,
    /// A free line (`is_offer`) rather than a discounted paid one.
    pub free: bool,
}

/// A Grand Total offer claimed with its amount.
#[derive(Debug)]
pub struct Claim<'o> {
    /// The offer.
    pub offer: &'o Offer,
    /// The discount claimed.
    pub amount: Decimal,
}

/// Everything the sale claims, and the Loyalty Point offers that may give it points.
#[derive(Debug)]
pub struct Claims<'o> {
    /// Lines naming an offer.
    pub lines: Vec<LineClaim<'o>>,
    /// The Grand Total offer.
    pub grand_total: Option<Claim<'o>>,
    /// Loyalty Point offers in force.
    pub points: Vec<&'o Offer>,
    /// Grand Total offers the sale's coupons bring: a claimed Grand Total offer that one of
    /// them beats is refused, so a coupon is not used up on a sale that did not get it.
    pub coupon_totals: Vec<&'o Offer>,
}

impl<'o> Claims<'o> {
    /// The sale's claims, each offer found by Title among `offers` (the versions in force at
    /// `posted_at`); none when there is nothing to check or award. Names no offer knows, or an
    /// offer of the wrong type, go into `errors`.
    pub fn read(sale: &Sale, offers: &'o [Offer], errors: &mut FieldErrors) -> Option<Claims<'o>> {
        let points: Vec<&Offer> = offers
            .iter()
            .filter(|o| o.offer_type == OfferType::LoyaltyPoint)
            .collect();
        let named = sale.lines.iter().any(|l| l.is_offer || l.offer.is_some());
        if !named && sale.body.grand_total_offer.is_none() && points.is_empty() {
            return None;
        }
        if sale.original.is_some() {
            // A return gives back what was sold: its lines are not offers' to check.
            return None;
        }
        let by_title: HashMap<String, &Offer> =
            offers.iter().map(|o| (o.title.to_lowercase(), o)).collect();
        let posted = sale.body.posted_at;
        let find = |title: &str| by_title.get(&title.trim().to_lowercase()).copied();
        let unknown = |title: &str| {
            format!(
                "No offer titled \"{title}\" was in force at {posted} (look its Title up in Patron's offers)."
            )
        };
        // Only a claimed Grand Total offer can be displaced by a coupon's.
        let coupon_totals = if sale.body.grand_total_offer.is_some() {
            offers
                .iter()
                .filter(|o| o.offer_type == OfferType::GrandTotal)
                .filter(|o| sale.coupon_offers.contains(&o.id))
                .collect()
        } else {
            Vec::new()
        };
        let mut claims = Claims {
            lines: Vec::new(),
            grand_total: None,
            points,
            coupon_totals,
        };
        for (index, line) in sale.lines.iter().enumerate() {
            let field = format!("lines[{index}].offer");
            let Some(title) = &line.offer else {
                if line.is_offer {
                    errors.add(&field, "Name the offer that gives this free line.");
                }
                continue;
            };
            let Some(offer) = find(title) else {
                errors.add(&field, unknown(title));
                continue;
            };
            let wanted = if line.is_offer {
                OfferType::GiveProduct
            } else {
                OfferType::ItemPrice
            };
            if offer.offer_type != wanted {
                errors.add(&field, wrong_type(offer, line.is_offer));
                continue;
            }
            if line.is_offer && !line.figures.qty.is_zero() {
                let amount =
                    line.figures.qty * line.figures.price_list_rate - line.figures.discount_amount;
                if !amount.is_zero() {
                    errors.add(
                        &format!("lines[{index}].discount_amount"),
                        "A free line's discount is its whole price: its amount is 0.",
                    );
                    continue;
                }
            }
            claims.lines.push(LineClaim {
                line: index,
                offer,
                free: line.is_offer,
            });
        }
        if let Some(claimed) = &sale.body.grand_total_offer {
            match find(&claimed.offer) {
                Some(offer) if offer.offer_type == OfferType::GrandTotal => {
                    claims.grand_total = Some(Claim {
                        offer,
                        amount: claimed.amount,
                    });
                }
                Some(offer) => errors.add(
                    "grand_total_offer.offer",
                    format!("{} is not a Grand Total offer.", offer.title),
                ),
                None => errors.add("grand_total_offer.offer", unknown(&claimed.offer)),
            }
        }
        Some(claims)
    }

    fn of_type(&self, offer_type: OfferType) -> Vec<Offer> {
        let mut seen: Vec<Offer> = Vec::new();
        for claim in &self.lines {
            if claim.offer.offer_type == offer_type && !seen.iter().any(|o| o.id == claim.offer.id)
            {
                seen.push(claim.offer.clone());
            }
        }
        seen
    }
}

fn wrong_type(offer: &Offer, free_line: bool) -> String {
    if free_line {
        format!(
            "{} does not give free units: only a Give Product offer makes a free line.",
            offer.title
        )
    } else {
        format!(
            "{} is not an Item Price offer: only those discount a paid line (free units come as their own line, is_offer).",
            offer.title
        )
    }
}

/// What the check found that the sale earns beyond its claims.
#[derive(Debug, Default)]
pub struct Checked<'o> {
    /// Bonus points and the Loyalty Point offer giving them.
    pub bonus: Vec<(i64, &'o Offer)>,
}

/// The cart the engine prices, and which of the sale's lines each cart line stands for.
struct Basket {
    lines: Vec<CartLine>,
    /// Sale line -> cart line.
    of_sale_line: Vec<Option<usize>>,
}

/// The sale's paid lines, each naming no offer with its discount as a manual discount, and the
/// free units of Replace offers folded back into a line of the same item and rate without one
/// (or a line of their own when the till sent none).
fn basket(sale: &Sale, claims: &Claims) -> Basket {
    let mut basket = Basket {
        lines: Vec::new(),
        of_sale_line: vec![None; sale.lines.len()],
    };
    for (i, line) in sale.lines.iter().enumerate() {
        if line.is_offer || !line.figures.qty.is_sign_positive() {
            continue;
        }
        basket.of_sale_line[i] = Some(basket.lines.len());
        basket.lines.push(CartLine {
            item_code: line.item.code.clone(),
            item_groups: line.item.item_groups.clone(),
            brand_id: line.item.brand_id,
            qty: line.figures.qty,
            price_list_rate: line.figures.price_list_rate,
            manual_discount: if line.offer.is_none() {
                line.figures.discount_amount
            } else {
                Decimal::ZERO
            },
        });
    }
    for claim in claims.lines.iter().filter(|c| c.free) {
        if claim.offer.replace == Replace::None {
            continue;
        }
        let line = &sale.lines[claim.line];
        CartLine {
            item_code: line.item.code.clone(),
            item_groups: line.item.item_groups.clone(),
            brand_id: line.item.brand_id,
            qty: line.figures.qty,
            price_list_rate: line.figures.price_list_rate,
            manual_discount: Decimal::ZERO,
        }
        .fold_into(&mut basket.lines);
    }
    basket
}

/// Checks every claim; refusals go into `errors`, each naming the line (or the grand-total
/// field), the offer and the reason.
pub fn check<'o>(
    conn: &mut PgConnection,
    sale: &Sale,
    claims: &Claims<'o>,
    errors: &mut FieldErrors,
) -> Result<Checked<'o>, AppError> {
    let basket = basket(sale, claims);
    let claimed = || {
        claims
            .lines
            .iter()
            .map(|c| c.offer)
            .chain(claims.grand_total.as_ref().map(|g| g.offer))
            .chain(claims.points.iter().copied())
    };
    let segments = claimed().any(|o| o.segment.is_some());
    let shopper = if segments || claimed().any(|o| o.customer_group.is_some()) {
        shopper::of_customer_with(conn, sale.customer.id.get(), segments)?
    } else {
        Shopper::default()
    };
    let cart = Cart {
        company_id: sale.store.company_id.get(),
        profile_id: sale.store.profile_id,
        warehouse: &sale.store.warehouse,
        customer_groups: &shopper.groups,
        segments: &shopper.segments,
        posting_date: sale.posted_on(),
        coupon_offers: &sale.coupon_offers,
        // A budget never refuses a sale: it already happened at the till.
        spent_campaigns: &[],
        customer_discount: Decimal::ZERO,
        currency: sale.currency(),
        lines: &basket.lines,
    };
    let gives_free = claims.of_type(OfferType::GiveProduct);
    check_free_lines(sale, claims, &cart, &gives_free, errors);
    let item_prices = claims.of_type(OfferType::ItemPrice);
    for offer in &item_prices {
        // Uncapped: the cap is shared among the lines that claim the offer.
        let mut run = gives_free.clone();
        run.push(Offer {
            max_discount: Decimal::ZERO,
            ..offer.clone()
        });
        let priced = rules::evaluate(&cart, &run);
        check_line_discounts(sale, claims, &basket, offer, &priced, errors);
    }
    let mut all = gives_free;
    all.extend(item_prices);
    if let Some(claim) = &claims.grand_total {
        all.push(claim.offer.clone());
        let others = claims
            .coupon_totals
            .iter()
            .filter(|o| o.id != claim.offer.id);
        all.extend(others.map(|o| (*o).clone()));
    }
    all.extend(claims.points.iter().map(|o| (*o).clone()));
    let priced = rules::evaluate(&cart, &all);
    if let Some(claim) = &claims.grand_total {
        let given = priced
            .grand_total
            .filter(|(_, by)| *by == claim.offer.reference())
            .map(|(amount, _)| amount);
        match given {
            Some(amount) if claim.amount <= amount => {}
            Some(amount) => errors.add(
                "grand_total_offer.amount",
                format!(
                    "{} gives {amount} on this sale, not {}.",
                    claim.offer.title, claim.amount
                ),
            ),
            None => errors.add("grand_total_offer.offer", not_applied(claim.offer, &priced)),
        }
    }
    let bonus = priced
        .bonus_points
        .iter()
        .filter_map(|(points, by)| {
            let offer = claims.points.iter().find(|o| o.reference() == *by)?;
            Some((*points, *offer))
        })
        .collect();
    Ok(Checked { bonus })
}

/// Why `offer` gave nothing in `priced`, as a sentence naming it.
fn not_applied(offer: &Offer, priced: &Priced) -> String {
    let reason = priced
        .missed
        .iter()
        .find(|(by, _)| *by == offer.reference())
        .map_or_else(
            || "it gives nothing here".to_owned(),
            |(_, r)| r.to_string(),
        );
    format!("{} does not apply: {reason}.", offer.title)
}

/// Each Give Product offer's free units, per item, are at most what the engine gives.
fn check_free_lines(
    sale: &Sale,
    claims: &Claims,
    cart: &Cart,
    offers: &[Offer],
    errors: &mut FieldErrors,
) {
    if offers.is_empty() {
        return;
    }
    let priced = rules::evaluate(cart, offers);
    let mut claimed: HashMap<(i64, &str), Decimal> = HashMap::new();
    for claim in claims.lines.iter().filter(|c| c.free) {
        let line = &sale.lines[claim.line];
        let key = (claim.offer.id, line.item.code.as_str());
        let total = claimed.entry(key).or_default();
        *total += line.figures.qty;
        let given: Decimal = priced
            .free
            .iter()
            .filter(|f| f.offer == claim.offer.reference() && f.item_code == line.item.code)
            .map(|f| f.qty)
            .sum();
        if *total <= given {
            continue;
        }
        let field = format!("lines[{}].offer", claim.line);
        if given.is_zero() {
            errors.add(&field, not_applied(claim.offer, &priced));
        } else {
            errors.add(
                &field,
                format!(
                    "{} gives {} free {} on this sale, not {}.",
                    claim.offer.title,
                    given.normalize(),
                    line.item.code,
                    total.normalize()
                ),
            );
        }
    }
}

/// Each line naming Item Price offer `offer` takes at most the discount the engine gives it
/// (`priced` ran the offer without its Max Discount): with a Max Discount that the claiming lines
/// would pass, at most its share of the cap.
fn check_line_discounts(
    sale: &Sale,
    claims: &Claims,
    basket: &Basket,
    offer: &Offer,
    priced: &Priced,
    errors: &mut FieldErrors,
) {
    let reference = offer.reference();
    let claiming: Vec<(usize, Option<Decimal>)> = claims
        .lines
        .iter()
        .filter(|c| c.offer.id == offer.id)
        .map(|claim| {
            let given = basket.of_sale_line[claim.line]
                .map(|c| &priced.lines[c])
                .filter(|l| l.source == Some(DiscountSource::Offer(reference)))
                .map(|l| l.discount);
            (claim.line, given)
        })
        .collect();
    let uncapped: Vec<Decimal> = claiming.iter().filter_map(|(_, given)| *given).collect();
    let mut shares = uncapped.clone();
    if !offer.max_discount.is_zero() && offer.max_discount.is_sign_positive() {
        share_max_discount(offer.max_discount, &mut shares, sale.currency());
    }
    let mut share = shares.iter().zip(&uncapped);
    for (line, given) in claiming {
        let claimed = sale.lines[line].figures.discount_amount;
        let Some(given) = given else {
            errors.add(&format!("lines[{line}].offer"), not_applied(offer, priced));
            continue;
        };
        let (&allowed, &alone) = share.next().unwrap_or((&given, &given));
        if claimed <= allowed {
            continue;
        }
        let field = format!("lines[{line}].discount_amount");
        if allowed < alone {
            let cap: Decimal = shares.iter().sum();
            errors.add(
                &field,
                format!(
                    "{} gives {allowed} off this line, not {claimed}: its share of the offer's \
                     Max Discount {cap}, which is shared among the lines naming the offer in \
                     proportion to their discounts.",
                    offer.title
                ),
            );
        } else {
            errors.add(
                &field,
                format!(
                    "{} gives {given} off this line, not {claimed}.",
                    offer.title
                ),
            );
        }
    }
}
