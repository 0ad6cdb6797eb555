//! The DISCOM CSV format.

use crate::common::*;
use joule_keeper::readings::{Position, RejectReason};
use joule_keeper::sources::csv::{parse_csv, CsvOptions};

fn parse(text: &str) -> joule_keeper::readings::Parsed<joule_keeper::readings::IntervalReading> {
    parse_csv(&src("feed.csv"), text.as_bytes(), &CsvOptions::default()).unwrap()
}

fn line(p: Position) -> u64 {
    match p {
        Position::Line(l) => l,
        other => panic!("{other:?}"),
    }
}

#[test]
fn csv_reads_the_fixture_with_bom_crlf_comments_and_blank_lines() {
    let p = parse_csv(
        &src("discom_day.csv"),
        &fixture("discom_day.csv"),
        &CsvOptions::default(),
    )
    .unwrap();
    type Row<'a> = (u64, &'a str, i64, u32, Option<u64>, Option<u64>);
    let got: Vec<Row> = p
        .items
        .iter()
        .map(|i| {
            (
                line(i.origin.position),
                i.serial.as_str(),
                i.start,
                i.duration_secs,
                i.import_mwh,
                i.export_mwh,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (3, "HH0002", T0, 900, Some(300_000), Some(0)),
            (4, "HH0002", T0 + 900, 900, Some(450_000), None),
            (8, "SUS3", T0, 900, Some(100_000), Some(0)),
            (9, "HH0002", T0 + 3_600, 900, Some(9_000_000), Some(0)),
            (10, "HH0002", T0 + 4_500, 900, Some(350_000), Some(0)),
        ]
    );
    let rejected: Vec<(u64, RejectReason)> = p
        .rejections
        .iter()
        .map(|r| (line(r.origin.position), r.reason))
        .collect();
    assert_eq!(
        rejected,
        [
            (6, RejectReason::NegativeValue),
            (7, RejectReason::MalformedEntry)
        ]
    );
    assert_eq!(p.rejections[0].serial.as_deref(), Some("HH0002"));
    assert_eq!(
        p.rejections[0].timestamp,
        Some(T0 + 2_700),
        "an interval is dated at its end"
    );
}

#[test]
fn csv_units_lengths_and_column_order_are_read_from_the_header() {
    // Wh, seconds, columns in another order, header spelled differently,
    // extra columns ignored, Unix seconds.
    let p = parse(
        "Interval Start ,Serial,Export-Wh,interval_seconds,Import_WH,feeder\n\
         1772323200,m 1,12.5,300,0.0015,F12\n\
         1772323500,m 1,0,300,7,F12\n",
    );
    assert!(p.rejections.is_empty(), "{:?}", p.rejections);
    assert_eq!(p.items.len(), 2);
    let a = &p.items[0];
    assert_eq!(
        (a.serial.as_str(), a.start, a.duration_secs),
        ("M1", T0, 300)
    );
    assert_eq!((a.import_mwh, a.export_mwh), (Some(1), Some(12_500)));
    // Only one channel is enough.
    let p = parse("meter_serial,interval_start,interval_minutes,export_kwh\nM,2026-03-01T00:00:00Z,30,1.234567\n");
    assert_eq!(p.items[0].export_mwh, Some(1_234_567));
    assert_eq!(p.items[0].import_mwh, None);
    assert_eq!(p.items[0].duration_secs, 1_800);
}

#[test]
fn csv_semicolons_tabs_and_decimal_commas() {
    let p = parse("meter_serial;interval_start;interval_minutes;import_kwh;export_kwh\nM;2026-03-01T00:00:00Z;15;0,250;1,5\n");
    assert!(p.rejections.is_empty(), "{:?}", p.rejections);
    assert_eq!(
        (p.items[0].import_mwh, p.items[0].export_mwh),
        (Some(250_000), Some(1_500_000))
    );
    let p = parse(
        "meter_serial\tinterval_start\tinterval_minutes\timport_wh\nM\t1772323200\t15\t250\n",
    );
    assert_eq!(p.items[0].import_mwh, Some(250_000));
    // Quoted fields with the delimiter inside.
    let p = parse("meter_serial,interval_start,interval_minutes,import_wh,note\n\"M,1\",1772323200,15,250,\"a, b\"\n");
    assert_eq!(p.items[0].serial, "M,1");
}

#[test]
fn csv_rejects_bad_rows_and_keeps_the_rest() {
    let p = parse(
        "meter_serial,interval_start,interval_minutes,import_kwh,export_kwh\n\
         M,2026-03-01T00:00:00Z,15,0.1,0\n\
         M,2026-03-01T00:15:00Z,15,0.1\n\
         M,2026-03-01T00:30:00Z,15,0.1,0,extra\n\
         M,2026-03-01 00:45:00,15,0.1,0\n\
         M,2026-02-30T00:00:00Z,15,0.1,0\n\
         M,2026-03-01T01:00:00Z,quarter,0.1,0\n\
         M,2026-03-01T01:15:00Z,-15,0.1,0\n\
         M,2026-03-01T01:30:00Z,15,,\n\
         M,2026-03-01T01:45:00Z,15,1e3,0\n\
         M,2026-03-01T02:00:00Z,15,0.1,-2\n\
         M,2026-03-01T02:15:00Z,15,99999999999999999,0\n\
         ,2026-03-01T02:30:00Z,15,0.1,0\n\
         M,2026-03-01T02:45:00Z,15,0.1,0\n",
    );
    let kept: Vec<u64> = p.items.iter().map(|i| line(i.origin.position)).collect();
    assert_eq!(kept, [2, 14]);
    use RejectReason::*;
    let rejected: Vec<(u64, RejectReason)> = p
        .rejections
        .iter()
        .map(|r| (line(r.origin.position), r.reason))
        .collect();
    assert_eq!(
        rejected,
        [
            (3, MalformedEntry),
            (4, MalformedEntry),
            (5, MalformedEntry),
            (6, MalformedEntry),
            (7, MalformedEntry),
            (8, MalformedEntry),
            (9, MalformedEntry),
            (10, MalformedEntry),
            (11, NegativeValue),
            (12, AbsurdValue),
            (13, MalformedEntry),
        ]
    );
    assert!(p.rejections[0]
        .detail
        .contains("4 fields, the header has 5"));
    assert!(p.rejections[2].detail.contains("no UTC offset"));
    assert!(p.rejections[6]
        .detail
        .contains("neither an import nor an export"));
}

#[test]
fn csv_local_times_need_a_configured_offset() {
    let text = "meter_serial,interval_start,interval_minutes,import_wh\nM,2026-03-01 05:30,15,1\n";
    let p = parse(text);
    assert_eq!(p.rejections[0].reason, RejectReason::MalformedEntry);
    let ist = CsvOptions {
        utc_offset_secs: Some(19_800),
    };
    let p = parse_csv(&src("feed.csv"), text.as_bytes(), &ist).unwrap();
    assert_eq!(p.items[0].start, T0);
}

#[test]
fn csv_rejects_files_without_a_usable_header() {
    for (text, says) in [
        ("", "empty"),
        ("# only a comment\n\n", "empty"),
        (
            "serial,interval_start,import_wh\nM,1772323200,1\n",
            "interval_minutes or interval_seconds",
        ),
        (
            "meter_serial,interval_minutes,import_wh\n",
            "interval_start",
        ),
        (
            "meter_serial,interval_start,interval_minutes\n",
            "import_kwh",
        ),
        (
            "meter_serial,interval_start,interval_minutes,import_wh,import_kwh\n",
            "more than one",
        ),
        ("M,1772323200,15,1\n", "no meter_serial"),
    ] {
        let e = parse_csv(&src("feed.csv"), text.as_bytes(), &CsvOptions::default()).unwrap_err();
        assert!(e.detail.contains(says), "{text:?}: {e}");
    }
}
