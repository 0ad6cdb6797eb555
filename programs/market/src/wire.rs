//! The market's wire contract: every instruction's accounts and Borsh
//! arguments, declared once (see `joule_common::wire`). The handlers parse
//! with it, the sdk encodes with it, the IDL is generated from it.

use crate::state::{Side, SEED_MARKET, SEED_VAULT};
use joule_common::{
    error::FrameworkError,
    instruction,
    token::{ASSOCIATED_TOKEN_PROGRAM_ID, TOKEN_PROGRAM_ID},
    wire::{fixed, r, s, w, ws, AccountSpec, ArgType, Items, Seed},
};
use joule_registry::wire::{CONFIG_SEEDS as REGISTRY_CONFIG_SEEDS, ENERGY_MINT_SEEDS};
use pinocchio::Address;

joule_common::wire_enum!(Side, FrameworkError::InstructionDidNotDeserialize);

joule_common::wire_struct! {
    #[idl(docs = "Arguments of create_market.")]
    pub struct MarketParams {
        pub epoch_length_secs: u32,
        pub min_price: u64,
        pub tick_size: u64,
        pub tick_count: u16,
        pub min_lot_wh: u64,
        pub fee_bps: u16,
        pub order_capacity: u32,
        pub fee_recipient: Address,
        /// Smallest order value at its limit price, quote units (≥ 1).
        pub min_order_value: u64,
        /// Refundable lamports each order deposits while it holds a book slot
        /// (from the rent-exempt minimum of an empty account up to 1 SOL).
        pub order_deposit_lamports: u64,
    }
}

/// Seeds of an existing `Market` PDA (its mints are in its data).
pub const MARKET_SEEDS: &[Seed] = &[
    Seed::Const(SEED_MARKET),
    Seed::Field("market.energy_mint", "Market"),
    Seed::Field("market.quote_mint", "Market"),
];

const CONFIG: AccountSpec = r(
    "config",
    "The registry Config PDA [\"config\"] of the registry program (admin, pause flags).",
)
.pda_of(joule_registry::ID, REGISTRY_CONFIG_SEEDS);
const MARKET_W: AccountSpec = w(
    "market",
    "The Market PDA [\"market\", energy_mint, quote_mint] (canonical bump, stored in the account); holds the order deposits.",
)
.pda(MARKET_SEEDS);
const EPOCH_W: AccountSpec = w("epoch", "The epoch account.");
const SYSTEM: AccountSpec = fixed("system_program", pinocchio_system::ID);
const TOKEN: AccountSpec = fixed("token_program", TOKEN_PROGRAM_ID);
const ORDER_OWNER: AccountSpec = ws(
    "owner",
    "The order owner; pays (place) or gets back (cancel) the order's lamport deposit.",
);
const VAULT: AccountSpec = w(
    "vault",
    "The market's vault of that mint: PDA [\"vault\", market, quote_mint] for a buy, [\"vault\", market, energy_mint] for a sell (the market's quote_vault or energy_vault). The IDL gives no seeds because the mint depends on the side argument.",
);

instruction! {
    pub mod create_market {
        docs: "Registry admin: creates the Market PDA [\"market\", energy_mint, quote_mint] and its two vaults [\"vault\", market, mint] (token accounts owned by the market PDA).",
        accounts: {
            admin: ws("admin", "The registry config admin; pays for the market and its vaults."),
            config: CONFIG,
            market: w("market", "The Market PDA [\"market\", energy_mint, quote_mint], created here (canonical bump).")
                .pda(&[Seed::Const(SEED_MARKET), Seed::Account("energy_mint"), Seed::Account("quote_mint")]),
            energy_mint: r("energy_mint", "The registry's energy mint, PDA [\"energy_mint\"] of the registry program.")
                .pda_of(joule_registry::ID, ENERGY_MINT_SEEDS),
            quote_mint: r("quote_mint", "The payment token's mint (any SPL Token mint)."),
            energy_vault: w("energy_vault", "PDA [\"vault\", market, energy_mint], created here (canonical bump).")
                .pda(&[Seed::Const(SEED_VAULT), Seed::Account("market"), Seed::Account("energy_mint")]),
            quote_vault: w("quote_vault", "PDA [\"vault\", market, quote_mint], created here (canonical bump).")
                .pda(&[Seed::Const(SEED_VAULT), Seed::Account("market"), Seed::Account("quote_mint")]),
            system_program: SYSTEM,
            token_program: TOKEN,
        },
        args: { params: MarketParams },
    }
}

instruction! {
    pub mod open_epoch {
        docs: "Permissionless once the current epoch has ended: opens the next epoch from now for the market's epoch length. The epoch account must be created in the same transaction (system create_account from a fresh keypair, owner = this program, space = epoch_space(tick_count, order_capacity)); the payer is recorded as its rent payer.",
        accounts: {
            payer: s("payer", "Paid the epoch account's rent; gets it back from close_epoch."),
            config: CONFIG,
            market: MARKET_W,
            epoch: ws("epoch", "The new epoch account (created in this transaction from a fresh keypair, which signs)."),
        },
        args: {},
    }
}

instruction! {
    pub mod place_order {
        docs: "Places a limit order in an open epoch before its end time. Escrows everything it could owe: a sell its quantity of energy, a buy ceil(quantity_wh × limit price / 1000) quote units. Its value at the limit price must reach the market's min_order_value, and the owner deposits order_deposit_lamports with the market account (refunded by cancel or settlement). Returns the order id (the book slot).",
        accounts: {
            owner: ORDER_OWNER,
            config: CONFIG,
            market: MARKET_W,
            epoch: EPOCH_W,
            owner_token: w("owner_token", "The owner's token account of the escrowed mint (energy for a sell, quote for a buy)."),
            vault: VAULT,
            token_program: TOKEN,
            system_program: SYSTEM,
        },
        args: {
            side: Side,
            limit_tick: u16,
            quantity_wh: u64,
            client_order_id: u64,
        },
        returns: ArgType::U32,
    }
}

instruction! {
    pub mod cancel_order {
        docs: "The owner cancels an open order before the epoch's end time (or, while the market is paused, until the epoch is cleared): full refund of the escrow and the deposit, slot freed.",
        accounts: {
            owner: ORDER_OWNER,
            config: CONFIG,
            market: MARKET_W,
            epoch: EPOCH_W,
            owner_token: w("owner_token", "The owner's token account of the escrowed mint; receives the refund."),
            vault: VAULT,
            token_program: TOKEN,
        },
        args: { order_id: u32, client_order_id: u64 },
    }
}

instruction! {
    pub mod clear_epoch {
        docs: "Permissionless after the epoch's end time: one pass over the histograms fixes the clearing price, volume and the long side's pro-rata fill.",
        accounts: { config: CONFIG, epoch: EPOCH_W },
        args: {},
    }
}

instruction! {
    pub mod settle_orders {
        docs: "Permissionless crank: settles a list of at most 29 open orders of a cleared epoch (fills in whole Wh, refunds, seller fees, deposits back to the owners). The long side's pro-rata orders must be settled in ascending order id. The last settlement sweeps fees and dust to the fee recipient and marks the epoch settled; while the market is paused only pure refunds settle and the sweep waits for an empty order list once unpaused.",
        accounts: {
            config: CONFIG,
            market: MARKET_W,
            epoch: EPOCH_W,
            energy_vault: w("energy_vault", "The market's energy vault, PDA [\"vault\", market, energy_mint].")
                .pda(&[Seed::Const(SEED_VAULT), Seed::Account("market"), Seed::Field("market.energy_mint", "Market")]),
            quote_vault: w("quote_vault", "The market's quote vault, PDA [\"vault\", market, quote_mint].")
                .pda(&[Seed::Const(SEED_VAULT), Seed::Account("market"), Seed::Field("market.quote_mint", "Market")]),
            fee_energy: w("fee_energy", "The fee recipient's energy token account (receives dust at the final settlement). The IDL's default is the fee recipient's associated token account; any other of its energy token accounts may be given.")
                .pda_of(ASSOCIATED_TOKEN_PROGRAM_ID, &[
                    Seed::Field("market.fee_recipient", "Market"),
                    Seed::Address(TOKEN_PROGRAM_ID),
                    Seed::Field("market.energy_mint", "Market"),
                ]),
            fee_quote: w("fee_quote", "The fee recipient's quote token account (receives fees and dust at the final settlement). The IDL's default is the fee recipient's associated token account; any other of its quote token accounts may be given.")
                .pda_of(ASSOCIATED_TOKEN_PROGRAM_ID, &[
                    Seed::Field("market.fee_recipient", "Market"),
                    Seed::Address(TOKEN_PROGRAM_ID),
                    Seed::Field("market.quote_mint", "Market"),
                ]),
            token_program: TOKEN,
        },
        remaining: w(
            "owner_accounts",
            "Three per order, in order: the owner's energy token account, the owner's quote token account (both checked by mint and owner when they receive something), the owner's wallet (receives the order's deposit).",
        ),
        args<'a>: { order_ids: Items<'a, u32> },
    }
}

instruction! {
    pub mod close_epoch {
        docs: "Permissionless once the epoch is settled: closes the epoch account, rent to its payer.",
        accounts: {
            epoch: EPOCH_W,
            rent_payer: w("rent_payer", "The account that paid the epoch's rent."),
        },
        args: {},
    }
}

joule_common::instructions!(
    create_market,
    open_epoch,
    place_order,
    cancel_order,
    clear_epoch,
    settle_orders,
    close_epoch,
);
