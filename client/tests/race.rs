//! A transaction that passes its simulation and then fails on chain (the
//! state changed between the two: another writer got there first). The
//! sender must return the on-chain failure typed, after one signed version,
//! and must not re-sign or resend a transaction that has already landed.

use async_trait::async_trait;
use joule_client::chain::{
    ChainClock, LatestBlockhash, LookupTable, PrioritizationFee, Simulation, TxStatus,
};
use joule_client::{
    Account, AccountFilter, Chain, ChainError, EmbeddedChain, Keypair, SendError, Sender,
    SenderConfig, Signature, Signer, VersionedTransaction,
};
use joule_sdk::{registry, Pubkey};
use std::sync::Mutex;
use std::time::Duration;

type Hook = Box<dyn FnOnce(&EmbeddedChain) + Send>;

/// The embedded chain, with a hook run once just before the first
/// transaction is sent (after the sender simulated it), and one run once
/// just after it landed.
struct Race {
    inner: EmbeddedChain,
    before_send: Mutex<Option<Hook>>,
    after_send: Mutex<Option<Hook>>,
    sends: Mutex<Vec<Signature>>,
}

#[async_trait]
impl Chain for Race {
    async fn get_account(&self, key: &Pubkey) -> Result<Option<Account>, ChainError> {
        self.inner.get_account(key).await
    }
    async fn get_multiple_accounts(
        &self,
        keys: &[Pubkey],
    ) -> Result<Vec<Option<Account>>, ChainError> {
        self.inner.get_multiple_accounts(keys).await
    }
    async fn get_program_accounts(
        &self,
        program: &Pubkey,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ChainError> {
        self.inner.get_program_accounts(program, filters).await
    }
    async fn get_clock(&self) -> Result<ChainClock, ChainError> {
        self.inner.get_clock().await
    }
    async fn get_slot(&self) -> Result<u64, ChainError> {
        self.inner.get_slot().await
    }
    async fn get_root_slot(&self) -> Result<u64, ChainError> {
        self.inner.get_root_slot().await
    }
    async fn get_latest_blockhash(&self) -> Result<LatestBlockhash, ChainError> {
        self.inner.get_latest_blockhash().await
    }
    async fn get_block_height(&self) -> Result<u64, ChainError> {
        self.inner.get_block_height().await
    }
    async fn simulate_transaction(
        &self,
        tx: &VersionedTransaction,
    ) -> Result<Simulation, ChainError> {
        self.inner.simulate_transaction(tx).await
    }
    async fn send_transaction(&self, tx: &VersionedTransaction) -> Result<Signature, ChainError> {
        let hook = self.before_send.lock().expect("lock").take();
        if let Some(hook) = hook {
            hook(&self.inner);
        }
        self.sends.lock().expect("lock").push(tx.signatures[0]);
        let sent = self.inner.send_transaction(tx).await;
        let hook = self.after_send.lock().expect("lock").take();
        if let Some(hook) = hook {
            hook(&self.inner);
        }
        sent
    }
    async fn get_signature_statuses(
        &self,
        signatures: &[Signature],
    ) -> Result<Vec<Option<TxStatus>>, ChainError> {
        self.inner.get_signature_statuses(signatures).await
    }
    async fn get_recent_prioritization_fees(
        &self,
        writable: &[Pubkey],
    ) -> Result<Vec<PrioritizationFee>, ChainError> {
        self.inner.get_recent_prioritization_fees(writable).await
    }
    async fn get_address_lookup_table(
        &self,
        key: &Pubkey,
    ) -> Result<Option<LookupTable>, ChainError> {
        self.inner.get_address_lookup_table(key).await
    }
}

#[tokio::test(start_paused = true)]
async fn a_transaction_that_fails_on_chain_after_a_clean_simulation_comes_back_typed() {
    let admin = Keypair::new();
    let inner = EmbeddedChain::builder()
        .upgrade_authority(admin.pubkey())
        .slot_duration(Duration::from_millis(400))
        .build()
        .expect("embedded chain (build the programs first: scripts/build-sbf.sh)");
    inner
        .airdrop(&admin.pubkey(), 10_000_000_000)
        .expect("airdrop");
    let sender = Sender::new(SenderConfig::default()).expect("sender");
    sender
        .send(
            &inner,
            &[registry::Initialize {
                admin: admin.pubkey(),
            }
            .instruction()],
            &admin,
            &[],
        )
        .await
        .expect("initialize");

    // Between the simulation and the send, the admin role moves to someone
    // else (as if a hand-over landed first).
    let config_key = registry::config_address();
    let usurper = Keypair::new().pubkey();
    let chain = Race {
        inner,
        before_send: Mutex::new(Some(Box::new(move |c: &EmbeddedChain| {
            let mut account = futures_account(c, &config_key);
            account.data[8..40].copy_from_slice(usurper.as_ref());
            c.set_account(config_key, account).expect("set config");
        }))),
        after_send: Mutex::new(None),
        sends: Mutex::new(Vec::new()),
    };
    let oracle = Keypair::new().pubkey();
    let fee_before = chain
        .inner
        .get_account(&admin.pubkey())
        .await
        .expect("read")
        .map_or(0, |a| a.lamports);
    let err = sender
        .send(
            &chain,
            &[registry::SetOracles {
                admin: admin.pubkey(),
                add: &[oracle],
                remove: &[],
            }
            .instruction()],
            &admin,
            &[],
        )
        .await
        .expect_err("the admin changed before the transaction landed");
    let SendError::Program(failure) = &err else {
        panic!("expected a typed program failure, got {err}");
    };
    assert_eq!(failure.error_name(), Some("NotAdmin"), "{err}");
    assert_eq!(failure.program, registry::ID);
    // It landed (failed, fee paid) once; nothing was re-signed.
    let sends = chain.sends.lock().expect("lock").clone();
    assert!(!sends.is_empty());
    assert!(
        sends.iter().all(|s| *s == sends[0]),
        "a second signed version was sent"
    );
    let status = chain
        .get_signature_statuses(&sends[..1])
        .await
        .expect("status");
    assert!(
        status[0].as_ref().is_some_and(|s| s.err.is_some()),
        "the failure is on chain"
    );
    let fee_after = chain
        .inner
        .get_account(&admin.pubkey())
        .await
        .expect("read")
        .map_or(0, |a| a.lamports);
    assert!(
        fee_after < fee_before,
        "the failed transaction paid its fee"
    );
    let config = chain
        .inner
        .get_account(&config_key)
        .await
        .expect("read")
        .expect("config");
    let decoded = registry::decode_config(&config.data).expect("config");
    assert!(!decoded.oracles().contains(&oracle), "nothing was applied");
}

/// Reads an account synchronously through the embedded chain's runtime-free
/// path (the hook runs inside `send_transaction`).
fn futures_account(c: &EmbeddedChain, key: &Pubkey) -> Account {
    futures_lite_block_on(c.get_account(key))
        .expect("read")
        .expect("exists")
}

fn futures_lite_block_on<F: std::future::Future>(f: F) -> F::Output {
    // The embedded chain's reads complete without awaiting anything.
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    let mut f = std::pin::pin!(f);
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_clearing_is_reported_even_when_the_epoch_is_closed_right_after() {
    use joule_client::flows::{market, registry as rflow, tokens};
    let admin = Keypair::new();
    let inner = EmbeddedChain::builder()
        .upgrade_authority(admin.pubkey())
        .slot_duration(Duration::from_millis(400))
        .build()
        .expect("embedded chain (build the programs first: scripts/build-sbf.sh)");
    inner
        .airdrop(&admin.pubkey(), 100_000_000_000)
        .expect("airdrop");
    let s = Sender::new(SenderConfig::default()).expect("sender");
    rflow::initialize(&inner, &s, &admin, &[])
        .await
        .expect("initialize");
    let quote = tokens::create_mint(&inner, &s, &admin, &admin.pubkey(), 6)
        .await
        .expect("quote mint");
    let params = joule_sdk::market::MarketParams {
        epoch_length_secs: 60,
        min_price: 10_000,
        tick_size: 1_000,
        tick_count: 64,
        min_lot_wh: 1,
        fee_bps: 50,
        order_capacity: 8,
        fee_recipient: admin.pubkey(),
        min_order_value: 10,
        order_deposit_lamports: 10_000_000,
    };
    let keys = market::create_market(&inner, &s, &admin, &quote, &params)
        .await
        .expect("market")
        .keys;
    let epoch = market::open_epoch(&inner, &s, &admin, &keys.market)
        .await
        .expect("open")
        .epoch;
    inner.advance_time(61);

    // Right after the clearing lands, the epoch account is gone (another
    // keeper settled and closed it): the clearing still comes back, from
    // the transaction itself.
    let chain = Race {
        inner,
        before_send: Mutex::new(None),
        after_send: Mutex::new(Some(Box::new(move |c: &EmbeddedChain| {
            c.set_account(epoch, Account::default()).expect("close");
        }))),
        sends: Mutex::new(Vec::new()),
    };
    let cleared = market::clear_epoch(&chain, &s, &admin, &epoch)
        .await
        .expect("cleared, though the epoch is gone");
    assert_eq!(cleared.clearing.volume_wh, 0);
    assert!(chain
        .inner
        .get_account(&epoch)
        .await
        .expect("read")
        .is_none());
    assert_eq!(chain.sends.lock().expect("lock").len(), 1);
}
