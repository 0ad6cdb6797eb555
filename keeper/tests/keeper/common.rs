//! Shared helpers: fixtures, the public Green Button samples, meter books.

use joule_keeper::meters::{MeterBook, MeterView};
use joule_keeper::readings::{IntervalReading, Origin, Position, RegisterReading};
use joule_sdk::registry::MeterStatus;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// 2026-03-01T00:00:00Z.
pub const T0: i64 = 1_772_323_200;

/// This crate's own fixtures.
pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).unwrap()
}

/// The public Green Button samples live outside the repository, at
/// `../shared/fixtures/greenbutton/` from the repository root. `None` (and
/// a message) when they are not there.
pub fn greenbutton_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("../shared/fixtures/greenbutton");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipping: the Green Button samples are not at ../shared/fixtures/greenbutton/ \
             (relative to the repository root)"
        );
        None
    }
}

/// A Green Button sample's bytes, if the samples are there.
pub fn greenbutton(name: &str) -> Option<Vec<u8>> {
    greenbutton_dir().map(|d| std::fs::read(d.join(name)).unwrap())
}

pub const SAMPLE_01: &str = "openespi-test_usage_data_01.xml";
pub const SAMPLE_1: &str = "openespi-test_usage_data_1.xml";
/// The samples' one usage point, by the last segment of its link.
pub const SAMPLE_USAGE_POINT: &str = "5446AF3F";

pub fn src(name: &str) -> Arc<str> {
    name.into()
}

/// An active meter with its last reading at `last_ts` (0 = none).
pub fn active(rated_power_w: u64, last_ts: i64, export_wh: u64, import_wh: u64) -> MeterView {
    MeterView {
        status: MeterStatus::Active,
        last_reading_ts: last_ts,
        export_register_wh: export_wh,
        import_register_wh: import_wh,
        rated_power_w,
        activated_at: 0,
    }
}

pub fn book(meters: &[(&str, MeterView)]) -> MeterBook {
    let mut b = MeterBook::new();
    for (serial, view) in meters {
        b.insert(serial, *view);
    }
    b
}

/// A gateway reading.
pub fn reg(serial: &str, ts: i64, export_wh: u64, import_wh: u64) -> RegisterReading {
    RegisterReading {
        serial: joule_sdk::registry::normalize_serial(serial),
        timestamp: ts,
        export_register_wh: export_wh,
        import_register_wh: import_wh,
        origin: Origin::new(&src("gateway"), Position::Entry(0)),
    }
}

/// A DISCOM interval, in Wh.
pub fn iv(
    serial: &str,
    start: i64,
    secs: u32,
    import_wh: Option<u64>,
    export_wh: Option<u64>,
) -> IntervalReading {
    IntervalReading {
        serial: joule_sdk::registry::normalize_serial(serial),
        start,
        duration_secs: secs,
        import_mwh: import_wh.map(|w| w * 1_000),
        export_mwh: export_wh.map(|w| w * 1_000),
        origin: Origin::new(&src("feed.csv"), Position::Line(1)),
    }
}
