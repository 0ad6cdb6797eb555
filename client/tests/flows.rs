//! The flows on the embedded chain (the real SBF programs in litesvm): the
//! whole lifecycle with balances checked to the unit, resubmitted readings,
//! the same lifecycle under 30% injected faults, typed program errors.
//! Time is tokio's paused clock; the embedded chain makes one slot per
//! 400 ms of it.

use joule_client::flows::{
    certificates as certs, market, registry, tokens, FlowError, MAX_TRANSACTION_SIZE,
};
use joule_client::{
    Chain, EmbeddedChain, FaultConfig, FaultRates, FaultyChain, Keypair, Sender, SenderConfig,
    Signer,
};
use joule_sdk::certificates::CertificateStatus;
use joule_sdk::market::{MarketParams, Side};
use joule_sdk::registry::{MeterKind, MeterStatus, Reading};
use joule_sdk::{associated_token_address, Pubkey};
use std::time::Duration;

const SOL: u64 = 1_000_000_000;
const SLOT: Duration = Duration::from_millis(400);
const HOUR: i64 = 3_600;
/// One whole stablecoin (6 decimals).
const USDC: u64 = 1_000_000;

/// Meters of the fleet whose readings each name a meter of their own.
const FLEET: usize = 40;

/// Readings per transaction of a submission.
fn per_tx(sent: &registry::ReadingsSubmitted) -> Vec<usize> {
    assert!(sent
        .transactions
        .iter()
        .all(|t| t.size <= MAX_TRANSACTION_SIZE));
    sent.transactions.iter().map(|t| t.readings).collect()
}

fn sender() -> Sender {
    Sender::new(SenderConfig {
        max_retries: 12,
        max_signings: 4,
        ..SenderConfig::default()
    })
    .expect("sender config")
}

/// A keypair from a fixed seed, so two runs share their addresses.
fn key(seed: u8) -> Keypair {
    Keypair::new_from_array([seed; 32])
}

struct People {
    admin: Keypair,
    oracle: Keypair,
    authority: Keypair,
    quote_authority: Keypair,
    fee_recipient: Keypair,
    asha: Keypair,
    bilal: Keypair,
    chen: Keypair,
    dana: Keypair,
    eli: Keypair,
    fay: Keypair,
    gus: Keypair,
}

impl People {
    fn new() -> People {
        People {
            admin: key(1),
            oracle: key(2),
            authority: key(3),
            quote_authority: key(4),
            fee_recipient: key(5),
            asha: key(10),
            bilal: key(11),
            chen: key(12),
            dana: key(13),
            eli: key(14),
            fay: key(15),
            gus: key(16),
        }
    }

    fn all(&self) -> [&Keypair; 12] {
        [
            &self.admin,
            &self.oracle,
            &self.authority,
            &self.quote_authority,
            &self.fee_recipient,
            &self.asha,
            &self.bilal,
            &self.chen,
            &self.dana,
            &self.eli,
            &self.fay,
            &self.gus,
        ]
    }
}

fn embedded(people: &People) -> EmbeddedChain {
    let chain = EmbeddedChain::builder()
        .upgrade_authority(people.admin.pubkey())
        .slot_duration(SLOT)
        .build()
        .expect("embedded chain (build the programs first: scripts/build-sbf.sh)");
    for k in people.all() {
        chain.airdrop(&k.pubkey(), 100 * SOL).expect("airdrop");
    }
    chain
}

/// A fresh chain with the registry initialised (the oracle in its set),
/// a sender, and the chain's time.
async fn initialized(people: &People) -> (EmbeddedChain, Sender, i64) {
    let chain = embedded(people);
    let s = sender();
    let now = chain.get_clock().await.expect("clock").unix_timestamp;
    registry::initialize(&chain, &s, &people.admin, &[people.oracle.pubkey()])
        .await
        .expect("initialize");
    (chain, s, now)
}

fn params(fee_recipient: &Pubkey) -> MarketParams {
    MarketParams {
        epoch_length_secs: 3_600,
        min_price: 10_000,
        tick_size: 1_000,
        tick_count: 1_024,
        min_lot_wh: 1,
        fee_bps: 50,
        order_capacity: 256,
        fee_recipient: *fee_recipient,
        min_order_value: 10,
        order_deposit_lamports: 10_000_000,
    }
}

/// The tick of a price (quote units per kWh) on [`params`]' grid.
fn tick(price: u64) -> u16 {
    u16::try_from((price - 10_000) / 1_000).expect("on the grid")
}

/// Everything the lifecycle leaves behind that does not depend on which
/// blockhashes or lookup tables the run happened to use.
#[derive(Debug, PartialEq, Eq)]
struct FinalState {
    energy: Vec<u64>,
    quote: Vec<u64>,
    supply: u64,
    /// Per trader meter: exported, imported, minted, redeemed, certified.
    meters: Vec<[u64; 5]>,
    readings_applied: usize,
    resubmitted_skipped: usize,
    certificates: Vec<(Option<CertificateStatus>, u64, Pubkey)>,
    spare: (Pubkey, Option<MeterStatus>),
    epoch_exists: bool,
}

/// The whole lifecycle; asserts as it goes and returns the final state.
async fn lifecycle(chain: &impl Chain, embedded: &EmbeddedChain, p: &People) -> FinalState {
    let s = sender();
    let now = embedded.get_clock().await.expect("clock").unix_timestamp;

    // Initialise the three programs.
    let init = registry::initialize(chain, &s, &p.admin, &[p.oracle.pubkey()])
        .await
        .expect("initialize registry");
    assert_eq!(init.admin, p.admin.pubkey());
    assert_eq!(init.oracles, vec![p.oracle.pubkey()]);
    certs::initialize(chain, &s, &p.admin, &p.authority.pubkey())
        .await
        .expect("initialize certificates");

    // Meters join two days back.
    embedded.set_time(now - 48 * HOUR);
    let traders = [
        (&p.asha, "DL-000001", MeterKind::Solar, 5_000u64),
        (&p.bilal, "DL-000002", MeterKind::Solar, 3_000),
        (&p.chen, "DL-000003", MeterKind::Wind, 10_000),
        (&p.dana, "DL-000004", MeterKind::ConsumptionOnly, 7_000),
    ];
    let mut meters = Vec::new();
    for (owner, serial, kind, rated) in traders {
        let new = registry::NewMeter {
            serial: serial.into(),
            utility: "TPDDL".into(),
            kind,
            rated_power_w: rated,
        };
        let reg = registry::register_meter(chain, &s, owner, &new)
            .await
            .expect("register");
        let act = registry::activate_meter(chain, &s, &p.admin, &reg.meter, &owner.pubkey())
            .await
            .expect("activate");
        assert_eq!(act.status, Some(MeterStatus::Active));
        meters.push(reg.meter);
    }

    let mut fleet = Vec::new();
    for i in 0..FLEET {
        let new = registry::NewMeter {
            serial: format!("FLEET-{i:03}"),
            utility: "TPDDL".into(),
            kind: MeterKind::Solar,
            rated_power_w: 1_000,
        };
        let reg = registry::register_meter(chain, &s, &p.gus, &new)
            .await
            .expect("register");
        registry::activate_meter(chain, &s, &p.admin, &reg.meter, &p.gus.pubkey())
            .await
            .expect("activate");
        fleet.push(reg.meter);
    }

    // The other meter operations, on spare meters: close a pending one...
    let spare = |serial: &str| registry::NewMeter {
        serial: serial.into(),
        utility: "TPDDL".into(),
        kind: MeterKind::Solar,
        rated_power_w: 1_000,
    };
    let closing = registry::register_meter(chain, &s, &p.fay, &spare("SPARE-1"))
        .await
        .expect("register");
    let closed = registry::close_meter(chain, &s, &p.admin, &closing.meter)
        .await
        .expect("close");
    assert_eq!(closed.owner, p.fay.pubkey());
    assert!(closed.lamports > 0);
    assert!(embedded
        .get_account(&closing.meter)
        .await
        .expect("read")
        .is_none());
    // ...activate, hand over, suspend and reassign another.
    let other = registry::register_meter(chain, &s, &p.fay, &spare("SPARE-2"))
        .await
        .expect("register");
    registry::activate_meter(chain, &s, &p.admin, &other.meter, &p.fay.pubkey())
        .await
        .expect("activate");
    registry::propose_meter_transfer(chain, &s, &p.fay, &other.meter, &p.gus.pubkey())
        .await
        .expect("propose");
    let accepted = registry::accept_meter_transfer(chain, &s, &p.gus, &other.meter)
        .await
        .expect("accept");
    assert_eq!(accepted.owner, p.gus.pubkey());
    let suspended = registry::suspend_meter(chain, &s, &p.admin, &other.meter)
        .await
        .expect("suspend");
    assert_eq!(suspended.status, Some(MeterStatus::Suspended));
    let reassigned = registry::reassign_meter(chain, &s, &p.admin, &other.meter, &p.fay.pubkey())
        .await
        .expect("reassign");
    assert_eq!(
        (reassigned.owner, reassigned.status),
        (p.fay.pubkey(), Some(MeterStatus::Suspended))
    );

    // Readings: a baseline and 17 hourly readings per meter. Wh per hour:
    // Asha exports 1,500, Bilal 500, Chen 3,000; Dana imports 1,000.
    embedded.set_time(now);
    let day_start = now - 20 * HOUR;
    let rates = [(1_500u64, 0u64), (500, 0), (3_000, 0), (0, 1_000)];
    let readings_at = |h: u64| -> Vec<(Pubkey, Reading)> {
        meters
            .iter()
            .zip(rates)
            .enumerate()
            .map(|(i, (m, (e, imp)))| {
                let base = 1_000_000 * (i as u64 + 1);
                let ts = day_start + i64::try_from(h).expect("small") * HOUR;
                (
                    *m,
                    Reading {
                        timestamp: ts,
                        export_register_wh: base + e * h,
                        import_register_wh: base + imp * h,
                    },
                )
            })
            .collect()
    };
    let legacy: Vec<_> = (0..=5).flat_map(readings_at).collect();
    let v0: Vec<_> = (6..=17).flat_map(readings_at).collect();

    // Readings of the same few meters share their account keys...
    let sent = registry::submit_readings(chain, &s, &p.oracle, &legacy)
        .await
        .expect("legacy readings");
    assert_eq!(sent.applied(), legacy.len());
    assert_eq!(sent.lookup_table, None);
    assert_eq!(per_tx(&sent), vec![24]);
    let sent = registry::submit_readings_v0(chain, &s, &p.oracle, None, &v0)
        .await
        .expect("v0 readings");
    assert_eq!(sent.applied(), v0.len());
    assert_eq!(per_tx(&sent), vec![38, 10]);
    let table = sent.lookup_table.expect("a lookup table");
    // ...each of a fleet of meters brings its own: 16 per legacy
    // transaction, at least 32 per v0 one (the same table, extended).
    let fleet_at = |h: i64| -> Vec<(Pubkey, Reading)> {
        fleet
            .iter()
            .map(|m| {
                let wh = 500_000 + 100 * u64::try_from(h).expect("small");
                let r = Reading {
                    timestamp: day_start + h * HOUR,
                    export_register_wh: wh,
                    import_register_wh: wh,
                };
                (*m, r)
            })
            .collect()
    };
    let sent = registry::submit_readings(chain, &s, &p.oracle, &fleet_at(0))
        .await
        .expect("fleet legacy readings");
    assert_eq!(sent.applied(), FLEET);
    assert_eq!(per_tx(&sent), vec![16, 16, 8]);
    let sent = registry::submit_readings_v0(chain, &s, &p.oracle, Some(&table), &fleet_at(1))
        .await
        .expect("fleet v0 readings");
    assert_eq!(sent.applied(), FLEET);
    assert_eq!(sent.lookup_table, Some(table));
    let fleet_per_tx = per_tx(&sent);
    assert!(
        fleet_per_tx[0] >= 32,
        "v0 readings per transaction: {fleet_per_tx:?}"
    );
    assert_eq!(fleet_per_tx, vec![36, 4]);
    let readings_applied = legacy.len() + v0.len() + 2 * FLEET;

    // Resubmitted (a keeper restart): skipped, nothing counted twice.
    let before: Vec<_> = {
        let mut v = Vec::new();
        for m in &meters {
            v.push(
                registry::meter(chain, &s, m)
                    .await
                    .expect("meter")
                    .exported_wh,
            );
        }
        v
    };
    let again = registry::submit_readings_v0(chain, &s, &p.oracle, Some(&table), &v0)
        .await
        .expect("resubmitted readings");
    assert_eq!(again.lookup_table, Some(table));
    assert_eq!((again.applied(), again.skipped()), (0, v0.len()));
    let again_legacy = registry::submit_readings(chain, &s, &p.oracle, &legacy[20..])
        .await
        .expect("resubmitted legacy readings");
    assert_eq!(again_legacy.skipped(), 4);
    for (m, b) in meters.iter().zip(&before) {
        assert_eq!(
            registry::meter(chain, &s, m)
                .await
                .expect("meter")
                .exported_wh,
            *b
        );
    }
    assert_eq!(before, vec![25_500, 8_500, 51_000, 0]);

    // Mint to each owner.
    for (m, expected) in meters.iter().zip([25_500u64, 8_500, 51_000]) {
        let minted = registry::mint_energy(chain, &s, &p.admin, m)
            .await
            .expect("mint");
        assert_eq!((minted.amount_wh, minted.minted_wh), (expected, expected));
    }
    // Nothing to mint (Dana only imports) lands and mints nothing.
    let minted = registry::mint_energy(chain, &s, &p.admin, &meters[3])
        .await
        .expect("mint nothing");
    assert_eq!((minted.amount_wh, minted.minted_wh), (0, 0));

    // The market, its stablecoin, and money for the buyers.
    let quote_mint = tokens::create_mint(chain, &s, &p.admin, &p.quote_authority.pubkey(), 6)
        .await
        .expect("quote mint");
    let created = market::create_market(
        chain,
        &s,
        &p.admin,
        &quote_mint,
        &params(&p.fee_recipient.pubkey()),
    )
    .await
    .expect("create market");
    let keys = created.keys;
    for buyer in [&p.dana, &p.eli] {
        let ata =
            tokens::ensure_associated_account(chain, &s, &p.admin, &buyer.pubkey(), &quote_mint)
                .await
                .expect("ata");
        tokens::mint_to(chain, &s, &p.quote_authority, &quote_mint, &ata, 20 * USDC)
            .await
            .expect("mint quote");
    }

    let opened = market::open_epoch(chain, &s, &p.admin, &keys.market)
        .await
        .expect("open epoch");
    let epoch = opened.epoch;
    assert_eq!(opened.end_ts - opened.start_ts, 3_600);

    // An order placed and cancelled gives everything back.
    let eli_quote = associated_token_address(&p.eli.pubkey(), &quote_mint);
    let placed = market::place_order(
        chain,
        &s,
        &p.eli,
        &keys,
        &epoch,
        &market::NewOrder {
            side: Side::Buy,
            limit_tick: tick(500_000),
            quantity_wh: 10_000,
            client_order_id: 99,
        },
    )
    .await
    .expect("place");
    assert_eq!(
        tokens::balance(chain, &s, &eli_quote)
            .await
            .expect("balance"),
        20 * USDC - 5 * USDC
    );
    market::cancel_order(chain, &s, &p.eli, &keys, &epoch, placed.order_id)
        .await
        .expect("cancel");
    assert_eq!(
        tokens::balance(chain, &s, &eli_quote)
            .await
            .expect("balance"),
        20 * USDC
    );

    // (who, side, limit per kWh, Wh)
    let orders = [
        (&p.asha, Side::Sell, 60_000u64, 20_000u64),
        (&p.chen, Side::Sell, 80_000, 40_000),
        (&p.bilal, Side::Sell, 110_000, 5_000),
        (&p.dana, Side::Buy, 150_000, 20_000),
        (&p.eli, Side::Buy, 90_000, 30_000),
    ];
    let mut ids = Vec::new();
    for (i, (who, side, price, wh)) in orders.into_iter().enumerate() {
        let placed = market::place_order(
            chain,
            &s,
            who,
            &keys,
            &epoch,
            &market::NewOrder {
                side,
                limit_tick: tick(price),
                quantity_wh: wh,
                client_order_id: i as u64 + 1,
            },
        )
        .await
        .expect("place");
        ids.push(placed.order_id);
    }
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "one book slot per order: {ids:?}");

    embedded.advance_time(3_600);
    let cleared = market::clear_epoch(chain, &s, &p.admin, &epoch)
        .await
        .expect("clear");
    assert_eq!(
        (cleared.clearing.price, cleared.clearing.volume_wh),
        (85_000, 50_000)
    );
    let settled = market::settle_epoch(chain, &s, &p.admin, &keys, &epoch, &[])
        .await
        .expect("settle");
    assert!(settled.settled);
    assert_eq!(settled.batches.len(), 1);
    let mut settled_ids: Vec<u32> = settled
        .batches
        .iter()
        .flat_map(|b| b.order_ids.clone())
        .collect();
    settled_ids.sort_unstable();
    assert_eq!(settled_ids, sorted);
    // Settling a settled epoch does nothing.
    let again = market::settle_epoch(chain, &s, &p.admin, &keys, &epoch, &settled.lookup_tables)
        .await
        .expect("settle again");
    assert!(again.settled && again.batches.is_empty());
    let closed = market::close_epoch(chain, &s, &p.admin, &epoch)
        .await
        .expect("close epoch");
    assert_eq!(closed.rent_payer, p.admin.pubkey());
    // Checked on the chain itself: a read through the faulty wrapper may fail.
    let epoch_exists = embedded.get_account(&epoch).await.expect("read").is_some();
    assert!(!epoch_exists);

    // Dana redeems what her meter imported.
    let redeemable = registry::redeemable(chain, &s, &meters[3])
        .await
        .expect("redeemable");
    assert_eq!(redeemable, 17_000);
    let redeemed = registry::redeem(chain, &s, &p.dana, &meters[3], redeemable)
        .await
        .expect("redeem");
    assert_eq!(
        (redeemed.redeemed_wh, redeemed.imported_wh),
        (17_000, 17_000)
    );

    // Chen's wind is certified, split, retired, transferred and revoked.
    let issued = certs::issue(
        chain,
        &s,
        &p.authority,
        &p.admin,
        &certs::Issue {
            meter: meters[2],
            amount_wh: 51_000,
            period_start: day_start,
            period_end: day_start + 17 * HOUR,
        },
    )
    .await
    .expect("issue");
    assert_eq!(
        (issued.owner, issued.certified_wh),
        (p.chen.pubkey(), 51_000)
    );
    let split = certs::split(
        chain,
        &s,
        &p.chen,
        &issued.certificate,
        41_000,
        10_000,
        &p.dana.pubkey(),
    )
    .await
    .expect("split");
    assert_eq!((split.kept_wh, split.split_wh), (41_000, 10_000));
    let retired = certs::retire(
        chain,
        &s,
        &p.dana,
        &split.part,
        &p.dana.pubkey(),
        "Dana's household",
        "2026 renewable electricity claim",
    )
    .await
    .expect("retire");
    assert_eq!(retired.event.amount_wh, 10_000);
    assert_eq!(retired.event.beneficiary_name, "Dana's household");
    certs::transfer(chain, &s, &p.chen, &issued.certificate, &p.eli.pubkey())
        .await
        .expect("transfer");
    let revoked = certs::revoke(chain, &s, &p.authority, &issued.certificate, "meter audit")
        .await
        .expect("revoke");
    assert_eq!(
        (revoked.event.owner, revoked.event.amount_wh),
        (p.eli.pubkey(), 41_000)
    );

    // The final state.
    let traders = [
        &p.asha,
        &p.bilal,
        &p.chen,
        &p.dana,
        &p.eli,
        &p.fee_recipient,
    ];
    let mut energy = Vec::new();
    let mut quote = Vec::new();
    for t in traders {
        let e = associated_token_address(&t.pubkey(), &keys.energy_mint);
        let q = associated_token_address(&t.pubkey(), &quote_mint);
        energy.push(tokens::balance(chain, &s, &e).await.expect("balance"));
        quote.push(tokens::balance(chain, &s, &q).await.expect("balance"));
    }
    let mut meter_totals = Vec::new();
    for m in &meters {
        let m = registry::meter(chain, &s, m).await.expect("meter");
        meter_totals.push([
            m.exported_wh,
            m.imported_wh,
            m.minted_wh,
            m.redeemed_wh,
            m.certified_wh,
        ]);
    }
    let mut certificates = Vec::new();
    for c in [&issued.certificate, &split.part] {
        let c = certs::certificate(chain, &s, c).await.expect("certificate");
        certificates.push((c.status(), c.amount_wh, c.owner));
    }
    let spare_meter = registry::meter(chain, &s, &other.meter)
        .await
        .expect("meter");
    let (ev, qv) = (
        tokens::balance(chain, &s, &keys.energy_vault)
            .await
            .expect("vault"),
        tokens::balance(chain, &s, &keys.quote_vault)
            .await
            .expect("vault"),
    );
    assert_eq!((ev, qv), (0, 0), "vaults empty after settlement");
    FinalState {
        energy,
        quote,
        supply: tokens::supply(chain, &s, &keys.energy_mint)
            .await
            .expect("supply"),
        meters: meter_totals,
        readings_applied,
        resubmitted_skipped: again_legacy.skipped() + v0.len(),
        certificates,
        spare: (spare_meter.owner, spare_meter.status()),
        epoch_exists,
    }
}

/// What the lifecycle must leave, to the unit. Clearing at 0.085 per kWh
/// for 50 kWh: Asha sells 20 kWh (gross 1,700,000, fee 8,500), Chen 30 of
/// his 40 kWh pro rata (gross 2,550,000, fee 12,750), Bilal's 5 kWh at
/// 0.110 does not fill; Dana buys 20 kWh (pays 1,700,000 of a 3,000,000
/// escrow), Eli 30 kWh (2,550,000 of 2,700,000).
fn expected(p: &People) -> FinalState {
    FinalState {
        // Asha 25.5 − 20, Bilal 8.5, Chen 51 − 30, Dana 20 − 17 redeemed,
        // Eli 30, fee recipient 0 (no dust).
        energy: vec![5_500, 8_500, 21_000, 3_000, 30_000, 0],
        quote: vec![
            1_700_000 - 8_500,
            0,
            2_550_000 - 12_750,
            20 * USDC - 1_700_000,
            20 * USDC - 2_550_000,
            8_500 + 12_750,
        ],
        supply: 25_500 + 8_500 + 51_000 - 17_000,
        meters: vec![
            [25_500, 0, 25_500, 0, 0],
            [8_500, 0, 8_500, 0, 0],
            [51_000, 0, 51_000, 0, 51_000],
            [0, 17_000, 0, 17_000, 0],
        ],
        readings_applied: 72 + 2 * FLEET,
        resubmitted_skipped: 4 + 48,
        certificates: vec![
            (Some(CertificateStatus::Revoked), 41_000, p.eli.pubkey()),
            (Some(CertificateStatus::Retired), 10_000, p.dana.pubkey()),
        ],
        spare: (p.fay.pubkey(), Some(MeterStatus::Suspended)),
        epoch_exists: false,
    }
}

#[tokio::test(start_paused = true)]
async fn the_whole_lifecycle_on_the_real_programs() {
    let p = People::new();
    let chain = embedded(&p);
    let state = lifecycle(&chain, &chain, &p).await;
    assert_eq!(state, expected(&p));
}

#[tokio::test(start_paused = true)]
async fn the_lifecycle_under_thirty_percent_faults_reaches_the_same_state() {
    // Several fault sequences: the flows must not depend on where the
    // faults fall.
    let seeds: Vec<u64> = match std::env::var("JOULE_FAULT_SEEDS") {
        Ok(n) => (0..n.parse::<u64>().expect("a number of seeds")).collect(),
        Err(_) => vec![11, 12, 13, 14, 15],
    };
    for seed in seeds {
        let p = People::new();
        let chain = FaultyChain::new(
            embedded(&p),
            FaultConfig {
                seed,
                sends: FaultRates::spread(30),
                reads: FaultRates::spread(30),
                ..FaultConfig::default()
            },
        );
        let state = lifecycle(&chain, chain.inner(), &p).await;
        assert_eq!(state, expected(&p), "seed {seed}");
        let counts = chain.counts();
        assert!(
            counts.dropped > 0 && counts.delayed > 0,
            "seed {seed}: {counts:?}"
        );
        assert!(
            counts.duplicated > 0 && counts.errors > 0,
            "seed {seed}: {counts:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn program_errors_come_back_typed() {
    let p = People::new();
    let chain = embedded(&p);
    let s = sender();
    registry::initialize(&chain, &s, &p.admin, &[p.oracle.pubkey()])
        .await
        .expect("initialize");
    let new = registry::NewMeter {
        serial: "ERR-1".into(),
        utility: "TPDDL".into(),
        kind: MeterKind::Solar,
        rated_power_w: 1_000,
    };
    let meter = registry::register_meter(&chain, &s, &p.fay, &new)
        .await
        .expect("register")
        .meter;

    // The admin checked Gus, but Fay registered it.
    let err = match registry::activate_meter(&chain, &s, &p.admin, &meter, &p.gus.pubkey()).await {
        Err(e) => e,
        Ok(_) => panic!("activated for the wrong owner"),
    };
    let f = err.program_failure().expect("a program failure");
    assert_eq!(f.program_name, Some("registry"));
    assert_eq!(f.instruction_name, Some("activate_meter"));
    assert_eq!(f.error_name(), Some("UnexpectedMeterOwner"));
    assert!(matches!(err, FlowError::Send(_)));

    // Readings from a key that is not an oracle.
    let reading = Reading {
        timestamp: 1,
        export_register_wh: 0,
        import_register_wh: 0,
    };
    let err = match registry::submit_readings(&chain, &s, &p.gus, &[(meter, reading)]).await {
        Err(e) => e,
        Ok(_) => panic!("readings from a non-oracle"),
    };
    let f = err.program_failure().expect("a program failure");
    assert_eq!(f.error_name(), Some("NotOracle"));
    assert_eq!(
        err.to_string(),
        "registry::submit_readings (instruction 0): NotOracle (6002): The signer is not in the current oracle set."
    );
}

#[tokio::test(start_paused = true)]
async fn settlement_of_many_owners_takes_several_v0_batches_pro_rata_last() {
    let p = People::new();
    let (chain, s, now) = initialized(&p).await;
    // One seller with 51 kWh.
    chain.set_time(now - 48 * HOUR);
    let new = registry::NewMeter {
        serial: "WIND-1".into(),
        utility: "TPDDL".into(),
        kind: MeterKind::Wind,
        rated_power_w: 10_000,
    };
    let meter = registry::register_meter(&chain, &s, &p.chen, &new)
        .await
        .expect("register")
        .meter;
    registry::activate_meter(&chain, &s, &p.admin, &meter, &p.chen.pubkey())
        .await
        .expect("activate");
    chain.set_time(now);
    let reading = |h: i64, wh: u64| {
        (
            meter,
            Reading {
                timestamp: now - 20 * HOUR + h * HOUR,
                export_register_wh: wh,
                import_register_wh: 0,
            },
        )
    };
    registry::submit_readings(&chain, &s, &p.oracle, &[reading(0, 0), reading(17, 51_000)])
        .await
        .expect("readings");
    registry::mint_energy(&chain, &s, &p.admin, &meter)
        .await
        .expect("mint");

    // Twenty buyers of 3 kWh each at one limit: 60 kWh of demand for 51,
    // so the buyers share pro rata; 3 accounts each overflow one batch.
    let quote_mint = tokens::create_mint(&chain, &s, &p.admin, &p.quote_authority.pubkey(), 6)
        .await
        .expect("quote mint");
    let keys = market::create_market(
        &chain,
        &s,
        &p.admin,
        &quote_mint,
        &params(&p.fee_recipient.pubkey()),
    )
    .await
    .expect("market")
    .keys;
    let epoch = market::open_epoch(&chain, &s, &p.admin, &keys.market)
        .await
        .expect("open")
        .epoch;
    let buyers: Vec<Keypair> = (0..20).map(|i| key(100 + i)).collect();
    for b in &buyers {
        chain.airdrop(&b.pubkey(), SOL).expect("airdrop");
        let ata = tokens::ensure_associated_account(&chain, &s, &p.admin, &b.pubkey(), &quote_mint)
            .await
            .expect("ata");
        tokens::mint_to(&chain, &s, &p.quote_authority, &quote_mint, &ata, USDC)
            .await
            .expect("mint quote");
    }
    let sell = market::NewOrder {
        side: Side::Sell,
        limit_tick: tick(50_000),
        quantity_wh: 51_000,
        client_order_id: 1,
    };
    market::place_order(&chain, &s, &p.chen, &keys, &epoch, &sell)
        .await
        .expect("sell");
    for (i, b) in buyers.iter().enumerate() {
        let buy = market::NewOrder {
            side: Side::Buy,
            limit_tick: tick(100_000),
            quantity_wh: 3_000,
            client_order_id: i as u64,
        };
        market::place_order(&chain, &s, b, &keys, &epoch, &buy)
            .await
            .expect("buy");
    }
    chain.advance_time(3_600);
    let cleared = market::clear_epoch(&chain, &s, &p.admin, &epoch)
        .await
        .expect("clear");
    assert_eq!(cleared.clearing.volume_wh, 51_000);
    let book = market::epoch(&chain, &s, &epoch).await.expect("epoch");
    assert_eq!(book.pro_rata().map(|(side, _)| side), Some(Side::Buy));

    let settled = market::settle_epoch(&chain, &s, &p.admin, &keys, &epoch, &[])
        .await
        .expect("settle");
    assert!(settled.settled);
    assert!(
        settled.batches.len() >= 2,
        "{} batches",
        settled.batches.len()
    );
    assert!(settled
        .batches
        .iter()
        .all(|b| b.size <= MAX_TRANSACTION_SIZE && b.accounts <= 64));
    // The pro-rata orders went last, in ascending id, across batches.
    let order: Vec<u32> = settled
        .batches
        .iter()
        .flat_map(|b| b.order_ids.clone())
        .collect();
    let pro_rata: Vec<u32> = order
        .iter()
        .copied()
        .filter(|id| book.is_pro_rata_order(*id))
        .collect();
    assert_eq!(pro_rata.len(), 20);
    assert!(pro_rata.windows(2).all(|w| w[0] < w[1]), "{pro_rata:?}");
    assert_eq!(&order[order.len() - 20..], pro_rata.as_slice());

    // Every Wh of the 51 kWh reached a buyer, in whole Wh; vaults empty.
    let mut bought = 0;
    for b in &buyers {
        let ata = associated_token_address(&b.pubkey(), &keys.energy_mint);
        let got = tokens::balance(&chain, &s, &ata).await.expect("balance");
        assert!((2_549..=2_551).contains(&got), "{got}");
        bought += got;
    }
    assert_eq!(bought, 51_000);
    assert_eq!(
        tokens::balance(&chain, &s, &keys.energy_vault)
            .await
            .expect("vault"),
        0
    );
    assert_eq!(
        tokens::balance(&chain, &s, &keys.quote_vault)
            .await
            .expect("vault"),
        0
    );
}

#[tokio::test(start_paused = true)]
async fn many_meters_mint_in_few_transactions_and_a_suspended_meter_fails_its_batch_only() {
    let p = People::new();
    let (chain, s, now) = initialized(&p).await;
    // Twelve meters: seven of Asha's, five owned one each by the others.
    chain.set_time(now - 48 * HOUR);
    let owners: Vec<&Keypair> = std::iter::repeat_n(&p.asha, 7)
        .chain([&p.bilal, &p.chen, &p.dana, &p.eli, &p.fay])
        .collect();
    let mut meters = Vec::new();
    for (i, owner) in owners.iter().enumerate() {
        let new = registry::NewMeter {
            serial: format!("MINT-{i:02}"),
            utility: "TPDDL".into(),
            kind: MeterKind::Solar,
            rated_power_w: 5_000,
        };
        let m = registry::register_meter(&chain, &s, *owner, &new)
            .await
            .expect("register")
            .meter;
        registry::activate_meter(&chain, &s, &p.admin, &m, &owner.pubkey())
            .await
            .expect("activate");
        meters.push((m, owner.pubkey()));
    }
    chain.set_time(now);
    let mut readings = Vec::new();
    for (i, (m, _)) in meters.iter().enumerate() {
        for (h, wh) in [(0, 0), (2, 1_000 + 10 * i as u64)] {
            readings.push((
                *m,
                Reading {
                    timestamp: now - 10 * HOUR + h * HOUR,
                    export_register_wh: wh,
                    import_register_wh: 0,
                },
            ));
        }
    }
    registry::submit_readings(&chain, &s, &p.oracle, &readings)
        .await
        .expect("readings");

    // The plan: every batch fits one legacy transaction and the next meter
    // would not; Asha's account is created once per transaction.
    let payer = p.gus.pubkey();
    let batches = registry::plan_mint_batches(&payer, &meters);
    assert!(batches.len() < meters.len() / 3, "{}", batches.len());
    assert_eq!(batches.concat(), meters);
    for (i, b) in batches.iter().enumerate() {
        let fits = |ms: &[(Pubkey, Pubkey)]| {
            joule_client::flows::transaction_footprint(
                &registry::mint_instructions(&payer, ms),
                &payer,
                None,
            )
            .is_some_and(|f| f.fits())
        };
        assert!(fits(b));
        if let Some(next) = batches.get(i + 1) {
            let mut more = b.clone();
            more.push(next[0]);
            assert!(!fits(&more), "batch {i} could take one more");
        }
    }
    let creates = registry::mint_instructions(&payer, &batches[0])
        .iter()
        .filter(|ix| ix.program_id != joule_sdk::registry::ID)
        .count();
    let mut owners_of_first: Vec<Pubkey> = batches[0].iter().map(|(_, o)| *o).collect();
    owners_of_first.dedup();
    assert!(batches[0].len() >= 7, "{:?}", batches[0]);
    assert_eq!(creates, owners_of_first.len());

    // A suspended meter fails its whole batch (all or nothing) and moves
    // nothing; the other batches mint.
    registry::suspend_meter(&chain, &s, &p.admin, &meters[8].0)
        .await
        .expect("suspend");
    let holding = batches
        .iter()
        .position(|b| b.contains(&meters[8]))
        .expect("planned");
    async fn supply(c: &EmbeddedChain) -> u64 {
        tokens::supply(c, &sender(), &joule_sdk::registry::energy_mint_address())
            .await
            .expect("supply")
    }
    let mut minted = 0u64;
    for (i, b) in batches.iter().enumerate() {
        let before = supply(&chain).await;
        match registry::mint_energy_batch(&chain, &s, &p.gus, b).await {
            Ok(done) => {
                assert_ne!(i, holding);
                assert_eq!(done.minted.len(), b.len());
                let sum: u64 = done.minted.iter().map(|m| m.amount_wh).sum();
                assert_eq!(supply(&chain).await - before, sum);
                minted += sum;
            }
            Err(e) => {
                assert_eq!(i, holding);
                assert!(e.to_string().contains("MeterNotActive"), "{e}");
                assert_eq!(supply(&chain).await, before);
            }
        }
    }
    let expected: u64 = batches
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != holding)
        .flat_map(|(_, b)| b.iter())
        .map(|(m, _)| 1_000 + 10 * meters.iter().position(|x| x.0 == *m).unwrap() as u64)
        .sum();
    assert_eq!(minted, expected);
    // Minting again mints nothing and fails nothing.
    let minted_batch = batches
        .iter()
        .find(|b| !b.contains(&meters[8]))
        .expect("another batch");
    let again = registry::mint_energy_batch(&chain, &s, &p.gus, minted_batch)
        .await
        .expect("again");
    assert!(again.minted.is_empty());
}
