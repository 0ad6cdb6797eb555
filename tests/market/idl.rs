//! IDL checks: each program's `target-idl/*.json` is current and an
//! IDL-driven Borsh decoder reads the program's real accounts, instruction
//! arguments and events. They belong with the IDL generator's own tests
//! in `tests/idl.rs`, where they move next.

use super::*;
use joule_sdk::{
    certificates::{self as certs, CertificateStatus},
    registry::MeterKind,
};
use joule_tests::{certificates::certificates_scenario, GENESIS_TS};

// Market.

/// target-idl/market.json is current, and an IDL-driven Borsh decoder reads
/// the program's real accounts, instruction arguments and events.
#[test]
fn market_idl_is_current_and_describes_the_bytes() {
    let idl = joule_idl::market_idl();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target-idl/market.json");
    let on_disk = std::fs::read_to_string(&path).expect("target-idl/market.json");
    assert_eq!(
        on_disk,
        joule_idl::to_json(&idl),
        "stale: run `cargo run -p joule-idl`"
    );
    assert_eq!(idl.errors.len(), E::ALL.len());
    assert_eq!(idl.address, mkt::ID.to_string());

    let mut e = env();
    let (_, _, _, ids) = rationed_book(&mut e);
    let seller = e.trader(Who::Seller);
    let extra = e.place_ok(Who::Seller, Side::Sell, 900, 10);
    let cancelled = expect_ok(e.ctx.cancel(&e.fx, &e.epoch, &seller, Side::Sell, extra, 7));
    e.end_epoch();
    let cleared = expect_ok(e.ctx.clear(&e.epoch));
    let settled = expect_ok(e.ctx.settle(&e.fx, &e.epoch, &ids));
    // Accounts.
    let market = e.ctx.data(&e.fx.keys.market).unwrap();
    let v = decode_type(&idl, "Market", &market[8..]).expect("Market layout");
    assert_eq!(v["quote_mint"], e.fx.keys.quote_mint.to_string());
    assert_eq!(v["tick_count"], 1_024);
    let epoch = e.ctx.data(&e.epoch).unwrap();
    let v =
        decode_type(&idl, "Epoch", &epoch[8..mkt::EPOCH_HEADER_LEN]).expect("Epoch header layout");
    assert_eq!(
        (
            v["state"].clone(),
            v["clearing_price"].clone(),
            v["volume_wh"].clone()
        ),
        (
            (EpochState::Settled as u8).into(),
            25_000.into(),
            5_000.into()
        )
    );
    let slot = &epoch[mkt::epoch_space(1_024, 0)..][..mkt::EPOCH_BYTES_PER_ORDER];
    let v = decode_type(&idl, "Order", slot).expect("Order layout");
    assert_eq!(
        (
            v["side"].clone(),
            v["status"].clone(),
            v["quantity_wh"].clone()
        ),
        (
            (Side::Sell as u8).into(),
            (OrderStatus::Settled as u8).into(),
            5_000.into()
        )
    );
    // Instruction arguments.
    let k = e.fx.keys;
    let me = Pubkey::new_unique();
    let item = SettleOrder {
        order_id: 3,
        energy_account: me,
        quote_account: me,
        owner: me,
    };
    let ixs: Vec<(&str, Instruction)> = vec![
        (
            "create_market",
            mkt::CreateMarket {
                admin: me,
                keys: k,
                params: e.fx.params,
            }
            .instruction(),
        ),
        (
            "open_epoch",
            mkt::OpenEpoch {
                payer: me,
                market: k.market,
                epoch: me,
            }
            .instruction(),
        ),
        (
            "place_order",
            mkt::PlaceOrder {
                keys: k,
                epoch: me,
                owner: me,
                owner_token: me,
                side: Side::Sell,
                limit_tick: 513,
                quantity_wh: 1_234,
                client_order_id: 99,
            }
            .instruction(),
        ),
        (
            "cancel_order",
            mkt::CancelOrder {
                keys: k,
                epoch: me,
                owner: me,
                owner_token: me,
                side: Side::Buy,
                order_id: 7,
                client_order_id: 99,
            }
            .instruction(),
        ),
        ("clear_epoch", mkt::ClearEpoch { epoch: me }.instruction()),
        (
            "settle_orders",
            mkt::SettleOrders {
                keys: k,
                epoch: me,
                fee_energy: me,
                fee_quote: me,
                orders: &[item, item],
            }
            .instruction(),
        ),
        (
            "close_epoch",
            mkt::CloseEpoch {
                epoch: me,
                rent_payer: me,
            }
            .instruction(),
        ),
    ];
    for (name, ix) in &ixs {
        let spec = idl.instructions.iter().find(|i| i.name == *name).unwrap();
        assert_eq!(ix.data[..8], spec.discriminator[..], "{name}");
        let v = decode_ix_args(&idl, name, &ix.data[8..]).unwrap_or_err(name);
        if *name == "place_order" {
            assert_eq!(
                (
                    v["side"].clone(),
                    v["limit_tick"].clone(),
                    v["quantity_wh"].clone()
                ),
                ("Sell".into(), 513.into(), 1_234.into())
            );
        }
        if *name == "settle_orders" {
            assert_eq!(v["order_ids"], serde_json::json!([3, 3]));
        }
        if *name == "create_market" {
            assert_eq!(v["params"]["fee_bps"], 50);
        }
    }
    // Every event the program logged.
    let mut names = Vec::new();
    for logs in [&cancelled.logs, &cleared.logs, &settled.logs] {
        for data in joule_sdk::events::program_data(logs) {
            let ev = idl
                .events
                .iter()
                .find(|ev| data[..8] == ev.discriminator[..])
                .expect("a known event");
            decode_type(&idl, &ev.name, &data[8..]).unwrap_or_err(&ev.name);
            names.push(ev.name.clone());
        }
    }
    assert_eq!(
        names,
        [
            "OrderCancelled",
            "EpochCleared",
            "OrdersSettled",
            "EpochSettled"
        ]
    );
}

trait UnwrapOrErr<T> {
    fn unwrap_or_err(self, what: &str) -> T;
}

impl<T> UnwrapOrErr<T> for Result<T, String> {
    fn unwrap_or_err(self, what: &str) -> T {
        self.unwrap_or_else(|e| panic!("{what}: {e}"))
    }
}

// Certificates (moved from the certificates tests).

#[test]
fn certificates_idl_is_current_and_describes_the_bytes() {
    let idl = joule_idl::certificates_idl();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target-idl/certificates.json");
    let on_disk = std::fs::read_to_string(&path).expect("target-idl/certificates.json");
    assert!(
        on_disk == joule_idl::to_json(&idl),
        "stale: run `cargo run -p joule-idl`"
    );
    assert_eq!(idl.errors.len(), certs::CertificatesError::ALL.len());

    let mut ctx = TestContext::new();
    let s = certificates_scenario(&mut ctx);
    // Accounts.
    let data = ctx.data(&s.split_part).unwrap();
    let v = decode_type(&idl, "Certificate", &data[8..]).expect("Certificate layout");
    assert_eq!(v["status"], CertificateStatus::Retired as u8);
    assert_eq!(v["source_kind"], MeterKind::Solar as u8);
    assert_eq!(v["amount_wh"], 4_000);
    assert_eq!(v["owner"], s.buyer.pubkey().to_string());
    let data = ctx.data(&certs::config_address()).unwrap();
    let v = decode_type(&idl, "Config", &data[8..]).expect("Config layout");
    assert_eq!(v["authority"], s.authority.pubkey().to_string());
    // Instruction arguments as the builders encode them.
    let me = s.buyer.pubkey();
    let ixs = [
        (
            "issue_certificate",
            certs::IssueCertificate {
                authority: me,
                payer: me,
                id: 7,
                meter: s.meter,
                amount_wh: 1,
                period_start: 2,
                period_end: 3,
            }
            .instruction(),
        ),
        (
            "split_certificate",
            certs::SplitCertificate {
                owner: me,
                payer: me,
                certificate: s.certificate,
                split_index: certs::next_split_index(&s.certificate, 7),
                keep_wh: 1,
                split_wh: 2,
                new_owner: me,
            }
            .instruction(),
        ),
        (
            "transfer_certificate",
            certs::TransferCertificate {
                owner: me,
                certificate: s.certificate,
                new_owner: me,
            }
            .instruction(),
        ),
        (
            "retire_certificate",
            certs::RetireCertificate {
                owner: me,
                certificate: s.certificate,
                beneficiary: me,
                beneficiary_name: "Ä name",
                reason: "why",
            }
            .instruction(),
        ),
        (
            "revoke_certificate",
            certs::RevokeCertificate {
                authority: me,
                certificate: s.certificate,
                reason: "why",
            }
            .instruction(),
        ),
        (
            "set_pause",
            certs::SetPause {
                authority: me,
                flags: 3,
            }
            .instruction(),
        ),
        (
            "initialize",
            certs::Initialize {
                admin: me,
                authority: me,
            }
            .instruction(),
        ),
    ];
    for (name, ix) in ixs {
        let spec = idl.instructions.iter().find(|i| i.name == name).unwrap();
        assert_eq!(&ix.data[..8], spec.discriminator.as_slice(), "{name}");
        assert_eq!(ix.accounts.len(), spec.accounts.len(), "{name}");
        decode_ix_args(&idl, name, &ix.data[8..]).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let v = decode_ix_args(
        &idl,
        "retire_certificate",
        &certs::RetireCertificate {
            owner: me,
            certificate: me,
            beneficiary: me,
            beneficiary_name: "Ä name",
            reason: "why",
        }
        .instruction()
        .data[8..],
    )
    .unwrap();
    assert_eq!(
        (v["beneficiary_name"].as_str(), v["reason"].as_str()),
        (Some("Ä name"), Some("why"))
    );
}

#[test]
fn certificates_idl_decodes_every_event() {
    let idl = joule_idl::certificates_idl();
    // An active solar meter that exported 10 kWh over the hour before
    // genesis, and a certificate of 4 kWh issued to its producer.
    let (start, end) = (GENESIS_TS - 3_600, GENESIS_TS);
    let mut ctx = TestContext::new();
    let authority = ctx.init_certificates();
    let producer = ctx.new_user();
    let meter = ctx.meter_with_energy(&producer, "SOLAR-0001", MeterKind::Solar, 10_000, 0);
    let cert = ctx.issue_ok(&authority, &meter, 4_000);
    let buyer = ctx.new_user();
    let mut logs = Vec::new();
    let (part, res) = ctx.split_certificate(&producer, &cert, 3_000, 1_000, &buyer.pubkey());
    logs.extend(expect_ok(res).logs);
    logs.extend(expect_ok(ctx.transfer_certificate(&producer, &cert, &buyer.pubkey())).logs);
    logs.extend(
        expect_ok(ctx.retire_certificate(&buyer, &part, &buyer.pubkey(), "Buyer", "claim")).logs,
    );
    logs.extend(expect_ok(ctx.revoke_certificate(&authority, &cert, "faulty meter")).logs);
    let (_, res) = ctx.issue_certificate(&authority, &meter, 1_000, start, end);
    logs.extend(expect_ok(res).logs);
    logs.extend(expect_ok(ctx.set_certificates_pause(&authority, 0)).logs);
    let next = ctx.new_user();
    logs.extend(expect_ok(ctx.propose_certificate_authority(&authority, &next.pubkey())).logs);
    logs.extend(expect_ok(ctx.accept_certificate_authority(&next)).logs);
    let mut seen = std::collections::BTreeSet::new();
    for data in joule_sdk::events::program_data(&logs) {
        let Some(ev) = idl.events.iter().find(|e| data[..8] == e.discriminator[..]) else {
            continue;
        };
        decode_type(&idl, &ev.name, &data[8..]).unwrap_or_else(|e| panic!("{}: {e}", ev.name));
        seen.insert(ev.name.clone());
    }
    // Initialized is covered by initialize_ok; every other event was decoded.
    let expected: std::collections::BTreeSet<String> = idl
        .events
        .iter()
        .map(|e| e.name.clone())
        .filter(|n| n != "Initialized")
        .collect();
    assert_eq!(seen, expected);
}
