//! Offers: POS promotions (item price, free product, grand-total discount, bonus points) and the
//! campaigns they run in. The pure engine that prices a cart (`rules`), offers kept by version
//! (`versions`) and loaded for the engine (`in_force`), campaigns and their budgets, and the
//! invoice step that checks every offer a sale claims (`invoice`, `claims`).

pub mod campaigns;
pub mod claims;
pub mod in_force;
pub mod invoice;
pub mod rules;
pub mod shopper;
pub mod versions;
