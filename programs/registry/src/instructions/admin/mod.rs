//! Instructions only the config admin may call (`initialize` creates it).

pub mod admin_transfer;
pub mod close_meter;
pub mod initialize;
pub mod meter_status;
pub mod reassign_meter;
pub mod set_oracles;
pub mod set_pause;
