//! The minting duty: for the owners who opted in (every meter of theirs in
//! the shard) and the meters listed, mints the exported energy not yet
//! minted once it reaches `min_wh`. Minting is permissionless and pays
//! only the meter's owner; a second mint of the same energy mints nothing,
//! so two keepers minting the same meter are harmless.

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

#[async_trait(?Send)]
impl Duty for MintingDuty {
    fn name(&self) -> &'static str {
        "minting"
    }

    async fn tick(&mut self) -> Result<(), DutyError> {
        let ctx = &self.ctx;
        let payer: &dyn Signer = &*ctx.payer;
        let metrics = ctx.telemetry.metrics();
        let mut first_error = None;
        for (key, m) in self.candidates().await? {
            if ctx.shutdown.is_triggered() {
                break;
            }
            if !self.shard.contains(&m.meter_id) || m.mintable_wh() < self.min_wh {
                continue;
            }
            match flow::mint_energy(&*ctx.chain, &ctx.sender, payer, &key).await {
                Ok(r) => {
                    metrics.mints.inc();
                    metrics.minted_wh.inc_by(r.amount_wh);
                    info!(meter = %key, owner = %r.owner, amount_wh = r.amount_wh, minted_wh = r.minted_wh, "minted");
                }
                Err(e) => {
                    ctx.telemetry.write_failed("minting");
                    warn!(meter = %key, error = %e, "mint");
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
