//! Market helpers: one per instruction plus the common set-ups (a market
//! with its own 6-decimal stablecoin, traders holding real energy tokens
//! minted from meter readings), v0 transactions with an address lookup
//! table for batched settlement, and a small representative market
//! scenario for the CU table.

use crate::{cu, expect_ok, TestContext, TxErr, TxOk, TxResult};
use joule_sdk::{
    associated_token_address,
    market::{self as mkt, EpochAccount, Market, MarketKeys, MarketParams, SettleOrder, Side},
    registry::MeterKind,
    Instruction, Pubkey,
};
use solana_account::Account;
use solana_keypair::Keypair;
use solana_message::{v0, AddressLookupTableAccount, VersionedMessage};
use solana_signer::Signer;
use solana_transaction::versioned::VersionedTransaction;

/// Decimals of the test stablecoin.
pub const QUOTE_DECIMALS: u8 = 6;
/// One whole quote token (1 "USDC") in base units.
pub const QUOTE_UNIT: u64 = 1_000_000;
/// The address lookup table program.
pub const ADDRESS_LOOKUP_TABLE_PROGRAM_ID: Pubkey =
    Pubkey::from_str_const("AddressLookupTab1e1111111111111111111111111");

/// A market created for a test, with everything needed to drive it.
pub struct MarketFixture {
    pub keys: MarketKeys,
    pub params: MarketParams,
    /// Mint authority of the test stablecoin.
    pub quote_authority: Keypair,
    pub fee_recipient: Keypair,
    /// The fee recipient's energy and quote token accounts (associated).
    pub fee_energy: Pubkey,
    pub fee_quote: Pubkey,
}

/// A trader with associated token accounts for both mints.
pub struct Trader {
    pub key: Keypair,
    pub energy: Pubkey,
    pub quote: Pubkey,
}

impl Trader {
    pub fn pubkey(&self) -> Pubkey {
        self.key.pubkey()
    }

    /// A copy of this trader (keypair included), for a helper that takes
    /// it by value.
    pub fn insecure_clone(&self) -> Trader {
        Trader {
            key: self.key.insecure_clone(),
            energy: self.energy,
            quote: self.quote,
        }
    }

    /// The account an order of `side` escrows from and is refunded to.
    pub fn token_for(&self, side: Side) -> Pubkey {
        match side {
            Side::Buy => self.quote,
            Side::Sell => self.energy,
        }
    }
}

/// The order deposit of the default market: 0.01 SOL.
pub const DEFAULT_ORDER_DEPOSIT_LAMPORTS: u64 = 10_000_000;
/// The minimum order value of the default market: 10 quote units (1 Wh at
/// the lowest price).
pub const DEFAULT_MIN_ORDER_VALUE: u64 = 10;

/// A market with an open epoch, a seller holding 100 kWh of real energy
/// tokens and a buyer holding 100 quote tokens: what the market tests and
/// the market attacks start from.
pub struct Env {
    pub ctx: TestContext,
    pub fx: MarketFixture,
    pub epoch: Pubkey,
    pub seller: Trader,
    pub buyer: Trader,
}

/// Which of the [`Env`]'s two traders.
#[derive(Clone, Copy)]
pub enum Who {
    Seller,
    Buyer,
}

/// An [`Env`] on the default market.
pub fn env() -> Env {
    env_with(|_| {})
}

/// An [`Env`] on the default market as `f` edits its parameters.
pub fn env_with(f: impl FnOnce(&mut MarketParams)) -> Env {
    let mut ctx = TestContext::new();
    let mut params = default_params(&Pubkey::default());
    f(&mut params);
    let fx = ctx.create_market_with(params);
    let epoch = ctx.open_epoch(&fx);
    let seller = ctx.trader(&fx, 100_000, 0);
    let buyer = ctx.trader(&fx, 0, 100 * QUOTE_UNIT);
    Env {
        ctx,
        fx,
        epoch,
        seller,
        buyer,
    }
}

impl Env {
    /// Every account a market instruction of this env could move.
    pub fn watched(&self) -> Vec<Pubkey> {
        vec![
            self.epoch,
            self.fx.keys.market,
            self.fx.keys.energy_vault,
            self.fx.keys.quote_vault,
            self.fx.fee_energy,
            self.fx.fee_quote,
            self.seller.energy,
            self.seller.quote,
            self.buyer.energy,
            self.buyer.quote,
        ]
    }

    /// The price of `tick`, quote units per kWh.
    pub fn price(&self, tick: u16) -> u64 {
        self.fx.params.min_price + tick as u64 * self.fx.params.tick_size
    }

    pub fn place(&mut self, who: Who, side: Side, tick: u16, qty: u64) -> TxResult {
        let t = self.trader(who);
        self.ctx
            .place(&self.fx, &self.epoch, &t, side, tick, qty, 7)
    }

    pub fn place_ok(&mut self, who: Who, side: Side, tick: u16, qty: u64) -> u32 {
        let ok = expect_ok(self.place(who, side, tick, qty));
        mkt::order_id_from_return_data(&ok.return_data).expect("order id")
    }

    pub fn trader(&self, who: Who) -> Trader {
        match who {
            Who::Seller => self.seller.insecure_clone(),
            Who::Buyer => self.buyer.insecure_clone(),
        }
    }

    /// Moves the clock to the epoch's end time.
    pub fn end_epoch(&mut self) {
        let end = self.ctx.epoch_account(&self.epoch).header.end_ts;
        self.ctx.set_time(end);
    }
}

/// Default market parameters: hourly epochs; 1,024 ticks from 0.010 to
/// 1.033 quote tokens per kWh in steps of 0.001; 1 Wh minimum lot; 0.5 %
/// seller fee; 256 orders per epoch; orders worth at least 10 quote
/// units; a 0.01 SOL deposit per order.
pub fn default_params(fee_recipient: &Pubkey) -> MarketParams {
    MarketParams {
        epoch_length_secs: 3_600,
        min_price: 10_000,
        tick_size: 1_000,
        tick_count: 1_024,
        min_lot_wh: 1,
        fee_bps: 50,
        order_capacity: 256,
        fee_recipient: *fee_recipient,
        min_order_value: DEFAULT_MIN_ORDER_VALUE,
        order_deposit_lamports: DEFAULT_ORDER_DEPOSIT_LAMPORTS,
    }
}

/// An address lookup table account holding `addresses`, usable at once.
pub fn lookup_table_account(addresses: &[Pubkey]) -> Account {
    assert!(
        addresses.len() <= 256,
        "a lookup table holds at most 256 addresses"
    );
    let mut data = Vec::with_capacity(56 + 32 * addresses.len());
    data.extend(1u32.to_le_bytes()); // ProgramState::LookupTable
    data.extend(u64::MAX.to_le_bytes()); // deactivation_slot: active
    data.extend(0u64.to_le_bytes()); // last_extended_slot
    data.push(addresses.len().min(255) as u8); // last_extended_slot_start_index
    data.push(0); // authority: None (frozen)
    data.extend([0u8; 32]);
    data.extend([0u8; 2]); // padding
    for a in addresses {
        data.extend(a.as_ref());
    }
    Account {
        lamports: 1_000_000_000,
        data,
        owner: ADDRESS_LOOKUP_TABLE_PROGRAM_ID,
        executable: false,
        rent_epoch: 0,
    }
}

/// A successful or failed v0 transaction and its size on the wire.
pub struct V0Tx {
    pub result: TxResult,
    pub size: usize,
    /// Accounts the transaction locks (static keys + looked-up ones).
    pub accounts: usize,
}

impl TestContext {
    // ------------------------------------------------------------ v0 transactions

    /// Sends a v0 transaction whose non-signer accounts come from a fresh
    /// address lookup table, recording its CU under `label`.
    pub fn send_v0(&mut self, label: &str, ixs: &[Instruction], signers: &[&Keypair]) -> V0Tx {
        let mut lookup: Vec<Pubkey> = Vec::new();
        let signer_keys: Vec<Pubkey> = std::iter::once(self.payer.pubkey())
            .chain(signers.iter().map(|k| k.pubkey()))
            .collect();
        for ix in ixs {
            for meta in &ix.accounts {
                if !meta.is_signer
                    && !signer_keys.contains(&meta.pubkey)
                    && !lookup.contains(&meta.pubkey)
                {
                    lookup.push(meta.pubkey);
                }
            }
        }
        // Program ids must stay static keys.
        lookup.retain(|k| !ixs.iter().any(|ix| ix.program_id == *k));
        let table = Pubkey::new_unique();
        self.svm
            .set_account(table, lookup_table_account(&lookup))
            .expect("lookup table");
        let alt = AddressLookupTableAccount {
            key: table,
            addresses: lookup,
        };
        let payer = self.payer.pubkey();
        let message = v0::Message::try_compile(&payer, ixs, &[alt], self.svm.latest_blockhash())
            .expect("v0 message");
        let accounts = message.account_keys.len()
            + message
                .address_table_lookups
                .iter()
                .map(|l| l.writable_indexes.len() + l.readonly_indexes.len())
                .sum::<usize>();
        let mut all: Vec<&Keypair> = vec![&self.payer];
        all.extend(signers.iter().copied().filter(|k| k.pubkey() != payer));
        let message = VersionedMessage::V0(message);
        let tx = VersionedTransaction::try_new(message, &all).expect("sign v0");
        let size = 1 + 64 * tx.signatures.len() + tx.message.serialize().len();
        let res = self.svm.send_transaction(tx);
        self.svm.expire_blockhash();
        let result = match res {
            Ok(meta) => {
                cu::record(self.token, label, meta.compute_units_consumed);
                Ok(TxOk {
                    cu: meta.compute_units_consumed,
                    logs: meta.logs,
                    return_data: meta.return_data.data,
                })
            }
            Err(f) => Err(TxErr {
                err: f.err,
                cu: f.meta.compute_units_consumed,
                logs: f.meta.logs,
            }),
        };
        V0Tx {
            result,
            size,
            accounts,
        }
    }

    // ------------------------------------------------------------ markets

    /// Creates a 6-decimal stablecoin and a market for it with `params`
    /// (its `fee_recipient` is replaced by a fresh wallet with token
    /// accounts for both mints). Panics if `create_market` fails.
    pub fn create_market_with(&mut self, params: MarketParams) -> MarketFixture {
        let (fx, res) = self.try_create_market(params);
        expect_ok(res);
        fx
    }

    /// A market with [`default_params`].
    pub fn default_market(&mut self) -> MarketFixture {
        self.create_market_with(default_params(&Pubkey::default()))
    }

    /// Sets up a stablecoin and the fee recipient, then sends
    /// `create_market`.
    pub fn try_create_market(&mut self, mut params: MarketParams) -> (MarketFixture, TxResult) {
        let quote_authority = Keypair::new();
        let quote_mint = self.create_mint(&quote_authority.pubkey(), QUOTE_DECIMALS);
        let keys = MarketKeys::new(&quote_mint);
        let fee_recipient = self.new_user();
        if params.fee_recipient == Pubkey::default() {
            params.fee_recipient = fee_recipient.pubkey();
        }
        let fee_energy = self.energy_ata(&fee_recipient.pubkey());
        let fee_quote = self.ata(&fee_recipient.pubkey(), &quote_mint);
        let admin = self.admin.insecure_clone();
        let res = self.send(
            "create_market",
            &[mkt::CreateMarket {
                admin: admin.pubkey(),
                keys,
                params,
            }
            .instruction()],
            &[&admin],
        );
        (
            MarketFixture {
                keys,
                params,
                quote_authority,
                fee_recipient,
                fee_energy,
                fee_quote,
            },
            res,
        )
    }

    pub fn market(&self, fx: &MarketFixture) -> Market {
        mkt::decode_market(&self.data(&fx.keys.market).expect("market account"))
            .expect("market layout")
    }

    pub fn epoch_account(&self, epoch: &Pubkey) -> EpochAccount {
        mkt::decode_epoch(&self.data(epoch).expect("epoch account")).expect("epoch layout")
    }

    /// Creates the epoch account (fresh keypair, rent paid by the context's
    /// payer) and opens it.
    pub fn try_open_epoch(&mut self, fx: &MarketFixture) -> (Pubkey, TxResult) {
        let epoch = Keypair::new();
        let market = self.market(fx);
        let space = mkt::epoch_space(market.tick_count, market.order_capacity);
        let rent = self.svm.minimum_balance_for_rent_exemption(space);
        let payer = self.payer.pubkey();
        let ixs = mkt::OpenEpoch {
            payer,
            market: fx.keys.market,
            epoch: epoch.pubkey(),
        }
        .with_account(&market, rent);
        let res = self.send("open_epoch", &ixs, &[&epoch]);
        (epoch.pubkey(), res)
    }

    pub fn open_epoch(&mut self, fx: &MarketFixture) -> Pubkey {
        let (epoch, res) = self.try_open_epoch(fx);
        expect_ok(res);
        epoch
    }

    /// A trader holding `energy_wh` real energy tokens (an active meter,
    /// two oracle readings, `mint_energy`) and `quote` stablecoin units.
    pub fn trader(&mut self, fx: &MarketFixture, energy_wh: u64, quote: u64) -> Trader {
        let key = self.new_user();
        let energy = self.energy_ata(&key.pubkey());
        let quote_ata = self.ata(&key.pubkey(), &fx.keys.quote_mint);
        if energy_wh > 0 {
            let serial = format!("MKT-{}", key.pubkey());
            let meter = self.meter_with_energy(&key, &serial, MeterKind::Solar, energy_wh, 0);
            expect_ok(self.mint_energy(&meter, &energy));
        }
        if quote > 0 {
            let auth = fx.quote_authority.insecure_clone();
            self.mint_tokens(&fx.keys.quote_mint, &quote_ata, &auth, quote);
        }
        Trader {
            key,
            energy,
            quote: quote_ata,
        }
    }

    /// `place_order` from `trader`'s account of the escrowed mint.
    #[allow(clippy::too_many_arguments)]
    pub fn place(
        &mut self,
        fx: &MarketFixture,
        epoch: &Pubkey,
        trader: &Trader,
        side: Side,
        limit_tick: u16,
        quantity_wh: u64,
        client_order_id: u64,
    ) -> TxResult {
        let ix = mkt::PlaceOrder {
            keys: fx.keys,
            epoch: *epoch,
            owner: trader.pubkey(),
            owner_token: trader.token_for(side),
            side,
            limit_tick,
            quantity_wh,
            client_order_id,
        }
        .instruction();
        let key = trader.key.insecure_clone();
        self.send("place_order", &[ix], &[&key])
    }

    /// As [`place`](Self::place), expecting success; returns the order id.
    pub fn place_ok(
        &mut self,
        fx: &MarketFixture,
        epoch: &Pubkey,
        trader: &Trader,
        side: Side,
        limit_tick: u16,
        quantity_wh: u64,
    ) -> u32 {
        let ok = expect_ok(self.place(fx, epoch, trader, side, limit_tick, quantity_wh, 0));
        mkt::order_id_from_return_data(&ok.return_data).expect("order id")
    }

    pub fn cancel(
        &mut self,
        fx: &MarketFixture,
        epoch: &Pubkey,
        trader: &Trader,
        side: Side,
        order_id: u32,
        client_order_id: u64,
    ) -> TxResult {
        let ix = mkt::CancelOrder {
            keys: fx.keys,
            epoch: *epoch,
            owner: trader.pubkey(),
            owner_token: trader.token_for(side),
            side,
            order_id,
            client_order_id,
        }
        .instruction();
        let key = trader.key.insecure_clone();
        self.send("cancel_order", &[ix], &[&key])
    }

    /// `clear_epoch`, recording CU under `clear_epoch (<ticks> ticks)`.
    pub fn clear(&mut self, epoch: &Pubkey) -> TxResult {
        let ticks = self.epoch_account(epoch).header.tick_count;
        self.send(
            &format!("clear_epoch ({ticks} ticks)"),
            &[mkt::ClearEpoch { epoch: *epoch }.instruction()],
            &[],
        )
    }

    /// Settlement items for `order_ids`, paying each owner's associated
    /// token accounts.
    pub fn settle_items(
        &self,
        fx: &MarketFixture,
        epoch: &Pubkey,
        order_ids: &[u32],
    ) -> Vec<SettleOrder> {
        let book = self.epoch_account(epoch);
        order_ids
            .iter()
            .map(|&id| {
                let owner = book
                    .orders
                    .get(id as usize)
                    .map(|o| o.owner)
                    .unwrap_or_default();
                SettleOrder {
                    order_id: id,
                    energy_account: associated_token_address(&owner, &fx.keys.energy_mint),
                    quote_account: associated_token_address(&owner, &fx.keys.quote_mint),
                    owner,
                }
            })
            .collect()
    }

    pub fn settle_ix(
        &self,
        fx: &MarketFixture,
        epoch: &Pubkey,
        items: &[SettleOrder],
    ) -> Instruction {
        mkt::SettleOrders {
            keys: fx.keys,
            epoch: *epoch,
            fee_energy: fx.fee_energy,
            fee_quote: fx.fee_quote,
            orders: items,
        }
        .instruction()
    }

    /// `settle_orders` in a legacy transaction.
    pub fn settle(&mut self, fx: &MarketFixture, epoch: &Pubkey, order_ids: &[u32]) -> TxResult {
        let items = self.settle_items(fx, epoch, order_ids);
        let ix = self.settle_ix(fx, epoch, &items);
        self.send(&format!("settle_orders x{}", order_ids.len()), &[ix], &[])
    }

    /// Settles every open order of a cleared epoch, `per_tx` orders per
    /// transaction (v0 with a lookup table, or legacy), the pro-rata orders
    /// last in ascending order id. Returns the number of transactions.
    pub fn settle_all(
        &mut self,
        fx: &MarketFixture,
        epoch: &Pubkey,
        per_tx: usize,
        v0: bool,
    ) -> usize {
        let book = self.epoch_account(epoch);
        let mut ids: Vec<u32> = book.open_orders().iter().map(|(id, _)| *id).collect();
        ids.sort_by_key(|id| (book.is_pro_rata_order(*id), *id));
        let mut txs = 0;
        for chunk in ids.chunks(per_tx.max(1)) {
            let items = self.settle_items(fx, epoch, chunk);
            let ix = self.settle_ix(fx, epoch, &items);
            let label = format!("settle_orders x{}", chunk.len());
            if v0 {
                expect_ok(self.send_v0(&label, &[ix], &[]).result);
            } else {
                expect_ok(self.send(&label, &[ix], &[]));
            }
            txs += 1;
        }
        txs
    }

    pub fn close_epoch(&mut self, epoch: &Pubkey, rent_payer: &Pubkey) -> TxResult {
        self.send(
            "close_epoch",
            &[mkt::CloseEpoch {
                epoch: *epoch,
                rent_payer: *rent_payer,
            }
            .instruction()],
            &[],
        )
    }

    /// Balances of the market's two vaults (energy Wh, quote units).
    pub fn vault_balances(&self, fx: &MarketFixture) -> (u64, u64) {
        (
            self.balance(&fx.keys.energy_vault),
            self.balance(&fx.keys.quote_vault),
        )
    }
}

// ---------------------------------------------------------------- scenario

/// What [`market_scenario`] did.
#[derive(Clone, Debug, Default)]
pub struct MarketScenarioReport {
    pub market: Pubkey,
    pub epoch: Pubkey,
    pub quote_mint: Pubkey,
    pub orders: usize,
    pub cancelled: usize,
    pub clearing_tick: u16,
    /// Quote base units (6 decimals) per kWh.
    pub clearing_price: u64,
    pub volume_wh: u64,
    pub demand_wh: u64,
    pub supply_wh: u64,
    /// Fees and rounding dust swept to the fee recipient.
    pub fees_quote: u64,
    pub quote_swept: u64,
    pub energy_swept_wh: u64,
    pub settle_transactions: usize,
    /// Rent of the epoch account, returned by `close_epoch`.
    pub epoch_rent_lamports: u64,
    pub fills: Vec<ScenarioFill>,
}

/// One order of the scenario and how it settled.
#[derive(Clone, Debug)]
pub struct ScenarioFill {
    pub name: &'static str,
    pub side: Side,
    pub limit_price: u64,
    pub quantity_wh: u64,
    pub filled_wh: u64,
    /// Buyer: quote paid; seller: quote received after the fee.
    pub quote: u64,
    /// Buyer: quote refunded; seller: energy returned (Wh).
    pub refund: u64,
}

/// A small representative epoch on the default market (1,024 ticks):
/// three prosumers sell metered solar energy, three households buy, one
/// order is placed and cancelled; the epoch ends, is cleared and settled in
/// one transaction; vaults end at zero; the epoch account is closed. Records
/// the CU of every market instruction under its usual label (`create_market`,
/// `open_epoch`, `place_order`, `cancel_order`, `clear_epoch (1024 ticks)`,
/// `settle_orders x6`, `close_epoch`).
pub fn market_scenario(ctx: &mut TestContext) -> MarketScenarioReport {
    let fx = ctx.default_market();
    let epoch = ctx.open_epoch(&fx);
    let p = fx.params;
    let tick_of = |price: u64| ((price - p.min_price) / p.tick_size) as u16;
    // (name, side, limit quote units per kWh, Wh)
    let book: [(&'static str, Side, u64, u64); 6] = [
        ("Asha (solar, sells)", Side::Sell, 60_000, 4_000),
        ("Bilal (solar, sells)", Side::Sell, 80_000, 2_500),
        ("Chen (wind, sells)", Side::Sell, 120_000, 3_000),
        ("Dana (household, buys)", Side::Buy, 150_000, 3_500),
        ("Eli (household, buys)", Side::Buy, 100_000, 3_000),
        ("Farah (shop, buys)", Side::Buy, 70_000, 2_000),
    ];
    let mut traders = Vec::new();
    for (_, side, _, qty) in &book {
        let t = match side {
            Side::Sell => ctx.trader(&fx, *qty, 0),
            Side::Buy => ctx.trader(&fx, 0, 10 * QUOTE_UNIT),
        };
        traders.push(t);
    }
    let mut ids = Vec::new();
    for ((_, side, price, qty), t) in book.iter().zip(&traders) {
        ids.push(ctx.place_ok(&fx, &epoch, t, *side, tick_of(*price), *qty));
    }
    // Farah also bids high, then changes her mind.
    let extra = ctx.place_ok(&fx, &epoch, &traders[5], Side::Buy, tick_of(200_000), 1_000);
    expect_ok(ctx.cancel(&fx, &epoch, &traders[5], Side::Buy, extra, 0));

    ctx.advance(p.epoch_length_secs as i64);
    let cleared = expect_ok(ctx.clear(&epoch));
    let ev: mkt::EpochCleared = joule_sdk::events::decode(&cleared.logs).expect("EpochCleared");
    let before: Vec<(u64, u64)> = traders
        .iter()
        .map(|t| (ctx.balance(&t.energy), ctx.balance(&t.quote)))
        .collect();
    let items = ctx.settle_items(&fx, &epoch, &ids);
    let ix = ctx.settle_ix(&fx, &epoch, &items);
    let settled = expect_ok(ctx.send("settle_orders x6", &[ix], &[]));
    let swept: mkt::EpochSettled = joule_sdk::events::decode(&settled.logs).expect("EpochSettled");
    assert_eq!(
        ctx.vault_balances(&fx),
        (0, 0),
        "vaults end at exactly zero"
    );
    let rent = ctx.lamports(&epoch);
    let payer = ctx.payer.pubkey();
    expect_ok(ctx.close_epoch(&epoch, &payer));

    let fills = book
        .iter()
        .zip(&traders)
        .zip(&before)
        .map(|(((name, side, price, qty), t), (e0, q0))| {
            let (e1, q1) = (ctx.balance(&t.energy), ctx.balance(&t.quote));
            let (filled, quote, refund) = match side {
                Side::Buy => {
                    let escrow = mkt::math::buy_escrow(*qty, *price).expect("escrow");
                    let refund = q1 - q0;
                    (e1 - e0, escrow - refund, refund)
                }
                Side::Sell => (qty - (e1 - e0), q1 - q0, e1 - e0),
            };
            ScenarioFill {
                name,
                side: *side,
                limit_price: *price,
                quantity_wh: *qty,
                filled_wh: filled,
                quote,
                refund,
            }
        })
        .collect();
    MarketScenarioReport {
        market: fx.keys.market,
        epoch,
        quote_mint: fx.keys.quote_mint,
        orders: book.len() + 1,
        cancelled: 1,
        clearing_tick: { ev.clearing_tick },
        clearing_price: { ev.clearing_price },
        volume_wh: { ev.volume_wh },
        demand_wh: { ev.demand_wh },
        supply_wh: { ev.supply_wh },
        fees_quote: { swept.fees_quote },
        quote_swept: { swept.quote_swept },
        energy_swept_wh: { swept.energy_swept_wh },
        settle_transactions: 1,
        epoch_rent_lamports: rent,
        fills,
    }
}
