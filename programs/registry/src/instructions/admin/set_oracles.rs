use super::super::AdminConfigAccounts;
use crate::wire::set_oracles;
use crate::{error::RegistryError, events::OraclesUpdated, state::MAX_ORACLES};
use joule_common::event::emit;
use pinocchio::{error::ProgramError, AccountView, Address, ProgramResult};

/// `set_oracles(add: Vec<Pubkey>, remove: Vec<Pubkey>)`: the admin removes,
/// then adds, oracle keys. Fails as a whole if a key to remove is absent, a
/// key to add is already present (or listed twice) or the set would exceed
/// its capacity of 8, and with `InvalidOracle` if a key to add is the
/// default address. Changes `Config::oracles` only.
///
/// Accounts: `[admin (s), config (w)]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let set_oracles::Args { add, remove } = set_oracles::Args::parse(args)?;
    let (add_n, add) = (add.count(), add.bytes());
    let (remove_n, remove) = (remove.count(), remove.bytes());
    let mut ctx = AdminConfigAccounts::parse(accounts, program_id)?;

    let cfg = &mut *ctx.config;

    let before = cfg.oracle_count;
    let mut set = cfg.oracles;
    let mut count = (before as usize).min(MAX_ORACLES);
    for key in remove.as_chunks::<32>().0 {
        let pos = set[..count]
            .iter()
            .position(|o| o.as_array() == key)
            .ok_or(ProgramError::from(RegistryError::OracleNotFound))?;
        // Keep the live keys contiguous: move the last one into the hole
        // (`pos < count`, so `count >= 1`).
        count = count
            .checked_sub(1)
            .ok_or(RegistryError::ArithmeticOverflow)?;
        set[pos] = set[count];
        set[count] = Address::default();
    }
    for key in add.as_chunks::<32>().0 {
        if key == Address::default().as_array() {
            return Err(RegistryError::InvalidOracle.into());
        }
        if set[..count].iter().any(|o| o.as_array() == key) {
            return Err(RegistryError::OracleAlreadyPresent.into());
        }
        if count == MAX_ORACLES {
            return Err(RegistryError::OracleSetFull.into());
        }
        set[count] = Address::new_from_array(*key);
        count = count
            .checked_add(1)
            .ok_or(RegistryError::ArithmeticOverflow)?;
    }
    cfg.oracles = set;
    cfg.oracle_count = count as u8;
    emit(&OraclesUpdated {
        admin: cfg.admin,
        added: add_n as u8,
        removed: remove_n as u8,
        count_before: before,
        count_after: cfg.oracle_count,
    });
    Ok(())
}
