//! The certificates program's wire contract: every instruction's accounts
//! and Borsh arguments, declared once (see `joule_common::wire`). The
//! handlers parse with it, the sdk encodes with it, the IDL is generated
//! from it.

use crate::state::{SEED_CERTIFICATE, SEED_CONFIG, SEED_SPLIT};
use joule_common::{
    instruction,
    sysvar::RENT_SYSVAR,
    wire::{fixed, r, s, w, ws, AccountSpec, Seed, Text},
};
use joule_registry::{
    state::{CERTIFIER_AUTHORITY, SEED_CERTIFIER},
    wire::{CONFIG_SEEDS as REGISTRY_CONFIG_SEEDS, METER_SEEDS},
};
use pinocchio::Address;

const CONFIG_SEEDS: &[Seed] = &[Seed::Const(SEED_CONFIG)];
const CONFIG_DOCS: &str = "The certificates Config PDA [\"config\"] (canonical bump).";
const CONFIG: AccountSpec = r("config", CONFIG_DOCS).pda(CONFIG_SEEDS);
const CONFIG_W: AccountSpec = w("config", CONFIG_DOCS).pda(CONFIG_SEEDS);
const AUTHORITY: AccountSpec = s("authority", "The certificate authority.");
const OWNER: AccountSpec = s("owner", "The certificate owner.");
const PAYER: AccountSpec = ws("payer", "Pays the new certificate's rent.");
const CERTIFICATE_W: AccountSpec = w(
    "certificate",
    "The Certificate PDA: [\"certificate\", id as u64 LE] if issued, [\"split\", parent, split_index as u32 LE] if split off, bump 255 (its id, parent and split_index are in its data). The IDL gives no seeds because they depend on which of the two it is.",
);
const SYSTEM: AccountSpec = fixed("system_program", pinocchio_system::ID);

joule_common::accounts! {
    /// The authority's config changes: `propose_authority`, `set_pause`.
    pub struct AuthorityConfig { authority: AUTHORITY, config: CONFIG_W }
}

joule_common::accounts! {
    /// An owner's change to one certificate: `transfer_certificate`,
    /// `retire_certificate`.
    pub struct OwnedCertificate { owner: OWNER, config: CONFIG, certificate: CERTIFICATE_W }
}

instruction! {
    pub mod initialize {
        docs: "Registry admin only, once: creates the certificates Config PDA naming the certificate authority.",
        accounts: {
            admin: ws("admin", "The registry admin; pays for the config."),
            config: CONFIG_W,
            registry_config: r("registry_config", "The registry Config PDA [\"config\"] of the registry program (proves the signer is its admin).")
                .pda_of(joule_registry::ID, REGISTRY_CONFIG_SEEDS),
            system_program: SYSTEM,
        },
        args<'a>: { authority: &'a Address },
    }
}

instruction! {
    pub mod propose_authority {
        docs: "Authority: proposes a successor, who must accept_authority. The default address withdraws a proposal.",
        accounts: AuthorityConfig,
        args<'a>: { new_authority: &'a Address },
    }
}

instruction! {
    pub mod accept_authority {
        docs: "The proposed authority accepts and becomes the certificate authority.",
        accounts: {
            new_authority: s("new_authority", "The proposed authority."),
            config: CONFIG_W,
        },
        args: {},
    }
}

instruction! {
    pub mod set_pause {
        docs: "Authority: sets the pause flags (1 = issue, 2 = transfer and split, 4 = retire; 0 = nothing paused). Revocation is never paused.",
        accounts: AuthorityConfig,
        args: { flags: u8 },
    }
}

instruction! {
    pub mod issue_certificate {
        docs: "Authority: certifies amount_wh of a renewable meter's exported energy not yet certified, over [period_start, period_end] (end no later than the meter's last reading). The registry records it in the meter's certified_wh (CPI signed by the PDA [\"certifier\"]); the new Certificate PDA [\"certificate\", id] (bump 255) belongs to the meter owner. id must be a usable id (its bump-255 address is a valid PDA) from the config's next_certificate_id up to 63 past it. Only this instruction consumes ids, so no holder can take the one the authority is issuing.",
        accounts: {
            authority: AUTHORITY,
            payer: PAYER,
            config: CONFIG_W,
            certificate: w("certificate", "The Certificate PDA [\"certificate\", id as u64 LE], created here with bump 255: id must be usable, i.e. its canonical bump is 255 (see next_usable_id), so the PDA a client derives is the one the program accepts.")
                .pda(&[Seed::Const(SEED_CERTIFICATE), Seed::Arg("id")]),
            registry_config: r("registry_config", "The registry Config PDA [\"config\"] of the registry program.")
                .pda_of(joule_registry::ID, REGISTRY_CONFIG_SEEDS),
            meter: w("meter", "The registry Meter PDA [\"meter\", meter_id] of the registry program whose energy is certified.")
                .pda_of(joule_registry::ID, METER_SEEDS),
            certifier: fixed("certifier", CERTIFIER_AUTHORITY)
                .pda(&[Seed::Const(SEED_CERTIFIER)]),
            registry_program: fixed("registry_program", joule_registry::ID),
            system_program: SYSTEM,
        },
        args: { amount_wh: u64, period_start: i64, period_end: i64, id: u64 },
    }
}

instruction! {
    pub mod transfer_certificate {
        docs: "Owner: transfers an active certificate, whole, to new_owner.",
        accounts: OwnedCertificate,
        args<'a>: { new_owner: &'a Address },
    }
}

instruction! {
    pub mod split_certificate {
        docs: "Owner: splits an active certificate in two. The original keeps keep_wh; a new Certificate PDA [\"split\", certificate, split_index as u32 LE] (bump 255) with the same meter, period, source and issuance id receives split_wh, belongs to new_owner and records the original as its parent. Both non-zero, summing exactly to the original amount. split_index must be a usable index (its bump-255 address is a valid PDA) from the original's split_count up to 63 past it. Takes no issuance id.",
        accounts: {
            owner: OWNER,
            payer: PAYER,
            config: CONFIG,
            certificate: CERTIFICATE_W,
            new_certificate: w("new_certificate", "The Certificate PDA [\"split\", certificate, split_index as u32 LE], created here with bump 255: split_index must be usable, i.e. its canonical bump is 255 (see next_split_index), so the PDA a client derives is the one the program accepts.")
                .pda(&[Seed::Const(SEED_SPLIT), Seed::Account("certificate"), Seed::Arg("split_index")]),
            rent: fixed("rent", RENT_SYSVAR),
            system_program: SYSTEM,
        },
        args<'a>: {
            /// What the original certificate keeps.
            keep_wh: u64,
            /// What the new certificate receives.
            split_wh: u64,
            /// Owner of the new certificate (may be the signer).
            new_owner: &'a Address,
            /// The new part's index under the original.
            split_index: u32,
        },
    }
}

instruction! {
    pub mod retire_certificate {
        docs: "Owner: retires an active certificate for a beneficiary (key, default if none, and a 1 to 64 byte name) with a 1 to 128 byte reason. Final.",
        accounts: OwnedCertificate,
        args<'a>: { beneficiary: &'a Address, beneficiary_name: Text<'a>, reason: Text<'a> },
    }
}

instruction! {
    pub mod revoke_certificate {
        docs: "Authority: revokes an active certificate with a 1 to 128 byte reason. Final; the energy stays certified, so it can never be certified again. Not affected by pause.",
        accounts: {
            authority: AUTHORITY,
            config: CONFIG,
            certificate: CERTIFICATE_W,
        },
        args<'a>: { reason: Text<'a> },
    }
}

joule_common::instructions!(
    initialize,
    propose_authority,
    accept_authority,
    set_pause,
    issue_certificate,
    transfer_certificate,
    split_certificate,
    retire_certificate,
    revoke_certificate,
);
