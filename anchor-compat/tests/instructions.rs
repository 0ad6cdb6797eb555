//! Instructions built with the types `declare_program!` generates from the
//! IDLs (`client::accounts` + `client::args`, through Anchor's
//! `ToAccountMetas` and `InstructionData`) equal the sdk builders' for the
//! same inputs: program id, every account meta (key, signer, writable) and
//! the data bytes.

use anchor_lang::{
    prelude::{AccountMeta, Pubkey},
    solana_program::instruction::Instruction,
    InstructionData, ToAccountMetas,
};
use joule_anchor_compat::{certificates, market, registry};
use joule_sdk::{certificates as sdk_certs, market as sdk_mkt, registry as sdk_reg};

/// Well-known program ids, spelled out rather than taken from the sdk.
const SYSTEM_PROGRAM: Pubkey = Pubkey::from_str_const("11111111111111111111111111111111");
const TOKEN_PROGRAM: Pubkey = Pubkey::from_str_const("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
const RENT_SYSVAR: Pubkey = Pubkey::from_str_const("SysvarRent111111111111111111111111111111111");

/// A distinct key per `n`, so a swapped account shows.
fn key(n: u8) -> Pubkey {
    Pubkey::new_from_array([n; 32])
}

/// What a Rust client of the generated types builds.
fn anchor_ix(
    program_id: Pubkey,
    accounts: impl ToAccountMetas,
    args: impl InstructionData,
    remaining: Vec<AccountMeta>,
) -> Instruction {
    let mut metas = accounts.to_account_metas(None);
    metas.extend(remaining);
    Instruction {
        program_id,
        accounts: metas,
        data: args.data(),
    }
}

fn assert_same(name: &str, anchor: &Instruction, sdk: &Instruction) {
    assert_eq!(anchor.program_id, sdk.program_id, "{name}: program id");
    assert_eq!(
        anchor.accounts.len(),
        sdk.accounts.len(),
        "{name}: account count"
    );
    for (i, (a, s)) in anchor.accounts.iter().zip(&sdk.accounts).enumerate() {
        assert_eq!(a.pubkey, s.pubkey, "{name}: account {i} key");
        assert_eq!(a.is_signer, s.is_signer, "{name}: account {i} signer");
        assert_eq!(a.is_writable, s.is_writable, "{name}: account {i} writable");
    }
    assert_eq!(anchor.data, sdk.data, "{name}: data");
}

// ------------------------------------------------------------ registry

#[test]
fn program_ids_are_the_sdks() {
    assert_eq!(registry::ID, sdk_reg::ID);
    assert_eq!(market::ID, sdk_mkt::ID);
    assert_eq!(certificates::ID, sdk_certs::ID);
}

#[test]
fn registry_initialize() {
    let admin = key(1);
    let anchor = anchor_ix(
        registry::ID,
        registry::client::accounts::Initialize {
            admin,
            config: sdk_reg::config_address(),
            energy_mint: sdk_reg::energy_mint_address(),
            program_data: sdk_reg::program_data_address(),
            system_program: SYSTEM_PROGRAM,
            token_program: TOKEN_PROGRAM,
        },
        registry::client::args::Initialize {},
        vec![],
    );
    assert_same(
        "initialize",
        &anchor,
        &sdk_reg::Initialize { admin }.instruction(),
    );
}

#[test]
fn registry_register_meter_every_kind() {
    use registry::types::MeterKind as K;
    use sdk_reg::MeterKind as S;
    let kinds = [
        (K::Solar, S::Solar),
        (K::Wind, S::Wind),
        (K::Hydro, S::Hydro),
        (K::Biomass, S::Biomass),
        (K::Geothermal, S::Geothermal),
        (K::ConsumptionOnly, S::ConsumptionOnly),
    ];
    assert_eq!(kinds.len(), S::ALL.len(), "every MeterKind is covered");
    let owner = key(2);
    let meter_id = sdk_reg::meter_id_from_serial("DL-0042-7731");
    let utility_id = sdk_reg::utility_id("TPDDL").unwrap();
    let (meter, bump) = sdk_reg::meter_address(&meter_id);
    for (anchor_kind, sdk_kind) in kinds {
        let anchor = anchor_ix(
            registry::ID,
            registry::client::accounts::RegisterMeter {
                owner,
                config: sdk_reg::config_address(),
                meter,
                system_program: SYSTEM_PROGRAM,
            },
            registry::client::args::RegisterMeter {
                meter_id,
                utility_id,
                kind: anchor_kind,
                rated_power_w: 5_000_123,
                bump,
            },
            vec![],
        );
        let sdk = sdk_reg::RegisterMeter {
            owner,
            meter_id,
            utility_id,
            kind: sdk_kind,
            rated_power_w: 5_000_123,
        }
        .instruction();
        assert_same(sdk_kind.name(), &anchor, &sdk);
    }
}

#[test]
fn registry_set_oracles() {
    let (admin, add, remove) = (key(3), [key(4), key(5)], [key(6)]);
    let anchor = anchor_ix(
        registry::ID,
        registry::client::accounts::SetOracles {
            admin,
            config: sdk_reg::config_address(),
        },
        registry::client::args::SetOracles {
            add: add.to_vec(),
            remove: remove.to_vec(),
        },
        vec![],
    );
    assert_same(
        "set_oracles",
        &anchor,
        &sdk_reg::SetOracles {
            admin,
            add: &add,
            remove: &remove,
        }
        .instruction(),
    );
}

#[test]
fn registry_submit_readings() {
    let oracle = key(7);
    let batch = [
        (
            key(8),
            sdk_reg::Reading {
                timestamp: 1_767_225_600,
                export_register_wh: 12_345,
                import_register_wh: 678,
            },
        ),
        (
            key(9),
            sdk_reg::Reading {
                timestamp: -5,
                export_register_wh: u64::MAX,
                import_register_wh: 1,
            },
        ),
    ];
    let anchor = anchor_ix(
        registry::ID,
        registry::client::accounts::SubmitReadings {
            oracle,
            config: sdk_reg::config_address(),
        },
        registry::client::args::SubmitReadings {
            readings: batch
                .iter()
                .map(|(_, r)| registry::types::Reading {
                    timestamp: r.timestamp,
                    export_register_wh: r.export_register_wh,
                    import_register_wh: r.import_register_wh,
                })
                .collect(),
        },
        // The meters follow as remaining accounts, writable.
        batch
            .iter()
            .map(|(m, _)| AccountMeta::new(*m, false))
            .collect(),
    );
    assert_same(
        "submit_readings",
        &anchor,
        &sdk_reg::SubmitReadings {
            oracle,
            readings: &batch,
        }
        .instruction(),
    );
}

#[test]
fn registry_meter_lifecycle() {
    let (admin, owner, meter, token) = (key(10), key(11), key(12), key(13));
    let config = sdk_reg::config_address();

    let anchor = anchor_ix(
        registry::ID,
        registry::client::accounts::ActivateMeter {
            admin,
            config,
            meter,
        },
        registry::client::args::ActivateMeter {
            expected_owner: owner,
        },
        vec![],
    );
    assert_same(
        "activate_meter",
        &anchor,
        &sdk_reg::ActivateMeter {
            admin,
            meter,
            expected_owner: owner,
        }
        .instruction(),
    );

    let anchor = anchor_ix(
        registry::ID,
        registry::client::accounts::MintEnergy {
            config,
            meter,
            energy_mint: sdk_reg::energy_mint_address(),
            owner_token: token,
            token_program: TOKEN_PROGRAM,
        },
        registry::client::args::MintEnergy {},
        vec![],
    );
    assert_same(
        "mint_energy",
        &anchor,
        &sdk_reg::MintEnergy {
            meter,
            owner_token: token,
        }
        .instruction(),
    );

    let anchor = anchor_ix(
        registry::ID,
        registry::client::accounts::RedeemConsumption {
            owner,
            config,
            meter,
            energy_mint: sdk_reg::energy_mint_address(),
            owner_token: token,
            token_program: TOKEN_PROGRAM,
        },
        registry::client::args::RedeemConsumption {
            amount_wh: 987_654_321,
        },
        vec![],
    );
    assert_same(
        "redeem_consumption",
        &anchor,
        &sdk_reg::RedeemConsumption {
            owner,
            meter,
            owner_token: token,
            amount_wh: 987_654_321,
        }
        .instruction(),
    );

    let anchor = anchor_ix(
        registry::ID,
        registry::client::accounts::CloseMeter {
            admin,
            config,
            meter,
            owner,
        },
        registry::client::args::CloseMeter {},
        vec![],
    );
    assert_same(
        "close_meter",
        &anchor,
        &sdk_reg::CloseMeter {
            admin,
            meter,
            owner,
        }
        .instruction(),
    );
}

// ------------------------------------------------------------ market

fn market_keys() -> sdk_mkt::MarketKeys {
    sdk_mkt::MarketKeys::new(&key(20))
}

#[test]
fn market_create_market() {
    let admin = key(21);
    let keys = market_keys();
    let params = sdk_mkt::MarketParams {
        epoch_length_secs: 3_600,
        min_price: 10_000,
        tick_size: 1_000,
        tick_count: 1_024,
        min_lot_wh: 7,
        fee_bps: 50,
        order_capacity: 256,
        fee_recipient: key(22),
        min_order_value: 10,
        order_deposit_lamports: 10_000_000,
    };
    let anchor = anchor_ix(
        market::ID,
        market::client::accounts::CreateMarket {
            admin,
            config: sdk_reg::config_address(),
            market: keys.market,
            energy_mint: keys.energy_mint,
            quote_mint: keys.quote_mint,
            energy_vault: keys.energy_vault,
            quote_vault: keys.quote_vault,
            system_program: SYSTEM_PROGRAM,
            token_program: TOKEN_PROGRAM,
        },
        market::client::args::CreateMarket {
            params: market::types::MarketParams {
                epoch_length_secs: params.epoch_length_secs,
                min_price: params.min_price,
                tick_size: params.tick_size,
                tick_count: params.tick_count,
                min_lot_wh: params.min_lot_wh,
                fee_bps: params.fee_bps,
                order_capacity: params.order_capacity,
                fee_recipient: params.fee_recipient,
                min_order_value: params.min_order_value,
                order_deposit_lamports: params.order_deposit_lamports,
            },
        },
        vec![],
    );
    assert_same(
        "create_market",
        &anchor,
        &sdk_mkt::CreateMarket {
            admin,
            keys,
            params,
        }
        .instruction(),
    );
}

#[test]
fn market_place_and_cancel_both_sides() {
    let keys = market_keys();
    let (epoch, owner, token) = (key(23), key(24), key(25));
    let sides = [
        (market::types::Side::Buy, sdk_mkt::Side::Buy),
        (market::types::Side::Sell, sdk_mkt::Side::Sell),
    ];
    for (anchor_side, sdk_side) in sides {
        let (vault, _) = keys.vault_and_mint(sdk_side);
        let anchor = anchor_ix(
            market::ID,
            market::client::accounts::PlaceOrder {
                owner,
                config: sdk_reg::config_address(),
                market: keys.market,
                epoch,
                owner_token: token,
                vault,
                token_program: TOKEN_PROGRAM,
                system_program: SYSTEM_PROGRAM,
            },
            market::client::args::PlaceOrder {
                side: anchor_side,
                limit_tick: 513,
                quantity_wh: 4_200,
                client_order_id: 0xdead_beef_0042,
            },
            vec![],
        );
        let sdk = sdk_mkt::PlaceOrder {
            keys,
            epoch,
            owner,
            owner_token: token,
            side: sdk_side,
            limit_tick: 513,
            quantity_wh: 4_200,
            client_order_id: 0xdead_beef_0042,
        }
        .instruction();
        assert_same(sdk_side.name(), &anchor, &sdk);

        let anchor = anchor_ix(
            market::ID,
            market::client::accounts::CancelOrder {
                owner,
                config: sdk_reg::config_address(),
                market: keys.market,
                epoch,
                owner_token: token,
                vault,
                token_program: TOKEN_PROGRAM,
            },
            market::client::args::CancelOrder {
                order_id: 77,
                client_order_id: 0xdead_beef_0042,
            },
            vec![],
        );
        let sdk = sdk_mkt::CancelOrder {
            keys,
            epoch,
            owner,
            owner_token: token,
            side: sdk_side,
            order_id: 77,
            client_order_id: 0xdead_beef_0042,
        }
        .instruction();
        assert_same("cancel_order", &anchor, &sdk);
    }
}

#[test]
fn market_settle_orders() {
    let keys = market_keys();
    let (epoch, fee_energy, fee_quote) = (key(26), key(27), key(28));
    let orders = [
        sdk_mkt::SettleOrder {
            order_id: 3,
            energy_account: key(29),
            quote_account: key(30),
            owner: key(31),
        },
        sdk_mkt::SettleOrder {
            order_id: 65_000,
            energy_account: key(32),
            quote_account: key(33),
            owner: key(34),
        },
    ];
    let anchor = anchor_ix(
        market::ID,
        market::client::accounts::SettleOrders {
            config: sdk_reg::config_address(),
            market: keys.market,
            epoch,
            energy_vault: keys.energy_vault,
            quote_vault: keys.quote_vault,
            fee_energy,
            fee_quote,
            token_program: TOKEN_PROGRAM,
        },
        market::client::args::SettleOrders {
            order_ids: orders.iter().map(|o| o.order_id).collect(),
        },
        // Three writable accounts per order.
        orders
            .iter()
            .flat_map(|o| {
                [
                    AccountMeta::new(o.energy_account, false),
                    AccountMeta::new(o.quote_account, false),
                    AccountMeta::new(o.owner, false),
                ]
            })
            .collect(),
    );
    assert_same(
        "settle_orders",
        &anchor,
        &sdk_mkt::SettleOrders {
            keys,
            epoch,
            fee_energy,
            fee_quote,
            orders: &orders,
        }
        .instruction(),
    );
}

#[test]
fn market_epoch_lifecycle() {
    let keys = market_keys();
    let (payer, epoch, rent_payer) = (key(35), key(36), key(37));
    let anchor = anchor_ix(
        market::ID,
        market::client::accounts::OpenEpoch {
            payer,
            config: sdk_reg::config_address(),
            market: keys.market,
            epoch,
        },
        market::client::args::OpenEpoch {},
        vec![],
    );
    assert_same(
        "open_epoch",
        &anchor,
        &sdk_mkt::OpenEpoch {
            payer,
            market: keys.market,
            epoch,
        }
        .instruction(),
    );

    let anchor = anchor_ix(
        market::ID,
        market::client::accounts::ClearEpoch {
            config: sdk_reg::config_address(),
            epoch,
        },
        market::client::args::ClearEpoch {},
        vec![],
    );
    assert_same(
        "clear_epoch",
        &anchor,
        &sdk_mkt::ClearEpoch { epoch }.instruction(),
    );

    let anchor = anchor_ix(
        market::ID,
        market::client::accounts::CloseEpoch { epoch, rent_payer },
        market::client::args::CloseEpoch {},
        vec![],
    );
    assert_same(
        "close_epoch",
        &anchor,
        &sdk_mkt::CloseEpoch { epoch, rent_payer }.instruction(),
    );
}

// ------------------------------------------------------------ certificates

#[test]
fn certificates_initialize() {
    let (admin, authority) = (key(40), key(41));
    let anchor = anchor_ix(
        certificates::ID,
        certificates::client::accounts::Initialize {
            admin,
            config: sdk_certs::config_address(),
            registry_config: sdk_reg::config_address(),
            system_program: SYSTEM_PROGRAM,
        },
        certificates::client::args::Initialize { authority },
        vec![],
    );
    assert_same(
        "certificates initialize",
        &anchor,
        &sdk_certs::Initialize { admin, authority }.instruction(),
    );
}

#[test]
fn certificates_issue_certificate() {
    let (authority, payer, meter) = (key(42), key(43), key(44));
    let id = sdk_certs::next_usable_id(17);
    let anchor = anchor_ix(
        certificates::ID,
        certificates::client::accounts::IssueCertificate {
            authority,
            payer,
            config: sdk_certs::config_address(),
            certificate: sdk_certs::certificate_key(id),
            registry_config: sdk_reg::config_address(),
            meter,
            certifier: sdk_reg::CERTIFIER_AUTHORITY,
            registry_program: registry::ID,
            system_program: SYSTEM_PROGRAM,
        },
        certificates::client::args::IssueCertificate {
            amount_wh: 1_500,
            period_start: 1_767_222_000,
            period_end: 1_767_225_600,
            id,
        },
        vec![],
    );
    let sdk = sdk_certs::IssueCertificate {
        authority,
        payer,
        id,
        meter,
        amount_wh: 1_500,
        period_start: 1_767_222_000,
        period_end: 1_767_225_600,
    }
    .instruction();
    assert_same("issue_certificate", &anchor, &sdk);
}

#[test]
fn certificates_split_retire_revoke() {
    let (owner, payer, cert, new_owner, authority) = (key(45), key(46), key(47), key(48), key(49));
    let config = sdk_certs::config_address();
    let index = sdk_certs::next_split_index(&cert, 2);
    let anchor = anchor_ix(
        certificates::ID,
        certificates::client::accounts::SplitCertificate {
            owner,
            payer,
            config,
            certificate: cert,
            new_certificate: sdk_certs::split_key(&cert, index),
            rent: RENT_SYSVAR,
            system_program: SYSTEM_PROGRAM,
        },
        certificates::client::args::SplitCertificate {
            keep_wh: 600,
            split_wh: 400,
            new_owner,
            split_index: index,
        },
        vec![],
    );
    let sdk = sdk_certs::SplitCertificate {
        owner,
        payer,
        certificate: cert,
        split_index: index,
        keep_wh: 600,
        split_wh: 400,
        new_owner,
    }
    .instruction();
    assert_same("split_certificate", &anchor, &sdk);

    // Strings: Borsh u32 length + UTF-8 bytes, non-ASCII included.
    let anchor = anchor_ix(
        certificates::ID,
        certificates::client::accounts::RetireCertificate {
            owner,
            config,
            certificate: cert,
        },
        certificates::client::args::RetireCertificate {
            beneficiary: new_owner,
            beneficiary_name: "Délhi Jal Board".into(),
            reason: "RE100 claim, FY2026".into(),
        },
        vec![],
    );
    let sdk = sdk_certs::RetireCertificate {
        owner,
        certificate: cert,
        beneficiary: new_owner,
        beneficiary_name: "Délhi Jal Board",
        reason: "RE100 claim, FY2026",
    }
    .instruction();
    assert_same("retire_certificate", &anchor, &sdk);

    let anchor = anchor_ix(
        certificates::ID,
        certificates::client::accounts::RevokeCertificate {
            authority,
            config,
            certificate: cert,
        },
        certificates::client::args::RevokeCertificate {
            reason: "meter tampering".into(),
        },
        vec![],
    );
    let sdk = sdk_certs::RevokeCertificate {
        authority,
        certificate: cert,
        reason: "meter tampering",
    }
    .instruction();
    assert_same("revoke_certificate", &anchor, &sdk);
}
