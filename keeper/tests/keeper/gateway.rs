//! The gateway JSON format.

use crate::common::*;
use joule_keeper::readings::{Position, RejectReason};
use joule_keeper::sources::gateway::parse_gateway;

#[test]
fn gateway_parses_the_documented_format() {
    let p = parse_gateway(&src("gw"), &fixture("gateway.json")).unwrap();
    assert_eq!(p.items.len(), 6);
    assert_eq!(p.rejections.len(), 1);
    let first = &p.items[0];
    assert_eq!(first.serial, "PV0001");
    assert_eq!(first.timestamp, T0 + 1_800);
    assert_eq!(
        (first.export_register_wh, first.import_register_wh),
        (125, 490)
    );
    assert_eq!(first.origin.position, Position::Entry(0));
    // Unix seconds, and a serial written with a space and lower case.
    assert_eq!(p.items[2].serial, "HH0002");
    assert_eq!(p.items[2].timestamp, 1_772_324_100);
    let neg = &p.rejections[0];
    assert_eq!(neg.reason, RejectReason::NegativeValue);
    assert_eq!(neg.origin.position, Position::Entry(6));
    assert_eq!(neg.serial.as_deref(), Some("PV0001"));

    // An empty list, a BOM, no gateway_id.
    let p = parse_gateway(&src("gw"), b"\xEF\xBB\xBF{\"readings\": []}").unwrap();
    assert!(p.items.is_empty() && p.rejections.is_empty());
}

#[test]
fn gateway_rejects_bad_entries_and_keeps_the_rest() {
    let body = br#"{"readings": [
        {"serial": "A-1", "timestamp": 1772323200, "export_register_wh": 1, "import_register_wh": 2},
        {"serial": "A-2", "timestamp": 1772323200, "export_register_wh": 1},
        {"serial": "A-3", "timestamp": 1772323200, "export_register_wh": 1, "import_register_wh": 2, "voltage": 230},
        {"serial": "A-4", "timestamp": 1772323200, "export_register_wh": -1, "import_register_wh": 2},
        {"serial": "A-5", "timestamp": 1772323200, "export_register_wh": 1.5, "import_register_wh": 2},
        {"serial": "A-6", "timestamp": 1772323200, "export_register_wh": 1, "import_register_wh": 1e30},
        {"serial": "A-7", "timestamp": "yesterday", "export_register_wh": 1, "import_register_wh": 2},
        {"serial": "A-8", "timestamp": "2026-03-01 00:00:00", "export_register_wh": 1, "import_register_wh": 2},
        {"serial": 8, "timestamp": 1772323200, "export_register_wh": 1, "import_register_wh": 2},
        {"serial": " -- ", "timestamp": 1772323200, "export_register_wh": 1, "import_register_wh": 2},
        {"serial": "A-11", "timestamp": 1772323200.5, "export_register_wh": 1, "import_register_wh": 2},
        {"serial": "A-12", "timestamp": 1772323200, "export_register_wh": "1", "import_register_wh": 2},
        {"serial": "A-13", "timestamp": 1772323200, "export_register_wh": null, "import_register_wh": 2},
        [1, 2, 3],
        {"serial": "A-15", "timestamp": "2026-03-01T00:00:00+05:30", "export_register_wh": 18446744073709551615, "import_register_wh": 0}
    ]}"#;
    let p = parse_gateway(&src("gw"), body).unwrap();
    let kept: Vec<&str> = p.items.iter().map(|r| r.serial.as_str()).collect();
    assert_eq!(kept, ["A1", "A15"]);
    assert_eq!(p.items[1].timestamp, T0 - 19_800);
    assert_eq!(p.items[1].export_register_wh, u64::MAX);
    let reasons: Vec<(usize, RejectReason)> = p
        .rejections
        .iter()
        .map(|r| match r.origin.position {
            Position::Entry(i) => (i, r.reason),
            other => panic!("{other:?}"),
        })
        .collect();
    use RejectReason::*;
    assert_eq!(
        reasons,
        [
            (1, MalformedEntry),
            (2, MalformedEntry),
            (3, NegativeValue),
            (4, MalformedEntry),
            (5, AbsurdValue),
            (6, MalformedEntry),
            (7, MalformedEntry),
            (8, MalformedEntry),
            (9, MalformedEntry),
            (10, MalformedEntry),
            (11, MalformedEntry),
            (12, MalformedEntry),
            (13, MalformedEntry),
        ]
    );
    // Each says what is wrong, and names the meter when it can.
    assert!(p.rejections[0]
        .detail
        .contains("missing field \"import_register_wh\""));
    assert!(p.rejections[1].detail.contains("unknown field \"voltage\""));
    assert!(p.rejections[6].detail.contains("no UTC offset"));
    assert_eq!(p.rejections[2].serial.as_deref(), Some("A4"));
    assert_eq!(p.rejections[2].timestamp, Some(T0));
}

#[test]
fn gateway_rejects_documents_it_cannot_read_whole() {
    for (body, says) in [
        (&b"<html>502 Bad Gateway</html>"[..], "not JSON"),
        (b"", "not JSON"),
        (b"{\"readings\": [{\"serial\": \"A\"", "not JSON"),
        (b"[]", "not a JSON object"),
        (b"{\"data\": []}", "unknown top-level field"),
        (b"{}", "no \"readings\" array"),
        (b"{\"readings\": {}}", "no \"readings\" array"),
        (b"{\"readings\": [], \"gateway_id\": 7}", "gateway_id"),
        (b"\x00\xff\xfe", "not JSON"),
    ] {
        let e = parse_gateway(&src("gw"), body).unwrap_err();
        assert!(e.detail.contains(says), "{e}");
        assert_eq!(
            e.clone().into_rejection().reason,
            RejectReason::MalformedFile
        );
    }
}
