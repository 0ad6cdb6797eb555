//! Instruction specs: each instruction's accounts (order, writable, signer,
//! PDA seeds) and arguments, as the programs declare them once in their
//! `wire` modules. The builders fill the same declarations (`Accounts`,
//! `Args`) and the IDL is generated from them (by the `joule-idl` crate),
//! so the program's parser, the sdk's encoder and the IDL cannot drift.

use crate::{AccountMeta, Instruction, Pubkey};

pub use joule_common::wire::{
    AccountSpec, ArgSpec, ArgType, EncodedItems, Instructions, IxSpec, Pda, Seed, Text,
};

/// The spec named `name` in a program's instruction list, or a panic naming
/// `program`: a spec can only be asked for an instruction the program has.
pub fn find(instructions: Instructions, program: &str, name: &str) -> &'static IxSpec {
    instructions
        .iter()
        .copied()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("unknown {program} instruction {name}"))
}

/// Builds an instruction of `program_id`: `keys` in spec order (a program's
/// `wire::<ix>::Accounts::into_array()`; fixed addresses are taken from the
/// spec), then `remaining` metas, and `data` (`wire::<ix>::Args::data()`).
pub fn instruction<const N: usize>(
    program_id: Pubkey,
    spec: &IxSpec,
    keys: [Pubkey; N],
    remaining: Vec<AccountMeta>,
    data: Vec<u8>,
) -> Instruction {
    assert_eq!(N, spec.accounts.len(), "{}: account count", spec.name);
    let mut accounts: Vec<AccountMeta> = spec
        .accounts
        .iter()
        .zip(keys)
        .map(|(spec, key)| {
            let key = spec.address.unwrap_or(key);
            if spec.writable {
                AccountMeta::new(key, spec.signer)
            } else {
                AccountMeta::new_readonly(key, spec.signer)
            }
        })
        .collect();
    accounts.extend(remaining);
    Instruction {
        program_id,
        accounts,
        data,
    }
}
