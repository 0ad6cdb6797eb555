//! Registry flows: initialise, meters, readings, mint and redeem.

use super::{
    account_data, ensure_lookup_tables, expect_event, tokens, transaction_footprint, FlowError,
    FlowResult,
};
use crate::chain::Chain;
use crate::sender::{Landed, Sender};
use joule_sdk::registry::{
    self as reg, Config, ConsumptionRedeemed, EnergyMinted, Meter, MeterClosed, MeterKind,
    MeterStatus, Reading, SubmitReadingsResult, MAX_READINGS,
};
use joule_sdk::{associated_token_address, Instruction, Pubkey};
use solana_message::AddressLookupTableAccount;
use solana_signer::Signer;

/// The registry's config, read from the chain.
pub async fn config(chain: &(impl Chain + ?Sized), sender: &Sender) -> FlowResult<Config> {
    let key = reg::config_address();
    let data = account_data(chain, sender, &key, "registry config").await?;
    reg::decode_config(&data).ok_or(FlowError::Undecodable {
        what: "registry config",
        key,
    })
}

/// A meter, read from the chain.
pub async fn meter(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    meter: &Pubkey,
) -> FlowResult<Meter> {
    let data = account_data(chain, sender, meter, "meter").await?;
    reg::decode_meter(&data).ok_or(FlowError::Undecodable {
        what: "meter",
        key: *meter,
    })
}

/// The registry after [`initialize`].
#[derive(Clone, Debug)]
pub struct RegistryInitialized {
    pub landed: Landed,
    pub admin: Pubkey,
    /// The energy mint the registry created (PDA, 3 decimals, minted by
    /// the config PDA).
    pub energy_mint: Pubkey,
    pub oracles: Vec<Pubkey>,
}

/// `initialize` (the config and the energy mint, by the program's upgrade
/// authority `admin`) and `set_oracles(oracles)`, in one transaction.
pub async fn initialize(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    admin: &dyn Signer,
    oracles: &[Pubkey],
) -> FlowResult<RegistryInitialized> {
    let mut ixs = vec![reg::Initialize {
        admin: admin.pubkey(),
    }
    .instruction()];
    if !oracles.is_empty() {
        ixs.push(
            reg::SetOracles {
                admin: admin.pubkey(),
                add: oracles,
                remove: &[],
            }
            .instruction(),
        );
    }
    let landed = sender.send(chain, &ixs, admin, &[]).await?;
    let cfg = config(chain, sender).await?;
    Ok(RegistryInitialized {
        landed,
        admin: cfg.admin,
        energy_mint: reg::energy_mint_address(),
        oracles: cfg.oracles().to_vec(),
    })
}

/// `set_oracles`: removes `remove`, then adds `add`.
pub async fn set_oracles(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    admin: &dyn Signer,
    add: &[Pubkey],
    remove: &[Pubkey],
) -> FlowResult<Landed> {
    let ix = reg::SetOracles {
        admin: admin.pubkey(),
        add,
        remove,
    }
    .instruction();
    Ok(sender.send(chain, &[ix], admin, &[]).await?)
}

/// A meter to register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMeter {
    /// The utility's serial (normalised into the meter id).
    pub serial: String,
    /// The utility (DISCOM) code, 1 to 16 bytes.
    pub utility: String,
    pub kind: MeterKind,
    pub rated_power_w: u64,
}

/// A registered meter.
#[derive(Clone, Debug)]
pub struct MeterRegistered {
    pub landed: Landed,
    pub meter: Pubkey,
    pub meter_id: [u8; 32],
}

/// `register_meter`: `owner` registers (and pays for) a meter, pending
/// verification.
pub async fn register_meter(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    owner: &dyn Signer,
    new: &NewMeter,
) -> FlowResult<MeterRegistered> {
    let meter_id = reg::meter_id_from_serial(&new.serial);
    let utility = reg::utility_id(&new.utility).map_err(FlowError::Invalid)?;
    let ix = reg::RegisterMeter {
        owner: owner.pubkey(),
        meter_id,
        utility_id: utility,
        kind: new.kind,
        rated_power_w: new.rated_power_w,
    }
    .instruction();
    let landed = sender.send(chain, &[ix], owner, &[]).await?;
    Ok(MeterRegistered {
        landed,
        meter: reg::meter_address(&meter_id).0,
        meter_id,
    })
}

/// A meter's status after an admin action, read back from the chain.
#[derive(Clone, Debug)]
pub struct MeterChanged {
    pub landed: Landed,
    pub status: Option<MeterStatus>,
    pub owner: Pubkey,
}

async fn changed(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    key: &Pubkey,
    landed: Landed,
) -> FlowResult<MeterChanged> {
    let m = meter(chain, sender, key).await?;
    Ok(MeterChanged {
        landed,
        status: MeterStatus::from_u8(m.status),
        owner: m.owner,
    })
}

/// `activate_meter`: the admin verifies (or re-activates) `meter`, only if
/// `expected_owner` owns it.
pub async fn activate_meter(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    admin: &dyn Signer,
    meter: &Pubkey,
    expected_owner: &Pubkey,
) -> FlowResult<MeterChanged> {
    let ix = reg::ActivateMeter {
        admin: admin.pubkey(),
        meter: *meter,
        expected_owner: *expected_owner,
    }
    .instruction();
    let landed = sender.send(chain, &[ix], admin, &[]).await?;
    changed(chain, sender, meter, landed).await
}

/// `suspend_meter`.
pub async fn suspend_meter(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    admin: &dyn Signer,
    meter: &Pubkey,
) -> FlowResult<MeterChanged> {
    let ix = reg::SuspendMeter {
        admin: admin.pubkey(),
        meter: *meter,
    }
    .instruction();
    let landed = sender.send(chain, &[ix], admin, &[]).await?;
    changed(chain, sender, meter, landed).await
}

/// `reassign_meter`: the admin gives a pending or suspended meter to
/// `new_owner`.
pub async fn reassign_meter(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    admin: &dyn Signer,
    meter: &Pubkey,
    new_owner: &Pubkey,
) -> FlowResult<MeterChanged> {
    let ix = reg::ReassignMeter {
        admin: admin.pubkey(),
        meter: *meter,
        new_owner: *new_owner,
    }
    .instruction();
    let landed = sender.send(chain, &[ix], admin, &[]).await?;
    changed(chain, sender, meter, landed).await
}

/// A closed meter.
#[derive(Clone, Debug)]
pub struct MeterClosedResult {
    pub landed: Landed,
    /// Who got the rent back.
    pub owner: Pubkey,
    pub lamports: u64,
}

/// `close_meter`: the admin closes a pending meter; its rent goes back to
/// its owner (read from the meter).
pub async fn close_meter(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    admin: &dyn Signer,
    meter_key: &Pubkey,
) -> FlowResult<MeterClosedResult> {
    let m = meter(chain, sender, meter_key).await?;
    let owner = m.owner;
    let ix = reg::CloseMeter {
        admin: admin.pubkey(),
        meter: *meter_key,
        owner,
    }
    .instruction();
    let landed = sender.send(chain, &[ix], admin, &[]).await?;
    let ev: MeterClosed = expect_event(&landed, "MeterClosed")?;
    Ok(MeterClosedResult {
        landed,
        owner,
        lamports: ev.lamports,
    })
}

/// `propose_meter_transfer`: the owner proposes `new_owner` (the default
/// address withdraws a proposal).
pub async fn propose_meter_transfer(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    owner: &dyn Signer,
    meter: &Pubkey,
    new_owner: &Pubkey,
) -> FlowResult<Landed> {
    let ix = reg::ProposeMeterTransfer {
        owner: owner.pubkey(),
        meter: *meter,
        new_owner: *new_owner,
    }
    .instruction();
    Ok(sender.send(chain, &[ix], owner, &[]).await?)
}

/// `accept_meter_transfer`: the proposed owner takes the meter.
pub async fn accept_meter_transfer(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    new_owner: &dyn Signer,
    meter: &Pubkey,
) -> FlowResult<MeterChanged> {
    let ix = reg::AcceptMeterTransfer {
        new_owner: new_owner.pubkey(),
        meter: *meter,
    }
    .instruction();
    let landed = sender.send(chain, &[ix], new_owner, &[]).await?;
    changed(chain, sender, meter, landed).await
}

// ------------------------------------------------------------ readings

/// What became of one reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadingOutcome {
    /// Applied (a baseline, or credited).
    Applied,
    /// Skipped by the program: stale, a duplicate, or dated at or before
    /// the meter's activation.
    Skipped,
}

/// One transaction of a readings submission.
#[derive(Clone, Debug)]
pub struct ReadingsTransaction {
    pub landed: Landed,
    /// How many readings it carried.
    pub readings: usize,
    /// Its size on the wire, bytes.
    pub size: usize,
    /// What the program returned for it.
    pub result: SubmitReadingsResult,
}

/// What a readings submission did.
#[derive(Clone, Debug)]
pub struct ReadingsSubmitted {
    /// One outcome per reading, in the order given.
    pub outcomes: Vec<ReadingOutcome>,
    pub transactions: Vec<ReadingsTransaction>,
    /// The lookup table used (v0 submissions).
    pub lookup_table: Option<Pubkey>,
}

impl ReadingsSubmitted {
    pub fn applied(&self) -> usize {
        self.count(ReadingOutcome::Applied)
    }

    pub fn skipped(&self) -> usize {
        self.count(ReadingOutcome::Skipped)
    }

    fn count(&self, outcome: ReadingOutcome) -> usize {
        self.outcomes.iter().filter(|o| **o == outcome).count()
    }
}

/// Submits `readings` (`(meter, reading)` pairs, in order) in legacy
/// transactions, each holding as many readings as fit in 1,232 bytes
/// (measured on the real serialized transaction, the sender's
/// compute-budget instructions included).
pub async fn submit_readings(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    oracle: &dyn Signer,
    readings: &[(Pubkey, Reading)],
) -> FlowResult<ReadingsSubmitted> {
    submit_batches(chain, sender, oracle, readings, None, None).await
}

/// Submits `readings` in v0 transactions through a lookup table holding
/// the registry config and every meter: `table` if given (extended with
/// the meters it lacks, so it must be the oracle's), or a new one the
/// oracle creates. Each transaction holds as many readings as fit (up to
/// the program's 64 per instruction).
pub async fn submit_readings_v0(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    oracle: &dyn Signer,
    table: Option<&Pubkey>,
    readings: &[(Pubkey, Reading)],
) -> FlowResult<ReadingsSubmitted> {
    let mut addresses = vec![reg::config_address()];
    for (m, _) in readings {
        if !addresses.contains(m) {
            addresses.push(*m);
        }
    }
    let existing: Vec<Pubkey> = table.into_iter().copied().collect();
    let tables = ensure_lookup_tables(chain, sender, oracle, &existing, &addresses).await?;
    let key = tables.first().map(|t| t.key);
    submit_batches(chain, sender, oracle, readings, Some(&tables), key).await
}

/// Greedy batching: the longest prefix of what is left that fits one
/// transaction (and one instruction), sent in order.
async fn submit_batches(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    oracle: &dyn Signer,
    readings: &[(Pubkey, Reading)],
    tables: Option<&[AddressLookupTableAccount]>,
    lookup_table: Option<Pubkey>,
) -> FlowResult<ReadingsSubmitted> {
    let payer = oracle.pubkey();
    let mut out = ReadingsSubmitted {
        outcomes: Vec::with_capacity(readings.len()),
        transactions: Vec::new(),
        lookup_table,
    };
    let mut rest = readings;
    while !rest.is_empty() {
        let (n, size) = largest_batch(rest, &payer, tables)?;
        let (batch, tail) = rest.split_at(n);
        let ix = reg::SubmitReadings {
            oracle: payer,
            readings: batch,
        }
        .instruction();
        let landed = match tables {
            None => sender.send(chain, &[ix], oracle, &[]).await?,
            Some(t) => sender.send_v0(chain, &[ix], oracle, &[], t).await?,
        };
        let result = readings_result(&landed, n)?;
        out.outcomes.extend((0..n).map(|i| {
            if result.is_skipped(i) {
                ReadingOutcome::Skipped
            } else {
                ReadingOutcome::Applied
            }
        }));
        out.transactions.push(ReadingsTransaction {
            landed,
            readings: n,
            size,
            result,
        });
        rest = tail;
    }
    Ok(out)
}

/// How many of `readings` (from the front) one transaction holds, and its
/// size.
fn largest_batch(
    readings: &[(Pubkey, Reading)],
    payer: &Pubkey,
    tables: Option<&[AddressLookupTableAccount]>,
) -> FlowResult<(usize, usize)> {
    let footprint = |n: usize| {
        let ix: Instruction = reg::SubmitReadings {
            oracle: *payer,
            readings: &readings[..n],
        }
        .instruction();
        transaction_footprint(&[ix], payer, tables)
    };
    let mut best = None;
    for n in 1..=readings.len().min(MAX_READINGS) {
        match footprint(n) {
            Some(f) if f.fits() => best = Some((n, f.size)),
            _ => break,
        }
    }
    best.ok_or_else(|| FlowError::Invalid("not even one reading fits a transaction".into()))
}

/// The program's return data for a batch of `n` readings.
fn readings_result(landed: &Landed, n: usize) -> FlowResult<SubmitReadingsResult> {
    let (program, data) = landed
        .simulation
        .return_data
        .as_ref()
        .ok_or_else(|| FlowError::Unexpected("submit_readings returned nothing".into()))?;
    if *program != reg::ID {
        return Err(FlowError::Unexpected(format!(
            "return data from {program}, not the registry"
        )));
    }
    let result = SubmitReadingsResult::decode(data)
        .ok_or_else(|| FlowError::Unexpected("undecodable submit_readings result".into()))?;
    if usize::from(result.applied) + usize::from(result.skipped) != n {
        return Err(FlowError::Unexpected(format!(
            "{} applied + {} skipped for {n} readings",
            result.applied, result.skipped
        )));
    }
    Ok(result)
}

// ------------------------------------------------------------ energy

/// Energy minted to a meter owner.
#[derive(Clone, Debug)]
pub struct EnergyMintedResult {
    pub landed: Landed,
    pub owner: Pubkey,
    /// The owner's energy token account that received it.
    pub token_account: Pubkey,
    pub amount_wh: u64,
    /// The meter's minted total after.
    pub minted_wh: u64,
}

/// `mint_energy`: mints the meter's exported energy not yet minted to its
/// owner's associated energy account (created in the same transaction if
/// missing), paid by `payer` (minting is permissionless). Nothing to mint
/// lands too, and mints 0.
pub async fn mint_energy(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    payer: &dyn Signer,
    meter_key: &Pubkey,
) -> FlowResult<EnergyMintedResult> {
    let m = meter(chain, sender, meter_key).await?;
    let owner = m.owner;
    let mint = reg::energy_mint_address();
    let ata = associated_token_address(&owner, &mint);
    let ixs = [
        joule_sdk::token::create_associated_token_account_idempotent(
            &payer.pubkey(),
            &owner,
            &mint,
        ),
        reg::MintEnergy {
            meter: *meter_key,
            owner_token: ata,
        }
        .instruction(),
    ];
    let landed = sender.send(chain, &ixs, payer, &[]).await?;
    // Nothing to mint is a success without an event.
    let (amount_wh, minted_wh) = match super::event::<EnergyMinted>(&landed) {
        Some(ev) => (ev.amount_wh, ev.minted_wh_after),
        None if m.mintable_wh() == 0 => (0, m.minted_wh),
        None => return Err(FlowError::Unexpected("no EnergyMinted event".into())),
    };
    Ok(EnergyMintedResult {
        landed,
        owner,
        token_account: ata,
        amount_wh,
        minted_wh,
    })
}

/// The instructions minting `meters` (`(meter, owner)`) in one
/// transaction: each owner's associated energy account created
/// (idempotent) once, before its first meter's mint.
pub fn mint_instructions(payer: &Pubkey, meters: &[(Pubkey, Pubkey)]) -> Vec<Instruction> {
    let mint = reg::energy_mint_address();
    let mut owners: Vec<Pubkey> = Vec::new();
    let mut ixs = Vec::new();
    for (meter, owner) in meters {
        if !owners.contains(owner) {
            owners.push(*owner);
            ixs.push(
                joule_sdk::token::create_associated_token_account_idempotent(payer, owner, &mint),
            );
        }
        ixs.push(
            reg::MintEnergy {
                meter: *meter,
                owner_token: associated_token_address(owner, &mint),
            }
            .instruction(),
        );
    }
    ixs
}

/// Splits `meters` (`(meter, owner)`, in order) into batches that each fit
/// one legacy transaction paid by `payer` ([`mint_instructions`]).
pub fn plan_mint_batches(
    payer: &Pubkey,
    meters: &[(Pubkey, Pubkey)],
) -> Vec<Vec<(Pubkey, Pubkey)>> {
    let mut batches: Vec<Vec<(Pubkey, Pubkey)>> = Vec::new();
    let mut current: Vec<(Pubkey, Pubkey)> = Vec::new();
    for m in meters {
        current.push(*m);
        let fits = transaction_footprint(&mint_instructions(payer, &current), payer, None)
            .is_some_and(|f| f.fits());
        if !fits && current.len() > 1 {
            current.pop();
            batches.push(std::mem::take(&mut current));
            current.push(*m);
        }
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// One meter's mint in a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Minted {
    pub meter: Pubkey,
    pub owner: Pubkey,
    pub amount_wh: u64,
    /// The meter's minted total after.
    pub minted_wh: u64,
}

/// One transaction of mints.
#[derive(Clone, Debug)]
pub struct MintBatch {
    pub landed: Landed,
    /// What each meter's mint did (a meter with nothing left to mint has
    /// no entry).
    pub minted: Vec<Minted>,
}

/// `mint_energy` for several meters (`(meter, owner)`) in one transaction
/// (plan them with [`plan_mint_batches`]); all mint or none does.
pub async fn mint_energy_batch(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    payer: &dyn Signer,
    meters: &[(Pubkey, Pubkey)],
) -> FlowResult<MintBatch> {
    if meters.is_empty() {
        return Err(FlowError::Invalid("no meters to mint".into()));
    }
    let ixs = mint_instructions(&payer.pubkey(), meters);
    let landed = sender.send(chain, &ixs, payer, &[]).await?;
    let minted = joule_sdk::events::decode_all::<EnergyMinted>(&landed.simulation.logs)
        .into_iter()
        .map(|e| Minted {
            meter: e.meter,
            owner: e.owner,
            amount_wh: e.amount_wh,
            minted_wh: e.minted_wh_after,
        })
        .collect();
    Ok(MintBatch { landed, minted })
}

/// Energy redeemed against a meter's imports.
#[derive(Clone, Debug)]
pub struct RedeemedResult {
    pub landed: Landed,
    pub amount_wh: u64,
    /// The meter's redeemed total after.
    pub redeemed_wh: u64,
    pub imported_wh: u64,
}

/// `redeem_consumption`: the meter's owner burns `amount_wh` energy tokens
/// from their associated account against the meter's imported energy.
pub async fn redeem(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    owner: &dyn Signer,
    meter_key: &Pubkey,
    amount_wh: u64,
) -> FlowResult<RedeemedResult> {
    let ata = associated_token_address(&owner.pubkey(), &reg::energy_mint_address());
    let ix = reg::RedeemConsumption {
        owner: owner.pubkey(),
        meter: *meter_key,
        owner_token: ata,
        amount_wh,
    }
    .instruction();
    let landed = sender.send(chain, &[ix], owner, &[]).await?;
    let ev: ConsumptionRedeemed = expect_event(&landed, "ConsumptionRedeemed")?;
    Ok(RedeemedResult {
        landed,
        amount_wh: ev.amount_wh,
        redeemed_wh: ev.redeemed_wh_after,
        imported_wh: ev.imported_wh,
    })
}

/// The most a meter's owner can redeem now: the meter's unredeemed imports,
/// at most their energy balance.
pub async fn redeemable(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    meter_key: &Pubkey,
) -> FlowResult<u64> {
    let m = meter(chain, sender, meter_key).await?;
    let owner = m.owner;
    let ata = associated_token_address(&owner, &reg::energy_mint_address());
    let balance = tokens::balance(chain, sender, &ata).await?;
    Ok(m.redeemable_wh().min(balance))
}
