//! Instructions signed by an oracle key of the current oracle set.

pub mod submit_readings;
