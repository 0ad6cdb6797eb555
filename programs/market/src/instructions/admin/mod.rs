//! Instructions only the registry config admin may call.

pub mod create_market;
