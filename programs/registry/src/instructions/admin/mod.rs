//! Instructions only the config admin may call (`initialize` creates it).

pub mod admin_transfer;
pub mod initialize;
pub mod meter_status;
pub mod set_oracles;
pub mod set_pause;
