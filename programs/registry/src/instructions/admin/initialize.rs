use crate::{
    error::RegistryError,
    events::Initialized,
    state::{
        Config, BPF_LOADER_UPGRADEABLE_ID, ENERGY_DECIMALS, PROGRAM_DATA_ADDRESS, SEED_CONFIG,
        SEED_ENERGY_MINT, STATE_VERSION,
    },
};
use joule_common::{
    account::{init, AccountState},
    cpi::{self, create_pda_account},
    error::FrameworkError,
    event::emit,
    token::{MINT_LEN, TOKEN_PROGRAM_ID},
    validate,
};
use pinocchio::{cpi::Signer, error::ProgramError, AccountView, Address, ProgramResult};
use pinocchio_token::instructions::InitializeMint2;

use crate::wire::initialize;

/// Accounts of `initialize`.
pub struct InitializeAccounts<'a> {
    /// `[signer, writable]` becomes the admin; pays for both accounts.
    pub admin: &'a AccountView,
    /// `[writable]` the `Config` PDA, created here.
    pub config: &'a mut AccountView,
    /// `[writable]` the energy mint PDA, created here.
    pub energy_mint: &'a AccountView,
}

/// `ProgramData` state tag and the offsets of its upgrade authority
/// (`Option<Pubkey>`, bincode) in the upgradeable loader's layout.
const PROGRAM_DATA_TAG: u32 = 3;
const AUTHORITY_OPTION: usize = 12;
const PROGRAM_DATA_METADATA_LEN: usize = 45;

/// Fails unless `admin` is the upgrade authority recorded in the registry's
/// ProgramData: whoever deployed the program initialises it, so nobody can
/// take the admin seat between deployment and initialisation.
fn check_upgrade_authority(
    program_data: &AccountView,
    admin: &AccountView,
) -> Result<(), ProgramError> {
    validate::address(program_data, &PROGRAM_DATA_ADDRESS)?;
    if !program_data.owned_by(&BPF_LOADER_UPGRADEABLE_ID) {
        return Err(FrameworkError::AccountOwnedByWrongProgram.into());
    }
    let data = program_data.try_borrow()?;
    if data.len() < PROGRAM_DATA_METADATA_LEN
        || data[..4] != PROGRAM_DATA_TAG.to_le_bytes()
        || data[AUTHORITY_OPTION] != 1
        || &data[AUTHORITY_OPTION + 1..PROGRAM_DATA_METADATA_LEN] != admin.address().as_ref()
    {
        return Err(RegistryError::NotUpgradeAuthority.into());
    }
    Ok(())
}

impl<'a> InitializeAccounts<'a> {
    pub fn parse(accounts: &'a mut [AccountView]) -> Result<Self, ProgramError> {
        let (named, _) = initialize::Accounts::split(accounts)?;
        let initialize::Accounts {
            admin,
            config,
            energy_mint,
            program_data,
            system_program,
            token_program,
        } = initialize::Accounts::from_array(named);
        validate::writable_signer(admin)?;
        check_upgrade_authority(program_data, admin)?;
        validate::uninitialized(config)?;
        validate::uninitialized(energy_mint)?;
        cpi::system_program(system_program)?;
        validate::program(token_program, &TOKEN_PROGRAM_ID)?;
        Ok(Self {
            admin,
            config,
            energy_mint,
        })
    }
}

/// `initialize()`: the program's upgrade authority creates the `Config`
/// PDA (the signer becomes admin, no oracles, nothing paused) and the energy mint PDA (3 decimals, mint
/// authority the `Config` PDA, no freeze authority). Once only.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    initialize::Args::parse(args)?;
    let ctx = InitializeAccounts::parse(accounts)?;

    let (config_key, config_bump) = Address::find_program_address(&[SEED_CONFIG], program_id);
    if ctx.config.address() != &config_key {
        return Err(FrameworkError::ConstraintSeeds.into());
    }
    let (mint_key, mint_bump) = Address::find_program_address(&[SEED_ENERGY_MINT], program_id);
    if ctx.energy_mint.address() != &mint_key {
        return Err(FrameworkError::ConstraintSeeds.into());
    }

    let bump = [config_bump];
    let seeds = pinocchio::instruction::seeds!(SEED_CONFIG, &bump);
    create_pda_account(
        ctx.admin,
        ctx.config,
        Config::SPACE,
        program_id,
        Signer::from(&seeds),
    )?;

    let mbump = [mint_bump];
    let mseeds = pinocchio::instruction::seeds!(SEED_ENERGY_MINT, &mbump);
    create_pda_account(
        ctx.admin,
        ctx.energy_mint,
        MINT_LEN,
        &TOKEN_PROGRAM_ID,
        Signer::from(&mseeds),
    )?;
    InitializeMint2::new(ctx.energy_mint, ENERGY_DECIMALS, &config_key, None).invoke()?;

    let config = Config {
        admin: *ctx.admin.address(),
        pending_admin: Address::default(),
        energy_mint: mint_key,
        oracles: [Address::default(); crate::state::MAX_ORACLES],
        oracle_count: 0,
        pause_flags: 0,
        version: STATE_VERSION,
        bump: config_bump,
        energy_mint_bump: mint_bump,
        _padding: [0; 3],
        reserved: [0; 64],
    };
    init(ctx.config, &config)?;
    emit(&Initialized {
        admin: config.admin,
        energy_mint: mint_key,
    });
    Ok(())
}
