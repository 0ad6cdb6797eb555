//! Registry helpers: one per instruction plus the common set-ups.

use crate::{expect_ok, TestContext, TxResult};
use joule_sdk::{
    registry::{self as reg, Config, Meter, MeterKind, Reading},
    Pubkey,
};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// How long before "now" [`TestContext::active_meter`] activates a meter: a
/// week.
pub const METER_AGE_SECS: i64 = 7 * 24 * 3_600;

impl TestContext {
    pub fn config(&self) -> Config {
        reg::decode_config(&self.data(&reg::config_address()).expect("config"))
            .expect("config layout")
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

    pub fn register_meter(
        &mut self,
        owner: &Keypair,
        serial: &str,
        kind: MeterKind,
        rated_power_w: u64,
    ) -> (Pubkey, TxResult) {
        let id = reg::meter_id_from_serial(serial);
        let utility = reg::utility_id("TPDDL").expect("utility");
        let ix = reg::RegisterMeter {
            owner: owner.pubkey(),
            meter_id: id,
            utility_id: utility,
            kind,
            rated_power_w,
        }
        .instruction();
        let (meter, bump) = reg::meter_address(&id);
        // The canonical-bump proof costs one hash and one curve check per
        // bump below 255, so CU are recorded per bump.
        let label = if bump == 255 {
            "register_meter".to_string()
        } else {
            format!("register_meter (bump {bump})")
        };
        (meter, self.send(&label, &[ix], &[owner]))
    }

    /// Activates `meter`, expecting the owner it has on-chain (for tests
    /// that are not about the owner check; see
    /// [`activate_meter_expecting`](Self::activate_meter_expecting)).
    pub fn activate_meter(&mut self, meter: &Pubkey) -> TxResult {
        let owner = self.meter(meter).owner;
        self.activate_meter_expecting(meter, &owner)
    }

    /// Activates `meter` if `expected_owner` owns it.
    pub fn activate_meter_expecting(
        &mut self,
        meter: &Pubkey,
        expected_owner: &Pubkey,
    ) -> TxResult {
        let admin = self.admin.insecure_clone();
        self.send(
            "activate_meter",
            &[reg::ActivateMeter {
                admin: admin.pubkey(),
                meter: *meter,
                expected_owner: *expected_owner,
            }
            .instruction()],
            &[&admin],
        )
    }

    pub fn reassign_meter(&mut self, meter: &Pubkey, new_owner: &Pubkey) -> TxResult {
        let admin = self.admin.insecure_clone();
        self.send(
            "reassign_meter",
            &[reg::ReassignMeter {
                admin: admin.pubkey(),
                meter: *meter,
                new_owner: *new_owner,
            }
            .instruction()],
            &[&admin],
        )
    }

    pub fn close_meter(&mut self, meter: &Pubkey, owner: &Pubkey) -> TxResult {
        let admin = self.admin.insecure_clone();
        self.send(
            "close_meter",
            &[reg::CloseMeter {
                admin: admin.pubkey(),
                meter: *meter,
                owner: *owner,
            }
            .instruction()],
            &[&admin],
        )
    }

    pub fn suspend_meter(&mut self, meter: &Pubkey) -> TxResult {
        let admin = self.admin.insecure_clone();
        self.send(
            "suspend_meter",
            &[reg::SuspendMeter {
                admin: admin.pubkey(),
                meter: *meter,
            }
            .instruction()],
            &[&admin],
        )
    }

    /// Registers and activates a meter as if that had happened
    /// [`METER_AGE_SECS`] ago (the clock is set back, then restored), so
    /// tests can date its readings in the recent past: a reading dated at
    /// or before a meter's activation is skipped.
    pub fn active_meter(
        &mut self,
        owner: &Keypair,
        serial: &str,
        kind: MeterKind,
        rated_power_w: u64,
    ) -> Pubkey {
        let now = self.now();
        self.set_time(now - METER_AGE_SECS);
        let (meter, res) = self.register_meter(owner, serial, kind, rated_power_w);
        expect_ok(res);
        expect_ok(self.activate_meter_expecting(&meter, &owner.pubkey()));
        self.set_time(now);
        meter
    }

    /// Submits one batch signed by the context's oracle.
    pub fn submit_readings(&mut self, readings: &[(Pubkey, Reading)]) -> TxResult {
        let oracle = self.oracle.insecure_clone();
        self.submit_readings_as(&oracle, readings)
    }

    pub fn submit_readings_as(
        &mut self,
        oracle: &Keypair,
        readings: &[(Pubkey, Reading)],
    ) -> TxResult {
        let ix = reg::SubmitReadings {
            oracle: oracle.pubkey(),
            readings,
        }
        .instruction();
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
        let rated = exported_wh
            .max(imported_wh)
            .clamp(1, reg::MAX_RATED_POWER_W);
        let meter = self.active_meter(owner, serial, kind, rated);
        let now = self.now();
        let base = Reading {
            timestamp: now - 3_600,
            export_register_wh: 1_000,
            import_register_wh: 2_000,
        };
        let next = Reading {
            timestamp: now,
            export_register_wh: 1_000 + exported_wh,
            import_register_wh: 2_000 + imported_wh,
        };
        expect_ok(self.submit_readings(&[(meter, base)]));
        expect_ok(self.submit_readings(&[(meter, next)]));
        meter
    }

    pub fn mint_energy(&mut self, meter: &Pubkey, owner_token: &Pubkey) -> TxResult {
        self.send(
            "mint_energy",
            &[reg::MintEnergy {
                meter: *meter,
                owner_token: *owner_token,
            }
            .instruction()],
            &[],
        )
    }

    pub fn redeem(
        &mut self,
        owner: &Keypair,
        meter: &Pubkey,
        owner_token: &Pubkey,
        amount_wh: u64,
    ) -> TxResult {
        let ix = reg::RedeemConsumption {
            owner: owner.pubkey(),
            meter: *meter,
            owner_token: *owner_token,
            amount_wh,
        }
        .instruction();
        self.send("redeem_consumption", &[ix], &[owner])
    }

    pub fn set_pause(&mut self, flags: u8) -> TxResult {
        let admin = self.admin.insecure_clone();
        self.send(
            "set_pause",
            &[reg::SetPause {
                admin: admin.pubkey(),
                flags,
            }
            .instruction()],
            &[&admin],
        )
    }
}

/// Runs every registry instruction once (for the CU table), on a context
/// whose registry is initialised.
pub fn registry_scenario(ctx: &mut TestContext) {
    let admin = ctx.admin.insecure_clone();
    let owner = ctx.new_user();
    let buyer = ctx.new_user();
    // A meter whose canonical bump is 255 (the common, cheapest case) and
    // one with 254.
    let serial = |bump: u8| {
        (0..)
            .map(|i| format!("CU-{i}"))
            .find(|s| reg::meter_address(&reg::meter_id_from_serial(s)).1 == bump)
            .expect("a serial")
    };
    let m255 = ctx.active_meter(&owner, &serial(255), MeterKind::Solar, 5_000);
    let (m254, res) = ctx.register_meter(&owner, &serial(254), MeterKind::Solar, 5_000);
    expect_ok(res);
    expect_ok(ctx.suspend_meter(&m254));
    // Recovery of squatted serials: reassign a suspended meter, close a
    // pending one.
    expect_ok(ctx.reassign_meter(&m254, &buyer.pubkey()));
    let (squatted, res) = ctx.register_meter(&buyer, "CU-SQUATTED", MeterKind::Solar, 5_000);
    expect_ok(res);
    expect_ok(ctx.close_meter(&squatted, &buyer.pubkey()));
    let now = ctx.now();
    expect_ok(ctx.submit_readings(&[(
        m255,
        Reading {
            timestamp: now - 3_600,
            export_register_wh: 1_000,
            import_register_wh: 1_000,
        },
    )]));
    expect_ok(ctx.submit_readings(&[(
        m255,
        Reading {
            timestamp: now,
            export_register_wh: 4_000,
            import_register_wh: 2_000,
        },
    )]));
    let meters: Vec<Pubkey> = (0..16)
        .map(|i| ctx.active_meter(&owner, &format!("CU-BATCH-{i}"), MeterKind::Solar, 5_000))
        .collect();
    let batch = |ts: i64, wh: u64| {
        meters
            .iter()
            .map(|m| {
                (
                    *m,
                    Reading {
                        timestamp: ts,
                        export_register_wh: wh,
                        import_register_wh: wh,
                    },
                )
            })
            .collect::<Vec<_>>()
    };
    expect_ok(ctx.submit_readings(&batch(now - 3_600, 10)));
    expect_ok(ctx.submit_readings(&batch(now, 20)));
    let ata = ctx.energy_ata(&owner.pubkey());
    expect_ok(ctx.mint_energy(&m255, &ata));
    expect_ok(ctx.redeem(&owner, &m255, &ata, 500));
    expect_ok(
        ctx.send(
            "propose_meter_transfer",
            &[reg::ProposeMeterTransfer {
                owner: owner.pubkey(),
                meter: m255,
                new_owner: buyer.pubkey(),
            }
            .instruction()],
            &[&owner],
        ),
    );
    expect_ok(
        ctx.send(
            "accept_meter_transfer",
            &[reg::AcceptMeterTransfer {
                new_owner: buyer.pubkey(),
                meter: m255,
            }
            .instruction()],
            &[&buyer],
        ),
    );
    expect_ok(ctx.set_pause(reg::PAUSE_MARKET));
    expect_ok(ctx.set_pause(0));
    let next = ctx.new_user();
    expect_ok(
        ctx.send(
            "propose_admin",
            &[reg::ProposeAdmin {
                admin: admin.pubkey(),
                new_admin: next.pubkey(),
            }
            .instruction()],
            &[&admin],
        ),
    );
    expect_ok(
        ctx.send(
            "accept_admin",
            &[reg::AcceptAdmin {
                new_admin: next.pubkey(),
            }
            .instruction()],
            &[&next],
        ),
    );
    ctx.admin = next;
}
