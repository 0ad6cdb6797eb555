//! Certificates helpers: one per instruction, the set-up, and a small
//! representative flow for the CU table.

use crate::{expect_ok, TestContext, TxResult};
use joule_sdk::{
    certificates::{self as certs, Certificate, Config},
    registry::MeterKind,
    Pubkey,
};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// CU budget of `issue_certificate` (registry CPI and account creation included).
pub const ISSUE_BUDGET_CU: u64 = 4_500;
/// CU budget of `transfer_certificate` and `retire_certificate`.
pub const OWNER_BUDGET_CU: u64 = 2_000;
/// CU budget of `split_certificate` (creates the new certificate's account).
pub const SPLIT_BUDGET_CU: u64 = 2_000;

impl TestContext {
    /// The certificates config.
    pub fn cert_config(&self) -> Config {
        certs::decode_config(
            &self
                .data(&certs::config_address())
                .expect("certificates config"),
        )
        .expect("certificates config layout")
    }

    /// A certificate account.
    pub fn certificate(&self, key: &Pubkey) -> Certificate {
        certs::decode_certificate(&self.data(key).expect("certificate account"))
            .expect("certificate layout")
    }

    /// The id the next issued certificate takes: the first usable id at or
    /// after the config's `next_certificate_id`.
    pub fn next_certificate_id(&self) -> u64 {
        certs::next_usable_id(self.cert_config().next_certificate_id)
    }

    /// The index the next part split off `parent` takes: the first usable
    /// index at or after its `split_count` (0 if `parent` is no certificate).
    pub fn next_split_index(&self, parent: &Pubkey) -> u32 {
        let from = self
            .data(parent)
            .and_then(|d| certs::decode_certificate(&d))
            .map(|c| c.split_count)
            .unwrap_or(0);
        certs::next_split_index(parent, from)
    }

    /// Every certificate ever created: each issued one (by id) followed by
    /// the parts split off it, depth first.
    pub fn all_certificates(&self) -> Vec<(Pubkey, Certificate)> {
        let next = self
            .data(&certs::config_address())
            .and_then(|d| certs::decode_config(&d));
        let next = next
            .map(|c| c.next_certificate_id)
            .unwrap_or(certs::FIRST_CERTIFICATE_ID);
        let mut out = Vec::new();
        for key in (certs::FIRST_CERTIFICATE_ID..next).filter_map(certs::certificate_address) {
            self.collect_certificate(key, &mut out);
        }
        out
    }

    fn collect_certificate(&self, key: Pubkey, out: &mut Vec<(Pubkey, Certificate)>) {
        let Some(cert) = self.data(&key).and_then(|d| certs::decode_certificate(&d)) else {
            return;
        };
        out.push((key, cert));
        for index in 0..cert.split_count {
            if let Some(part) = certs::split_address(&key, index) {
                self.collect_certificate(part, out);
            }
        }
    }

    /// The registry admin initialises the certificates program with `authority`.
    pub fn init_certificates_with(&mut self, authority: &Pubkey) -> TxResult {
        let admin = self.admin.insecure_clone();
        self.send(
            "certificates::initialize",
            &[certs::Initialize {
                admin: admin.pubkey(),
                authority: *authority,
            }
            .instruction()],
            &[&admin],
        )
    }

    /// Initialises the certificates program with a fresh authority, returned.
    pub fn init_certificates(&mut self) -> Keypair {
        let authority = self.new_user();
        expect_ok(self.init_certificates_with(&authority.pubkey()));
        authority
    }

    /// Issues the next certificate against `meter`; returns its address.
    pub fn issue_certificate(
        &mut self,
        authority: &Keypair,
        meter: &Pubkey,
        amount_wh: u64,
        period_start: i64,
        period_end: i64,
    ) -> (Pubkey, TxResult) {
        let id = self.next_certificate_id();
        let payer = self.payer.pubkey();
        let ix = certs::IssueCertificate {
            authority: authority.pubkey(),
            payer,
            id,
            meter: *meter,
            amount_wh,
            period_start,
            period_end,
        }
        .instruction();
        (
            certs::certificate_key(id),
            self.send("issue_certificate", &[ix], &[authority]),
        )
    }

    /// Issues `amount_wh` for the meter's last hour (`last reading - 3600` to
    /// the last reading) and expects success.
    pub fn issue_ok(&mut self, authority: &Keypair, meter: &Pubkey, amount_wh: u64) -> Pubkey {
        let end = self.meter(meter).last_reading_ts;
        let (cert, res) = self.issue_certificate(authority, meter, amount_wh, end - 3_600, end);
        expect_ok(res);
        cert
    }

    pub fn transfer_certificate(
        &mut self,
        owner: &Keypair,
        certificate: &Pubkey,
        new_owner: &Pubkey,
    ) -> TxResult {
        let ix = certs::TransferCertificate {
            owner: owner.pubkey(),
            certificate: *certificate,
            new_owner: *new_owner,
        }
        .instruction();
        self.send("transfer_certificate", &[ix], &[owner])
    }

    /// Splits `certificate` (it keeps `keep_wh`; the owner pays the rent of
    /// the new part); returns the new certificate's address.
    pub fn split_certificate(
        &mut self,
        owner: &Keypair,
        certificate: &Pubkey,
        keep_wh: u64,
        split_wh: u64,
        new_owner: &Pubkey,
    ) -> (Pubkey, TxResult) {
        let index = self.next_split_index(certificate);
        let ix = certs::SplitCertificate {
            owner: owner.pubkey(),
            payer: owner.pubkey(),
            certificate: *certificate,
            split_index: index,
            keep_wh,
            split_wh,
            new_owner: *new_owner,
        }
        .instruction();
        (
            certs::split_key(certificate, index),
            self.send("split_certificate", &[ix], &[owner]),
        )
    }

    pub fn retire_certificate(
        &mut self,
        owner: &Keypair,
        certificate: &Pubkey,
        beneficiary: &Pubkey,
        name: &str,
        reason: &str,
    ) -> TxResult {
        let ix = certs::RetireCertificate {
            owner: owner.pubkey(),
            certificate: *certificate,
            beneficiary: *beneficiary,
            beneficiary_name: name,
            reason,
        }
        .instruction();
        self.send("retire_certificate", &[ix], &[owner])
    }

    pub fn revoke_certificate(
        &mut self,
        authority: &Keypair,
        certificate: &Pubkey,
        reason: &str,
    ) -> TxResult {
        let ix = certs::RevokeCertificate {
            authority: authority.pubkey(),
            certificate: *certificate,
            reason,
        }
        .instruction();
        self.send("revoke_certificate", &[ix], &[authority])
    }

    pub fn set_certificates_pause(&mut self, authority: &Keypair, flags: u8) -> TxResult {
        self.send(
            "certificates::set_pause",
            &[certs::SetPause {
                authority: authority.pubkey(),
                flags,
            }
            .instruction()],
            &[authority],
        )
    }

    pub fn propose_certificate_authority(
        &mut self,
        authority: &Keypair,
        new_authority: &Pubkey,
    ) -> TxResult {
        let ix = certs::ProposeAuthority {
            authority: authority.pubkey(),
            new_authority: *new_authority,
        }
        .instruction();
        self.send("certificates::propose_authority", &[ix], &[authority])
    }

    pub fn accept_certificate_authority(&mut self, new_authority: &Keypair) -> TxResult {
        let ix = certs::AcceptAuthority {
            new_authority: new_authority.pubkey(),
        }
        .instruction();
        self.send("certificates::accept_authority", &[ix], &[new_authority])
    }
}

/// What [`certificates_scenario`] created.
pub struct CertificatesScenario {
    /// The certificate authority at the end (it took over in the last step).
    pub authority: Keypair,
    /// Owns the solar meter and, after the flow, no certificate.
    pub producer: Keypair,
    /// Bought both parts of the first certificate; retired one.
    pub buyer: Keypair,
    pub meter: Pubkey,
    /// The first certificate (after the split: 6,000 Wh, active, the buyer's).
    pub certificate: Pubkey,
    /// The part split off (4,000 Wh, retired by the buyer).
    pub split_part: Pubkey,
    /// A second certificate (2,000 Wh), revoked by the authority.
    pub revoked: Pubkey,
}

/// The CU rows of the certificates program, as recorded by
/// [`certificates_scenario`], with their budgets where one is enforced.
pub const CU_ROWS: &[(&str, Option<u64>)] = &[
    ("certificates::initialize", None),
    ("certificates::set_pause", None),
    ("certificates::propose_authority", None),
    ("certificates::accept_authority", None),
    ("issue_certificate", Some(ISSUE_BUDGET_CU)),
    ("split_certificate", Some(SPLIT_BUDGET_CU)),
    ("transfer_certificate", Some(OWNER_BUDGET_CU)),
    ("retire_certificate", Some(OWNER_BUDGET_CU)),
    ("revoke_certificate", None),
];

/// A small representative flow, once per context: the registry admin
/// initialises the certificates program; 10 kWh of a 12 kWh solar export is
/// certified; the producer splits 4 kWh off to a buyer and transfers the
/// remaining 6 kWh to the same buyer, who retires the 4 kWh part for a named
/// beneficiary. Then the authority certifies the last 2 kWh and revokes that
/// certificate, pauses and unpauses, and hands its role over. Every step's
/// CU is recorded under its instruction's label (see [`CU_ROWS`]).
pub fn certificates_scenario(ctx: &mut TestContext) -> CertificatesScenario {
    let authority = ctx.init_certificates();
    let producer = ctx.new_user();
    let buyer = ctx.new_user();
    let serial = format!("ERC-{}", producer.pubkey());
    let meter = ctx.meter_with_energy(&producer, &serial, MeterKind::Solar, 12_000, 0);
    let certificate = ctx.issue_ok(&authority, &meter, 10_000);
    let (split_part, res) =
        ctx.split_certificate(&producer, &certificate, 6_000, 4_000, &buyer.pubkey());
    expect_ok(res);
    expect_ok(ctx.transfer_certificate(&producer, &certificate, &buyer.pubkey()));
    expect_ok(ctx.retire_certificate(
        &buyer,
        &split_part,
        &buyer.pubkey(),
        "Acme Breweries Ltd",
        "2026 Scope 2 market-based claim, plant #3",
    ));
    let revoked = ctx.issue_ok(&authority, &meter, 2_000);
    expect_ok(ctx.revoke_certificate(
        &authority,
        &revoked,
        "Meter recalibrated: reading under review",
    ));
    expect_ok(ctx.set_certificates_pause(&authority, certs::PAUSE_ALL));
    expect_ok(ctx.set_certificates_pause(&authority, 0));
    let successor = ctx.new_user();
    expect_ok(ctx.propose_certificate_authority(&authority, &successor.pubkey()));
    expect_ok(ctx.accept_certificate_authority(&successor));
    CertificatesScenario {
        authority: successor,
        producer,
        buyer,
        meter,
        certificate,
        split_part,
        revoked,
    }
}
