//! What one invoice adds to the report rollups: a sale counts 1 under Sales, a return 1 under
//! Returns; Net Sales is the grand total less the delivery charge (a return's totals are
//! negative, so returns subtract); Discount is the lines' discounts plus the grand-total
//! discount; Delivery is the charge. A cancel takes off what the invoice added (`sign` -1). The
//! rebuild's SQL says the same over many invoices; a test holds the two equal.

use rust_decimal::Decimal;

/// An invoice's figures as the rollups add them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Figures {
    /// Sales (0 or ±1).
    pub sales: i32,
    /// Returns (0 or ±1).
    pub returns: i32,
    /// Net sales.
    pub net_sales: Decimal,
    /// Discounts given.
    pub discount: Decimal,
    /// Delivery charge.
    pub delivery: Decimal,
}

/// The invoice's amounts, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amounts {
    /// A return (against another invoice).
    pub is_return: bool,
    /// Grand total (negative for a return).
    pub grand_total: Decimal,
    /// Delivery charge.
    pub delivery_amount: Decimal,
    /// The lines' discounts.
    pub discount_amount: Decimal,
    /// A Grand Total offer's discount.
    pub grand_total_discount: Decimal,
}

impl Figures {
    /// What `amounts` add, times `sign` (1 when submitted, -1 when cancelled).
    pub fn of(amounts: Amounts, sign: i32) -> Figures {
        let times = Decimal::from(sign);
        Figures {
            sales: if amounts.is_return { 0 } else { sign },
            returns: if amounts.is_return { sign } else { 0 },
            net_sales: (amounts.grand_total - amounts.delivery_amount) * times,
            discount: (amounts.discount_amount + amounts.grand_total_discount) * times,
            delivery: amounts.delivery_amount * times,
        }
    }
}

/// The rollup row a sale adds to among the 16 of its customer, store and day: its invoice id
/// modulo 16, so that sales made at once (consecutive ids) add to different rows.
pub fn slot(invoice_id: i64) -> i16 {
    i16::try_from(invoice_id.rem_euclid(16)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn a_sale_adds_and_a_return_or_a_cancel_takes_off() {
        let sale = Amounts {
            is_return: false,
            grand_total: d("63.47"),
            delivery_amount: d("9.50"),
            discount_amount: d("6.00"),
            grand_total_discount: d("0"),
        };
        assert_eq!(
            Figures::of(sale, 1),
            Figures {
                sales: 1,
                returns: 0,
                net_sales: d("53.97"),
                discount: d("6.00"),
                delivery: d("9.50"),
            }
        );
        let cancelled = Figures::of(sale, -1);
        assert_eq!((cancelled.sales, cancelled.net_sales), (-1, d("-53.97")));
        let back = Amounts {
            is_return: true,
            grand_total: d("-17.99"),
            delivery_amount: d("0"),
            discount_amount: d("-2.00"),
            grand_total_discount: d("0"),
        };
        let figures = Figures::of(back, 1);
        assert_eq!((figures.sales, figures.returns), (0, 1));
        assert_eq!(
            (figures.net_sales, figures.discount),
            (d("-17.99"), d("-2.00"))
        );
        assert_eq!((slot(17), slot(32)), (1, 0));
    }
}
