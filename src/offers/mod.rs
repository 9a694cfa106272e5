//! Offers: POS promotions (item price, free product, grand-total discount, bonus points) and the
//! campaigns they run in. The pure engine that prices a cart (`rules`), offers kept by version
//! (`versions`) and loaded for the engine (`in_force`), campaigns and their budgets.

pub mod campaigns;
pub mod in_force;
pub mod rules;
pub mod versions;
