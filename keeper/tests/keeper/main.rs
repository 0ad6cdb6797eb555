//! The keeper's sources and validation, tested through its public API:
//! parsers on the public Green Button samples and on this crate's own
//! fixtures, gateways and feeds served over real HTTP on 127.0.0.1, the
//! watched directory, the validator's rules, and the `check-feed` binary.

mod check_feed;
mod common;
mod csv_feed;
mod dir_source;
mod espi;
mod gateway;
mod http_sources;
mod robustness;
mod validate;
