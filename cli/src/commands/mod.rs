pub mod addresses;
pub mod demo;
pub mod meter_id;

/// `--output`: text for people, JSON for scripts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Text,
    Json,
}

pub type Result = std::result::Result<(), String>;
