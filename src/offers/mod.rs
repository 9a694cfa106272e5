//! Offers: POS promotions (item price, free product, grand-total discount, bonus points), the
//! pure engine that prices a cart with them (`rules`), and — as they land — the editor, the till
//! API and the invoice step that re-checks every claim.

pub mod rules;
