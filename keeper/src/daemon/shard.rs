//! Sharding: `--shard i/n` gives a keeper the meters whose meter id falls
//! in shard `i` of `n`.
//!
//! The hash is the first 8 bytes of the meter id (itself
//! `sha256("joule:meter:" + normalised serial)`) read as a little-endian
//! `u64`, modulo `n`. Two keepers whose shards overlap submit the same
//! readings twice, which is harmless: the registry skips a reading not
//! newer than the meter's last one.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Shard `index` of `count` (`0 <= index < count`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Shard {
    index: u32,
    count: u32,
}

/// A shard that cannot exist.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid shard '{0}': expected I/N with 0 <= I < N, e.g. 0/4")]
pub struct ShardError(pub String);

impl Shard {
    /// Every meter (the default).
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    pub fn new(index: u32, count: u32) -> Result<Shard, ShardError> {
        if count == 0 || index >= count {
            return Err(ShardError(format!("{index}/{count}")));
        }
        Ok(Shard { index, count })
    }

    pub fn index(&self) -> u32 {
        self.index
    }

    pub fn count(&self) -> u32 {
        self.count
    }

    /// The shard of `meter_id` among `count` (`count` 0 is taken as 1).
    pub fn of(meter_id: &[u8; 32], count: u32) -> u32 {
        let mut first = [0u8; 8];
        first.copy_from_slice(&meter_id[..8]);
        let h = u64::from_le_bytes(first);
        let r = h.checked_rem(u64::from(count.max(1))).unwrap_or(0);
        // r < count <= u32::MAX.
        u32::try_from(r).unwrap_or(0)
    }

    /// Whether this shard takes the meter with `meter_id`.
    pub fn contains(&self, meter_id: &[u8; 32]) -> bool {
        Shard::of(meter_id, self.count) == self.index
    }

    /// Whether this shard takes the meter with utility serial `serial`
    /// (normalised as the registry does), for sources that want to skip
    /// other shards' meters early.
    pub fn contains_serial(&self, serial: &str) -> bool {
        self.contains(&joule_sdk::registry::meter_id_from_serial(serial))
    }
}

impl Default for Shard {
    fn default() -> Self {
        Shard::ALL
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Shard, ShardError> {
        let bad = || ShardError(s.to_string());
        let (i, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        Shard::new(index, count).map_err(|_| bad())
    }
}

impl TryFrom<String> for Shard {
    type Error = ShardError;

    fn try_from(s: String) -> Result<Shard, ShardError> {
        s.parse()
    }
}

impl From<Shard> for String {
    fn from(s: Shard) -> String {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_i_of_n() {
        assert_eq!("2/4".parse::<Shard>(), Shard::new(2, 4));
        assert_eq!(" 0 / 1 ".parse::<Shard>(), Ok(Shard::ALL));
        assert_eq!(Shard::new(3, 8).map(|s| s.to_string()), Ok("3/8".into()));
        for bad in ["", "1", "4/4", "0/0", "-1/2", "a/b", "1/2/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_hash_is_the_first_eight_bytes_little_endian_mod_n() {
        let mut id = [0u8; 32];
        id[0] = 7;
        id[8] = 0xff; // beyond the first 8 bytes: ignored
        assert_eq!(Shard::of(&id, 4), 3);
        assert_eq!(Shard::of(&id, 1), 0);
        id[1] = 1; // 263
        assert_eq!(Shard::of(&id, 10), 3);
        assert!(Shard::new(3, 10).is_ok_and(|s| s.contains(&id)));
    }

    #[test]
    fn shards_partition_the_meters() {
        for n in 1..6u32 {
            let shards: Vec<Shard> = (0..n).filter_map(|i| Shard::new(i, n).ok()).collect();
            for k in 0..200u32 {
                let id = joule_sdk::registry::meter_id_from_serial(&format!("SN-{k}"));
                assert_eq!(shards.iter().filter(|s| s.contains(&id)).count(), 1);
            }
        }
        let s = Shard::new(1, 3).expect("shard");
        let serial = "dl-0001";
        assert_eq!(
            s.contains_serial(serial),
            s.contains(&joule_sdk::registry::meter_id_from_serial("DL0001"))
        );
    }
}
