//! Instructions for meter owners (and permissionless cranks).

pub mod meter_transfer;
pub mod mint_energy;
pub mod redeem_consumption;
pub mod register_meter;
