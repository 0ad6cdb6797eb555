//! The keeper's view of the meters it serves: what the chain says about each
//! ([`MeterView`]), keyed by normalised serial in a [`MeterBook`] with the
//! meter's PDA, plus which Green Button usage points are which meter
//! ([`UsagePointMap`]). The daemon fills the book from the chain;
//! `check-feed` reads it from a meter list file ([`MeterList`]).

use crate::readings::Accepted;
use crate::timefmt;
use joule_sdk::registry::{self as reg, Meter, MeterStatus, MAX_RATED_POWER_W};
use joule_sdk::Pubkey;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

/// What validation needs to know about a meter, as the chain shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeterView {
    pub status: MeterStatus,
    /// Timestamp of the last applied reading (0 = none yet).
    pub last_reading_ts: i64,
    /// Raw export register at the last reading.
    pub export_register_wh: u64,
    /// Raw import register at the last reading.
    pub import_register_wh: u64,
    pub rated_power_w: u64,
    /// When the meter was last activated: readings dated at or before it
    /// are skipped on chain, and the first one after it is a baseline.
    pub activated_at: i64,
}

impl MeterView {
    /// The view of a decoded on-chain meter (`None` for an unknown status
    /// byte).
    pub fn from_meter(meter: &Meter) -> Option<Self> {
        Some(Self {
            status: MeterStatus::from_u8(meter.status)?,
            last_reading_ts: meter.last_reading_ts,
            export_register_wh: meter.export_register_wh,
            import_register_wh: meter.import_register_wh,
            rated_power_w: meter.rated_power_w,
            activated_at: meter.activated_at,
        })
    }

    /// An active meter that has never had a reading.
    pub fn fresh(rated_power_w: u64) -> Self {
        Self {
            status: MeterStatus::Active,
            last_reading_ts: 0,
            export_register_wh: 0,
            import_register_wh: 0,
            rated_power_w,
            activated_at: 0,
        }
    }

    pub fn is_active(&self) -> bool {
        self.status == MeterStatus::Active
    }

    /// Whether the next applied reading only sets a baseline (the registry's
    /// `Meter::needs_baseline`).
    pub fn needs_baseline(&self) -> bool {
        self.last_reading_ts <= self.activated_at
    }

    /// Readings dated at or before this are skipped on chain.
    pub fn floor(&self) -> i64 {
        self.last_reading_ts.max(self.activated_at)
    }
}

/// One meter of the book.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeterEntry {
    /// The normalised serial.
    pub serial: Arc<str>,
    /// The meter's PDA.
    pub address: Pubkey,
    pub view: MeterView,
    /// Registers to build interval data on while the meter has no reading
    /// on chain (`(export, import)`, Wh); once it has one, the chain's
    /// registers are the start.
    pub start_registers_wh: (u64, u64),
}

/// The meters a keeper serves, by normalised serial.
#[derive(Clone, Debug, Default)]
pub struct MeterBook {
    meters: HashMap<Arc<str>, MeterEntry>,
    usage_points: UsagePointMap,
}

impl MeterBook {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the meter with `serial`; its PDA is derived from
    /// the normalised serial.
    pub fn insert(&mut self, serial: &str, view: MeterView) -> &mut MeterEntry {
        let normalized: Arc<str> = reg::normalize_serial(serial).into();
        let address = reg::meter_address(&reg::meter_id_from_serial(&normalized)).0;
        self.insert_entry(MeterEntry {
            serial: normalized,
            address,
            view,
            start_registers_wh: (0, 0),
        })
    }

    /// Adds (or replaces) an entry whose PDA is already known.
    pub fn insert_entry(&mut self, entry: MeterEntry) -> &mut MeterEntry {
        use std::collections::hash_map::Entry;
        match self.meters.entry(Arc::clone(&entry.serial)) {
            Entry::Occupied(mut slot) => {
                slot.insert(entry);
                slot.into_mut()
            }
            Entry::Vacant(slot) => slot.insert(entry),
        }
    }

    /// The meter with this normalised serial.
    pub fn get(&self, serial: &str) -> Option<&MeterEntry> {
        self.meters.get(serial)
    }

    pub fn get_mut(&mut self, serial: &str) -> Option<&mut MeterEntry> {
        self.meters.get_mut(serial)
    }

    pub fn len(&self) -> usize {
        self.meters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.meters.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &MeterEntry> {
        self.meters.values()
    }

    pub fn usage_points(&self) -> &UsagePointMap {
        &self.usage_points
    }

    pub fn usage_points_mut(&mut self) -> &mut UsagePointMap {
        &mut self.usage_points
    }

    /// Advances a meter's view past a reading that landed (applied), as the
    /// chain now shows it. Readings not newer than the view change nothing.
    pub fn record(&mut self, accepted: &Accepted) {
        if let Some(m) = self.meters.get_mut(&*accepted.serial) {
            let r = &accepted.reading;
            if r.timestamp > m.view.floor() {
                m.view.last_reading_ts = r.timestamp;
                m.view.export_register_wh = r.export_register_wh;
                m.view.import_register_wh = r.import_register_wh;
            }
        }
    }
}

/// Which Green Button (ESPI) usage point is which meter. A key matches a
/// usage point by its Atom entry id (`urn:uuid:…`, with or without the
/// `urn:uuid:` prefix), by its `self` link, or by the last segment of that
/// link (`5446AF3F` for `…/UsagePoint/5446AF3F`); case-insensitive.
///
/// A feed can also name its meter as a whole ([`UsagePointMap::set_feed_meter`]):
/// a per-meter download with one usage point whose ids mean nothing to the
/// operator.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UsagePointMap {
    keys: HashMap<String, String>,
    feed_meter: Option<String>,
}

impl UsagePointMap {
    fn key(k: &str) -> String {
        let k = k.trim().to_ascii_lowercase();
        match k.strip_prefix("urn:uuid:") {
            Some(uuid) => uuid.to_string(),
            None => k.trim_end_matches('/').to_string(),
        }
    }

    /// Maps `key` to the meter with `serial`; returns the serial it mapped
    /// to before, if any.
    pub fn insert(&mut self, key: &str, serial: &str) -> Option<String> {
        self.keys
            .insert(Self::key(key), reg::normalize_serial(serial))
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.feed_meter.is_none()
    }

    /// The meter of a feed's only usage point when no key maps it (`None`
    /// clears it). A feed with several usage points is never mapped this
    /// way: each needs its key.
    pub fn set_feed_meter(&mut self, serial: Option<&str>) {
        self.feed_meter = serial.map(reg::normalize_serial);
    }

    /// The meter set by [`UsagePointMap::set_feed_meter`].
    pub fn feed_meter(&self) -> Option<&str> {
        self.feed_meter.as_deref()
    }

    /// The normalised serial of the usage point with this Atom id and
    /// `self` link.
    pub fn resolve(&self, atom_id: Option<&str>, self_href: Option<&str>) -> Option<&str> {
        let mut candidates: Vec<String> = Vec::with_capacity(3);
        if let Some(id) = atom_id {
            candidates.push(Self::key(id));
        }
        if let Some(href) = self_href {
            let href = Self::key(href);
            if let Some(last) = href.rsplit('/').next() {
                if !last.is_empty() && last != href {
                    candidates.push(last.to_string());
                }
            }
            candidates.push(href);
        }
        candidates
            .iter()
            .find_map(|c| self.keys.get(c))
            .map(String::as_str)
    }
}

// ------------------------------------------------------------ meter list

/// A meter list file (TOML): the meters `check-feed` validates against, as
/// the chain would show them.
///
/// ```toml
/// now = "2026-03-02T00:00:00Z"        # optional: the clock to validate against
///
/// [[meter]]
/// serial = "AB-1234"                  # the utility serial
/// status = "active"                   # active | pending | suspended
/// rated_power_w = 5000
/// last_reading = "2026-03-01T00:00:00Z"  # optional (Unix seconds or RFC 3339); none = no reading yet
/// export_register_wh = 120000         # optional, registers at the last reading
/// import_register_wh = 48000
/// activated_at = 1772236800           # optional, default 0
/// start_export_register_wh = 0        # optional: where interval data starts while
/// start_import_register_wh = 0        #   the meter has no reading
/// usage_points = ["5446AF3F"]         # optional: Green Button usage points of this meter
/// ```
#[derive(Debug)]
pub struct MeterList {
    /// The clock the file asks to validate against.
    pub now: Option<i64>,
    pub book: MeterBook,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    now: Option<TimeValue>,
    #[serde(default)]
    meter: Vec<FileMeter>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TimeValue {
    Unix(i64),
    Text(String),
}

impl TimeValue {
    fn seconds(&self, what: &str) -> Result<i64, String> {
        match self {
            TimeValue::Unix(t) => Ok(*t),
            TimeValue::Text(s) => {
                timefmt::parse_timestamp(s, None).map_err(|e| format!("{what}: {e}"))
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum FileStatus {
    Active,
    Pending,
    Suspended,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMeter {
    serial: String,
    status: FileStatus,
    rated_power_w: u64,
    last_reading: Option<TimeValue>,
    #[serde(default)]
    export_register_wh: u64,
    #[serde(default)]
    import_register_wh: u64,
    activated_at: Option<TimeValue>,
    #[serde(default)]
    start_export_register_wh: u64,
    #[serde(default)]
    start_import_register_wh: u64,
    #[serde(default)]
    usage_points: Vec<String>,
}

impl MeterList {
    /// Parses a meter list file's text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let doc: FileDoc = toml::from_str(text).map_err(|e| e.to_string())?;
        let now = doc.now.as_ref().map(|t| t.seconds("now")).transpose()?;
        let mut book = MeterBook::new();
        for (i, m) in doc.meter.iter().enumerate() {
            let at = |what: &str| format!("meter {} ('{}'): {what}", i + 1, m.serial);
            let serial = reg::normalize_serial(&m.serial);
            if serial.is_empty() {
                return Err(at("empty serial"));
            }
            if book.get(&serial).is_some() {
                return Err(at("a second meter with this serial"));
            }
            if m.rated_power_w == 0 || m.rated_power_w > MAX_RATED_POWER_W {
                return Err(at(&format!(
                    "rated_power_w must be 1 to {MAX_RATED_POWER_W}"
                )));
            }
            let last_reading_ts = match &m.last_reading {
                Some(t) => t.seconds("last_reading").map_err(|e| at(&e))?,
                None => 0,
            };
            let activated_at = match &m.activated_at {
                Some(t) => t.seconds("activated_at").map_err(|e| at(&e))?,
                None => 0,
            };
            let view = MeterView {
                status: match m.status {
                    FileStatus::Active => MeterStatus::Active,
                    FileStatus::Pending => MeterStatus::Pending,
                    FileStatus::Suspended => MeterStatus::Suspended,
                },
                last_reading_ts,
                export_register_wh: m.export_register_wh,
                import_register_wh: m.import_register_wh,
                rated_power_w: m.rated_power_w,
                activated_at,
            };
            let entry = book.insert(&serial, view);
            entry.start_registers_wh = (m.start_export_register_wh, m.start_import_register_wh);
            for up in &m.usage_points {
                if let Some(other) = book.usage_points_mut().insert(up, &serial) {
                    if other != serial {
                        return Err(at(&format!(
                            "usage point '{up}' is already meter '{other}'"
                        )));
                    }
                }
            }
        }
        Ok(Self { now, book })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meter_list_parses_and_checks() {
        let list = MeterList::parse(
            r#"
            now = "2026-03-02T00:00:00Z"
            [[meter]]
            serial = "ab-12 34"
            status = "active"
            rated_power_w = 5000
            last_reading = 1772236800
            export_register_wh = 10
            import_register_wh = 20
            usage_points = ["urn:uuid:48C2A019-5598-4E16-B0F9-49E4FF27F5FB"]
            [[meter]]
            serial = "CD-9"
            status = "suspended"
            rated_power_w = 1000
            "#,
        )
        .unwrap();
        assert_eq!(list.now, Some(1_772_409_600));
        let m = list.book.get("AB1234").unwrap();
        assert_eq!(m.view.last_reading_ts, 1_772_236_800);
        assert_eq!(
            m.address,
            reg::meter_address(&reg::meter_id_from_serial("AB-1234")).0
        );
        assert!(!list.book.get("CD9").unwrap().view.is_active());
        assert_eq!(
            list.book
                .usage_points()
                .resolve(Some("urn:uuid:48c2a019-5598-4e16-b0f9-49e4ff27f5fb"), None),
            Some("AB1234")
        );

        for bad in [
            "[[meter]]\nserial = \"A\"\nstatus = \"active\"\nrated_power_w = 0",
            "[[meter]]\nserial = \"A\"\nstatus = \"on\"\nrated_power_w = 1",
            "[[meter]]\nserial = \"A\"\nstatus = \"active\"\nrated_power_w = 1\ncolour = 1",
            "[[meter]]\nserial = \"a\"\nstatus = \"active\"\nrated_power_w = 1\n[[meter]]\nserial = \"A\"\nstatus = \"active\"\nrated_power_w = 1",
            "[[meter]]\nserial = \"A\"\nstatus = \"active\"\nrated_power_w = 1\nlast_reading = \"yesterday\"",
        ] {
            assert!(MeterList::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn usage_point_keys_match_id_link_or_last_segment() {
        let mut map = UsagePointMap::default();
        map.insert("5446AF3F", "M-1");
        map.insert("/espi/1_1/resource/RetailCustomer/1/UsagePoint/77", "M-2");
        let href =
            "https://utility.example/espi/1_1/resource/RetailCustomer/9B6C7066/UsagePoint/5446AF3F";
        assert_eq!(map.resolve(None, Some(href)), Some("M1"));
        assert_eq!(
            map.resolve(
                None,
                Some("/espi/1_1/resource/RetailCustomer/1/UsagePoint/77/")
            ),
            Some("M2")
        );
        assert_eq!(
            map.resolve(Some("urn:uuid:1"), Some("/x/UsagePoint/8")),
            None
        );
    }
}
