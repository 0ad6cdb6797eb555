//! Permissionless instructions that keep a market moving: a keeper (or
//! anyone) opens epochs, clears them after their end time, settles their
//! orders and closes settled epochs.

pub mod clear_epoch;
pub mod close_epoch;
pub mod open_epoch;
pub mod settle_orders;
