//! The account types `declare_program!` generates from the IDLs read the
//! programs' accounts field for field as the sdk does, and instructions
//! built with the generated client types run on the real SBF programs (in
//! litesvm, through joule-tests).

use anchor_lang::{
    prelude::{AccountMeta, Pubkey},
    solana_program::instruction::Instruction,
    AccountDeserialize, Discriminator, InstructionData, ToAccountMetas,
};
use joule_anchor_compat::{certificates, market, registry};
use joule_sdk::{
    certificates::{self as sdk_certs, AccountState},
    market::{self as sdk_mkt, MarketKeys},
    registry::{self as sdk_reg, MeterKind},
};
use joule_tests::{
    expect_ok,
    market::{default_params, MarketFixture, QUOTE_DECIMALS, QUOTE_UNIT},
    TestContext, TestKeypair,
};
use solana_signer::Signer;

const SYSTEM_PROGRAM: Pubkey = Pubkey::from_str_const("11111111111111111111111111111111");
const TOKEN_PROGRAM: Pubkey = Pubkey::from_str_const("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");

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

/// `T`'s account data (discriminator + body) with every body byte random,
/// so a field read from the wrong offset shows.
fn random_account<T: AccountState>(seed: u64) -> (T, Vec<u8>) {
    let mut body = T::zeroed();
    let mut x = seed | 1;
    for b in bytemuck::bytes_of_mut(&mut body) {
        // xorshift64
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    let mut data = T::DISCRIMINATOR.to_vec();
    data.extend_from_slice(bytemuck::bytes_of(&body));
    (body, data)
}

/// Asserts `a.x == s.x` for every listed field (`a_name => s_name` where
/// the names differ).
macro_rules! same_fields {
    ($a:expr, $s:expr; $($f:ident),* $(; $($af:ident => $sf:ident),*)?) => {{
        let (a, s) = (&$a, &$s);
        $(assert_eq!(a.$f, s.$f, stringify!($f));)*
        $($(assert_eq!(a.$af, s.$sf, stringify!($af));)*)?
    }};
}

fn same_meter(a: &registry::accounts::Meter, s: &sdk_reg::Meter) {
    same_fields!(a, s;
        owner, pending_owner, meter_id, utility_id, rated_power_w, registered_at,
        last_reading_ts, export_register_wh, import_register_wh, exported_wh, imported_wh,
        minted_wh, certified_wh, redeemed_wh, kind, status, version, bump, activated_at,
        reserved; padding => _padding);
}

fn same_registry_config(a: &registry::accounts::Config, s: &sdk_reg::Config) {
    same_fields!(a, s;
        admin, pending_admin, energy_mint, oracles, oracle_count, pause_flags, version, bump,
        energy_mint_bump, reserved; padding => _padding);
}

fn same_market(a: &market::accounts::Market, s: &sdk_mkt::Market) {
    same_fields!(a, s;
        energy_mint, quote_mint, energy_vault, quote_vault, fee_recipient, current_epoch,
        min_price, tick_size, min_lot_wh, current_epoch_end_ts, next_epoch_index,
        min_order_value, order_deposit_lamports, epoch_length_secs, order_capacity, tick_count,
        fee_bps, version, bump, energy_vault_bump, quote_vault_bump, reserved);
}

fn same_epoch(a: &market::accounts::Epoch, s: &sdk_mkt::Epoch) {
    same_fields!(a, s;
        market, rent_payer, index, start_ts, end_ts, min_price, tick_size, total_buy_wh,
        total_sell_wh, quote_held, energy_held_wh, clearing_price, volume_wh, demand_wh,
        supply_wh, buy_fill_num, buy_fill_den, sell_fill_num, sell_fill_den, fees_quote,
        order_deposit_lamports, deposits_lamports, marginal_prefix_wh, order_count, live_orders,
        free_head, order_capacity, tick_count, clearing_tick, buy_marginal_tick,
        sell_marginal_tick, fee_bps, state, version, marginal_cursor, reserved);
}

fn same_certificates_config(a: &certificates::accounts::Config, s: &sdk_certs::Config) {
    same_fields!(a, s;
        next_certificate_id, authority, pending_authority, pause_flags, version, bump, reserved;
        padding => _padding);
}

fn same_certificate(a: &certificates::accounts::Certificate, s: &sdk_certs::Certificate) {
    same_fields!(a, s;
        id, split_count, split_index, amount_wh, period_start, period_end, issued_at,
        closed_at, owner, meter, beneficiary, utility_id, beneficiary_name, reason,
        beneficiary_name_len, reason_len, source_kind, status, version, bump, parent;
        padding => _padding);
}

/// Anchor's decode: checks the discriminator, then reads the body.
fn decode<T: AccountDeserialize>(data: &[u8]) -> T {
    T::try_deserialize(&mut &data[..]).expect("Anchor decodes the account")
}

// ------------------------------------------------------------ layouts

#[test]
fn discriminators_are_the_programs() {
    assert_eq!(
        registry::accounts::Meter::DISCRIMINATOR,
        sdk_reg::Meter::DISCRIMINATOR
    );
    assert_eq!(
        registry::accounts::Config::DISCRIMINATOR,
        sdk_reg::Config::DISCRIMINATOR
    );
    assert_eq!(
        market::accounts::Market::DISCRIMINATOR,
        sdk_mkt::Market::DISCRIMINATOR
    );
    assert_eq!(
        market::accounts::Epoch::DISCRIMINATOR,
        sdk_mkt::Epoch::DISCRIMINATOR
    );
    assert_eq!(
        certificates::accounts::Config::DISCRIMINATOR,
        sdk_certs::Config::DISCRIMINATOR
    );
    assert_eq!(
        certificates::accounts::Certificate::DISCRIMINATOR,
        sdk_certs::Certificate::DISCRIMINATOR
    );
}

#[test]
fn generated_accounts_read_every_field_at_the_programs_offsets() {
    for seed in [1, 0x9e37_79b9_7f4a_7c15, 42] {
        let (s, data) = random_account::<sdk_reg::Meter>(seed);
        same_meter(&decode(&data), &s);
        let (s, data) = random_account::<sdk_reg::Config>(seed);
        same_registry_config(&decode(&data), &s);
        let (s, data) = random_account::<sdk_mkt::Market>(seed);
        same_market(&decode(&data), &s);
        let (s, data) = random_account::<sdk_certs::Config>(seed);
        same_certificates_config(&decode(&data), &s);
        let (s, data) = random_account::<sdk_certs::Certificate>(seed);
        same_certificate(&decode(&data), &s);
    }
    // Sizes: Anchor reads exactly the body the program writes.
    assert_eq!(
        size_of::<registry::accounts::Meter>(),
        size_of::<sdk_reg::Meter>()
    );
    assert_eq!(
        size_of::<market::accounts::Epoch>(),
        size_of::<sdk_mkt::Epoch>()
    );
}

#[test]
fn generated_accounts_reject_another_accounts_discriminator() {
    let (_, meter) = random_account::<sdk_reg::Meter>(7);
    let err = registry::accounts::Config::try_deserialize(&mut &meter[..]);
    assert!(err.is_err(), "a Meter is no Config");
}

// ------------------------------------------------------------ on chain

#[test]
fn registry_driven_by_anchor_client_types() {
    let mut ctx = TestContext::builder().uninitialized().build();
    let admin = ctx.admin.insecure_clone();
    let config = sdk_reg::config_address();

    let ix = anchor_ix(
        registry::ID,
        registry::client::accounts::Initialize {
            admin: admin.pubkey(),
            config,
            energy_mint: sdk_reg::energy_mint_address(),
            program_data: sdk_reg::program_data_address(),
            system_program: SYSTEM_PROGRAM,
            token_program: TOKEN_PROGRAM,
        },
        registry::client::args::Initialize {},
        vec![],
    );
    expect_ok(ctx.send_unrecorded(&[ix], &[&admin]));
    let oracle = ctx.oracle.insecure_clone();
    let ix = anchor_ix(
        registry::ID,
        registry::client::accounts::SetOracles {
            admin: admin.pubkey(),
            config,
        },
        registry::client::args::SetOracles {
            add: vec![oracle.pubkey()],
            remove: vec![],
        },
        vec![],
    );
    expect_ok(ctx.send_unrecorded(&[ix], &[&admin]));

    let owner = ctx.new_user();
    let meter_id = sdk_reg::meter_id_from_serial("ANCHOR-0001");
    let (meter, bump) = sdk_reg::meter_address(&meter_id);
    let ix = anchor_ix(
        registry::ID,
        registry::client::accounts::RegisterMeter {
            owner: owner.pubkey(),
            config,
            meter,
            system_program: SYSTEM_PROGRAM,
        },
        registry::client::args::RegisterMeter {
            meter_id,
            utility_id: sdk_reg::utility_id("BSES").unwrap(),
            kind: registry::types::MeterKind::Wind,
            rated_power_w: 5_000,
            bump,
        },
        vec![],
    );
    expect_ok(ctx.send_unrecorded(&[ix], &[&owner]));
    let ix = anchor_ix(
        registry::ID,
        registry::client::accounts::ActivateMeter {
            admin: admin.pubkey(),
            config,
            meter,
        },
        registry::client::args::ActivateMeter {
            expected_owner: owner.pubkey(),
        },
        vec![],
    );
    expect_ok(ctx.send_unrecorded(&[ix], &[&admin]));

    // A baseline, then an hour's export of 1,234 Wh.
    for (dt, export) in [(60, 10_000), (3_600, 11_234)] {
        ctx.advance(dt);
        let ix = anchor_ix(
            registry::ID,
            registry::client::accounts::SubmitReadings {
                oracle: oracle.pubkey(),
                config,
            },
            registry::client::args::SubmitReadings {
                readings: vec![registry::types::Reading {
                    timestamp: ctx.now(),
                    export_register_wh: export,
                    import_register_wh: 500,
                }],
            },
            vec![AccountMeta::new(meter, false)],
        );
        expect_ok(ctx.send_unrecorded(&[ix], &[&oracle]));
    }

    let data = ctx.data(&meter).expect("meter account");
    let anchor_meter: registry::accounts::Meter = decode(&data);
    let sdk_meter = sdk_reg::decode_meter(&data).expect("sdk decodes the meter");
    same_meter(&anchor_meter, &sdk_meter);
    assert_eq!(anchor_meter.owner, owner.pubkey());
    assert_eq!(anchor_meter.kind, MeterKind::Wind as u8);
    assert_eq!(anchor_meter.status, sdk_reg::MeterStatus::Active as u8);
    assert_eq!(anchor_meter.exported_wh, 1_234);
    assert_eq!(anchor_meter.bump, bump);

    let data = ctx.data(&config).expect("config account");
    let anchor_config: registry::accounts::Config = decode(&data);
    same_registry_config(
        &anchor_config,
        &sdk_reg::decode_config(&data).expect("sdk decodes the config"),
    );
    assert_eq!(anchor_config.admin, admin.pubkey());
    assert_eq!(anchor_config.oracle_count, 1);
    assert_eq!(anchor_config.oracles[0], oracle.pubkey());
}

#[test]
fn market_driven_by_anchor_client_types() {
    let mut ctx = TestContext::new();
    let admin = ctx.admin.insecure_clone();
    let quote_authority = TestKeypair::new();
    let quote_mint = ctx.create_mint(&quote_authority.pubkey(), QUOTE_DECIMALS);
    let keys = MarketKeys::new(&quote_mint);
    let fee_recipient = ctx.new_user();
    let params = default_params(&fee_recipient.pubkey());

    let ix = anchor_ix(
        market::ID,
        market::client::accounts::CreateMarket {
            admin: admin.pubkey(),
            config: sdk_reg::config_address(),
            market: keys.market,
            energy_mint: keys.energy_mint,
            quote_mint,
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
    expect_ok(ctx.send_unrecorded(&[ix], &[&admin]));

    let data = ctx.data(&keys.market).expect("market account");
    let anchor_market: market::accounts::Market = decode(&data);
    same_market(
        &anchor_market,
        &sdk_mkt::decode_market(&data).expect("sdk decodes the market"),
    );
    assert_eq!(anchor_market.quote_mint, quote_mint);
    assert_eq!(anchor_market.fee_recipient, fee_recipient.pubkey());
    assert_eq!(anchor_market.tick_count, params.tick_count);
    assert_eq!(anchor_market.order_capacity, params.order_capacity);

    let fx = MarketFixture {
        keys,
        params,
        fee_energy: ctx.energy_ata(&fee_recipient.pubkey()),
        fee_quote: ctx.ata(&fee_recipient.pubkey(), &quote_mint),
        quote_authority,
        fee_recipient,
    };
    let epoch = ctx.open_epoch(&fx);
    let trader = ctx.trader(&fx, 0, 1_000 * QUOTE_UNIT);
    let ix = anchor_ix(
        market::ID,
        market::client::accounts::PlaceOrder {
            owner: trader.pubkey(),
            config: sdk_reg::config_address(),
            market: keys.market,
            epoch,
            owner_token: trader.quote,
            vault: keys.quote_vault,
            token_program: TOKEN_PROGRAM,
            system_program: SYSTEM_PROGRAM,
        },
        market::client::args::PlaceOrder {
            side: market::types::Side::Buy,
            limit_tick: 100,
            quantity_wh: 2_500,
            client_order_id: 99,
        },
        vec![],
    );
    let ok = expect_ok(ctx.send_unrecorded(&[ix], &[&trader.key]));
    let order_id = sdk_mkt::order_id_from_return_data(&ok.return_data).expect("order id");

    let book = ctx.epoch_account(&epoch);
    let order = book.orders[order_id as usize];
    assert_eq!(order.owner, trader.pubkey());
    assert_eq!(order.side, sdk_mkt::Side::Buy as u8);
    assert_eq!((order.limit_tick, order.quantity_wh), (100, 2_500));
    assert_eq!(order.client_order_id, 99);

    // An epoch is its header (the IDL's `Epoch`) followed by the tick and
    // order arrays, which the IDL does not describe: Anchor's decoder reads
    // exactly one `Epoch`, so it is given the header alone.
    let data = ctx.data(&epoch).expect("epoch account");
    let header_len = 8 + size_of::<market::accounts::Epoch>();
    let anchor_epoch: market::accounts::Epoch = decode(&data[..header_len]);
    same_epoch(&anchor_epoch, &book.header);
    assert_eq!(anchor_epoch.market, keys.market);
    assert_eq!(anchor_epoch.live_orders, 1);
    assert_eq!(anchor_epoch.total_buy_wh, 2_500);
}

#[test]
fn certificates_driven_by_anchor_client_types() {
    let mut ctx = TestContext::new();
    let admin = ctx.admin.insecure_clone();
    let authority = ctx.new_user();
    let ix = anchor_ix(
        certificates::ID,
        certificates::client::accounts::Initialize {
            admin: admin.pubkey(),
            config: sdk_certs::config_address(),
            registry_config: sdk_reg::config_address(),
            system_program: SYSTEM_PROGRAM,
        },
        certificates::client::args::Initialize {
            authority: authority.pubkey(),
        },
        vec![],
    );
    expect_ok(ctx.send_unrecorded(&[ix], &[&admin]));

    let owner = ctx.new_user();
    let meter = ctx.meter_with_energy(&owner, "ANCHOR-CERT-1", MeterKind::Hydro, 3_000, 0);
    let id = ctx.next_certificate_id();
    let end = ctx.meter(&meter).last_reading_ts;
    let payer = ctx.payer.pubkey();
    let ix = anchor_ix(
        certificates::ID,
        certificates::client::accounts::IssueCertificate {
            authority: authority.pubkey(),
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
            amount_wh: 2_000,
            period_start: end - 3_600,
            period_end: end,
            id,
        },
        vec![],
    );
    expect_ok(ctx.send_unrecorded(&[ix], &[&authority]));

    let key = sdk_certs::certificate_key(id);
    let data = ctx.data(&key).expect("certificate account");
    let anchor_cert: certificates::accounts::Certificate = decode(&data);
    same_certificate(
        &anchor_cert,
        &sdk_certs::decode_certificate(&data).expect("sdk decodes the certificate"),
    );
    assert_eq!(anchor_cert.id, id);
    assert_eq!(anchor_cert.owner, owner.pubkey());
    assert_eq!(anchor_cert.meter, meter);
    assert_eq!(anchor_cert.amount_wh, 2_000);
    assert_eq!(anchor_cert.source_kind, MeterKind::Hydro as u8);

    let data = ctx
        .data(&sdk_certs::config_address())
        .expect("config account");
    let anchor_config: certificates::accounts::Config = decode(&data);
    same_certificates_config(
        &anchor_config,
        &sdk_certs::decode_config(&data).expect("sdk decodes the config"),
    );
    assert_eq!(anchor_config.authority, authority.pubkey());
    assert!(anchor_config.next_certificate_id > id);
}
