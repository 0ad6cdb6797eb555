pub mod addresses;
pub mod keygen;
pub mod meter_id;
pub mod pubkey;

/// `--output`: text for people, JSON for scripts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Text,
    Json,
}

pub type Result = std::result::Result<(), String>;
