use crate::wire::initialize;
use crate::{
    error::CertificatesError,
    events::Initialized,
    state::{
        Config, CONFIG_ADDRESS, CONFIG_BUMP, FIRST_CERTIFICATE_ID, SEED_CONFIG, STATE_VERSION,
    },
};
use joule_common::{
    account::{init, load, AccountState},
    cpi::{self, create_pda_account},
    event::emit,
    validate,
};
use joule_registry::state::{Config as RegistryConfig, CONFIG_ADDRESS as REGISTRY_CONFIG_ADDRESS};
use pinocchio::{cpi::Signer, error::ProgramError, AccountView, Address, ProgramResult};

/// Accounts of `initialize`.
pub struct InitializeAccounts<'a> {
    /// `[signer, writable]` the registry admin; pays for the config.
    pub admin: &'a AccountView,
    /// `[writable]` the certificates `Config` PDA, created here.
    pub config: &'a mut AccountView,
}

impl<'a> InitializeAccounts<'a> {
    pub fn parse(accounts: &'a mut [AccountView]) -> Result<Self, ProgramError> {
        let (named, _) = initialize::Accounts::split(accounts)?;
        let initialize::Accounts {
            admin,
            config,
            registry_config,
            system_program,
        } = initialize::Accounts::from_array(named);
        validate::writable_signer(admin)?;
        validate::address(config, &CONFIG_ADDRESS)?;
        validate::uninitialized(config)?;
        validate::address(registry_config, &REGISTRY_CONFIG_ADDRESS)?;
        let registry = load::<RegistryConfig>(registry_config, &joule_registry::ID)?;
        if &registry.admin != admin.address() {
            return Err(CertificatesError::NotRegistryAdmin.into());
        }
        drop(registry);
        cpi::system_program(system_program)?;
        Ok(Self { admin, config })
    }
}

/// `initialize(authority)`: the registry admin creates the certificates
/// `Config` PDA `["config"]` naming the certificate authority; nothing is
/// paused and certificate ids start at 1. Once only; because only the
/// registry admin may call it, nobody can front-run the deployment.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let initialize::Args { authority } = initialize::Args::parse(args)?;
    // A copy: cheaper here than keeping a pointer into the data alive.
    let authority = *authority;
    if authority == Address::default() {
        return Err(CertificatesError::InvalidAuthority.into());
    }
    let ctx = InitializeAccounts::parse(accounts)?;

    let bump = [CONFIG_BUMP];
    let seeds = pinocchio::instruction::seeds!(SEED_CONFIG, &bump);
    create_pda_account(
        ctx.admin,
        ctx.config,
        Config::SPACE,
        program_id,
        Signer::from(&seeds),
    )?;
    let config = Config {
        next_certificate_id: FIRST_CERTIFICATE_ID,
        authority,
        pending_authority: Address::default(),
        pause_flags: 0,
        version: STATE_VERSION,
        bump: CONFIG_BUMP,
        _padding: [0; 5],
        reserved: [0; 64],
    };
    init(ctx.config, &config)?;
    emit(&Initialized {
        admin: *ctx.admin.address(),
        authority,
    });
    Ok(())
}
