//! The sender on the embedded chain (the real SBF programs in litesvm),
//! under injected faults. Time is tokio's paused clock: the embedded chain
//! makes one slot per 400 ms of it, so blockhashes expire as on a cluster
//! and the tests run in milliseconds.

use joule_client::errors::COMPUTE_BUDGET_PROGRAM_ID;
use joule_client::{
    lookup, AccountFilter, Chain, ChainError, EmbeddedChain, FaultConfig, FaultRates, FaultyChain,
    Keypair, ProgramErrorKind, SendError, Sender, SenderConfig, Signer, TransactionError,
    VersionedTransaction,
};
use joule_sdk::{registry, token, Instruction, Pubkey};
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_message::{Message, VersionedMessage};
use std::collections::HashSet;
use std::time::Duration;

const SOL: u64 = 1_000_000_000;
const SLOT: Duration = Duration::from_millis(400);

/// An embedded chain whose registry upgrade authority is `admin`, with
/// `admin` funded, one slot per 400 ms.
fn embedded(admin: &Keypair) -> EmbeddedChain {
    let chain = EmbeddedChain::builder()
        .upgrade_authority(admin.pubkey())
        .slot_duration(SLOT)
        .build()
        .expect("embedded chain (build the programs first: scripts/build-sbf.sh)");
    chain.airdrop(&admin.pubkey(), 100 * SOL).expect("airdrop");
    chain
}

fn sender(f: impl FnOnce(&mut SenderConfig)) -> Sender {
    let mut config = SenderConfig {
        max_retries: 12,
        max_signings: 4,
        ..SenderConfig::default()
    };
    f(&mut config);
    Sender::new(config).expect("sender config")
}

/// The compute-unit limit and price a transaction carries.
fn budget_of(tx: &VersionedTransaction) -> (u32, u64) {
    let keys = tx.message.static_account_keys();
    let mut limit = None;
    let mut price = None;
    for ix in tx.message.instructions() {
        if keys[usize::from(ix.program_id_index)] != COMPUTE_BUDGET_PROGRAM_ID {
            continue;
        }
        match ix.data[0] {
            2 => limit = Some(u32::from_le_bytes(ix.data[1..5].try_into().unwrap())),
            3 => price = Some(u64::from_le_bytes(ix.data[1..9].try_into().unwrap())),
            _ => panic!("unexpected compute budget instruction {:?}", ix.data),
        }
    }
    (limit.expect("limit"), price.expect("price"))
}

fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

async fn lamports(chain: &impl Chain, key: &Pubkey) -> u64 {
    chain
        .get_account(key)
        .await
        .expect("read")
        .map_or(0, |a| a.lamports)
}

#[tokio::test(start_paused = true)]
async fn writes_land_exactly_once_under_thirty_percent_faults() {
    let admin = Keypair::new();
    let oracle = Keypair::new().pubkey();
    let recipient = Keypair::new().pubkey();
    let chain = FaultyChain::new(
        embedded(&admin),
        FaultConfig {
            seed: 7,
            sends: FaultRates::spread(30),
            reads: FaultRates::spread(30),
            ..FaultConfig::default()
        },
    );
    let sender = sender(|_| {});

    sender
        .send(
            &chain,
            &[registry::Initialize {
                admin: admin.pubkey(),
            }
            .instruction()],
            &admin,
            &[],
        )
        .await
        .expect("initialize");
    sender
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
        .expect("set_oracles");
    // Transfers are not idempotent: each amount lands once or the sum is off.
    let amounts: Vec<u64> = (1..=12).map(|i| 1_000_000 + i).collect();
    for amount in &amounts {
        sender
            .send(
                &chain,
                &[token::transfer_lamports(
                    &admin.pubkey(),
                    &recipient,
                    *amount,
                )],
                &admin,
                &[],
            )
            .await
            .expect("transfer");
    }

    let embedded = chain.inner();
    assert_eq!(
        lamports(embedded, &recipient).await,
        amounts.iter().sum::<u64>()
    );
    let config = embedded
        .get_account(&registry::config_address())
        .await
        .expect("read")
        .expect("config exists");
    assert_eq!(occurrences(&config.data, oracle.as_ref()), 1);
    // One landed signature per write: no second signed version landed.
    let writes = 2 + amounts.len();
    assert_eq!(embedded.landed_transactions(), writes as u64);
    let signatures: Vec<_> = chain
        .sends()
        .iter()
        .map(|s| s.signature)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let landed = embedded
        .get_signature_statuses(&signatures)
        .await
        .expect("statuses")
        .into_iter()
        .flatten()
        .count();
    assert_eq!(landed, writes);
    // The faults did happen.
    let counts = chain.counts();
    assert!(counts.dropped > 0 && counts.delayed > 0, "{counts:?}");
    assert!(counts.duplicated > 0 && counts.errors > 0, "{counts:?}");
}

#[tokio::test(start_paused = true)]
async fn a_program_error_comes_back_typed_and_is_not_retried() {
    let admin = Keypair::new();
    let chain = FaultyChain::new(embedded(&admin), FaultConfig::default());
    let sender = sender(|_| {});
    sender
        .send(
            &chain,
            &[registry::Initialize {
                admin: admin.pubkey(),
            }
            .instruction()],
            &admin,
            &[],
        )
        .await
        .expect("initialize");
    let before = chain.counts();
    let sends_before = chain.sends().len();

    let intruder = Keypair::new();
    chain
        .inner()
        .airdrop(&intruder.pubkey(), SOL)
        .expect("airdrop");
    let ixs = [
        token::transfer_lamports(&intruder.pubkey(), &admin.pubkey(), 1),
        registry::SetOracles {
            admin: intruder.pubkey(),
            add: &[intruder.pubkey()],
            remove: &[],
        }
        .instruction(),
    ];
    let err = sender
        .send(&chain, &ixs, &intruder, &[])
        .await
        .expect_err("not the admin");

    let f = err.program_failure().expect("a program failure");
    assert_eq!(f.program, registry::ID);
    assert_eq!(f.program_name, Some("registry"));
    assert_eq!(f.instruction_index, Some(1));
    assert_eq!(f.instruction_name, Some("set_oracles"));
    assert_eq!(
        f.error,
        ProgramErrorKind::Custom {
            code: 6000,
            name: Some("NotAdmin"),
            message: Some("The signer is not the config admin."),
        }
    );
    assert_eq!(
        err.to_string(),
        "registry::set_oracles (instruction 1): NotAdmin (6000): The signer is not the config admin."
    );
    assert!(f.logs.iter().any(|l| l.contains("failed")), "{:?}", f.logs);
    // One simulation, nothing sent, nothing moved.
    assert_eq!(chain.counts().simulations, before.simulations + 1);
    assert_eq!(chain.sends().len(), sends_before);
    assert_eq!(lamports(chain.inner(), &intruder.pubkey()).await, SOL);
}

#[tokio::test(start_paused = true)]
async fn a_non_program_failure_is_a_transaction_error() {
    let admin = Keypair::new();
    let chain = embedded(&admin);
    let broke = Keypair::new();
    let err = sender(|_| {})
        .send(
            &chain,
            &[token::transfer_lamports(
                &broke.pubkey(),
                &admin.pubkey(),
                1,
            )],
            &broke,
            &[],
        )
        .await
        .expect_err("unfunded payer");
    assert!(
        matches!(
            err,
            SendError::Transaction {
                err: TransactionError::AccountNotFound,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_expired_blockhash_is_re_signed_only_after_its_last_valid_height() {
    let admin = Keypair::new();
    let chain = FaultyChain::new(
        embedded(&admin),
        FaultConfig {
            // The first signed version never reaches the chain.
            black_hole_first_signatures: 1,
            ..FaultConfig::default()
        },
    );
    let sender = sender(|_| {});
    let landed = sender
        .send(
            &chain,
            &[registry::Initialize {
                admin: admin.pubkey(),
            }
            .instruction()],
            &admin,
            &[],
        )
        .await
        .expect("lands on the second signing");
    assert_eq!(landed.signings, 2);

    let sends = chain.sends();
    let first = sends[0].clone();
    let last_valid = chain
        .inner()
        .last_valid_block_height(&first.blockhash)
        .expect("blockhash remembered");
    let (old, new): (Vec<_>, Vec<_>) = sends.iter().partition(|s| s.signature == first.signature);
    // The first version was re-sent (same bytes) until it expired...
    assert!(old.len() > 10, "{} sends", old.len());
    assert!(old
        .iter()
        .all(|s| !s.delivered && s.transaction == first.transaction));
    assert!(old.iter().all(|s| s.block_height <= last_valid));
    // ...and the second was signed only once the height had passed it.
    assert!(!new.is_empty());
    assert!(new.iter().all(|s| s.signature == landed.signature));
    assert!(
        new.iter().all(|s| s.block_height > last_valid),
        "{last_valid}"
    );
    assert_ne!(new[0].blockhash, first.blockhash);
    let statuses = chain
        .inner()
        .get_signature_statuses(&[first.signature, landed.signature])
        .await
        .expect("statuses");
    assert!(statuses[0].is_none());
    assert!(statuses[1].as_ref().is_some_and(|s| s.err.is_none()));
}

#[tokio::test(start_paused = true)]
async fn gives_up_after_max_signings_when_nothing_lands() {
    let admin = Keypair::new();
    let chain = FaultyChain::new(
        embedded(&admin),
        FaultConfig {
            black_hole_first_signatures: usize::MAX,
            ..FaultConfig::default()
        },
    );
    let err = sender(|c| c.max_signings = 2)
        .send(
            &chain,
            &[registry::Initialize {
                admin: admin.pubkey(),
            }
            .instruction()],
            &admin,
            &[],
        )
        .await
        .expect_err("never delivered");
    assert!(matches!(err, SendError::Expired { signings: 2 }), "{err:?}");
    let distinct: HashSet<_> = chain.sends().iter().map(|s| s.signature).collect();
    assert_eq!(distinct.len(), 2);
    assert_eq!(chain.inner().landed_transactions(), 0);
}

#[tokio::test(start_paused = true)]
async fn compute_unit_limit_is_the_simulation_times_the_margin() {
    let admin = Keypair::new();
    let chain = FaultyChain::new(embedded(&admin), FaultConfig::default());
    let sender = sender(|c| c.cu_margin_percent = 35);
    let ixs = [registry::Initialize {
        admin: admin.pubkey(),
    }
    .instruction()];

    // Measure independently: the same instructions behind a maximal budget.
    let probe = Message::new(
        &[
            ComputeBudgetInstruction::set_compute_unit_limit(1_400_000),
            ComputeBudgetInstruction::set_compute_unit_price(1_000),
            ixs[0].clone(),
        ],
        Some(&admin.pubkey()),
    );
    let probe = VersionedTransaction {
        signatures: vec![Default::default(); 1],
        message: VersionedMessage::Legacy(probe),
    };
    let sim = chain
        .inner()
        .simulate_transaction(&probe)
        .await
        .expect("simulate");
    assert_eq!(sim.err, None);
    assert!(sim.units_consumed > 10_000, "{}", sim.units_consumed);

    let landed = sender
        .send(&chain, &ixs, &admin, &[])
        .await
        .expect("initialize");
    let expected = u32::try_from((sim.units_consumed * 135).div_ceil(100)).unwrap();
    assert_eq!(landed.simulated_units, sim.units_consumed);
    assert_eq!(landed.compute_unit_limit, expected);
    let sent = chain.sends().last().cloned().expect("sent");
    assert_eq!(budget_of(&sent.transaction), (expected, 1_000));
}

/// Lands a transfer to `to` at `price` micro-lamports per CU, in a slot of
/// its own.
async fn land_with_price(chain: &EmbeddedChain, payer: &Keypair, to: &Pubkey, price: u64) {
    chain.advance_slots(1);
    let blockhash = chain
        .get_latest_blockhash()
        .await
        .expect("blockhash")
        .blockhash;
    let ixs: [Instruction; 2] = [
        ComputeBudgetInstruction::set_compute_unit_price(price),
        token::transfer_lamports(&payer.pubkey(), to, 1_000_000),
    ];
    let message = Message::new_with_blockhash(&ixs, Some(&payer.pubkey()), &blockhash);
    let tx =
        VersionedTransaction::try_new(VersionedMessage::Legacy(message), &[payer]).expect("sign");
    chain.send_transaction(&tx).await.expect("send");
}

#[tokio::test(start_paused = true)]
async fn priority_fee_is_a_percentile_of_recent_fees_within_floor_and_cap() {
    let admin = Keypair::new();
    let chain = EmbeddedChain::builder()
        .upgrade_authority(admin.pubkey())
        .build()
        .expect("embedded chain");
    chain.airdrop(&admin.pubkey(), 100 * SOL).expect("airdrop");
    let hot = Keypair::new().pubkey();
    let cold = Keypair::new().pubkey();

    let floor_only = sender(|c| c.fee_floor_micro_lamports = 1_500);
    assert_eq!(
        floor_only.priority_fee(&chain, &[hot]).await.unwrap(),
        1_500
    );

    for price in [30_000, 100, 9_000, 2_000, 5_000] {
        land_with_price(&chain, &admin, &hot, price).await;
    }
    let fees = chain.get_recent_prioritization_fees(&[hot]).await.unwrap();
    let mut seen: Vec<u64> = fees.iter().map(|f| f.micro_lamports).collect();
    seen.sort_unstable();
    assert_eq!(seen, [100, 2_000, 5_000, 9_000, 30_000]);

    let median = sender(|c| {
        c.fee_percentile = 50;
        c.fee_floor_micro_lamports = 0;
    });
    let capped = sender(|c| {
        c.fee_percentile = 50;
        c.fee_floor_micro_lamports = 0;
        c.fee_cap_micro_lamports = 3_000;
    });
    let floored = sender(|c| {
        c.fee_percentile = 50;
        c.fee_floor_micro_lamports = 10_000;
    });
    let top = sender(|c| {
        c.fee_percentile = 90;
        c.fee_floor_micro_lamports = 0;
    });
    assert_eq!(median.priority_fee(&chain, &[hot]).await.unwrap(), 5_000);
    assert_eq!(capped.priority_fee(&chain, &[hot]).await.unwrap(), 3_000);
    assert_eq!(floored.priority_fee(&chain, &[hot]).await.unwrap(), 10_000);
    assert_eq!(top.priority_fee(&chain, &[hot]).await.unwrap(), 30_000);

    // An account nobody wrote pays what each block's cheapest transaction
    // paid (here the same transfers).
    assert_eq!(median.priority_fee(&chain, &[cold]).await.unwrap(), 5_000);

    // The transaction carries that price.
    let recorder = FaultyChain::new(chain, FaultConfig::default());
    let landed = capped
        .send(
            &recorder,
            &[token::transfer_lamports(&admin.pubkey(), &hot, 1)],
            &admin,
            &[],
        )
        .await
        .expect("transfer");
    assert_eq!(landed.compute_unit_price, 3_000);
    let sent = recorder.sends().last().cloned().expect("sent");
    assert_eq!(budget_of(&sent.transaction).1, 3_000);
}

#[tokio::test(start_paused = true)]
async fn v0_transactions_use_lookup_tables() {
    let admin = Keypair::new();
    let chain = embedded(&admin);
    let sender = sender(|_| {});
    sender
        .send(
            &chain,
            &[registry::Initialize {
                admin: admin.pubkey(),
            }
            .instruction()],
            &admin,
            &[],
        )
        .await
        .expect("initialize");
    let table = lookup::create_lookup_table(
        &chain,
        &sender,
        &admin,
        &admin,
        &[registry::config_address(), joule_sdk::SYSTEM_PROGRAM_ID],
    )
    .await
    .expect("lookup table");
    let usable = lookup::wait_until_usable(&chain, &table, 2, SLOT, Duration::from_secs(30))
        .await
        .expect("usable");
    assert_eq!(usable.authority, Some(admin.pubkey()));

    let oracle = Keypair::new().pubkey();
    let recorder = FaultyChain::new(chain, FaultConfig::default());
    sender
        .send_v0(
            &recorder,
            &[registry::SetOracles {
                admin: admin.pubkey(),
                add: &[oracle],
                remove: &[],
            }
            .instruction()],
            &admin,
            &[],
            &[usable.account],
        )
        .await
        .expect("set_oracles over v0");
    let sent = recorder.sends().last().cloned().expect("sent");
    match &sent.transaction.message {
        VersionedMessage::V0(m) => {
            assert_eq!(m.address_table_lookups.len(), 1);
            assert_eq!(m.address_table_lookups[0].writable_indexes, [0]);
        }
        other => panic!("expected a v0 message, got {other:?}"),
    }
    let config = recorder
        .get_account(&registry::config_address())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(occurrences(&config.data, oracle.as_ref()), 1);
}

#[tokio::test(start_paused = true)]
async fn the_embedded_chain_behaves_like_a_cluster() {
    let admin = Keypair::new();
    let chain = EmbeddedChain::builder()
        .upgrade_authority(admin.pubkey())
        .blockhash_validity(10)
        .build()
        .expect("embedded chain");
    chain.airdrop(&admin.pubkey(), 10 * SOL).expect("airdrop");

    // Block height follows the slots; blockhashes expire by height.
    let h0 = chain.get_block_height().await.unwrap();
    let latest = chain.get_latest_blockhash().await.unwrap();
    assert_eq!(latest.last_valid_block_height, h0 + 10);
    chain.advance_slots(3);
    assert_eq!(chain.get_block_height().await.unwrap(), h0 + 3);
    assert_eq!(chain.get_slot().await.unwrap(), h0 + 3);
    assert_ne!(
        chain.get_latest_blockhash().await.unwrap().blockhash,
        latest.blockhash
    );

    let sign = |blockhash, lamports| {
        let ix = token::transfer_lamports(&admin.pubkey(), &Pubkey::new_unique(), lamports);
        let message = Message::new_with_blockhash(&[ix], Some(&admin.pubkey()), &blockhash);
        VersionedTransaction::try_new(VersionedMessage::Legacy(message), &[&admin]).unwrap()
    };
    // A blockhash 3 blocks old still lands; the same bytes again do not.
    let tx = sign(latest.blockhash, 1_000_000);
    let sig = chain.send_transaction(&tx).await.expect("lands");
    assert!(matches!(
        chain.send_transaction(&tx).await,
        Err(ChainError::Rejected {
            err: TransactionError::AlreadyProcessed,
            ..
        })
    ));
    // Past its last valid height, it never lands.
    chain.advance_slots(8);
    assert!(chain.get_block_height().await.unwrap() > latest.last_valid_block_height);
    assert!(matches!(
        chain
            .send_transaction(&sign(latest.blockhash, 2_000_000))
            .await,
        Err(ChainError::Rejected {
            err: TransactionError::BlockhashNotFound,
            ..
        })
    ));
    // A forged signature is refused.
    let mut forged = sign(chain.get_latest_blockhash().await.unwrap().blockhash, 3);
    forged.signatures[0] = Default::default();
    assert!(matches!(
        chain.send_transaction(&forged).await,
        Err(ChainError::Rejected {
            err: TransactionError::SignatureFailure,
            ..
        })
    ));
    // Confirmed at once, finalized 32 slots later.
    let status = chain.get_signature_statuses(&[sig]).await.unwrap()[0]
        .clone()
        .unwrap();
    assert_eq!(status.commitment, joule_client::Commitment::Confirmed);
    chain.advance_slots(32);
    let status = chain.get_signature_statuses(&[sig]).await.unwrap()[0]
        .clone()
        .unwrap();
    assert_eq!(status.commitment, joule_client::Commitment::Finalized);

    // The clock moves when told.
    let clock = chain.get_clock().await.unwrap();
    chain.advance_time(3_600);
    assert_eq!(
        chain.get_clock().await.unwrap().unix_timestamp,
        clock.unix_timestamp + 3_600
    );

    // Program accounts, filtered as a node filters them.
    Sender::default()
        .send(
            &chain,
            &[registry::Initialize {
                admin: admin.pubkey(),
            }
            .instruction()],
            &admin,
            &[],
        )
        .await
        .expect("initialize");
    let config = registry::config_address();
    let data = chain.get_account(&config).await.unwrap().unwrap().data;
    let by_size = chain
        .get_program_accounts(&registry::ID, &[AccountFilter::DataSize(data.len() as u64)])
        .await
        .unwrap();
    assert_eq!(
        by_size.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        [config]
    );
    let by_disc = chain
        .get_program_accounts(
            &registry::ID,
            &[AccountFilter::Memcmp {
                offset: 0,
                bytes: data[..8].to_vec(),
            }],
        )
        .await
        .unwrap();
    assert_eq!(by_disc.len(), 1);
    let none = chain
        .get_program_accounts(&registry::ID, &[AccountFilter::DataSize(1)])
        .await
        .unwrap();
    assert!(none.is_empty());
}
