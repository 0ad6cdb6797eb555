use joule_common::account::AccountState;
use pinocchio::Address;

joule_common::define_layout! {
    #[idl(docs = "A market, PDA [\"market\", energy_mint, quote_mint]. Tick t costs min_price + t × tick_size quote units per kWh.")]
    /// Ticks run from 0 to `tick_count - 1`. Quantities are in Wh
    /// (energy token base units). The PDA owns both vaults and signs every
    /// payout; the vaults hold the escrow of every open and unsettled epoch, and
    /// each epoch keeps its own ledger of what it holds there.
    ///
    /// Holding a book slot costs `order_deposit_lamports` (refundable) and at
    /// least `min_order_value` in escrow, and the lowest price is above zero:
    /// filling a book costs `order_capacity × (deposit + minimum value)`.
    ///
    /// Set once by the registry admin in `create_market`; afterwards only the
    /// epoch cursor (`current_epoch`, `current_epoch_end_ts`,
    /// `next_epoch_index`) changes, in `open_epoch`.
    #[repr(C)]
    #[derive(Debug, PartialEq, Eq)]
    pub struct Market {
        /// The registry's energy mint (1 unit = 1 Wh).
        pub energy_mint: Address,
        /// The payment token.
        pub quote_mint: Address,
        /// PDA `["vault", market, energy_mint]`: escrow of sell orders.
        pub energy_vault: Address,
        /// PDA `["vault", market, quote_mint]`: escrow of buy orders.
        pub quote_vault: Address,
        /// Owner of the token accounts that receive seller fees and rounding
        /// dust when an epoch's settlement completes.
        pub fee_recipient: Address,
        /// The most recently opened epoch (default = none yet).
        pub current_epoch: Address,
        /// Price of tick 0, quote units per kWh.
        pub min_price: u64,
        /// Price step between ticks, quote units per kWh (≥ 1).
        pub tick_size: u64,
        /// Smallest order, Wh.
        pub min_lot_wh: u64,
        /// End of the most recently opened epoch (0 = none yet); the next epoch
        /// may be opened from then on.
        pub current_epoch_end_ts: i64,
        /// Index the next opened epoch gets (0, 1, 2, …).
        pub next_epoch_index: u64,
        /// Smallest order value, quote units: `ceil(quantity × limit price /
        /// 1000)` of every order must reach it (≥ 1, so no order escrows
        /// nothing).
        pub min_order_value: u64,
        /// Lamports every order deposits with this account while it holds a
        /// book slot; refunded to the owner's wallet by cancel and by
        /// settlement. This account's balance is its rent plus the deposits of
        /// every live order of every epoch. At least the rent-exempt minimum of an empty account, so
        /// the refund can always be paid.
        pub order_deposit_lamports: u64,
        pub epoch_length_secs: u32,
        /// Order slots of every epoch of this market.
        pub order_capacity: u32,
        pub tick_count: u16,
        /// Seller fee, basis points of the gross proceeds.
        pub fee_bps: u16,
        pub version: u8,
        pub bump: u8,
        pub energy_vault_bump: u8,
        pub quote_vault_bump: u8,
        pub reserved: [u8; 48],
    }
}

const _: () = assert!(core::mem::size_of::<Market>() == 312);

impl AccountState for Market {
    const DISCRIMINATOR: [u8; 8] = joule_common::disc::account("Market");
}

impl Market {
    /// The vault escrowing `side`'s tokens and its mint.
    #[inline(always)]
    pub fn vault_and_mint(&self, side: super::Side) -> (&Address, &Address) {
        match side {
            super::Side::Buy => (&self.quote_vault, &self.quote_mint),
            super::Side::Sell => (&self.energy_vault, &self.energy_mint),
        }
    }
}
