//! The demo's neighbourhood: who has which meter, what each meter measures
//! every fifteen minutes (a deterministic model of a sunny day), and the
//! feeds that carry it: the meter gateway's JSON, the DISCOM's hourly CSV
//! and Green Button files.

#![allow(clippy::arithmetic_side_effects)] // small, bounded model arithmetic

use joule_sdk::registry::MeterKind;

/// Fifteen minutes: one step of the demo's clock.
pub const STEP_SECS: i64 = 900;
/// Steps per one-hour epoch.
pub const STEPS_PER_EPOCH: u32 = 4;
/// The first reading: 2026-06-21 09:00 in India (UTC+05:30).
pub const START: &str = "2026-06-21T09:00:00+05:30";
/// Minutes after midnight (local) of [`START`].
pub const START_MINUTE: i64 = 9 * 60;
/// The gateway step at which Bilal's gateway glitches (reports a register
/// below the one on chain).
pub const GLITCH_STEP: u32 = 5;

/// Where a meter's data comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The meter gateway (HTTP JSON, cumulative registers, every 15 min).
    Gateway,
    /// The DISCOM's hourly CSV file (15-minute intervals).
    Csv,
    /// The DISCOM's hourly Green Button (ESPI) file.
    Espi,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Gateway => "gateway",
            Source::Csv => "DISCOM CSV",
            Source::Espi => "DISCOM ESPI",
        }
    }
}

/// What a participant does in the market.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Opted in to minting; each epoch sells `share_pct` % of its energy
    /// balance at `ask` (milli-units of the quote token per kWh).
    Seller { ask: u64, share_pct: u64 },
    /// Each epoch buys `wh` at most at `bid`, then redeems against its
    /// imports.
    Buyer { bid: u64, wh: u64 },
}

/// One participant and their meter.
#[derive(Clone, Debug)]
pub struct Person {
    pub name: &'static str,
    pub serial: &'static str,
    pub kind: MeterKind,
    pub rated_w: u64,
    pub source: Source,
    pub role: Role,
    /// Peak generation (W) at full sun or, for wind, the mean.
    pub generation_w: u64,
    /// Mean own load (W).
    pub load_w: u64,
    /// Lifetime registers before the demo (export, import), Wh.
    pub base_wh: (u64, u64),
}

impl Person {
    pub fn is_seller(&self) -> bool {
        matches!(self.role, Role::Seller { .. })
    }

    pub fn renewable(&self) -> bool {
        self.kind != MeterKind::ConsumptionOnly
    }
}

/// The twelve active meters: eight behind the gateway, three in the CSV
/// files, one in the Green Button files.
pub fn people() -> Vec<Person> {
    let p = |name, serial, kind, rated_w, source, role, generation_w, load_w, i: u64| Person {
        name,
        serial,
        kind,
        rated_w,
        source,
        role,
        generation_w,
        load_w,
        base_wh: (1_000_000 + i * 123_457, 2_000_000 + i * 54_321),
    };
    use MeterKind::{ConsumptionOnly as Load, Solar, Wind};
    use Role::{Buyer, Seller};
    use Source::{Csv, Espi, Gateway};
    let sell = |ask, share_pct| Seller { ask, share_pct };
    let buy = |bid, wh| Buyer { bid, wh };
    vec![
        p(
            "Asha",
            "TP-5001",
            Solar,
            5_000,
            Gateway,
            sell(45, 60),
            4_800,
            500,
            0,
        ),
        p(
            "Bilal",
            "TP-5002",
            Solar,
            3_000,
            Gateway,
            sell(50, 80),
            2_900,
            400,
            1,
        ),
        p(
            "Farah's school",
            "TP-5003",
            Solar,
            12_000,
            Gateway,
            sell(40, 50),
            11_500,
            2_000,
            2,
        ),
        p(
            "Solar co-op",
            "TP-5004",
            Solar,
            20_000,
            Gateway,
            sell(55, 70),
            19_000,
            300,
            3,
        ),
        p(
            "Chen",
            "TP-7001",
            Wind,
            10_000,
            Csv,
            sell(60, 90),
            6_000,
            0,
            4,
        ),
        p(
            "Dana",
            "TP-6001",
            Load,
            7_000,
            Gateway,
            buy(90, 1_500),
            0,
            1_200,
            5,
        ),
        p(
            "Eli's shop",
            "TP-6002",
            Load,
            10_000,
            Gateway,
            buy(80, 3_000),
            0,
            2_800,
            6,
        ),
        p(
            "Ines",
            "TP-6003",
            Load,
            7_000,
            Gateway,
            buy(65, 1_000),
            0,
            900,
            7,
        ),
        p(
            "Lena (EV)",
            "TP-6004",
            Load,
            11_000,
            Gateway,
            buy(85, 4_000),
            0,
            3_500,
            8,
        ),
        p(
            "Hari",
            "TP-6101",
            Load,
            7_000,
            Csv,
            buy(70, 1_200),
            0,
            1_100,
            9,
        ),
        p(
            "Jun's workshop",
            "TP-6102",
            Load,
            15_000,
            Csv,
            buy(75, 5_000),
            0,
            4_500,
            10,
        ),
        p(
            "Kavya",
            "TP-6103",
            Solar,
            3_000,
            Espi,
            buy(60, 800),
            2_000,
            1_300,
            11,
        ),
    ]
}

/// A meter registered and never verified: the gateway reports it, the
/// keeper refuses it (`meter_not_active`).
pub const PENDING_SERIAL: &str = "TP-5999";
/// A serial no keeper serves: refused as `unknown_serial`.
pub const UNKNOWN_SERIAL: &str = "TP-0000";

/// Sun at `minute` after local midnight, per mille of full sun (a clear
/// June day, peak at 13:00).
fn sun(minute: i64) -> u64 {
    let d = minute - 780;
    u64::try_from((1_000 - d * d / 130).max(0)).unwrap_or(0)
}

/// Energy (export, import) in Wh over the 15-minute interval ending at
/// step `step` (1-based).
pub fn interval_wh(p: &Person, index: usize, step: u32) -> (u64, u64) {
    let s = u64::from(step);
    let minute = START_MINUTE + i64::from(step - 1) * 15 + 7;
    // ±10 % of load, the same every run.
    let wobble = 90 + (s * 37 + index as u64 * 11) % 21;
    let load = p.load_w * wobble / 100 / 4;
    let generation = match p.kind {
        MeterKind::ConsumptionOnly => 0,
        MeterKind::Wind => p.generation_w * (70 + (s * 13 % 7) * 10) / 100 / 4,
        _ => p.generation_w * sun(minute) / 1_000 / 4,
    };
    (
        generation.saturating_sub(load),
        load.saturating_sub(generation),
    )
}

/// The registers (export, import) after step `step` (0: the base).
pub fn registers(p: &Person, index: usize, step: u32) -> (u64, u64) {
    (1..=step).fold(p.base_wh, |(e, i), s| {
        let (de, di) = interval_wh(p, index, s);
        (e + de, i + di)
    })
}

/// Energy over hour `epoch` (steps `4e+1 ..= 4e+4`).
pub fn hour_wh(p: &Person, index: usize, epoch: u32) -> (u64, u64) {
    let (e0, i0) = registers(p, index, epoch * STEPS_PER_EPOCH);
    let (e1, i1) = registers(p, index, (epoch + 1) * STEPS_PER_EPOCH);
    (e1 - e0, i1 - i0)
}

/// `wh` as kWh with three decimals, as utilities write it.
fn kwh(wh: u64) -> String {
    format!("{}.{:03}", wh / 1_000, wh % 1_000)
}

/// Local time (UTC+05:30) of `step`, ISO 8601.
fn local_time(step: u32) -> String {
    let minute = START_MINUTE + i64::from(step) * 15;
    format!(
        "2026-06-21T{:02}:{:02}:00+05:30",
        minute / 60 % 24,
        minute % 60
    )
}

/// The gateway's document at step `step` (unix time `ts`): every gateway
/// meter's registers, plus what a real gateway also sends: a meter the
/// keeper does not serve, one not yet verified, and at [`GLITCH_STEP`]
/// Bilal's register read as its lifetime base (below the chain's).
pub fn gateway_body(people: &[Person], step: u32, ts: i64) -> String {
    let mut readings = Vec::new();
    for (i, p) in people.iter().enumerate() {
        if p.source != Source::Gateway {
            continue;
        }
        let (mut e, im) = registers(p, i, step);
        if step == GLITCH_STEP && p.serial == "TP-5002" {
            e = p.base_wh.0;
        }
        readings.push(serde_json::json!({
            "serial": p.serial,
            "timestamp": ts,
            "export_register_wh": e,
            "import_register_wh": im,
        }));
    }
    for serial in [UNKNOWN_SERIAL, PENDING_SERIAL] {
        readings.push(serde_json::json!({
            "serial": serial,
            "timestamp": ts,
            "export_register_wh": 10_000 + u64::from(step),
            "import_register_wh": 10_000,
        }));
    }
    serde_json::json!({ "gateway_id": "feeder-7", "readings": readings }).to_string()
}

/// The DISCOM's CSV export of hour `epoch`: 15-minute intervals in kWh,
/// local time, and one corrupt row (a negative value).
pub fn csv_file(people: &[Person], epoch: u32) -> String {
    let mut s = String::from(
        "meter_serial,interval_start,interval_minutes,import_kwh,export_kwh,quality\n",
    );
    for step in epoch * STEPS_PER_EPOCH + 1..=(epoch + 1) * STEPS_PER_EPOCH {
        for (i, p) in people.iter().enumerate() {
            if p.source != Source::Csv {
                continue;
            }
            let (e, im) = interval_wh(p, i, step);
            s.push_str(&format!(
                "{},{},15,{},{},A\n",
                p.serial,
                local_time(step - 1),
                kwh(im),
                kwh(e)
            ));
        }
    }
    s.push_str(&format!(
        "TP-6199,{},15,-0.250,0.000,E\n",
        local_time(epoch * STEPS_PER_EPOCH)
    ));
    s
}

/// Kavya's Green Button usage point.
pub const USAGE_POINT: &str = "UP-6103";

/// The DISCOM's Green Button file of hour `epoch` for the ESPI meters:
/// imports in Wh, exports in mWh (`powerOfTenMultiplier` -3).
pub fn espi_file(people: &[Person], start_ts: i64, epoch: u32) -> String {
    use crate::sources::espi::{write_feed, WrittenInterval};
    let points: Vec<(String, Vec<WrittenInterval>)> = people
        .iter()
        .enumerate()
        .filter(|(_, p)| p.source == Source::Espi)
        .map(|(i, p)| {
            let intervals = (epoch * STEPS_PER_EPOCH + 1..=(epoch + 1) * STEPS_PER_EPOCH)
                .map(|step| {
                    let (export_wh, import_wh) = interval_wh(p, i, step);
                    WrittenInterval {
                        start: start_ts + STEP_SECS * i64::from(step - 1),
                        duration_secs: STEP_SECS,
                        import_wh,
                        export_wh,
                    }
                })
                .collect();
            (USAGE_POINT.to_string(), intervals)
        })
        .collect();
    write_feed("https://discom.example/espi/1_1/resource", &points)
}

/// The keeper's meter list (`check-feed`'s format; the daemon takes each
/// meter's status and rated power from the chain): every serial it
/// serves, the pending one too, with Kavya's usage point.
pub fn meter_list(people: &[Person]) -> String {
    let mut s = String::new();
    for p in people {
        s.push_str(&format!(
            "[[meter]]\nserial = \"{}\"\nstatus = \"active\"\nrated_power_w = {}\n",
            p.serial, p.rated_w
        ));
        if p.source == Source::Espi {
            s.push_str(&format!("usage_points = [\"{USAGE_POINT}\"]\n"));
        }
    }
    s.push_str(&format!(
        "[[meter]]\nserial = \"{PENDING_SERIAL}\"\nstatus = \"pending\"\nrated_power_w = 5000\n"
    ));
    s
}

/// The step whose reading a meter's last reading on chain should be at
/// step `step`: the gateway's are current (but for the glitch, which
/// leaves the previous one), the DISCOM's at the last full hour.
pub fn expected_last_step(p: &Person, step: u32) -> Option<u32> {
    match p.source {
        Source::Gateway if step == GLITCH_STEP && p.serial == "TP-5002" => Some(step - 1),
        Source::Gateway => Some(step),
        Source::Csv | Source::Espi => {
            let hours = step / STEPS_PER_EPOCH;
            (hours > 0).then_some(hours * STEPS_PER_EPOCH)
        }
    }
}

/// Readings the chain should apply over `epochs` hours: a baseline and
/// one per step for every meter, less the glitch.
pub fn expected_readings(people: &[Person], epochs: u32) -> u64 {
    let steps = u64::from(epochs * STEPS_PER_EPOCH) + 1;
    let glitch = u64::from(epochs * STEPS_PER_EPOCH >= GLITCH_STEP);
    people.len() as u64 * steps - glitch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_stays_within_rated_power_and_everyone_has_energy_to_trade() {
        let people = people();
        for (i, p) in people.iter().enumerate() {
            for step in 1..=32 {
                let (e, im) = interval_wh(p, i, step);
                assert!(
                    e <= p.rated_w / 4 && im <= p.rated_w / 4,
                    "{} {step}",
                    p.name
                );
            }
            let (e, im) = hour_wh(p, i, 0);
            match p.role {
                Role::Seller { .. } => assert!(e > 0, "{}", p.name),
                Role::Buyer { .. } => assert!(im > 0, "{}", p.name),
            }
        }
    }

    #[test]
    fn csv_times_are_local_and_values_in_kwh() {
        let f = csv_file(&people(), 1);
        assert!(f.contains("TP-7001,2026-06-21T10:00:00+05:30,15,"), "{f}");
        assert!(
            f.contains("TP-6199,2026-06-21T10:00:00+05:30,15,-0.250"),
            "{f}"
        );
        assert_eq!(f.lines().count(), 1 + 4 * 3 + 1);
    }
}
