//! Market program: ids, PDAs, instruction builders, account decoders,
//! settlement planning and the reference clearing.
//!
//! Units: quantities in Wh (energy token base units), prices in quote base
//! units per kWh on the market's tick grid (see [`math`]).

use crate::{
    spec::{self, EncodedItems, Instructions, IxSpec},
    AccountMeta, Instruction, Pubkey, SYSTEM_PROGRAM_ID, TOKEN_PROGRAM_ID,
};

pub use joule_market::{
    error::MarketError,
    events::*,
    instructions::keeper::settle_orders::{ACCOUNTS_PER_ORDER, MAX_SETTLE_ORDERS},
    math::{self, Clearing, Settlement},
    state::*,
    wire::{self, MarketParams, MARKET_SEEDS},
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

/// The spec of one market instruction, by name (from the program's wire
/// module).
pub fn spec(name: &str) -> &'static IxSpec {
    spec::find(wire::INSTRUCTIONS, "market", name)
}

/// Every market instruction spec, in IDL order.
pub fn specs() -> Instructions {
    wire::INSTRUCTIONS
}

// ---------------------------------------------------------------- builders

/// `create_market`: the registry admin creates the market of `keys` (its
/// PDA and both vaults).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CreateMarket {
    pub admin: Pubkey,
    pub keys: MarketKeys,
    pub params: MarketParams,
}

impl CreateMarket {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::create_market::Accounts {
            admin: self.admin,
            config: crate::registry::config_address(),
            market: self.keys.market,
            energy_mint: self.keys.energy_mint,
            quote_mint: self.keys.quote_mint,
            energy_vault: self.keys.energy_vault,
            quote_vault: self.keys.quote_vault,
            system_program: SYSTEM_PROGRAM_ID,
            token_program: TOKEN_PROGRAM_ID,
        };
        let data = wire::create_market::Args {
            params: self.params,
        }
        .data();
        build(
            &wire::create_market::SPEC,
            accounts.into_array(),
            vec![],
            data,
        )
    }
}

/// `open_epoch`: opens the market's next epoch in the account `epoch` (a
/// fresh keypair, which signs), created in the same transaction: see
/// [`with_account`](Self::with_account).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenEpoch {
    pub payer: Pubkey,
    pub market: Pubkey,
    pub epoch: Pubkey,
}

impl OpenEpoch {
    /// `open_epoch` alone (the epoch account must already be created in the
    /// same transaction).
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::open_epoch::Accounts {
            payer: self.payer,
            config: crate::registry::config_address(),
            market: self.market,
            epoch: self.epoch,
        };
        let data = wire::open_epoch::Args {}.data();
        build(&wire::open_epoch::SPEC, accounts.into_array(), vec![], data)
    }

    /// The two instructions that open an epoch: create its account with
    /// `rent_lamports` (the rent-exempt minimum for
    /// `epoch_space(market.tick_count, market.order_capacity)` bytes), then
    /// initialise it.
    pub fn with_account(&self, market: &Market, rent_lamports: u64) -> [Instruction; 2] {
        let space = epoch_space(market.tick_count, market.order_capacity) as u64;
        [
            crate::token::create_account(&self.payer, &self.epoch, rent_lamports, space, &ID),
            self.instruction(),
        ]
    }
}

/// `place_order`: `owner_token` is the owner's account of the escrowed mint
/// (quote for a buy, energy for a sell); the vault follows from the side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlaceOrder {
    pub keys: MarketKeys,
    pub epoch: Pubkey,
    pub owner: Pubkey,
    pub owner_token: Pubkey,
    pub side: Side,
    pub limit_tick: u16,
    pub quantity_wh: u64,
    pub client_order_id: u64,
}

impl PlaceOrder {
    pub fn instruction(&self) -> Instruction {
        let (vault, _) = self.keys.vault_and_mint(self.side);
        let accounts = wire::place_order::Accounts {
            owner: self.owner,
            config: crate::registry::config_address(),
            market: self.keys.market,
            epoch: self.epoch,
            owner_token: self.owner_token,
            vault,
            token_program: TOKEN_PROGRAM_ID,
            system_program: SYSTEM_PROGRAM_ID,
        };
        let data = wire::place_order::Args {
            side: self.side,
            limit_tick: self.limit_tick,
            quantity_wh: self.quantity_wh,
            client_order_id: self.client_order_id,
        }
        .data();
        build(
            &wire::place_order::SPEC,
            accounts.into_array(),
            vec![],
            data,
        )
    }
}

/// `cancel_order` of an order of `side`; `owner_token` receives the refund.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CancelOrder {
    pub keys: MarketKeys,
    pub epoch: Pubkey,
    pub owner: Pubkey,
    pub owner_token: Pubkey,
    pub side: Side,
    pub order_id: u32,
    pub client_order_id: u64,
}

impl CancelOrder {
    pub fn instruction(&self) -> Instruction {
        let (vault, _) = self.keys.vault_and_mint(self.side);
        let accounts = wire::cancel_order::Accounts {
            owner: self.owner,
            config: crate::registry::config_address(),
            market: self.keys.market,
            epoch: self.epoch,
            owner_token: self.owner_token,
            vault,
            token_program: TOKEN_PROGRAM_ID,
        };
        let data = wire::cancel_order::Args {
            order_id: self.order_id,
            client_order_id: self.client_order_id,
        }
        .data();
        build(
            &wire::cancel_order::SPEC,
            accounts.into_array(),
            vec![],
            data,
        )
    }
}

/// `clear_epoch`: clears an epoch after its end time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClearEpoch {
    pub epoch: Pubkey,
}

impl ClearEpoch {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::clear_epoch::Accounts {
            config: crate::registry::config_address(),
            epoch: self.epoch,
        };
        let data = wire::clear_epoch::Args {}.data();
        build(
            &wire::clear_epoch::SPEC,
            accounts.into_array(),
            vec![],
            data,
        )
    }
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettleOrders<'a> {
    pub keys: MarketKeys,
    pub epoch: Pubkey,
    pub fee_energy: Pubkey,
    pub fee_quote: Pubkey,
    pub orders: &'a [SettleOrder],
}

impl SettleOrders<'_> {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::settle_orders::Accounts {
            config: crate::registry::config_address(),
            market: self.keys.market,
            epoch: self.epoch,
            energy_vault: self.keys.energy_vault,
            quote_vault: self.keys.quote_vault,
            fee_energy: self.fee_energy,
            fee_quote: self.fee_quote,
            token_program: TOKEN_PROGRAM_ID,
        };
        let owners = self
            .orders
            .iter()
            .flat_map(|o| {
                [
                    AccountMeta::new(o.energy_account, false),
                    AccountMeta::new(o.quote_account, false),
                    AccountMeta::new(o.owner, false),
                ]
            })
            .collect();
        let ids: Vec<u32> = self.orders.iter().map(|o| o.order_id).collect();
        let ids = EncodedItems::new(&ids);
        let data = wire::settle_orders::Args {
            order_ids: ids.items(),
        }
        .data();
        build(
            &wire::settle_orders::SPEC,
            accounts.into_array(),
            owners,
            data,
        )
    }
}

/// `close_epoch`: closes a settled epoch; its rent goes back to
/// `rent_payer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CloseEpoch {
    pub epoch: Pubkey,
    pub rent_payer: Pubkey,
}

impl CloseEpoch {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::close_epoch::Accounts {
            epoch: self.epoch,
            rent_payer: self.rent_payer,
        };
        let data = wire::close_epoch::Args {}.data();
        build(
            &wire::close_epoch::SPEC,
            accounts.into_array(),
            vec![],
            data,
        )
    }
}

fn build<const N: usize>(
    spec: &IxSpec,
    keys: [Pubkey; N],
    remaining: Vec<AccountMeta>,
    data: Vec<u8>,
) -> Instruction {
    spec::instruction(ID, spec, keys, remaining, data)
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
