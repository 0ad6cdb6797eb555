//! Market program: ids, PDAs, instruction builders, account decoders,
//! settlement planning and the reference clearing.
//!
//! Units: quantities in Wh (energy token base units), prices in quote base
//! units per kWh on the market's tick grid (see [`math`]).

use crate::{
    registry,
    spec::{fixed, r, s, ty, w, ws, AccountSpec, ArgSpec, ArgType, Borsh, IxSpec, Seed},
    AccountMeta, Instruction, Pubkey, ASSOCIATED_TOKEN_PROGRAM_ID, SYSTEM_PROGRAM_ID,
    TOKEN_PROGRAM_ID,
};

pub use joule_market::{
    error::MarketError,
    events::*,
    instructions::keeper::settle_orders::{ACCOUNTS_PER_ORDER, MAX_SETTLE_ORDERS},
    math::{self, Clearing, Settlement},
    state::*,
    wire::MarketParams,
    ID,
};

/// Accounts `settle_orders` always takes (before the three per order).
pub const SETTLE_FIXED_ACCOUNTS: usize = 8;
/// Most accounts one transaction may lock.
pub const MAX_TX_ACCOUNT_LOCKS: usize = 64;
/// Accounts a settlement transaction locks besides the instruction's own:
/// the fee payer, the market program and the compute-budget program.
pub const SETTLE_TX_OTHER_ACCOUNTS: usize = 3;
/// Orders of distinct owners one v0 transaction (with an address lookup
/// table) can settle: 64 locks − fee payer − market program − compute
/// budget program − 8 fixed, 3 per order.
pub const MAX_SETTLE_ORDERS_V0: usize =
    (MAX_TX_ACCOUNT_LOCKS - SETTLE_TX_OTHER_ACCOUNTS - SETTLE_FIXED_ACCOUNTS) / ACCOUNTS_PER_ORDER;
/// Orders of distinct owners one legacy transaction (1,232 bytes) can
/// settle: each takes three 32-byte account keys, three account indexes
/// and a 4-byte id (the tests hold this number to the real transaction
/// size).
pub const MAX_SETTLE_ORDERS_LEGACY: usize = 7;

// ---------------------------------------------------------------- addresses

/// The `Market` PDA of a mint pair, and its bump.
pub fn market_address(energy_mint: &Pubkey, quote_mint: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[SEED_MARKET, energy_mint.as_ref(), quote_mint.as_ref()],
        &ID,
    )
}

/// A market's vault PDA for `mint` (an SPL Token account owned by the
/// market PDA), and its bump.
pub fn vault_address(market: &Pubkey, mint: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[SEED_VAULT, market.as_ref(), mint.as_ref()], &ID)
}

/// Every fixed address of one market.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarketKeys {
    pub market: Pubkey,
    pub energy_mint: Pubkey,
    pub quote_mint: Pubkey,
    pub energy_vault: Pubkey,
    pub quote_vault: Pubkey,
}

impl MarketKeys {
    /// The market of the registry's energy token against `quote_mint`.
    pub fn new(quote_mint: &Pubkey) -> Self {
        Self::with_mints(&crate::registry::energy_mint_address(), quote_mint)
    }

    pub fn with_mints(energy_mint: &Pubkey, quote_mint: &Pubkey) -> Self {
        let market = market_address(energy_mint, quote_mint).0;
        Self {
            market,
            energy_mint: *energy_mint,
            quote_mint: *quote_mint,
            energy_vault: vault_address(&market, energy_mint).0,
            quote_vault: vault_address(&market, quote_mint).0,
        }
    }

    /// The vault and mint an order of `side` escrows in.
    pub fn vault_and_mint(&self, side: Side) -> (Pubkey, Pubkey) {
        match side {
            Side::Buy => (self.quote_vault, self.quote_mint),
            Side::Sell => (self.energy_vault, self.energy_mint),
        }
    }
}

// ---------------------------------------------------------------- decoders

/// Decodes a `Market` account's data.
pub fn decode_market(data: &[u8]) -> Option<Market> {
    joule_common::account::decode(data)
}

/// An epoch account, decoded (copied, so any alignment is fine).
#[derive(Clone, Debug)]
pub struct EpochAccount {
    pub header: Epoch,
    /// Wh of open buys per limit tick.
    pub demand: Vec<u64>,
    /// Wh of open sells per limit tick.
    pub supply: Vec<u64>,
    /// Every slot of the book (`order_capacity` of them).
    pub orders: Vec<Order>,
}

/// Decodes an epoch account's data.
pub fn decode_epoch(data: &[u8]) -> Option<EpochAccount> {
    if data.len() < EPOCH_HEADER_LEN || data[..8] != Epoch::DISCRIMINATOR {
        return None;
    }
    let header: Epoch = bytemuck::pod_read_unaligned(&data[8..EPOCH_HEADER_LEN]);
    if data.len() != epoch_space(header.tick_count, header.order_capacity) {
        return None;
    }
    let ticks = header.tick_count as usize;
    let u64s = |b: &[u8]| -> Vec<u64> {
        b.as_chunks::<8>()
            .0
            .iter()
            .map(|c| u64::from_le_bytes(*c))
            .collect()
    };
    let demand_end = EPOCH_HEADER_LEN + 8 * ticks;
    let supply_end = demand_end + 8 * ticks;
    Some(EpochAccount {
        header,
        demand: u64s(&data[EPOCH_HEADER_LEN..demand_end]),
        supply: u64s(&data[demand_end..supply_end]),
        orders: data[supply_end..]
            .as_chunks::<EPOCH_BYTES_PER_ORDER>()
            .0
            .iter()
            .map(|c| bytemuck::pod_read_unaligned(c))
            .collect(),
    })
}

impl EpochAccount {
    pub fn state(&self) -> Option<EpochState> {
        EpochState::from_u8(self.header.state)
    }

    /// The clearing result once cleared (volume 0: nothing crossed).
    pub fn clearing(&self) -> Option<Clearing> {
        let h = &self.header;
        (h.state != EpochState::Open as u8).then_some(Clearing {
            tick: h.clearing_tick,
            price: h.clearing_price,
            volume_wh: h.volume_wh,
            demand_wh: h.demand_wh,
            supply_wh: h.supply_wh,
            buy_marginal_tick: h.buy_marginal_tick,
            buy_fill_num: h.buy_fill_num,
            buy_fill_den: h.buy_fill_den,
            sell_marginal_tick: h.sell_marginal_tick,
            sell_fill_num: h.sell_fill_num,
            sell_fill_den: h.sell_fill_den,
        })
    }

    /// Open orders (placed, not cancelled, not settled) with their ids.
    pub fn open_orders(&self) -> Vec<(u32, Order)> {
        self.orders
            .iter()
            .enumerate()
            .filter(|(_, o)| o.status == OrderStatus::Open as u8)
            .map(|(i, o)| (i as u32, *o))
            .collect()
    }

    /// The side and tick whose orders share a pro-rata fill, if any (they
    /// settle in ascending order id: see [`math::fill_wh`]).
    pub fn pro_rata(&self) -> Option<(Side, u16)> {
        let c = self.clearing()?;
        if math::is_pro_rata(&c, true, c.buy_marginal_tick) {
            Some((Side::Buy, c.buy_marginal_tick))
        } else if math::is_pro_rata(&c, false, c.sell_marginal_tick) {
            Some((Side::Sell, c.sell_marginal_tick))
        } else {
            None
        }
    }

    /// Whether the open order `order_id` is one of the pro-rata orders.
    pub fn is_pro_rata_order(&self, order_id: u32) -> bool {
        let (Some((side, tick)), Some(o)) = (self.pro_rata(), self.orders.get(order_id as usize))
        else {
            return false;
        };
        o.status == OrderStatus::Open as u8 && o.side == side as u8 && o.limit_tick == tick
    }

    /// What settling each open order will move once the epoch is cleared,
    /// with the pro-rata orders settled in ascending order id (the only
    /// order the program accepts).
    pub fn settlements(&self) -> Vec<(u32, Settlement)> {
        let Some(clearing) = self.clearing() else {
            return vec![];
        };
        let pro_rata = self.pro_rata().map(|(side, tick)| (side as u8, tick));
        let mut prefix = self.header.marginal_prefix_wh;
        let mut out = Vec::new();
        for (id, o) in self.open_orders() {
            let marginal = pro_rata == Some((o.side, o.limit_tick));
            let Ok(s) = math::settle(
                &clearing,
                self.header.fee_bps,
                o.side == Side::Buy as u8,
                o.limit_tick,
                o.quantity_wh,
                o.escrow,
                prefix,
            ) else {
                continue;
            };
            if marginal {
                prefix += o.quantity_wh;
            }
            out.push((id, s));
        }
        out
    }

    /// What settling the open order `order_id` will move (see
    /// [`settlements`](Self::settlements)).
    pub fn settlement(&self, order_id: u32) -> Option<Settlement> {
        self.settlements()
            .into_iter()
            .find(|(id, _)| *id == order_id)
            .map(|(_, s)| s)
    }
}

/// A decoded `OrdersSettled` event (one per `settle_orders`).
#[derive(Clone)]
pub struct OrdersSettledEvent {
    pub epoch: Pubkey,
    pub quote_held_before: u64,
    pub quote_held_after: u64,
    pub energy_held_before_wh: u64,
    pub energy_held_after_wh: u64,
    pub orders: Vec<OrderSettlement>,
}

/// Decodes an `OrdersSettled` event body (after the discriminator).
pub fn decode_orders_settled(body: &[u8]) -> Option<OrdersSettledEvent> {
    let u64_at = |at: usize| Some(u64::from_le_bytes(body.get(at..at + 8)?.try_into().ok()?));
    let n = u32::from_le_bytes(body.get(64..68)?.try_into().ok()?) as usize;
    let size = std::mem::size_of::<OrderSettlement>();
    let items = body.get(68..)?;
    if items.len() != n * size {
        return None;
    }
    Some(OrdersSettledEvent {
        epoch: Pubkey::new_from_array(body.get(0..32)?.try_into().ok()?),
        quote_held_before: u64_at(32)?,
        quote_held_after: u64_at(40)?,
        energy_held_before_wh: u64_at(48)?,
        energy_held_after_wh: u64_at(56)?,
        orders: items
            .chunks_exact(size)
            .map(bytemuck::pod_read_unaligned)
            .collect(),
    })
}

/// Every `OrdersSettled` event in a transaction's logs.
pub fn orders_settled(logs: &[String]) -> Vec<OrdersSettledEvent> {
    crate::events::program_data(logs)
        .into_iter()
        .filter(|d| d.len() >= 8 && d[..8] == ORDERS_SETTLED)
        .filter_map(|d| decode_orders_settled(&d[8..]))
        .collect()
}

/// The order id `place_order` returns (its return data).
pub fn order_id_from_return_data(data: &[u8]) -> Option<u32> {
    Some(u32::from_le_bytes(data.try_into().ok()?))
}

// ---------------------------------------------------------------- specs

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
.pda_of(registry::ID, registry::CONFIG_SEEDS);
const MARKET_W: AccountSpec = w(
    "market",
    "The Market PDA [\"market\", energy_mint, quote_mint] (canonical bump, stored in the account); holds the order deposits.",
)
.pda(MARKET_SEEDS);
const EPOCH_W: AccountSpec = w("epoch", "The epoch account.");
const TOKEN: AccountSpec = fixed("token_program", TOKEN_PROGRAM_ID);

/// The spec of one market instruction, by name.
pub fn spec(name: &str) -> IxSpec {
    use ArgType::{U16, U32, U64};
    let arg = |name, ty| ArgSpec { name, ty };
    let order_accounts = |docs_token: &'static str| {
        vec![
            ws(
                "owner",
                "The order owner; pays (place) or gets back (cancel) the order's lamport deposit.",
            ),
            CONFIG,
            MARKET_W,
            EPOCH_W,
            w("owner_token", docs_token),
            w(
                "vault",
                "The market's vault of that mint: PDA [\"vault\", market, quote_mint] for a buy, [\"vault\", market, energy_mint] for a sell (the market's quote_vault or energy_vault). The IDL gives no seeds because the mint depends on the side argument.",
            ),
            TOKEN,
        ]
    };
    let (docs, accounts, args, remaining, returns): (&str, Vec<AccountSpec>, Vec<ArgSpec>, _, _) = match name {
        "create_market" => (
            "Registry admin: creates the Market PDA [\"market\", energy_mint, quote_mint] and its two vaults [\"vault\", market, mint] (token accounts owned by the market PDA).",
            vec![
                ws("admin", "The registry config admin; pays for the market and its vaults."),
                CONFIG,
                w("market", "The Market PDA [\"market\", energy_mint, quote_mint], created here (canonical bump).")
                    .pda(&[Seed::Const(SEED_MARKET), Seed::Account("energy_mint"), Seed::Account("quote_mint")]),
                r("energy_mint", "The registry's energy mint, PDA [\"energy_mint\"] of the registry program.")
                    .pda_of(registry::ID, registry::ENERGY_MINT_SEEDS),
                r("quote_mint", "The payment token's mint (any SPL Token mint)."),
                w("energy_vault", "PDA [\"vault\", market, energy_mint], created here (canonical bump).")
                    .pda(&[Seed::Const(SEED_VAULT), Seed::Account("market"), Seed::Account("energy_mint")]),
                w("quote_vault", "PDA [\"vault\", market, quote_mint], created here (canonical bump).")
                    .pda(&[Seed::Const(SEED_VAULT), Seed::Account("market"), Seed::Account("quote_mint")]),
                fixed("system_program", SYSTEM_PROGRAM_ID),
                TOKEN,
            ],
            vec![arg("params", ty::defined("MarketParams"))],
            None,
            None,
        ),
        "open_epoch" => (
            "Permissionless once the current epoch has ended: opens the next epoch from now for the market's epoch length. The epoch account must be created in the same transaction (system create_account from a fresh keypair, owner = this program, space = epoch_space(tick_count, order_capacity)); the payer is recorded as its rent payer.",
            vec![
                s("payer", "Paid the epoch account's rent; gets it back from close_epoch."),
                CONFIG,
                MARKET_W,
                ws("epoch", "The new epoch account (created in this transaction from a fresh keypair, which signs)."),
            ],
            vec![],
            None,
            None,
        ),
        "place_order" => (
            "Places a limit order in an open epoch before its end time. Escrows everything it could owe: a sell its quantity of energy, a buy ceil(quantity_wh × limit price / 1000) quote units. Its value at the limit price must reach the market's min_order_value, and the owner deposits order_deposit_lamports with the market account (refunded by cancel or settlement). Returns the order id (the book slot).",
            {
                let mut a = order_accounts("The owner's token account of the escrowed mint (energy for a sell, quote for a buy).");
                a.push(fixed("system_program", SYSTEM_PROGRAM_ID));
                a
            },
            vec![
                arg("side", ty::defined("Side")),
                arg("limit_tick", U16),
                arg("quantity_wh", U64),
                arg("client_order_id", U64),
            ],
            None,
            Some(U32),
        ),
        "cancel_order" => (
            "The owner cancels an open order before the epoch's end time (or, while the market is paused, until the epoch is cleared): full refund of the escrow and the deposit, slot freed.",
            order_accounts("The owner's token account of the escrowed mint; receives the refund."),
            vec![arg("order_id", U32), arg("client_order_id", U64)],
            None,
            None,
        ),
        "clear_epoch" => (
            "Permissionless after the epoch's end time: one pass over the histograms fixes the clearing price, volume and the long side's pro-rata fill.",
            vec![CONFIG, EPOCH_W],
            vec![],
            None,
            None,
        ),
        "settle_orders" => (
            "Permissionless crank: settles a list of at most 29 open orders of a cleared epoch (fills in whole Wh, refunds, seller fees, deposits back to the owners). The long side's pro-rata orders must be settled in ascending order id. The last settlement sweeps fees and dust to the fee recipient and marks the epoch settled; while the market is paused only pure refunds settle and the sweep waits for an empty order list once unpaused.",
            vec![
                CONFIG,
                MARKET_W,
                EPOCH_W,
                w("energy_vault", "The market's energy vault, PDA [\"vault\", market, energy_mint].")
                    .pda(&[Seed::Const(SEED_VAULT), Seed::Account("market"), Seed::Field("market.energy_mint", "Market")]),
                w("quote_vault", "The market's quote vault, PDA [\"vault\", market, quote_mint].")
                    .pda(&[Seed::Const(SEED_VAULT), Seed::Account("market"), Seed::Field("market.quote_mint", "Market")]),
                w("fee_energy", "The fee recipient's energy token account (receives dust at the final settlement). The IDL's default is the fee recipient's associated token account; any other of its energy token accounts may be given.")
                    .pda_of(ASSOCIATED_TOKEN_PROGRAM_ID, &[
                        Seed::Field("market.fee_recipient", "Market"),
                        Seed::Address(TOKEN_PROGRAM_ID),
                        Seed::Field("market.energy_mint", "Market"),
                    ]),
                w("fee_quote", "The fee recipient's quote token account (receives fees and dust at the final settlement). The IDL's default is the fee recipient's associated token account; any other of its quote token accounts may be given.")
                    .pda_of(ASSOCIATED_TOKEN_PROGRAM_ID, &[
                        Seed::Field("market.fee_recipient", "Market"),
                        Seed::Address(TOKEN_PROGRAM_ID),
                        Seed::Field("market.quote_mint", "Market"),
                    ]),
                TOKEN,
            ],
            vec![arg("order_ids", ty::vec(U32))],
            Some(w(
                "owner_accounts",
                "Three per order, in order: the owner's energy token account, the owner's quote token account (both checked by mint and owner when they receive something), the owner's wallet (receives the order's deposit).",
            )),
            None,
        ),
        "close_epoch" => (
            "Permissionless once the epoch is settled: closes the epoch account, rent to its payer.",
            vec![EPOCH_W, w("rent_payer", "The account that paid the epoch's rent.")],
            vec![],
            None,
            None,
        ),
        other => panic!("unknown market instruction {other}"),
    };
    IxSpec {
        name: crate::spec::instruction_name(joule_market::wire::INSTRUCTIONS, "market", name),
        docs,
        accounts,
        remaining,
        args,
        returns,
    }
}

/// Every market instruction spec, in IDL order.
pub fn specs() -> Vec<IxSpec> {
    joule_market::wire::INSTRUCTIONS
        .iter()
        .map(|i| spec(i.name))
        .collect()
}

fn build(name: &str, keys: &[Pubkey], remaining: Vec<AccountMeta>, args: Borsh) -> Instruction {
    spec(name).build(ID, keys, remaining, args)
}

// ---------------------------------------------------------------- builders

/// Borsh encoding of `MarketParams`.
pub fn encode_params(p: &MarketParams) -> Borsh {
    Borsh::new()
        .u32(p.epoch_length_secs)
        .u64(p.min_price)
        .u64(p.tick_size)
        .u16(p.tick_count)
        .u64(p.min_lot_wh)
        .u16(p.fee_bps)
        .u32(p.order_capacity)
        .pubkey(&p.fee_recipient)
        .u64(p.min_order_value)
        .u64(p.order_deposit_lamports)
}

pub fn create_market(admin: &Pubkey, keys: &MarketKeys, params: &MarketParams) -> Instruction {
    let accounts = [
        *admin,
        crate::registry::config_address(),
        keys.market,
        keys.energy_mint,
        keys.quote_mint,
        keys.energy_vault,
        keys.quote_vault,
        SYSTEM_PROGRAM_ID,
        TOKEN_PROGRAM_ID,
    ];
    build("create_market", &accounts, vec![], encode_params(params))
}

/// `open_epoch` alone (the epoch account must already be created in the
/// same transaction: see [`open_epoch_with_account`]).
pub fn open_epoch(payer: &Pubkey, market: &Pubkey, epoch: &Pubkey) -> Instruction {
    build(
        "open_epoch",
        &[*payer, crate::registry::config_address(), *market, *epoch],
        vec![],
        Borsh::new(),
    )
}

/// The two instructions that open an epoch: create its account at `epoch`
/// (a fresh keypair, which must sign) with `rent_lamports` (the rent-exempt
/// minimum for `epoch_space(market.tick_count, market.order_capacity)`
/// bytes), then initialise it.
pub fn open_epoch_with_account(
    payer: &Pubkey,
    market: &Pubkey,
    market_state: &Market,
    epoch: &Pubkey,
    rent_lamports: u64,
) -> [Instruction; 2] {
    let space = epoch_space(market_state.tick_count, market_state.order_capacity) as u64;
    [
        crate::token::create_account(payer, epoch, rent_lamports, space, &ID),
        open_epoch(payer, market, epoch),
    ]
}

/// `place_order`: `owner_token` is the owner's account of the escrowed mint
/// (quote for a buy, energy for a sell).
#[allow(clippy::too_many_arguments)]
pub fn place_order(
    keys: &MarketKeys,
    epoch: &Pubkey,
    owner: &Pubkey,
    owner_token: &Pubkey,
    side: Side,
    limit_tick: u16,
    quantity_wh: u64,
    client_order_id: u64,
) -> Instruction {
    let (vault, _) = keys.vault_and_mint(side);
    let accounts = [
        *owner,
        crate::registry::config_address(),
        keys.market,
        *epoch,
        *owner_token,
        vault,
        TOKEN_PROGRAM_ID,
        SYSTEM_PROGRAM_ID,
    ];
    let args = Borsh::new()
        .u8(side as u8)
        .u16(limit_tick)
        .u64(quantity_wh)
        .u64(client_order_id);
    build("place_order", &accounts, vec![], args)
}

/// `cancel_order` of an order of `side`; `owner_token` receives the refund.
pub fn cancel_order(
    keys: &MarketKeys,
    epoch: &Pubkey,
    owner: &Pubkey,
    owner_token: &Pubkey,
    side: Side,
    order_id: u32,
    client_order_id: u64,
) -> Instruction {
    let (vault, _) = keys.vault_and_mint(side);
    let accounts = [
        *owner,
        crate::registry::config_address(),
        keys.market,
        *epoch,
        *owner_token,
        vault,
        TOKEN_PROGRAM_ID,
    ];
    build(
        "cancel_order",
        &accounts,
        vec![],
        Borsh::new().u32(order_id).u64(client_order_id),
    )
}

pub fn clear_epoch(epoch: &Pubkey) -> Instruction {
    build(
        "clear_epoch",
        &[crate::registry::config_address(), *epoch],
        vec![],
        Borsh::new(),
    )
}

/// One order to settle and where its owner is paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettleOrder {
    pub order_id: u32,
    /// The owner's energy token account (any account if the order pays no
    /// energy: see [`EpochAccount::settlement`]).
    pub energy_account: Pubkey,
    /// The owner's quote token account (any account if it pays no quote).
    pub quote_account: Pubkey,
    /// The order's owner (receives the order's lamport deposit).
    pub owner: Pubkey,
}

/// `settle_orders` for `orders` of one cleared epoch. `fee_energy` and
/// `fee_quote` are the fee recipient's token accounts (only used by the
/// settlement that completes the epoch).
pub fn settle_orders(
    keys: &MarketKeys,
    epoch: &Pubkey,
    fee_energy: &Pubkey,
    fee_quote: &Pubkey,
    orders: &[SettleOrder],
) -> Instruction {
    let accounts = [
        crate::registry::config_address(),
        keys.market,
        *epoch,
        keys.energy_vault,
        keys.quote_vault,
        *fee_energy,
        *fee_quote,
        TOKEN_PROGRAM_ID,
    ];
    let remaining = orders
        .iter()
        .flat_map(|o| {
            [
                AccountMeta::new(o.energy_account, false),
                AccountMeta::new(o.quote_account, false),
                AccountMeta::new(o.owner, false),
            ]
        })
        .collect();
    let args = Borsh::new().vec(orders, |b, o| b.u32(o.order_id));
    build("settle_orders", &accounts, remaining, args)
}

pub fn close_epoch(epoch: &Pubkey, rent_payer: &Pubkey) -> Instruction {
    build("close_epoch", &[*epoch, *rent_payer], vec![], Borsh::new())
}

/// Most orders one settlement transaction can hold whoever owns them: the
/// program's [`MAX_SETTLE_ORDERS`], set by the instruction-trace limit (an
/// order makes up to two token transfers, the final sweep two more).
pub const MAX_SETTLE_ORDERS_PER_TX: usize = MAX_SETTLE_ORDERS;

/// Owner accounts one v0 settlement transaction can lock: 64 − fee payer −
/// market program − compute-budget program − the 8 fixed accounts.
pub const MAX_SETTLE_OWNER_ACCOUNTS_V0: usize =
    MAX_TX_ACCOUNT_LOCKS - SETTLE_TX_OTHER_ACCOUNTS - SETTLE_FIXED_ACCOUNTS;

/// Groups an epoch's orders into settlement transactions of at most
/// `max_orders` orders that together name at most `max_accounts` distinct
/// owner accounts. Orders of one owner share their accounts, so the
/// planner keeps an owner's orders together; the pro-rata orders (see
/// [`EpochAccount::pro_rata`]) come last, in ascending order id, and the
/// batches must be sent in the order returned.
pub fn plan_settlement(
    epoch: &EpochAccount,
    orders: &[SettleOrder],
    max_accounts: usize,
    max_orders: usize,
) -> Vec<Vec<SettleOrder>> {
    let mut sorted = orders.to_vec();
    sorted.sort_by_key(|o| {
        if epoch.is_pro_rata_order(o.order_id) {
            (1, Pubkey::default(), Pubkey::default(), o.order_id)
        } else {
            (0, o.owner, o.energy_account, o.order_id)
        }
    });
    let mut batches: Vec<Vec<SettleOrder>> = Vec::new();
    let mut current: Vec<SettleOrder> = Vec::new();
    let mut accounts: std::collections::BTreeSet<Pubkey> = Default::default();
    for o in sorted {
        let keys = [o.energy_account, o.quote_account, o.owner];
        let new = keys
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .filter(|k| !accounts.contains(k))
            .count();
        if !current.is_empty()
            && (current.len() >= max_orders.max(1) || accounts.len() + new > max_accounts)
        {
            batches.push(std::mem::take(&mut current));
            accounts.clear();
        }
        accounts.extend(keys);
        current.push(o);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

// ---------------------------------------------------------------- reference

/// A reference clearing in plain Rust, brute force over every tick and
/// every order, written independently of [`math`]: the property tests hold
/// the program's one-pass scan and settlement math to it.
pub mod reference {
    use super::MAX_TICKS;

    /// An order as the reference sees it.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct RefOrder {
        pub is_buy: bool,
        pub limit_tick: u16,
        pub quantity_wh: u64,
    }

    /// The reference clearing result.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct RefClearing {
        pub tick: u16,
        pub price: u64,
        pub volume_wh: u64,
        pub demand_wh: u64,
        pub supply_wh: u64,
    }

    /// An order's exact fill: `quantity_wh × num / den` Wh.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Share {
        pub num: u128,
        pub den: u128,
    }

    /// What the reference pays out for one order.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct RefSettlement {
        pub filled_wh: u64,
        pub quote_amount: u64,
        pub fee: u64,
        pub energy_out_wh: u64,
        pub quote_out: u64,
    }

    /// `D(t)`: Wh of buys willing to pay tick `t` (limit ≥ t).
    pub fn demand_at(orders: &[RefOrder], t: u16) -> u64 {
        orders
            .iter()
            .filter(|o| o.is_buy && o.limit_tick >= t)
            .map(|o| o.quantity_wh)
            .sum()
    }

    /// `S(t)`: Wh of sells willing to take tick `t` (limit ≤ t).
    pub fn supply_at(orders: &[RefOrder], t: u16) -> u64 {
        orders
            .iter()
            .filter(|o| !o.is_buy && o.limit_tick <= t)
            .map(|o| o.quantity_wh)
            .sum()
    }

    /// Brute force: evaluates every tick; keeps those with the highest
    /// matched volume, then those with the smallest imbalance, then takes
    /// the middle one (rounding down). Panics if a candidate set is not
    /// contiguous (the documented rule relies on it).
    pub fn clear(
        orders: &[RefOrder],
        tick_count: u16,
        min_price: u64,
        tick_size: u64,
    ) -> Option<RefClearing> {
        assert!((1..=MAX_TICKS).contains(&tick_count));
        let rows: Vec<(u16, u64, u64, u64, u64)> = (0..tick_count)
            .map(|t| {
                let (d, s) = (demand_at(orders, t), supply_at(orders, t));
                (t, d, s, d.min(s), d.abs_diff(s))
            })
            .collect();
        let best_v = rows.iter().map(|r| r.3).max().unwrap_or(0);
        if best_v == 0 {
            return None;
        }
        let best_imb = rows
            .iter()
            .filter(|r| r.3 == best_v)
            .map(|r| r.4)
            .min()
            .expect("a maximum exists");
        let chosen: Vec<u16> = rows
            .iter()
            .filter(|r| r.3 == best_v && r.4 == best_imb)
            .map(|r| r.0)
            .collect();
        let (lo, hi) = (chosen[0], *chosen.last().expect("non-empty"));
        assert_eq!(
            (hi - lo + 1) as usize,
            chosen.len(),
            "the chosen ticks must be contiguous"
        );
        let tick = lo + (hi - lo) / 2;
        let (_, d, s, v, _) = rows[tick as usize];
        Some(RefClearing {
            tick,
            price: min_price + tick as u64 * tick_size,
            volume_wh: v,
            demand_wh: d,
            supply_wh: s,
        })
    }

    /// Each order's exact fill. The short side fills in full; the long
    /// side fills by price priority: strictly better than its marginal tick
    /// in full, at the marginal tick pro rata, worse not at all.
    pub fn shares(
        orders: &[RefOrder],
        tick_count: u16,
        clearing: Option<&RefClearing>,
    ) -> Vec<Share> {
        let none = Share { num: 0, den: 1 };
        let full = Share { num: 1, den: 1 };
        let Some(c) = clearing else {
            return vec![none; orders.len()];
        };
        let v = c.volume_wh;
        let d = |t: i64| {
            if t < 0 {
                u64::MAX
            } else if t >= tick_count as i64 {
                0
            } else {
                demand_at(orders, t as u16)
            }
        };
        let s = |t: i64| {
            if t < 0 {
                0
            } else {
                supply_at(orders, t.min(tick_count as i64 - 1) as u16)
            }
        };
        // Marginal buy tick: the highest tick whose demand exceeds the
        // volume (or the clearing tick if demand is short).
        let buy_marginal = if c.demand_wh > v {
            (0..tick_count as i64)
                .filter(|&t| d(t) > v)
                .max()
                .expect("D(c) > V")
        } else {
            c.tick as i64
        };
        let sell_marginal = if c.supply_wh > v {
            (0..tick_count as i64)
                .filter(|&t| s(t) > v)
                .min()
                .expect("S(c) > V")
        } else {
            c.tick as i64
        };
        orders
            .iter()
            .map(|o| {
                let t = o.limit_tick as i64;
                if o.is_buy {
                    if t > buy_marginal {
                        full
                    } else if t < buy_marginal {
                        none
                    } else if c.demand_wh > v {
                        let above = d(t + 1);
                        Share {
                            num: (v - above) as u128,
                            den: (d(t) - above) as u128,
                        }
                    } else {
                        full
                    }
                } else if t < sell_marginal {
                    full
                } else if t > sell_marginal {
                    none
                } else if c.supply_wh > v {
                    let below = s(t - 1);
                    Share {
                        num: (v - below) as u128,
                        den: (s(t) - below) as u128,
                    }
                } else {
                    full
                }
            })
            .collect()
    }

    /// Buy escrow: `ceil(quantity × limit price / 1000)`.
    pub fn buy_escrow(quantity_wh: u64, limit_price: u64) -> u128 {
        (quantity_wh as u128 * limit_price as u128).div_ceil(1000)
    }

    /// Whole Wh each order fills: in full, not at all, or (the long side's
    /// marginal orders, share strictly between 0 and 1) its share with the
    /// rounding carried from order to order in book order:
    /// `floor((P + q) × num / den) − floor(P × num / den)`, `P` the
    /// quantity of the marginal orders before it. `orders` must be in order
    /// id order.
    pub fn allocate(orders: &[RefOrder], shares: &[Share]) -> Vec<u64> {
        let mut prefix: u128 = 0;
        orders
            .iter()
            .zip(shares)
            .map(|(o, s)| {
                let q = o.quantity_wh as u128;
                if s.num == 0 {
                    0
                } else if s.num >= s.den {
                    o.quantity_wh
                } else {
                    let before = prefix * s.num / s.den;
                    prefix += q;
                    let after = prefix * s.num / s.den;
                    (after - before) as u64
                }
            })
            .collect()
    }

    /// The payout of one order that fills `filled_wh` whole Wh, by the
    /// documented rounding (buyer pays `ceil(filled × price / 1000)`;
    /// seller is paid `floor(filled × price / 1000)` less a fee rounded up).
    pub fn settle(
        order: &RefOrder,
        filled_wh: u64,
        price: u64,
        fee_bps: u16,
        limit_price: u64,
    ) -> RefSettlement {
        let filled = filled_wh as u128;
        let value_num = filled * price as u128;
        if order.is_buy {
            let escrow = buy_escrow(order.quantity_wh, limit_price);
            let cost = value_num.div_ceil(1000);
            RefSettlement {
                filled_wh,
                quote_amount: cost as u64,
                fee: 0,
                energy_out_wh: filled_wh,
                quote_out: (escrow - cost) as u64,
            }
        } else {
            let gross = value_num / 1000;
            let fee = (gross * fee_bps as u128).div_ceil(10_000);
            RefSettlement {
                filled_wh,
                quote_amount: gross as u64,
                fee: fee as u64,
                energy_out_wh: order.quantity_wh - filled_wh,
                quote_out: (gross - fee) as u64,
            }
        }
    }
}
