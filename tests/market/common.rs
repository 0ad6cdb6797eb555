//! What every module of the market tests shares: a market with an open
//! epoch and two funded traders, and a rationed book.

use super::*;

/// A market with an open epoch, a seller holding 100 kWh of real energy
/// tokens and a buyer holding 100 quote tokens.
pub(crate) struct Env {
    pub(crate) ctx: TestContext,
    pub(crate) fx: MarketFixture,
    pub(crate) epoch: Pubkey,
    pub(crate) seller: Trader,
    pub(crate) buyer: Trader,
}

pub(crate) fn env() -> Env {
    env_with(|_| {})
}

pub(crate) fn env_with(f: impl FnOnce(&mut MarketParams)) -> Env {
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
    pub(crate) fn watched(&self) -> Vec<Pubkey> {
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

    pub(crate) fn price(&self, tick: u16) -> u64 {
        self.fx.params.min_price + tick as u64 * self.fx.params.tick_size
    }

    pub(crate) fn place(&mut self, who: Who, side: Side, tick: u16, qty: u64) -> TxResult {
        let t = self.trader(who);
        self.ctx
            .place(&self.fx, &self.epoch, &t, side, tick, qty, 7)
    }

    pub(crate) fn place_ok(&mut self, who: Who, side: Side, tick: u16, qty: u64) -> u32 {
        let ok = expect_ok(self.place(who, side, tick, qty));
        mkt::order_id_from_return_data(&ok.return_data).expect("order id")
    }

    pub(crate) fn trader(&self, who: Who) -> Trader {
        let t = match who {
            Who::Seller => &self.seller,
            Who::Buyer => &self.buyer,
        };
        Trader {
            key: t.key.insecure_clone(),
            energy: t.energy,
            quote: t.quote,
        }
    }

    pub(crate) fn end_epoch(&mut self) {
        let end = self.ctx.epoch_account(&self.epoch).header.end_ts;
        self.ctx.set_time(end);
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Who {
    Seller,
    Buyer,
}

/// Sells 5 kWh at tick 10; buys 3 kWh at tick 30 and 2 × 2 kWh at tick 20.
/// Volume 5 kWh is matched at every tick of [10, 20] with imbalance 2 kWh,
/// so the price is the middle, tick 15 (0.025 per kWh). Demand is long: the
/// buy at 30 fills in full, the two at 20 share the remaining 2 kWh.
pub(crate) fn rationed_book(e: &mut Env) -> (Trader, Trader, Trader, [u32; 4]) {
    let b2 = e.ctx.trader(&e.fx, 0, QUOTE_UNIT);
    let b3 = e.ctx.trader(&e.fx, 0, QUOTE_UNIT);
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 5_000);
    let b1 = e.place_ok(Who::Buyer, Side::Buy, 30, 3_000);
    let id2 = mkt::order_id_from_return_data(
        &expect_ok(e.ctx.place(&e.fx, &e.epoch, &b2, Side::Buy, 20, 2_000, 1)).return_data,
    )
    .unwrap();
    let id3 = mkt::order_id_from_return_data(
        &expect_ok(e.ctx.place(&e.fx, &e.epoch, &b3, Side::Buy, 20, 2_000, 2)).return_data,
    )
    .unwrap();
    let seller = e.trader(Who::Seller);
    (seller, b2, b3, [s, b1, id2, id3])
}
