//! Market errors: codes from 6000, append-only.

joule_common::define_errors! {
    pub enum MarketError {
        NotAdmin = 6000 => "The signer is not the registry config admin.",
        MarketPaused = 6001 => "The market is paused; only cancellations and refunds are allowed.",
        InvalidEpochLength = 6002 => "The epoch length must be between 1 second and 31 days.",
        InvalidPriceGrid = 6003 => "The price grid needs 1 to 4,096 ticks, a lowest price and a tick size of at least 1, and a highest price of at most 2^40 quote units per kWh.",
        InvalidMinLot = 6004 => "The minimum lot must be between 1 Wh and the largest order size.",
        InvalidFee = 6005 => "The fee may be at most 1,000 basis points (10 %).",
        InvalidOrderCapacity = 6006 => "The order capacity of an epoch must be between 1 and 32,768.",
        InvalidQuoteMint = 6007 => "The quote mint must be an SPL Token mint other than the energy mint.",
        InvalidFeeRecipient = 6008 => "The fee recipient must be neither the default address nor the market itself.",
        PreviousEpochNotEnded = 6009 => "The market's current epoch has not ended yet.",
        InvalidEpochAccount = 6010 => "The epoch account must be a new, zeroed account of the market's epoch size owned by this program.",
        EpochMarketMismatch = 6011 => "The epoch belongs to another market.",
        EpochNotOpen = 6012 => "The epoch is no longer open: it has been cleared.",
        EpochEnded = 6013 => "The epoch has ended; it no longer accepts orders.",
        TickOffGrid = 6014 => "The limit tick is outside the market's price grid.",
        BelowMinimumLot = 6015 => "The order quantity is below the market's minimum lot.",
        QuantityTooLarge = 6016 => "The order quantity exceeds 2^40 Wh.",
        EpochVolumeLimit = 6017 => "The order would take this side of the epoch above 2^40 Wh.",
        BookFull = 6018 => "The epoch's order book is full.",
        InsufficientFunds = 6019 => "The token account holds less than the order must escrow.",
        WrongVault = 6020 => "The vault is not this market's vault for that token.",
        OrderNotFound = 6021 => "No open order has that id in this epoch.",
        NotOrderOwner = 6022 => "The signer does not own this order.",
        ClientOrderIdMismatch = 6023 => "The client order id does not match the order.",
        CancelAfterEnd = 6024 => "The epoch has ended; its orders can no longer be cancelled.",
        EpochAlreadyCleared = 6025 => "The epoch has already been cleared.",
        EpochNotEnded = 6026 => "The epoch cannot be cleared before its end time.",
        EpochNotCleared = 6027 => "The epoch has not been cleared yet.",
        OrderAlreadySettled = 6028 => "The order has already been settled.",
        EpochAlreadySettled = 6029 => "Every order of this epoch has already been settled.",
        SettlementAccountsMismatch = 6030 => "Settlement needs exactly two token accounts (energy, quote) per order.",
        NoOrders = 6031 => "At least one order must be settled.",
        EpochNotSettled = 6032 => "The epoch can only be closed once every order is settled.",
        NotRentPayer = 6033 => "Only the account that paid the epoch's rent can receive it back.",
        ArithmeticOverflow = 6034 => "An amount overflowed.",
        BookInconsistent = 6035 => "The epoch's histograms disagree with its order book.",
        EscrowTooLarge = 6036 => "The order's escrow (quantity × limit price) exceeds a 64-bit amount.",
        TooManyOrders = 6037 => "At most 29 orders can be settled in one instruction (the runtime's instruction-trace limit).",
        BelowMinimumValue = 6038 => "The order's value at its limit price is below the market's minimum order value.",
        InvalidMinOrderValue = 6039 => "The minimum order value must be at least 1 quote unit.",
        InvalidOrderDeposit = 6040 => "The order deposit must be at least the rent-exempt minimum of an empty account and at most 1 SOL.",
        MarginalOrderOutOfSequence = 6041 => "Orders at the pro-rata tick settle in ascending order id; an earlier one is still open.",
        OwnerAccountMismatch = 6042 => "The owner account does not match the order's owner (it receives the order's deposit).",
    }
}

impl From<crate::math::MathError> for MarketError {
    #[inline(always)]
    fn from(e: crate::math::MathError) -> Self {
        match e {
            crate::math::MathError::Overflow => MarketError::ArithmeticOverflow,
            crate::math::MathError::Inconsistent => MarketError::BookInconsistent,
        }
    }
}

impl From<crate::math::MathError> for pinocchio::error::ProgramError {
    #[inline(always)]
    fn from(e: crate::math::MathError) -> Self {
        MarketError::from(e).into()
    }
}
