//! Set-up and governance: `initialize` (the registry admin, once), then the
//! certificate authority's hand-over and pause.

pub mod authority_transfer;
pub mod initialize;
pub mod set_pause;
