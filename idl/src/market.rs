use super::*;
use anchor_lang_idl_spec::IdlType::{U16, U32, U64};
use joule_sdk::market as mkt;

/// The market's Anchor IDL.
pub fn market_idl() -> Idl {
    let types = [
        &[&mkt::MarketParams::LAYOUT],
        mkt::ACCOUNTS,
        &[&mkt::Order::LAYOUT, &mkt::OrderSettlement::LAYOUT],
        &[
            &mkt::Side::LAYOUT,
            &mkt::EpochState::LAYOUT,
            &mkt::OrderStatus::LAYOUT,
        ],
        mkt::EVENTS,
    ];
    Idl {
        address: mkt::ID.to_string(),
        metadata: metadata(
            "joule_market",
            "Joule market: epoch auctions of energy tokens with order escrow, on-chain uniform-price clearing and batched settlement",
        ),
        docs: vec![],
        instructions: instructions(mkt::specs()),
        accounts: accounts(mkt::ACCOUNTS),
        events: events(mkt::EVENTS),
        errors: errors(mkt::MarketError::ALL),
        types: types.concat().into_iter().map(type_def).collect(),
        constants: vec![
            constant("SEED_MARKET", IdlType::Bytes, format!("{:?}", mkt::SEED_MARKET)),
            constant("SEED_VAULT", IdlType::Bytes, format!("{:?}", mkt::SEED_VAULT)),
            constant("MAX_TICKS", U16, mkt::MAX_TICKS),
            constant("MAX_ORDER_CAPACITY", U32, mkt::MAX_ORDER_CAPACITY),
            constant("MAX_PRICE", U64, mkt::MAX_PRICE),
            constant("MAX_ORDER_WH", U64, mkt::MAX_ORDER_WH),
            constant("MAX_EPOCH_SIDE_WH", U64, mkt::MAX_EPOCH_SIDE_WH),
            constant("MAX_FEE_BPS", U16, mkt::MAX_FEE_BPS),
            constant("MAX_ORDER_DEPOSIT_LAMPORTS", U64, mkt::MAX_ORDER_DEPOSIT_LAMPORTS),
            constant("MAX_SETTLE_ORDERS", U32, mkt::MAX_SETTLE_ORDERS),
            constant("WH_PER_KWH", U64, mkt::math::WH_PER_KWH),
            constant("BPS_DENOMINATOR", U64, mkt::math::BPS_DENOMINATOR),
        ],
    }
}
