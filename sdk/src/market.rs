//! Market program: ids, PDAs, instruction builders, decoders.

pub use joule_market::{error::MarketError, ID};
