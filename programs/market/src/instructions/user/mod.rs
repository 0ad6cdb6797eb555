//! Instructions for traders.

pub mod cancel_order;
pub mod place_order;
