//! Market program, run as real SBF in litesvm: one module per instruction
//! (a good-path test and one test per failure mode, asserting the exact
//! error code and that nothing moved), then the property and reference runs,
//! the compute budgets (one table, `budgets::BUDGET_*`) and the IDL checks.

mod budgets;
mod cancel_order;
mod clear_epoch;
mod close_epoch;
mod common;
mod create_market;
mod idl;
mod open_epoch;
mod place_order;
mod properties;
mod settle_orders;

use common::*;
use joule_idl::decode::{decode_ix_args, decode_type};
use joule_sdk::{
    market::{
        self as mkt,
        math::{self, Clearing},
        reference::{self, RefOrder},
        EpochState, MarketError as E, MarketKeys, MarketParams, OrderStatus, SettleOrder, Side,
        NO_SLOT,
    },
    registry as reg, FrameworkError as F, Instruction, Pubkey,
};
use joule_tests::{
    assert_error,
    cu::{self, cu_budget},
    expect_ok,
    market::{default_params, market_scenario, MarketFixture, Trader, QUOTE_UNIT},
    TestContext, TokenImpl,
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::collections::HashMap;
