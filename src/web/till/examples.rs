//! The ids the till API document's examples share: the customer the create example makes is
//! the one the read, edit, loyalty and payment examples name, and likewise for the invoice and the
//! gift card, so that the examples read (and run, in `.ci/fuzz-api`) as one till's day.

/// The customer of the examples.
pub const CUSTOMER_ID: &str = "5d0c8a4e-2f6b-4c1a-9e3d-7b8f6a2c1d40";

/// The invoice of the examples.
pub const INVOICE_ID: &str = "9b2e4f10-6c3a-4d8e-b1f7-2a5c9d0e3f61";

/// The gift card the issue example makes and the lookup example reads.
pub const GIFT_CARD_NUMBER: &str = "GC7QK2M9XH4TR8WP";

/// The till's uuid for issuing that card.
pub const GIFT_CARD_ID: &str = "3f8a2c61-7d4e-4b5a-9c0e-6a1b2d3e4f50";
