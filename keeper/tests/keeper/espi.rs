//! Green Button ESPI: the public samples (read from outside the repository)
//! and this crate's own fixture.

use crate::common::*;
use joule_keeper::meters::UsagePointMap;
use joule_keeper::readings::{
    Inputs, IntervalReading, Parsed, Position, RejectReason, SourceKind, ValidationConfig,
    Validator,
};
use joule_keeper::sources::espi::parse_espi;

fn sample_map() -> UsagePointMap {
    let mut m = UsagePointMap::default();
    m.insert(SAMPLE_USAGE_POINT, "GB-1");
    m
}

fn parse(bytes: &[u8], map: &UsagePointMap) -> Parsed<IntervalReading> {
    parse_espi(&src("feed.xml"), bytes, map).unwrap()
}

fn wh(iv: &IntervalReading) -> u64 {
    iv.import_mwh.unwrap() / 1_000
}

#[test]
fn espi_sample_01_is_96_quarter_hours_of_import() {
    let Some(bytes) = greenbutton(SAMPLE_01) else {
        return;
    };
    let p = parse(&bytes, &sample_map());
    assert!(p.rejections.is_empty(), "{:?}", p.rejections);
    assert_eq!(p.items.len(), 96);
    assert!(p
        .items
        .iter()
        .all(|i| i.serial == "GB1" && i.duration_secs == 900));
    assert!(p
        .items
        .iter()
        .all(|i| i.export_mwh.is_none() && i.import_mwh.unwrap() % 1_000 == 0));
    assert_eq!(p.items[0].start, 1_330_578_000);
    assert_eq!(p.items[95].start, 1_330_663_500);
    assert_eq!(
        wh(&p.items[0]),
        282,
        "the first value, despite the comments around it"
    );
    assert_eq!(p.items.iter().map(wh).sum::<u64>(), 93_846);
    assert_eq!(p.items.iter().map(wh).min(), Some(273));
    assert_eq!(p.items.iter().map(wh).max(), Some(1_652));
    // The block's own <interval> (86,400 s) is not a reading, and nothing
    // of the summaries is either.
    assert!(p.items.iter().all(|i| wh(i) < 10_000));
    // Each interval points at its IntervalReading element.
    assert_eq!(p.items[0].origin.position, Position::Line(144));
}

#[test]
fn espi_sample_1_is_480_contiguous_quarter_hours_over_five_blocks() {
    let Some(bytes) = greenbutton(SAMPLE_1) else {
        return;
    };
    let p = parse(&bytes, &sample_map());
    assert!(p.rejections.is_empty(), "{:?}", p.rejections);
    assert_eq!(p.items.len(), 480);
    for w in p.items.windows(2) {
        assert_eq!(w[1].start, w[0].start + 900, "contiguous");
    }
    assert_eq!(p.items[0].start, 1_330_578_000);
    assert_eq!(p.items[479].start, 1_331_009_100);
    assert_eq!(p.items.iter().map(wh).sum::<u64>(), 511_688);
    assert_eq!(p.items.iter().map(wh).min(), Some(273));
    assert_eq!(p.items.iter().map(wh).max(), Some(1_659));
    // The usage summary's values (1,298,640 and 93,026 Wh) are not readings.
    assert!(p
        .items
        .iter()
        .all(|i| wh(i) != 1_298_640 && wh(i) != 93_026));
}

#[test]
fn espi_sample_becomes_cumulative_import_registers() {
    let Some(bytes) = greenbutton(SAMPLE_1) else {
        return;
    };
    let mut inputs = Inputs::new();
    inputs.add_intervals(parse(&bytes, &sample_map()));
    // A fresh meter: a baseline at the first interval's start, then one
    // reading per interval.
    let b = book(&[("GB-1", active(10_000, 0, 0, 0))]);
    let out = Validator::new(&b, ValidationConfig::default(), 1_331_100_000).run(inputs);
    assert!(out.rejections.is_empty() && out.warnings.is_empty());
    assert_eq!(out.accepted.len(), 481);
    assert!(out.accepted[0].baseline);
    assert_eq!(out.accepted[0].reading.timestamp, 1_330_578_000);
    assert_eq!(out.accepted[0].reading.import_register_wh, 0);
    let last = out.accepted.last().unwrap();
    assert_eq!(last.reading.timestamp, 1_331_010_000);
    assert_eq!(last.reading.import_register_wh, 511_688);
    assert_eq!(last.reading.export_register_wh, 0);
    assert!(out.accepted.iter().all(|a| a.source == SourceKind::Discom));
    let packed = out.packed();
    assert_eq!(packed.len(), 481);
    assert!(packed
        .iter()
        .all(|(m, _)| *m == b.get("GB1").unwrap().address));

    // On a meter whose last reading on chain is the end of the third day,
    // with its register there: the first three days are stale, the rest
    // builds on the chain's register.
    let day3_end = 1_330_578_000 + 3 * 86_400;
    let b = book(&[("GB-1", active(10_000, day3_end, 0, 1_000_000))]);
    let mut inputs = Inputs::new();
    inputs.add_intervals(parse(&bytes, &sample_map()));
    let out = Validator::new(&b, ValidationConfig::default(), 1_331_100_000).run(inputs);
    assert_eq!(out.tally().rejected(RejectReason::Stale), 288);
    assert_eq!(out.accepted.len(), 192);
    assert!(!out.accepted[0].baseline);
    let last_two_days: u64 = parse(&bytes, &sample_map()).items[288..]
        .iter()
        .map(wh)
        .sum();
    assert_eq!(
        out.accepted.last().unwrap().reading.import_register_wh,
        1_000_000 + last_two_days
    );
}

#[test]
fn espi_sample_with_reverse_flow_is_export() {
    let Some(bytes) = greenbutton(SAMPLE_01) else {
        return;
    };
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(text.matches("<flowDirection>1</flowDirection>").count(), 1);
    let reverse = text.replace(
        "<flowDirection>1</flowDirection>",
        "<flowDirection>19</flowDirection>",
    );
    let p = parse(reverse.as_bytes(), &sample_map());
    assert_eq!(p.items.len(), 96);
    assert!(p.items.iter().all(|i| i.import_mwh.is_none()));
    assert_eq!(
        p.items.iter().map(|i| i.export_mwh.unwrap()).sum::<u64>(),
        93_846_000
    );
}

#[test]
fn espi_sample_reading_type_scales_and_refusals() {
    let Some(bytes) = greenbutton(SAMPLE_01) else {
        return;
    };
    let text = String::from_utf8(bytes).unwrap();
    let with = |from: &str, to: &str| {
        assert!(text.contains(from), "{from}");
        parse(text.replace(from, to).as_bytes(), &sample_map())
    };
    let p10 = "<powerOfTenMultiplier>0</powerOfTenMultiplier>";
    // 10^3 Wh: kWh values.
    let p = with(p10, "<powerOfTenMultiplier>3</powerOfTenMultiplier>");
    assert_eq!(p.items[0].import_mwh, Some(282_000_000));
    // 10^-3 Wh: mWh values.
    let p = with(p10, "<powerOfTenMultiplier>-3</powerOfTenMultiplier>");
    assert_eq!(p.items[0].import_mwh, Some(282));
    for (from, to, says) in [
        (
            p10,
            "<powerOfTenMultiplier>-6</powerOfTenMultiplier>",
            "powerOfTenMultiplier -6",
        ),
        (
            p10,
            "<powerOfTenMultiplier>9223372036854775807</powerOfTenMultiplier>",
            "outside -3..=6",
        ),
        ("<uom>72</uom>", "<uom>x</uom>", "uom 'x' is not an integer"),
        ("<uom>72</uom>", "<uom>38</uom>", "uom 38 is not Wh"),
        (
            "<accumulationBehaviour>4</accumulationBehaviour>",
            "<accumulationBehaviour>1</accumulationBehaviour>",
            "accumulationBehaviour 1",
        ),
        (
            "<flowDirection>1</flowDirection>",
            "<flowDirection>4</flowDirection>",
            "flowDirection 4",
        ),
        ("<kind>12</kind>", "<kind>8</kind>", "kind 8 is not energy"),
        ("<flowDirection>1</flowDirection>", "", "no flowDirection"),
    ] {
        let p = with(from, to);
        assert!(p.items.is_empty(), "{to}");
        assert_eq!(p.rejections.len(), 1, "one rejection for the block");
        let r = &p.rejections[0];
        assert_eq!(r.reason, RejectReason::UnsupportedReadingType, "{to}");
        assert!(
            r.detail.contains(says) && r.detail.contains("96 interval readings"),
            "{}",
            r.detail
        );
        assert_eq!(r.serial.as_deref(), Some("GB1"));
    }
    // Gas is not electricity.
    let p = with("<kind>0</kind>", "<kind>1</kind>");
    assert_eq!(p.rejections[0].reason, RejectReason::UnsupportedReadingType);
    assert!(p.rejections[0].detail.contains("not electricity"));
}

#[test]
fn espi_sample_usage_point_must_be_mapped() {
    let Some(bytes) = greenbutton(SAMPLE_01) else {
        return;
    };
    let p = parse(&bytes, &UsagePointMap::default());
    assert!(p.items.is_empty());
    assert_eq!(p.rejections.len(), 1);
    assert_eq!(p.rejections[0].reason, RejectReason::UnknownSerial);
    assert!(
        p.rejections[0].detail.contains("Front Electric Meter"),
        "{}",
        p.rejections[0].detail
    );
    // By the entry id, or by the whole link.
    for key in [
        "urn:uuid:48C2A019-5598-4E16-B0F9-49E4FF27F5FB",
        "48c2a019-5598-4e16-b0f9-49e4ff27f5fb",
        "/espi/1_1/resource/RetailCustomer/9B6C7066/UsagePoint/5446AF3F",
    ] {
        let mut m = UsagePointMap::default();
        m.insert(key, "GB-1");
        assert_eq!(parse(&bytes, &m).items.len(), 96, "{key}");
    }
    // Or the feed as a whole is one meter's download.
    let mut m = UsagePointMap::default();
    m.set_feed_meter(Some("gb-1"));
    let p = parse(&bytes, &m);
    assert_eq!(p.items.len(), 96);
    assert!(p.items.iter().all(|i| i.serial == "GB1"));
}

#[test]
fn espi_feed_meter_is_only_for_a_single_usage_point() {
    let text = String::from_utf8(fixture("espi_prosumer.xml")).unwrap();
    // A second usage point in the same feed.
    let second = r#"<entry>
    <link rel="self" href="/espi/1_1/resource/RetailCustomer/8/UsagePoint/2"/>
    <content><espi:UsagePoint/></content>
  </entry>
  <entry>
    <link rel="self" href="/espi/1_1/resource/ReadingType/1"/>"#;
    let two = text.replacen(
        r#"<entry>
    <link rel="self" href="/espi/1_1/resource/ReadingType/1"/>"#,
        second,
        1,
    );
    assert_ne!(two, text);
    let mut m = UsagePointMap::default();
    m.set_feed_meter(Some("PV-0001"));
    assert_eq!(parse(text.as_bytes(), &m).items.len(), 8);
    let p = parse(two.as_bytes(), &m);
    assert!(p.items.is_empty());
    assert!(p
        .rejections
        .iter()
        .all(|r| r.reason == RejectReason::UnknownSerial));
    // Mapped by key, the meter is found either way.
    assert_eq!(parse(two.as_bytes(), &prosumer_map()).items.len(), 8);
}

#[test]
fn espi_sample_cut_short_or_broken_is_rejected_whole() {
    let Some(bytes) = greenbutton(SAMPLE_1) else {
        return;
    };
    let text = String::from_utf8(bytes.clone()).unwrap();
    // Cut inside a tag, and cut cleanly after an element.
    let half = &bytes[..bytes.len() / 2];
    let e = parse_espi(&src("feed.xml"), half, &sample_map()).unwrap_err();
    assert!(e.detail.contains("not well-formed"), "{e}");
    let clean = text.rfind("</IntervalReading>").unwrap() + "</IntervalReading>".len();
    let e = parse_espi(&src("feed.xml"), &bytes[..clean], &sample_map()).unwrap_err();
    assert!(e.detail.contains("truncated"), "{e}");
    let broken = text.replacen("</IntervalReading>", "</IntervalRead>", 1);
    let e = parse_espi(&src("feed.xml"), broken.as_bytes(), &sample_map()).unwrap_err();
    assert!(e.detail.contains("not well-formed"), "{e}");
    assert!(matches!(e.origin.position, Position::Line(l) if l > 100));
    assert_eq!(e.into_rejection().reason, RejectReason::MalformedFile);
}

fn prosumer_map() -> UsagePointMap {
    let mut m = UsagePointMap::default();
    m.insert("urn:uuid:11111111-2222-3333-4444-555555555555", "PV-0001");
    m
}

#[test]
fn espi_prefixed_namespace_both_directions_and_traps() {
    let p = parse(&fixture("espi_prosumer.xml"), &prosumer_map());
    assert!(p.rejections.is_empty(), "{:?}", p.rejections);
    // Four import intervals (the comment inside "2<!-- -->30" read as 230),
    // four export intervals in mWh; nothing from the foreign IntervalBlock
    // (777777) or the summary (999999).
    let import: Vec<(i64, u64)> = p
        .items
        .iter()
        .filter_map(|i| i.import_mwh.map(|v| (i.start, v)))
        .collect();
    let export: Vec<(i64, u64)> = p
        .items
        .iter()
        .filter_map(|i| i.export_mwh.map(|v| (i.start, v)))
        .collect();
    assert_eq!(
        import,
        [
            (T0, 250_000),
            (T0 + 900, 240_000),
            (T0 + 1_800, 230_000),
            (T0 + 2_700, 220_000)
        ]
    );
    assert_eq!(
        export,
        [
            (T0, 0),
            (T0 + 900, 125_500),
            (T0 + 1_800, 310_250),
            (T0 + 2_700, 400_000)
        ]
    );
    assert!(p.items.iter().all(|i| i.serial == "PV0001"));

    // The two channels join into one reading per interval.
    let mut inputs = Inputs::new();
    inputs.add_intervals(p);
    let b = book(&[("PV-0001", active(5_000, 0, 0, 0))]);
    let out = Validator::new(&b, ValidationConfig::default(), T0 + 7_200).run(inputs);
    assert!(out.rejections.is_empty());
    let regs: Vec<(i64, u64, u64, bool)> = out
        .accepted
        .iter()
        .map(|a| {
            (
                a.reading.timestamp,
                a.reading.export_register_wh,
                a.reading.import_register_wh,
                a.baseline,
            )
        })
        .collect();
    assert_eq!(
        regs,
        [
            (T0, 0, 0, true),
            (T0 + 900, 0, 250, false),
            (T0 + 1_800, 125, 490, false),
            (T0 + 2_700, 435, 720, false),
            (T0 + 3_600, 835, 940, false),
        ]
    );
}

#[test]
fn espi_bad_interval_readings_are_rejected_alone() {
    let text = String::from_utf8(fixture("espi_prosumer.xml")).unwrap();
    let bad = text
        .replacen(
            "<espi:value>240</espi:value>",
            "<espi:value>-240</espi:value>",
            1,
        )
        .replacen(
            "<espi:start>1772325900</espi:start>",
            "<espi:start>soon</espi:start>",
            1,
        )
        .replacen("<espi:value>125500</espi:value>", "", 1);
    let p = parse(bad.as_bytes(), &prosumer_map());
    assert_eq!(p.items.len(), 5);
    let reasons: Vec<RejectReason> = p.rejections.iter().map(|r| r.reason).collect();
    assert_eq!(
        reasons,
        [
            RejectReason::NegativeValue,
            RejectReason::MalformedEntry,
            RejectReason::MalformedEntry
        ]
    );
    assert!(p
        .rejections
        .iter()
        .all(|r| r.serial.as_deref() == Some("PV0001")));
}

#[test]
fn espi_links_that_lead_nowhere_are_reported() {
    let text = String::from_utf8(fixture("espi_prosumer.xml")).unwrap();
    // The export MeterReading loses its ReadingType link.
    let p = parse(
        text.replace(
            r#"<link rel="related" href="/espi/1_1/resource/ReadingType/2"/>"#,
            "",
        )
        .as_bytes(),
        &prosumer_map(),
    );
    assert_eq!(p.items.len(), 4);
    assert_eq!(p.rejections[0].reason, RejectReason::MalformedEntry);
    assert!(
        p.rejections[0].detail.contains("links no ReadingType"),
        "{}",
        p.rejections[0].detail
    );
    // Blocks whose MeterReading is not in the feed.
    let p = parse(
        text.replace(
            "https://utility.example/espi/1_1/resource/RetailCustomer/7/UsagePoint/1/MeterReading/1/",
            "https://utility.example/espi/1_1/resource/RetailCustomer/7/UsagePoint/1/MeterReading/9/",
        )
        .as_bytes(),
        &prosumer_map(),
    );
    assert_eq!(p.items.len(), 4);
    assert!(
        p.rejections[0]
            .detail
            .contains("belongs to no MeterReading"),
        "{}",
        p.rejections[0].detail
    );
}

#[test]
fn espi_documents_that_are_not_green_button_are_rejected_whole() {
    for (doc, says) in [
        (&b"<html><body>maintenance</body></html>"[..], "not a Green Button feed"),
        (b"<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><content><IntervalBlock><IntervalReading><value>5</value></IntervalReading></IntervalBlock></content></entry></feed>", "not a Green Button feed"),
        (b"", "not a Green Button feed"),
        (b"<feed><entry></feed>", "not well-formed"),
        (b"\xff\xfe<", "not"),
    ] {
        let e = parse_espi(&src("feed.xml"), doc, &UsagePointMap::default()).unwrap_err();
        assert!(e.detail.contains(says), "{e}");
    }
}

#[test]
fn what_write_feed_writes_parses_back_to_the_same_intervals() {
    use joule_keeper::sources::espi::{write_feed, WrittenInterval};
    let iv = |start: i64, import_wh: u64, export_wh: u64| WrittenInterval {
        start,
        duration_secs: 900,
        import_wh,
        export_wh,
    };
    let points = vec![
        (
            "UP-1".to_string(),
            vec![iv(1_000, 250, 0), iv(1_900, 0, 1_125)],
        ),
        ("UP-2".to_string(), vec![iv(1_000, 7, 3)]),
    ];
    let text = write_feed("https://discom.example/espi", &points);
    let mut m = UsagePointMap::default();
    m.insert("UP-1", "AB1");
    m.insert("UP-2", "AB2");
    let p = parse(text.as_bytes(), &m);
    assert!(p.rejections.is_empty(), "{:?}", p.rejections);
    type Row = (String, i64, u32, Option<u64>, Option<u64>);
    let mut got: Vec<Row> = p
        .items
        .iter()
        .map(|r| {
            (
                r.serial.clone(),
                r.start,
                r.duration_secs,
                r.import_mwh,
                r.export_mwh,
            )
        })
        .collect();
    got.sort();
    let mut want = Vec::new();
    for (serial, ivs) in [("AB1", &points[0].1), ("AB2", &points[1].1)] {
        for i in ivs {
            want.push((
                serial.to_string(),
                i.start,
                900,
                Some(i.import_wh * 1_000),
                None,
            ));
            want.push((
                serial.to_string(),
                i.start,
                900,
                None,
                Some(i.export_wh * 1_000),
            ));
        }
    }
    want.sort();
    assert_eq!(got, want);
}
