//! Test harness: the real SBF programs (`target/deploy/*.so`, built by
//! `scripts/build-sbf.sh`) in litesvm, with funded users, mints and token
//! accounts, one helper per instruction, exact-error assertions and a
//! compute-unit recorder.

pub mod certificates;
pub mod cu;
pub mod market;
pub mod registry;

use joule_sdk::{token as spl, Instruction, Pubkey};
use litesvm::{types::TransactionMetadata, LiteSVM};
use solana_clock::Clock;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use std::path::PathBuf;

pub use solana_keypair::Keypair as TestKeypair;

/// 2026-01-01T00:00:00Z: where every test's clock starts.
pub const GENESIS_TS: i64 = 1_767_225_600;
pub const LAMPORTS_PER_SOL: u64 = 1_000_000_000;

/// Which SPL Token implementation runs under the token program id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenImpl {
    /// p-token: litesvm 0.17's default, and mainnet's.
    PToken,
    /// Classic SPL Token 3.5 (reported in the CU table, not enforced).
    Classic,
}

/// A successful transaction.
#[derive(Debug)]
pub struct TxOk {
    pub cu: u64,
    pub logs: Vec<String>,
    pub return_data: Vec<u8>,
}

/// A failed transaction.
#[derive(Debug)]
pub struct TxErr {
    pub err: TransactionError,
    pub logs: Vec<String>,
    pub cu: u64,
}

pub type TxResult = Result<TxOk, TxErr>;

pub struct TestContextBuilder {
    token: TokenImpl,
    initialize_registry: bool,
}

impl TestContextBuilder {
    pub fn token(mut self, token: TokenImpl) -> Self {
        self.token = token;
        self
    }

    /// Leave the registry uninitialised (to test `initialize` itself).
    pub fn uninitialized(mut self) -> Self {
        self.initialize_registry = false;
        self
    }

    pub fn build(self) -> TestContext {
        let svm = match self.token {
            TokenImpl::PToken => LiteSVM::new(),
            TokenImpl::Classic => {
                let mut features = LiteSVM::mainnet_feature_set();
                features.deactivate(&agave_feature_set::replace_spl_token_with_p_token::id());
                LiteSVM::default()
                    .with_feature_set(features)
                    .with_builtins()
                    .with_lamports(1_000_000 * LAMPORTS_PER_SOL)
                    .with_sysvars()
                    .with_feature_accounts()
                    .with_default_programs()
                    .with_sigverify(true)
                    .with_blockhash_check(true)
            }
        };
        let mut ctx = TestContext {
            svm,
            payer: Keypair::new(),
            admin: Keypair::new(),
            oracle: Keypair::new(),
            token: self.token,
        };
        for (id, name) in [
            (joule_sdk::registry::ID, "registry"),
            (joule_sdk::market::ID, "market"),
            (joule_sdk::certificates::ID, "certificates"),
        ] {
            let path = deploy_dir().join(format!("{name}.so"));
            let bytes = std::fs::read(&path).unwrap_or_else(|e| {
                panic!(
                    "{}: {e}; build the programs first: scripts/build-sbf.sh",
                    path.display()
                )
            });
            ctx.svm.add_program(id, &bytes).expect("load program");
        }
        // Deployed with `admin` as the registry's upgrade authority (litesvm
        // deploys with none), as a real deployment would.
        let admin = ctx.admin.pubkey();
        ctx.set_upgrade_authority(&joule_sdk::registry::program_data_address(), Some(&admin));
        ctx.svm
            .airdrop(&ctx.payer.pubkey(), 1_000 * LAMPORTS_PER_SOL)
            .expect("airdrop");
        ctx.svm
            .airdrop(&ctx.admin.pubkey(), 10 * LAMPORTS_PER_SOL)
            .expect("airdrop");
        ctx.svm
            .airdrop(&ctx.oracle.pubkey(), 10 * LAMPORTS_PER_SOL)
            .expect("airdrop");
        ctx.set_time(GENESIS_TS);
        if self.initialize_registry {
            let admin = ctx.admin.insecure_clone();
            ctx.send(
                "initialize",
                &[joule_sdk::registry::Initialize {
                    admin: admin.pubkey(),
                }
                .instruction()],
                &[&admin],
            )
            .expect("initialize");
            let oracle = ctx.oracle.pubkey();
            ctx.send(
                "set_oracles",
                &[joule_sdk::registry::SetOracles {
                    admin: admin.pubkey(),
                    add: &[oracle],
                    remove: &[],
                }
                .instruction()],
                &[&admin],
            )
            .expect("set_oracles");
        }
        ctx
    }
}

/// Where `scripts/build-sbf.sh` puts the programs (`JOULE_DEPLOY_DIR`
/// overrides it, e.g. to run the suite on the SBPF v3 build).
pub fn deploy_dir() -> PathBuf {
    match std::env::var_os("JOULE_DEPLOY_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/deploy"),
    }
}

/// A litesvm chain with the Joule programs loaded, the registry initialised
/// (admin = `admin`, oracle set = [`oracle`]) and the clock at [`GENESIS_TS`].
pub struct TestContext {
    pub svm: LiteSVM,
    /// Pays fees (and rent, where an instruction lets the caller choose).
    pub payer: Keypair,
    pub admin: Keypair,
    pub oracle: Keypair,
    pub token: TokenImpl,
}

impl TestContext {
    pub fn builder() -> TestContextBuilder {
        TestContextBuilder {
            token: TokenImpl::PToken,
            initialize_registry: true,
        }
    }

    pub fn new() -> Self {
        Self::builder().build()
    }

    // ------------------------------------------------------------ sending

    /// Signs with the payer plus `signers`, sends, records the CU under
    /// `label` (on success) and expires the blockhash, so that an identical
    /// transaction sent again is executed again, not deduplicated.
    pub fn send(&mut self, label: &str, ixs: &[Instruction], signers: &[&Keypair]) -> TxResult {
        let res = self.send_unrecorded(ixs, signers);
        if let Ok(ok) = &res {
            cu::record(self.token, label, ok.cu);
        }
        res
    }

    /// As [`send`](Self::send), without recording compute units.
    pub fn send_unrecorded(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> TxResult {
        let mut all: Vec<&Keypair> = vec![&self.payer];
        all.extend(
            signers
                .iter()
                .copied()
                .filter(|k| k.pubkey() != self.payer.pubkey()),
        );
        let tx = Transaction::new_signed_with_payer(
            ixs,
            Some(&self.payer.pubkey()),
            &all,
            self.svm.latest_blockhash(),
        );
        let res = self.svm.send_transaction(tx);
        self.svm.expire_blockhash();
        if std::env::var_os("JOULE_TEST_LOGS").is_some() {
            let logs = match &res {
                Ok(m) => &m.logs,
                Err(f) => &f.meta.logs,
            };
            eprintln!("{}", logs.join("\n"));
        }
        match res {
            Ok(meta) => Ok(ok(meta)),
            Err(f) => Err(TxErr {
                err: f.err,
                cu: f.meta.compute_units_consumed,
                logs: f.meta.logs,
            }),
        }
    }

    /// Size in bytes of the legacy transaction these instructions make,
    /// with the context's payer paying the fee.
    pub fn legacy_tx_size(&self, ixs: &[Instruction], signers: &[&Keypair]) -> usize {
        let mut all: Vec<&Keypair> = vec![&self.payer];
        all.extend(signers.iter().copied());
        self.legacy_tx_size_paid_by(ixs, &all)
    }

    /// Size in bytes of the legacy transaction these instructions make,
    /// with `signers[0]` paying the fee.
    pub fn legacy_tx_size_paid_by(&self, ixs: &[Instruction], signers: &[&Keypair]) -> usize {
        let tx = Transaction::new_signed_with_payer(
            ixs,
            Some(&signers[0].pubkey()),
            signers,
            self.svm.latest_blockhash(),
        );
        bincode_len(&tx)
    }

    /// Rewrites the upgrade authority stored in a ProgramData account.
    pub fn set_upgrade_authority(&mut self, program_data: &Pubkey, authority: Option<&Pubkey>) {
        let mut acc = self.svm.get_account(program_data).expect("program data");
        match authority {
            Some(a) => {
                acc.data[12] = 1;
                acc.data[13..45].copy_from_slice(a.as_ref());
            }
            None => {
                acc.data[12] = 0;
                acc.data[13..45].fill(0);
            }
        }
        self.svm
            .set_account(*program_data, acc)
            .expect("set program data");
    }

    // ------------------------------------------------------------ time

    pub fn now(&self) -> i64 {
        self.svm.get_sysvar::<Clock>().unix_timestamp
    }

    pub fn set_time(&mut self, unix_timestamp: i64) {
        let mut clock = self.svm.get_sysvar::<Clock>();
        clock.unix_timestamp = unix_timestamp;
        self.svm.set_sysvar(&clock);
    }

    pub fn advance(&mut self, seconds: i64) {
        let t = self.now() + seconds;
        self.set_time(t);
    }

    // ------------------------------------------------------------ accounts

    pub fn new_user(&mut self) -> Keypair {
        let k = Keypair::new();
        self.svm
            .airdrop(&k.pubkey(), 100 * LAMPORTS_PER_SOL)
            .expect("airdrop");
        k
    }

    pub fn data(&self, key: &Pubkey) -> Option<Vec<u8>> {
        self.svm
            .get_account(key)
            .filter(|a| a.lamports > 0)
            .map(|a| a.data)
    }

    pub fn lamports(&self, key: &Pubkey) -> u64 {
        self.svm.get_account(key).map(|a| a.lamports).unwrap_or(0)
    }

    pub fn exists(&self, key: &Pubkey) -> bool {
        self.svm.get_account(key).is_some_and(|a| a.lamports > 0)
    }

    /// Creates a mint with `authority` as mint authority.
    pub fn create_mint(&mut self, authority: &Pubkey, decimals: u8) -> Pubkey {
        let mint = Keypair::new();
        let rent = self.svm.minimum_balance_for_rent_exemption(spl::MINT_LEN);
        let payer = self.payer.pubkey();
        let ixs = [
            spl::create_account(
                &payer,
                &mint.pubkey(),
                rent,
                spl::MINT_LEN as u64,
                &joule_sdk::TOKEN_PROGRAM_ID,
            ),
            spl::initialize_mint2(&mint.pubkey(), decimals, authority),
        ];
        self.send_unrecorded(&ixs, &[&mint]).expect("create mint");
        mint.pubkey()
    }

    /// The owner's associated token account for `mint`, created if missing.
    pub fn ata(&mut self, owner: &Pubkey, mint: &Pubkey) -> Pubkey {
        let ata = joule_sdk::associated_token_address(owner, mint);
        if !self.exists(&ata) {
            let payer = self.payer.pubkey();
            self.send_unrecorded(
                &[spl::create_associated_token_account_idempotent(
                    &payer, owner, mint,
                )],
                &[],
            )
            .expect("create ata");
        }
        ata
    }

    /// A fresh (non-associated) token account of `owner` for `mint`.
    pub fn token_account(&mut self, owner: &Pubkey, mint: &Pubkey) -> Pubkey {
        let acc = Keypair::new();
        let rent = self
            .svm
            .minimum_balance_for_rent_exemption(spl::TOKEN_ACCOUNT_LEN);
        let payer = self.payer.pubkey();
        let ixs = [
            spl::create_account(
                &payer,
                &acc.pubkey(),
                rent,
                spl::TOKEN_ACCOUNT_LEN as u64,
                &joule_sdk::TOKEN_PROGRAM_ID,
            ),
            spl::initialize_account3(&acc.pubkey(), mint, owner),
        ];
        self.send_unrecorded(&ixs, &[&acc])
            .expect("create token account");
        acc.pubkey()
    }

    /// Mints `amount` of a test mint whose authority is `authority`.
    pub fn mint_tokens(&mut self, mint: &Pubkey, to: &Pubkey, authority: &Keypair, amount: u64) {
        self.send_unrecorded(
            &[spl::mint_to(mint, to, &authority.pubkey(), amount)],
            &[authority],
        )
        .expect("mint tokens");
    }

    /// Token balance of a token account (0 if it does not exist).
    pub fn balance(&self, token_account: &Pubkey) -> u64 {
        self.data(token_account)
            .and_then(|d| spl::decode_token_account(&d))
            .map(|(_, _, amount)| amount)
            .unwrap_or(0)
    }

    /// Supply of a mint.
    pub fn supply(&self, mint: &Pubkey) -> u64 {
        self.data(mint)
            .and_then(|d| spl::decode_mint(&d))
            .map(|(s, _)| s)
            .expect("mint")
    }
}

impl Default for TestContext {
    fn default() -> Self {
        Self::new()
    }
}

fn ok(meta: TransactionMetadata) -> TxOk {
    TxOk {
        cu: meta.compute_units_consumed,
        logs: meta.logs,
        return_data: meta.return_data.data,
    }
}

fn bincode_len(tx: &Transaction) -> usize {
    // Legacy wire format: compact-u16 signature count, signatures, message.
    let sigs = tx.signatures.len();
    compact_len(sigs) + 64 * sigs + tx.message_data().len()
}

fn compact_len(n: usize) -> usize {
    match n {
        0..=0x7f => 1,
        0x80..=0x3fff => 2,
        _ => 3,
    }
}

/// Asserts that a transaction failed with custom error `code` (any
/// instruction), printing the logs otherwise.
#[track_caller]
pub fn assert_error(res: &TxResult, code: impl Into<u32>) {
    let code = code.into();
    match res {
        Err(TxErr {
            err: TransactionError::InstructionError(_, InstructionError::Custom(c)),
            ..
        }) if *c == code => {}
        Err(e) => panic!(
            "expected custom error {code}, got {:?}\nlogs:\n{}",
            e.err,
            e.logs.join("\n")
        ),
        Ok(ok) => panic!(
            "expected custom error {code}, but the transaction succeeded\nlogs:\n{}",
            ok.logs.join("\n")
        ),
    }
}

/// Asserts that a transaction failed with a given `InstructionError`.
#[track_caller]
pub fn assert_ix_error(res: &TxResult, expected: InstructionError) {
    match res {
        Err(TxErr {
            err: TransactionError::InstructionError(_, e),
            ..
        }) if *e == expected => {}
        Err(e) => panic!(
            "expected {expected:?}, got {:?}\nlogs:\n{}",
            e.err,
            e.logs.join("\n")
        ),
        Ok(ok) => panic!(
            "expected {expected:?}, but the transaction succeeded\nlogs:\n{}",
            ok.logs.join("\n")
        ),
    }
}

/// Unwraps a successful transaction, printing the logs otherwise.
#[track_caller]
pub fn expect_ok(res: TxResult) -> TxOk {
    match res {
        Ok(ok) => ok,
        Err(e) => panic!(
            "transaction failed: {:?}\nlogs:\n{}",
            e.err,
            e.logs.join("\n")
        ),
    }
}

/// Framework error codes, for assertions.
pub use joule_sdk::errors::describe as describe_error;
pub use joule_sdk::FrameworkError;

/// Data and lamports of a set of accounts, to prove a failed transaction
/// moved nothing.
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot(Vec<(Pubkey, Option<AccountState>)>);

/// Lamports and data of an account.
type AccountState = (u64, Vec<u8>);

impl TestContext {
    pub fn snapshot(&self, keys: &[Pubkey]) -> Snapshot {
        Snapshot(
            keys.iter()
                .map(|k| (*k, self.svm.get_account(k).map(|a| (a.lamports, a.data))))
                .collect(),
        )
    }

    /// Asserts that none of the accounts in `before` changed.
    #[track_caller]
    pub fn assert_unchanged(&self, before: &Snapshot) {
        let keys: Vec<Pubkey> = before.0.iter().map(|(k, _)| *k).collect();
        let after = self.snapshot(&keys);
        for ((k, b), (_, a)) in before.0.iter().zip(after.0.iter()) {
            assert_eq!(b, a, "account {k} changed");
        }
    }
}
