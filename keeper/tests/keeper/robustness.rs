//! Damaged input never panics a parser or the validator: every mutation of
//! the fixtures (and of a public sample) ends as readings or rejections.

use crate::common::*;
use joule_keeper::meters::UsagePointMap;
use joule_keeper::readings::{Inputs, ValidationConfig, Validator};
use joule_keeper::sources::{FeedFile, FeedFormat, FeedOptions};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SPLICES: [&[u8]; 12] = [
    b"<",
    b">",
    b"</value>",
    b"<!-- -->",
    b"-",
    b"99999999999999999999999",
    b"9223372036854775807",
    b"-9223372036854775808",
    b",",
    b"\"",
    b"\n",
    b"\xff",
];

fn mutate(rng: &mut Rng, doc: &[u8]) -> Vec<u8> {
    let mut d = doc.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(d.len() + 1);
        match rng.below(4) {
            0 => d.truncate(at),
            1 if at < d.len() => d[at] = rng.next() as u8,
            2 => {
                let s = SPLICES[rng.below(SPLICES.len())];
                d.splice(at..at, s.iter().copied());
            }
            _ => {
                let end = (at + rng.below(40)).min(d.len());
                d.drain(at..end);
            }
        }
    }
    d
}

#[test]
fn damaged_feeds_never_panic() {
    let mut docs = vec![
        (
            "espi_prosumer.xml",
            FeedFormat::Espi,
            fixture("espi_prosumer.xml"),
        ),
        ("discom_day.csv", FeedFormat::Csv, fixture("discom_day.csv")),
        (
            "gateway.json",
            FeedFormat::GatewayJson,
            fixture("gateway.json"),
        ),
    ];
    if let Some(sample) = greenbutton(SAMPLE_01) {
        docs.push((SAMPLE_01, FeedFormat::Espi, sample));
    }
    let mut map = UsagePointMap::default();
    map.insert("urn:uuid:11111111-2222-3333-4444-555555555555", "PV-0001");
    map.insert(SAMPLE_USAGE_POINT, "GB-1");
    let opts = FeedOptions {
        usage_points: map,
        ..FeedOptions::default()
    };
    let b = book(&[
        ("PV-0001", active(5_000, 0, 0, 0)),
        ("HH-0002", active(7_000, T0, 0, 10_000)),
        ("GB-1", active(10_000, 0, 0, 0)),
    ]);
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for (name, format, doc) in &docs {
        for _ in 0..400 {
            let damaged = mutate(&mut rng, doc);
            let file = FeedFile::with_format(name, damaged, *format);
            let mut inputs = Inputs::new();
            let _ = file.parse_into(&opts, &mut inputs);
            let n = inputs.len();
            let out = Validator::new(&b, ValidationConfig::default(), T0 + 86_400).run(inputs);
            assert!(out.accepted.len() <= n + 3);
        }
    }
}
