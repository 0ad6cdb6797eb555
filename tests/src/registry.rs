//! Registry helpers: one per instruction plus the common set-ups.

use crate::{expect_ok, TestContext, TxResult};
use joule_sdk::{
    registry::{self as reg, Config, Meter, MeterKind, Reading},
    Pubkey,
};
use solana_keypair::Keypair;
use solana_signer::Signer;

impl TestContext {
    pub fn config(&self) -> Config {
        reg::decode_config(&self.data(&reg::config_address()).expect("config")).expect("config layout")
    }

    pub fn meter(&self, meter: &Pubkey) -> Meter {
        reg::decode_meter(&self.data(meter).expect("meter account")).expect("meter layout")
    }

    pub fn energy_mint(&self) -> Pubkey {
        reg::energy_mint_address()
    }

    /// The owner's energy token account (associated), created if missing.
    pub fn energy_ata(&mut self, owner: &Pubkey) -> Pubkey {
        let mint = self.energy_mint();
        self.ata(owner, &mint)
    }

    pub fn register_meter(&mut self, owner: &Keypair, serial: &str, kind: MeterKind, rated_power_w: u64) -> (Pubkey, TxResult) {
        let id = reg::meter_id_from_serial(serial);
        let utility = reg::utility_id("TPDDL").expect("utility");
        let ix = reg::register_meter(&owner.pubkey(), &id, &utility, kind, rated_power_w);
        let (meter, bump) = reg::meter_address(&id);
        // The canonical-bump proof costs one hash and one curve check per
        // bump below 255, so CU are recorded per bump.
        let label = if bump == 255 { "register_meter".to_string() } else { format!("register_meter (bump {bump})") };
        (meter, self.send(&label, &[ix], &[owner]))
    }

    pub fn activate_meter(&mut self, meter: &Pubkey) -> TxResult {
        let admin = self.admin.insecure_clone();
        self.send("activate_meter", &[reg::activate_meter(&admin.pubkey(), meter)], &[&admin])
    }

    pub fn suspend_meter(&mut self, meter: &Pubkey) -> TxResult {
        let admin = self.admin.insecure_clone();
        self.send("suspend_meter", &[reg::suspend_meter(&admin.pubkey(), meter)], &[&admin])
    }

    /// Registers and activates a meter.
    pub fn active_meter(&mut self, owner: &Keypair, serial: &str, kind: MeterKind, rated_power_w: u64) -> Pubkey {
        let (meter, res) = self.register_meter(owner, serial, kind, rated_power_w);
        expect_ok(res);
        expect_ok(self.activate_meter(&meter));
        meter
    }

    /// Submits one batch signed by the context's oracle.
    pub fn submit_readings(&mut self, readings: &[(Pubkey, Reading)]) -> TxResult {
        let oracle = self.oracle.insecure_clone();
        self.submit_readings_as(&oracle, readings)
    }

    pub fn submit_readings_as(&mut self, oracle: &Keypair, readings: &[(Pubkey, Reading)]) -> TxResult {
        let ix = reg::submit_readings(&oracle.pubkey(), readings);
        let label = format!("submit_readings x{}", readings.len());
        self.send(&label, &[ix], &[oracle])
    }

    /// An active meter with a baseline reading at `now - 3600` and a second
    /// reading at `now` crediting `exported_wh` / `imported_wh`.
    pub fn meter_with_energy(
        &mut self,
        owner: &Keypair,
        serial: &str,
        kind: MeterKind,
        exported_wh: u64,
        imported_wh: u64,
    ) -> Pubkey {
        let rated = exported_wh.max(imported_wh).max(1).min(reg::MAX_RATED_POWER_W);
        let meter = self.active_meter(owner, serial, kind, rated);
        let now = self.now();
        let base = Reading { timestamp: now - 3_600, exported_wh: 1_000, imported_wh: 2_000 };
        let next = Reading { timestamp: now, exported_wh: 1_000 + exported_wh, imported_wh: 2_000 + imported_wh };
        expect_ok(self.submit_readings(&[(meter, base)]));
        expect_ok(self.submit_readings(&[(meter, next)]));
        meter
    }

    pub fn mint_energy(&mut self, meter: &Pubkey, owner_token: &Pubkey) -> TxResult {
        self.send("mint_energy", &[reg::mint_energy(meter, owner_token)], &[])
    }

    pub fn redeem(&mut self, owner: &Keypair, meter: &Pubkey, owner_token: &Pubkey, amount_wh: u64) -> TxResult {
        let ix = reg::redeem_consumption(&owner.pubkey(), meter, owner_token, amount_wh);
        self.send("redeem_consumption", &[ix], &[owner])
    }

    pub fn set_pause(&mut self, flags: u8) -> TxResult {
        let admin = self.admin.insecure_clone();
        self.send("set_pause", &[reg::set_pause(&admin.pubkey(), flags)], &[&admin])
    }
}
