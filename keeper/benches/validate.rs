//! Readings parsed, validated and packed per second, on one core.
//!
//! `cargo bench -p joule-keeper --bench validate` prints, for 10,000 meters:
//! each parser's rate (gateway JSON, DISCOM CSV, Green Button ESPI), the
//! validator's rate on gateway readings and on interval data (validation
//! plus packing into the sdk's `(meter, Reading)` pairs), and the whole
//! path from bytes to packed readings. Single-threaded; the best of a few
//! runs. `JOULE_BENCH_METERS` changes the meter count.

use joule_keeper::meters::{MeterBook, MeterView, UsagePointMap};
use joule_keeper::readings::{Inputs, ValidationConfig, Validator};
use joule_keeper::sources::csv::{parse_csv, CsvOptions};
use joule_keeper::sources::espi::parse_espi;
use joule_keeper::sources::gateway::parse_gateway;
use std::fmt::Write;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// 2026-03-01T00:00:00Z.
const T0: i64 = 1_772_323_200;
const RUNS: usize = 5;

fn serial(m: usize) -> String {
    format!("KA-{m:07}")
}

/// The best of `RUNS` timings of `f` (its setup untimed).
fn best<S, T>(mut setup: impl FnMut() -> S, mut f: impl FnMut(S) -> T) -> Duration {
    (0..RUNS)
        .map(|_| {
            let input = setup();
            let t0 = Instant::now();
            black_box(f(input));
            t0.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn report(what: &str, n: usize, d: Duration) {
    let rate = n as f64 / d.as_secs_f64();
    println!(
        "{what:<52} {n:>9} in {:>8.1} ms  {:>12.0} readings/s",
        d.as_secs_f64() * 1e3,
        rate
    );
}

fn main() {
    let meters: usize = std::env::var("JOULE_BENCH_METERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let per_meter_gateway = 10;
    let per_meter_intervals = 24;
    println!("joule-keeper validation benchmark: {meters} meters, one core\n");

    let t0 = Instant::now();
    let mut book = MeterBook::new();
    for m in 0..meters {
        book.insert(
            &serial(m),
            MeterView::fresh(10_000 + (m as u64 % 7) * 1_000),
        );
    }
    println!(
        "meter book (PDA per meter): {:.0} ms\n",
        t0.elapsed().as_secs_f64() * 1e3
    );

    // Gateway JSON: every meter every 15 minutes, registers growing.
    let mut json = String::from("{\"gateway_id\": \"bench\", \"readings\": [");
    for k in 0..per_meter_gateway {
        for m in 0..meters {
            let ts = T0 + k as i64 * 900;
            let e = 1_000_000 + k as u64 * (m as u64 % 900);
            let i = 2_000_000 + k as u64 * 250;
            if k + m > 0 {
                json.push(',');
            }
            let _ = write!(
                json,
                "{{\"serial\": \"{}\", \"timestamp\": {ts}, \"export_register_wh\": {e}, \"import_register_wh\": {i}}}",
                serial(m)
            );
        }
    }
    json.push_str("]}");
    let n_gateway = meters * per_meter_gateway;
    let gw_src: Arc<str> = "gateway".into();

    // DISCOM CSV: 24 quarter-hours per meter, both channels in kWh.
    let mut csv =
        String::from("meter_serial,interval_start,interval_minutes,import_kwh,export_kwh\n");
    for m in 0..meters {
        for k in 0..per_meter_intervals {
            let _ = writeln!(
                csv,
                "{},{},15,0.{:03},1.{:03}",
                serial(m),
                T0 + k as i64 * 900,
                (m + k) % 1_000,
                (m * 7 + k) % 1_000
            );
        }
    }
    let n_csv = meters * per_meter_intervals;
    let csv_src: Arc<str> = "feed.csv".into();

    // Green Button: one usage point per 1,000 meters would be a multi-file
    // feed; the parser's rate is measured on one usage point with many
    // interval readings.
    let n_espi = n_csv;
    let mut espi = String::from(
        r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><id>urn:uuid:00000000-0000-0000-0000-000000000001</id><link rel="self" href="/espi/1_1/resource/RetailCustomer/1/UsagePoint/1"/><link rel="related" href="/espi/1_1/resource/RetailCustomer/1/UsagePoint/1/MeterReading"/><content><UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint></content></entry>
<entry><link rel="self" href="/espi/1_1/resource/RetailCustomer/1/UsagePoint/1/MeterReading/1"/><link rel="up" href="/espi/1_1/resource/RetailCustomer/1/UsagePoint/1/MeterReading"/><link rel="related" href="/espi/1_1/resource/ReadingType/1"/><content><MeterReading xmlns="http://naesb.org/espi"/></content></entry>
<entry><link rel="self" href="/espi/1_1/resource/ReadingType/1"/><content><ReadingType xmlns="http://naesb.org/espi"><accumulationBehaviour>4</accumulationBehaviour><flowDirection>1</flowDirection><kind>12</kind><powerOfTenMultiplier>0</powerOfTenMultiplier><uom>72</uom></ReadingType></content></entry>
<entry><link rel="self" href="/espi/1_1/resource/RetailCustomer/1/UsagePoint/1/MeterReading/1/IntervalBlock/1"/><link rel="up" href="/espi/1_1/resource/RetailCustomer/1/UsagePoint/1/MeterReading/1/IntervalBlock"/><content><IntervalBlock xmlns="http://naesb.org/espi">
"#,
    );
    for k in 0..n_espi {
        let _ = writeln!(
            espi,
            "<IntervalReading><cost>900</cost><timePeriod><duration>900</duration><start>{}</start><!-- q --></timePeriod><value>{}</value></IntervalReading>",
            T0 - 86_400 * 365 + k as i64 * 900,
            250 + k % 500
        );
    }
    espi.push_str("</IntervalBlock></content></entry></feed>\n");
    let espi_src: Arc<str> = "feed.xml".into();
    let mut map = UsagePointMap::default();
    map.insert("1", &serial(0));

    println!("parsing");
    let d = best(
        || (),
        |()| parse_gateway(&gw_src, json.as_bytes()).map(|p| p.items.len()),
    );
    report(
        &format!("  gateway JSON ({} MB)", json.len() >> 20),
        n_gateway,
        d,
    );
    let d = best(
        || (),
        |()| parse_csv(&csv_src, csv.as_bytes(), &CsvOptions::default()).map(|p| p.items.len()),
    );
    report(&format!("  DISCOM CSV ({} MB)", csv.len() >> 20), n_csv, d);
    let d = best(
        || (),
        |()| parse_espi(&espi_src, espi.as_bytes(), &map).map(|p| p.items.len()),
    );
    report(
        &format!("  Green Button ESPI ({} MB)", espi.len() >> 20),
        n_espi,
        d,
    );

    let gateway = parse_gateway(&gw_src, json.as_bytes()).unwrap_or_default();
    let intervals = parse_csv(&csv_src, csv.as_bytes(), &CsvOptions::default()).unwrap_or_default();
    assert!(gateway.rejections.is_empty() && intervals.rejections.is_empty());
    let now = T0 + 86_400;
    let cfg = ValidationConfig::default();

    println!("\nvalidation + packing (the sdk's (meter, Reading) pairs)");
    let mut accepted = 0;
    let d = best(
        || {
            let mut i = Inputs::new();
            i.add_gateway(gateway.clone());
            i
        },
        |inputs| {
            let out = Validator::new(&book, cfg, now).run(inputs);
            accepted = out.accepted.len();
            out.packed()
        },
    );
    assert_eq!(accepted, n_gateway, "every gateway reading is valid");
    report("  gateway readings", n_gateway, d);
    let d = best(
        || {
            let mut i = Inputs::new();
            i.add_intervals(intervals.clone());
            i
        },
        |inputs| {
            let out = Validator::new(&book, cfg, now).run(inputs);
            accepted = out.accepted.len();
            out.packed()
        },
    );
    assert_eq!(
        accepted,
        n_csv + meters,
        "every interval, and a baseline per meter"
    );
    report("  DISCOM intervals (to cumulative registers)", n_csv, d);

    println!("\nend to end: bytes to packed readings");
    let d = best(
        || (),
        |()| {
            let mut i = Inputs::new();
            if let Ok(p) = parse_gateway(&gw_src, json.as_bytes()) {
                i.add_gateway(p);
            }
            Validator::new(&book, cfg, now).run(i).packed()
        },
    );
    report("  gateway JSON", n_gateway, d);
    let d = best(
        || (),
        |()| {
            let mut i = Inputs::new();
            if let Ok(p) = parse_csv(&csv_src, csv.as_bytes(), &CsvOptions::default()) {
                i.add_intervals(p);
            }
            Validator::new(&book, cfg, now).run(i).packed()
        },
    );
    report("  DISCOM CSV", n_csv, d);
}
