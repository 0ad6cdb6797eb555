//! The registry's wire contract: every instruction's accounts and Borsh
//! arguments, declared once (see `joule_common::wire`). The handlers parse
//! with it, the sdk encodes with it, the IDL is generated from it.

use crate::{
    error::RegistryError,
    state::{
        MeterKind, BPF_LOADER_UPGRADEABLE_ID, CERTIFICATES_PROGRAM_ID, PROGRAM_DATA_ADDRESS,
        SEED_CERTIFIER, SEED_CONFIG, SEED_ENERGY_MINT, SEED_METER,
    },
};
use joule_common::{
    instruction,
    token::{ASSOCIATED_TOKEN_PROGRAM_ID, TOKEN_PROGRAM_ID},
    wire::{fixed, r, s, w, ws, AccountSpec, ArgType, Items, Seed},
};
use pinocchio::Address;

joule_common::wire_enum!(MeterKind, RegistryError::InvalidMeterKind);

joule_common::wire_struct! {
    #[idl(docs = "A cumulative reading of a meter's registers.")]
    /// The raw values the meter shows, not the energy credited (that is
    /// `Meter::exported_wh` and `Meter::imported_wh`, which grow by each
    /// register's increase).
    pub struct Reading {
        pub timestamp: i64,
        /// The export register, Wh since the meter was made.
        pub export_register_wh: u64,
        /// The import register, Wh since the meter was made.
        pub import_register_wh: u64,
    }
}

/// Seeds of the `Config` PDA.
pub const CONFIG_SEEDS: &[Seed] = &[Seed::Const(SEED_CONFIG)];
/// Seeds of the energy mint PDA.
pub const ENERGY_MINT_SEEDS: &[Seed] = &[Seed::Const(SEED_ENERGY_MINT)];
/// Seeds of an existing `Meter` PDA (its id is in its data).
pub const METER_SEEDS: &[Seed] = &[
    Seed::Const(SEED_METER),
    Seed::Field("meter.meter_id", "Meter"),
];

/// Seeds of the registry's ProgramData under the upgradeable loader.
const PROGRAM_DATA_SEEDS: &[Seed] = &[Seed::Address(crate::ID)];

const CONFIG_DOCS: &str = "The Config PDA [\"config\"] (canonical bump).";
const CONFIG: AccountSpec = r("config", CONFIG_DOCS).pda(CONFIG_SEEDS);
const CONFIG_W: AccountSpec = w("config", CONFIG_DOCS).pda(CONFIG_SEEDS);
const ADMIN: AccountSpec = s("admin", "The config admin.");
const METER_W: AccountSpec = w(
    "meter",
    "The Meter PDA [\"meter\", meter_id] (canonical bump, stored in the account).",
)
.pda(METER_SEEDS);
const ENERGY_MINT_W: AccountSpec =
    w("energy_mint", "The energy mint PDA [\"energy_mint\"].").pda(ENERGY_MINT_SEEDS);
const SYSTEM: AccountSpec = fixed("system_program", pinocchio_system::ID);
const TOKEN: AccountSpec = fixed("token_program", TOKEN_PROGRAM_ID);

joule_common::accounts! {
    /// The admin's config changes: `propose_admin`, `set_oracles`, `set_pause`.
    pub struct AdminConfig { admin: ADMIN, config: CONFIG_W }
}

joule_common::accounts! {
    /// The admin's meter changes: `activate_meter`, `suspend_meter`,
    /// `reassign_meter`.
    pub struct AdminMeter { admin: ADMIN, config: CONFIG, meter: METER_W }
}

instruction! {
    pub mod initialize {
        docs: "The program's upgrade authority creates the Config PDA (signer = admin) and the energy mint PDA (3 decimals, mint authority the Config PDA). Once only.",
        accounts: {
            admin: ws("admin", "The program's upgrade authority; becomes the admin and pays for both accounts."),
            config: CONFIG_W,
            energy_mint: ENERGY_MINT_W,
            program_data: fixed("program_data", PROGRAM_DATA_ADDRESS)
                .pda_of(BPF_LOADER_UPGRADEABLE_ID, PROGRAM_DATA_SEEDS),
            system_program: SYSTEM,
            token_program: TOKEN,
        },
        args: {},
    }
}

instruction! {
    pub mod propose_admin {
        docs: "Admin: proposes a successor, who must accept_admin. The default address withdraws a proposal.",
        accounts: AdminConfig,
        args<'a>: { new_admin: &'a Address },
    }
}

instruction! {
    pub mod accept_admin {
        docs: "The proposed admin accepts and becomes admin.",
        accounts: {
            new_admin: s("new_admin", "The proposed admin."),
            config: CONFIG_W,
        },
        args: {},
    }
}

instruction! {
    pub mod set_oracles {
        docs: "Admin: removes, then adds, oracle keys (capacity 8). Fails as a whole on an unknown removal, a duplicate addition or overflow.",
        accounts: AdminConfig,
        args<'a>: { add: Items<'a, Address>, remove: Items<'a, Address> },
    }
}

instruction! {
    pub mod set_pause {
        docs: "Admin: sets the pause flags (1 = registry, 2 = market, 4 = certificates; 0 = nothing paused).",
        accounts: AdminConfig,
        args: { flags: u8 },
    }
}

instruction! {
    pub mod register_meter {
        docs: "The owner registers a physical meter: creates its Meter PDA, pending verification. bump must be the canonical bump of [\"meter\", meter_id] (the one findProgramAddress returns).",
        accounts: {
            owner: ws("owner", "The meter owner; pays for the account."),
            config: CONFIG,
            meter: w(
                "meter",
                "The Meter PDA [\"meter\", meter_id], created here; the bump argument must be its canonical bump.",
            )
            .pda(&[Seed::Const(SEED_METER), Seed::Arg("meter_id")]),
            system_program: SYSTEM,
        },
        args<'a>: {
            meter_id: &'a [u8; 32],
            utility_id: &'a [u8; 16],
            kind: MeterKind,
            rated_power_w: u64,
            /// Canonical bump of `["meter", meter_id]` (checked on-chain).
            bump: u8,
        },
    }
}

instruction! {
    pub mod activate_meter {
        docs: "Admin: verifies a pending meter or re-activates a suspended one; fails with UnexpectedMeterOwner unless the meter is owned by expected_owner. Every activation resets the reading baseline: readings dated at or before it are skipped and the first one after it credits nothing.",
        accounts: AdminMeter,
        args<'a>: { expected_owner: &'a Address },
    }
}

instruction! {
    pub mod suspend_meter {
        docs: "Admin: suspends a meter; readings, minting and redemption stop until it is re-activated.",
        accounts: AdminMeter,
        args: {},
    }
}

instruction! {
    pub mod propose_meter_transfer {
        docs: "The meter owner proposes a new owner, who must accept. The default address withdraws a proposal.",
        accounts: {
            owner: s("owner", "The meter owner."),
            config: CONFIG,
            meter: METER_W,
        },
        args<'a>: { new_owner: &'a Address },
    }
}

instruction! {
    pub mod accept_meter_transfer {
        docs: "The proposed owner accepts the meter.",
        accounts: {
            new_owner: s("new_owner", "The proposed owner."),
            config: CONFIG,
            meter: METER_W,
        },
        args: {},
    }
}

joule_common::borsh_layout! {
    #[idl(docs = "Return data of submit_readings: bit i of skipped_mask set = reading i skipped.")]
    /// What `submit_readings` returns.
    pub const SUBMIT_READINGS_RESULT = SubmitReadingsResult {
        applied: u16,
        skipped: u16,
        skipped_mask: &[u8],
    };
}

instruction! {
    pub mod submit_readings {
        docs: "An oracle records cumulative readings; reading i is for remaining account i (a writable Meter). Stale or duplicate readings, and readings dated at or before the meter's activation, are skipped and reported in the return data; the first reading after each activation only sets a new baseline.",
        accounts: {
            oracle: s("oracle", "A key of the current oracle set."),
            config: CONFIG,
        },
        remaining: w("meters", "One writable Meter per reading, in order."),
        args<'a>: { readings: Items<'a, Reading> },
        returns: ArgType::Defined(SUBMIT_READINGS_RESULT.name),
    }
}

instruction! {
    pub mod mint_energy {
        docs: "Permissionless: mints the meter's exported energy not yet minted to the meter owner's energy token account.",
        accounts: {
            config: CONFIG,
            meter: METER_W,
            energy_mint: ENERGY_MINT_W,
            owner_token: w(
                "owner_token",
                "An energy token account owned by the meter owner; the IDL's default is the owner's associated token account, any other of the owner's energy token accounts may be given instead.",
            )
            .pda_of(
                ASSOCIATED_TOKEN_PROGRAM_ID,
                &[
                    Seed::Field("meter.owner", "Meter"),
                    Seed::Address(TOKEN_PROGRAM_ID),
                    Seed::Account("energy_mint"),
                ],
            ),
            token_program: TOKEN,
        },
        args: {},
    }
}

instruction! {
    pub mod redeem_consumption {
        docs: "The meter owner burns energy tokens against the meter's imported energy not yet redeemed.",
        accounts: {
            owner: s("owner", "The meter owner."),
            config: CONFIG,
            meter: METER_W,
            energy_mint: ENERGY_MINT_W,
            owner_token: w(
                "owner_token",
                "The owner's energy token account (the IDL's default is the owner's associated token account; any other may be given).",
            )
            .pda_of(
                ASSOCIATED_TOKEN_PROGRAM_ID,
                &[
                    Seed::Account("owner"),
                    Seed::Address(TOKEN_PROGRAM_ID),
                    Seed::Account("energy_mint"),
                ],
            ),
            token_program: TOKEN,
        },
        args: { amount_wh: u64 },
    }
}

instruction! {
    pub mod record_certified {
        docs: "Certificates program only (its PDA [\"certifier\"] signs by CPI): records certified energy on a renewable meter.",
        accounts: {
            certifier: s("certifier", "The certificates program's PDA [\"certifier\"] (canonical bump).")
                .pda_of(CERTIFICATES_PROGRAM_ID, &[Seed::Const(SEED_CERTIFIER)]),
            config: CONFIG,
            meter: METER_W,
        },
        args: { amount_wh: u64, period_start: i64, period_end: i64 },
    }
}

instruction! {
    pub mod reassign_meter {
        docs: "Admin: gives a pending or suspended meter to new_owner (a squatted serial, a lost key); clears any pending transfer, resets the reading baseline, keeps the status. Refused for an active meter (MeterIsActive) and while exported energy is not yet minted (UnmintedEnergy).",
        accounts: AdminMeter,
        args<'a>: { new_owner: &'a Address },
    }
}

instruction! {
    pub mod close_meter {
        docs: "Admin: closes a pending (never activated) meter and returns its rent to its owner; the serial can be registered again.",
        accounts: {
            admin: ADMIN,
            config: CONFIG,
            meter: METER_W,
            owner: w("owner", "The meter owner (the registrant); receives the rent."),
        },
        args: {},
    }
}

joule_common::instructions!(
    initialize,
    propose_admin,
    accept_admin,
    set_oracles,
    set_pause,
    register_meter,
    activate_meter,
    suspend_meter,
    propose_meter_transfer,
    accept_meter_transfer,
    submit_readings,
    mint_energy,
    redeem_consumption,
    record_certified,
    reassign_meter,
    close_meter,
);
