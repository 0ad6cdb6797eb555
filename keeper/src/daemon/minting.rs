//! The minting duty: for the owners who opted in (every meter of theirs in
//! the shard) and the meters listed, mints the exported energy not yet
//! minted once it reaches `min_wh`. Minting is permissionless and pays
//! only the meter's owner; a second mint of the same energy mints nothing,
//! so two keepers minting the same meter are harmless.
//!
//! The meters due are minted in as few legacy transactions as fit (ten
//! meters of four owners fit one; fewer when every meter has its own
//! owner: each owner's energy account is created idempotently once per
//! transaction). A batch
//! that fails is tried again one meter per transaction, so one meter that
//! cannot be minted does not hold up the others; trying again is safe
//! because a mint only mints what is not minted yet.

use super::readings::read_accounts;
use super::shard::Shard;
use super::{Ctx, Duty, DutyError};
use async_trait::async_trait;
use joule_client::flows::{registry as flow, FlowError};
use joule_client::{Account, AccountFilter, Chain, Signer};
use joule_sdk::certificates::AccountState;
use joule_sdk::registry::{self as reg, Meter};
use joule_sdk::Pubkey;
use std::collections::BTreeMap;
use tracing::{info, warn};

/// The minting duty; see the module docs.
pub(crate) struct MintingDuty {
    ctx: Ctx,
    shard: Shard,
    owners: Vec<Pubkey>,
    meters: Vec<Pubkey>,
    min_wh: u64,
}

impl MintingDuty {
    pub(crate) fn new(
        ctx: Ctx,
        shard: Shard,
        owners: Vec<Pubkey>,
        meters: Vec<Pubkey>,
        min_wh: u64,
    ) -> Self {
        MintingDuty {
            ctx,
            shard,
            owners,
            meters,
            min_wh,
        }
    }

    /// Every meter to consider, decoded, by address.
    async fn candidates(&self) -> Result<BTreeMap<Pubkey, Meter>, FlowError> {
        let ctx = &self.ctx;
        let mut out = BTreeMap::new();
        for owner in &self.owners {
            let filters = [
                AccountFilter::DataSize(u64::try_from(Meter::SPACE).unwrap_or(u64::MAX)),
                AccountFilter::Memcmp {
                    offset: 0,
                    bytes: Meter::DISCRIMINATOR.to_vec(),
                },
                AccountFilter::Memcmp {
                    offset: 8,
                    bytes: owner.as_ref().to_vec(),
                },
            ];
            let found = ctx
                .read(|| ctx.chain.get_program_accounts(&reg::ID, &filters))
                .await?;
            for (k, a) in found {
                if let Some(m) = reg::decode_meter(&a.data) {
                    out.insert(k, m);
                }
            }
        }
        let accounts: Vec<Option<Account>> = read_accounts(ctx, &self.meters).await?;
        for (k, a) in self.meters.iter().zip(accounts) {
            match a
                .filter(|a| a.owner == reg::ID)
                .and_then(|a| reg::decode_meter(&a.data))
            {
                Some(m) => {
                    out.insert(*k, m);
                }
                None => warn!(meter = %k, "configured meter to mint does not exist"),
            }
        }
        Ok(out)
    }
}

impl MintingDuty {
    /// Counts and logs what a landed batch minted.
    fn minted(&self, minted: &[flow::Minted]) {
        let metrics = self.ctx.telemetry.metrics();
        for m in minted {
            metrics.mints.inc();
            metrics.minted_wh.inc_by(m.amount_wh);
            info!(meter = %m.meter, owner = %m.owner, amount_wh = m.amount_wh, minted_wh = m.minted_wh, "minted");
        }
    }
}

#[async_trait(?Send)]
impl Duty for MintingDuty {
    fn name(&self) -> &'static str {
        "minting"
    }

    async fn tick(&mut self) -> Result<(), DutyError> {
        let ctx = &self.ctx;
        let payer: &dyn Signer = &*ctx.payer;
        let due: Vec<(Pubkey, Pubkey)> = self
            .candidates()
            .await?
            .into_iter()
            .filter(|(_, m)| {
                m.is_active() && self.shard.contains(&m.meter_id) && m.mintable_wh() >= self.min_wh
            })
            .map(|(k, m)| (k, m.owner))
            .collect();
        let mut first_error = None;
        for batch in flow::plan_mint_batches(&payer.pubkey(), &due) {
            if ctx.shutdown.is_triggered() {
                break;
            }
            match flow::mint_energy_batch(&*ctx.chain, &ctx.sender, payer, &batch).await {
                Ok(b) => self.minted(&b.minted),
                Err(e) if batch.len() > 1 => {
                    warn!(meters = batch.len(), error = %e, "batch mint failed; minting one meter per transaction");
                    for one in &batch {
                        if ctx.shutdown.is_triggered() {
                            break;
                        }
                        match flow::mint_energy_batch(
                            &*ctx.chain,
                            &ctx.sender,
                            payer,
                            std::slice::from_ref(one),
                        )
                        .await
                        {
                            Ok(b) => self.minted(&b.minted),
                            Err(e) => {
                                ctx.telemetry.write_failed("minting");
                                warn!(meter = %one.0, error = %e, "mint");
                                first_error.get_or_insert(e);
                            }
                        }
                    }
                }
                Err(e) => {
                    ctx.telemetry.write_failed("minting");
                    if let Some((meter, _)) = batch.first() {
                        warn!(meter = %meter, error = %e, "mint");
                    }
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}
