//! The `joule-keeper` subcommands, one module each, each a clap `Args`
//! struct with its own `run`.

pub mod check_feed;

pub use check_feed::CheckFeedArgs;
