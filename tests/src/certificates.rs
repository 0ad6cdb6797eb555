//! Certificates helpers: one per instruction, the set-up, and a small
//! representative flow for the CU table and the demo.

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

impl TestContext {
    /// The certificates config.
    pub fn cert_config(&self) -> Config {
        certs::decode_config(&self.data(&certs::config_address()).expect("certificates config"))
            .expect("certificates config layout")
    }

    /// A certificate account.
    pub fn certificate(&self, key: &Pubkey) -> Certificate {
        certs::decode_certificate(&self.data(key).expect("certificate account")).expect("certificate layout")
    }

    /// The id the next certificate (issued or split off) receives.
    pub fn next_certificate_id(&self) -> u64 {
        self.cert_config().next_certificate_id
    }

    /// Every certificate ever created, by id.
    pub fn all_certificates(&self) -> Vec<(Pubkey, Certificate)> {
        let next = self.data(&certs::config_address()).and_then(|d| certs::decode_config(&d));
        let next = next.map(|c| c.next_certificate_id).unwrap_or(certs::FIRST_CERTIFICATE_ID);
        (certs::FIRST_CERTIFICATE_ID..next)
            .map(|id| {
                let key = certs::certificate_address(id).0;
                (key, self.certificate(&key))
            })
            .collect()
    }

    /// The registry admin initialises the certificates program with `authority`.
    pub fn init_certificates_with(&mut self, authority: &Pubkey) -> TxResult {
        let admin = self.admin.insecure_clone();
        self.send("certificates::initialize", &[certs::initialize(&admin.pubkey(), authority)], &[&admin])
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
        let ix = certs::issue_certificate(&authority.pubkey(), &payer, id, meter, amount_wh, period_start, period_end);
        (certs::certificate_address(id).0, self.send("issue_certificate", &[ix], &[authority]))
    }

    /// Issues `amount_wh` for the meter's last hour (`last reading - 3600` to
    /// the last reading) and expects success.
    pub fn issue_ok(&mut self, authority: &Keypair, meter: &Pubkey, amount_wh: u64) -> Pubkey {
        let end = self.meter(meter).last_reading_ts;
        let (cert, res) = self.issue_certificate(authority, meter, amount_wh, end - 3_600, end);
        expect_ok(res);
        cert
    }

    pub fn transfer_certificate(&mut self, owner: &Keypair, certificate: &Pubkey, new_owner: &Pubkey) -> TxResult {
        let ix = certs::transfer_certificate(&owner.pubkey(), certificate, new_owner);
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
        let id = self.next_certificate_id();
        let ix = certs::split_certificate(&owner.pubkey(), &owner.pubkey(), certificate, id, keep_wh, split_wh, new_owner);
        (certs::certificate_address(id).0, self.send("split_certificate", &[ix], &[owner]))
    }

    pub fn retire_certificate(
        &mut self,
        owner: &Keypair,
        certificate: &Pubkey,
        beneficiary: &Pubkey,
        name: &str,
        reason: &str,
    ) -> TxResult {
        let ix = certs::retire_certificate(&owner.pubkey(), certificate, beneficiary, name, reason);
        self.send("retire_certificate", &[ix], &[owner])
    }

    pub fn revoke_certificate(&mut self, authority: &Keypair, certificate: &Pubkey, reason: &str) -> TxResult {
        let ix = certs::revoke_certificate(&authority.pubkey(), certificate, reason);
        self.send("revoke_certificate", &[ix], &[authority])
    }

    pub fn set_certificates_pause(&mut self, authority: &Keypair, flags: u8) -> TxResult {
        self.send("certificates::set_pause", &[certs::set_pause(&authority.pubkey(), flags)], &[authority])
    }

    pub fn propose_certificate_authority(&mut self, authority: &Keypair, new_authority: &Pubkey) -> TxResult {
        let ix = certs::propose_authority(&authority.pubkey(), new_authority);
        self.send("certificates::propose_authority", &[ix], &[authority])
    }

    pub fn accept_certificate_authority(&mut self, new_authority: &Keypair) -> TxResult {
        let ix = certs::accept_authority(&new_authority.pubkey());
        self.send("certificates::accept_authority", &[ix], &[new_authority])
    }
}

/// What [`certificates_scenario`] created.
pub struct CertificatesScenario {
    pub authority: Keypair,
    /// Owns the solar meter and, after the flow, nothing.
    pub producer: Keypair,
    /// Bought both parts; retired one.
    pub buyer: Keypair,
    pub meter: Pubkey,
    /// The issued certificate (after the split: 6,000 Wh, owned by the buyer).
    pub certificate: Pubkey,
    /// The part split off (4,000 Wh, retired by the buyer).
    pub split_part: Pubkey,
}

/// A small representative flow: the registry admin initialises the
/// certificates program; a 12 kWh solar export is certified (10 kWh); the
/// producer splits 4 kWh off to a buyer, transfers the remaining 6 kWh to
/// the same buyer, who retires the 4 kWh part for a named beneficiary.
/// Every step's CU is recorded under its instruction's label.
pub fn certificates_scenario(ctx: &mut TestContext) -> CertificatesScenario {
    let authority = ctx.init_certificates();
    let producer = ctx.new_user();
    let buyer = ctx.new_user();
    let serial = format!("ERC-{}", producer.pubkey());
    let meter = ctx.meter_with_energy(&producer, &serial, MeterKind::Solar, 12_000, 0);
    let certificate = ctx.issue_ok(&authority, &meter, 10_000);
    let (split_part, res) = ctx.split_certificate(&producer, &certificate, 6_000, 4_000, &buyer.pubkey());
    expect_ok(res);
    expect_ok(ctx.transfer_certificate(&producer, &certificate, &buyer.pubkey()));
    expect_ok(ctx.retire_certificate(
        &buyer,
        &split_part,
        &buyer.pubkey(),
        "Acme Breweries Ltd",
        "2026 Scope 2 market-based claim, plant #3",
    ));
    CertificatesScenario { authority, producer, buyer, meter, certificate, split_part }
}
