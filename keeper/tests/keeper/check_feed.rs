//! `joule-keeper check-feed`, run as the binary an operator runs.

use crate::common::*;
use std::path::Path;
use std::process::{Command, Output};

fn check_feed(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_joule-keeper"))
        .current_dir(dir)
        .arg("check-feed")
        .args(args)
        .output()
        .unwrap()
}

fn fixtures() -> std::path::PathBuf {
    fixture_path("")
}

#[test]
fn check_feed_json_report_is_stable() {
    let out = check_feed(
        &fixtures(),
        &[
            "espi_prosumer.xml",
            "discom_day.csv",
            "gateway.json",
            "--meters",
            "meters.toml",
            "--output",
            "json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "something was rejected for being wrong"
    );
    let got = String::from_utf8(out.stdout).unwrap();
    let want = String::from_utf8(fixture("check_feed.golden.json")).unwrap();
    if got != want {
        for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
            if g != w {
                panic!("line {}: got\n{g}\nwant\n{w}", i + 1);
            }
        }
        panic!(
            "got {} lines, want {}",
            got.lines().count(),
            want.lines().count()
        );
    }
    let v: serde_json::Value = serde_json::from_str(&got).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["readings"], 10);
    assert_eq!(
        v["summary"]["rejected_by_reason"]
            .as_object()
            .unwrap()
            .len(),
        16
    );
}

#[test]
fn check_feed_text_report_and_exit_status() {
    let dir = fixtures();
    let out = check_feed(
        &dir,
        &[
            "discom_day.csv",
            "espi_prosumer.xml",
            "gateway.json",
            "--meters",
            "meters.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "readings to submit: 10",
        "PV0001           2026-03-01T00:00:00Z  export            0 Wh  import            0 Wh  discom  espi_prosumer.xml:90  (baseline)",
        "register_decreased       HH0002           2026-03-01T02:00:00Z  gateway.json#3: import register 11000 Wh is below the previous 11100 Wh",
        "source_disagreement",
        "summary: 10 readings for 2 meters would be submitted; 9 rejected (above_rated_power 1, malformed_entry 1, meter_not_active 1, negative_value 2, register_decreased 1, superseded_by_discom 2, unknown_serial 1); 2 warnings",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }

    // A clean feed: exit 0.
    let out = check_feed(&dir, &["espi_prosumer.xml", "--meters", "meters.toml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // A feed already on chain: stale, which is no error.
    let out = check_feed(
        &dir,
        &[
            "espi_prosumer.xml",
            "espi_prosumer.xml",
            "--meters",
            "meters.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout).unwrap().contains("duplicate"));

    // What cannot run: exit 2, a message on stderr.
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        vec!["gateway.json", "--meters", "no-such-meters.toml"],
        vec!["no-such-feed.csv", "--meters", "meters.toml"],
        vec!["gateway.json", "--meters", "gateway.json"],
        vec![
            "gateway.json",
            "--meters",
            "meters.toml",
            "--now",
            "tomorrow",
        ],
        vec![
            "gateway.json",
            "--meters",
            "meters.toml",
            "--max-future-secs",
            "301",
        ],
    ] {
        let out = check_feed(&dir, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8(out.stderr)
                .unwrap()
                .starts_with("check-feed: "),
            "{args:?}"
        );
    }
    // A file that is not a feed at all is a rejection, exit 1.
    std::fs::write(tmp.path().join("page.xml"), "<html>maintenance</html>").unwrap();
    let meters = fixture_path("meters.toml");
    let out = check_feed(
        tmp.path(),
        &[
            "page.xml",
            "--meters",
            meters.to_str().unwrap(),
            "--output",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rejections"][0]["reason"], "malformed_file");
    assert_eq!(v["rejections"][0]["file"], "page.xml");
}

#[test]
fn check_feed_flags_clock_format_and_local_times() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("meters.toml"),
        "[[meter]]\nserial = \"M-1\"\nstatus = \"active\"\nrated_power_w = 4000\n",
    )
    .unwrap();
    // Local times without an offset, in a file without an extension.
    std::fs::write(
        tmp.path().join("export"),
        "meter_serial,interval_start,interval_minutes,import_wh\nM-1,2026-03-01 05:30,15,100\nM-1,2026-03-01 05:45,15,100\n",
    )
    .unwrap();
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["export", "--meters", "meters.toml", "--output", "json"];
        all.extend_from_slice(args);
        let out = check_feed(tmp.path(), &all);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let v = json(&["--now", "2026-03-02T00:00:00Z"]);
    assert_eq!(v["files"][0]["format"], "csv");
    assert_eq!(v["summary"]["rejected_by_reason"]["malformed_entry"], 2);
    let v = json(&[
        "--now",
        "2026-03-02T00:00:00Z",
        "--csv-utc-offset",
        "+05:30",
    ]);
    assert_eq!(v["summary"]["readings"], 3);
    assert_eq!(v["readings"][0]["timestamp"], T0);
    // The clock: an hour earlier the last interval has not ended.
    let v = json(&["--now", "1772324200", "--csv-utc-offset", "+05:30"]);
    assert_eq!(v["summary"]["rejected_by_reason"]["timestamp_in_future"], 1);
    assert_eq!(v["summary"]["readings"], 2);
    // Forced to read as JSON: not a gateway document.
    let v = json(&["--now", "1772324200", "--format", "gateway"]);
    assert_eq!(v["rejections"][0]["reason"], "malformed_file");
}

#[test]
fn check_feed_on_the_green_button_sample() {
    let Some(dir) = greenbutton_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let meters = tmp.path().join("meters.toml");
    std::fs::write(
        &meters,
        format!(
            "now = \"2012-03-10T00:00:00Z\"\n[[meter]]\nserial = \"GB-1\"\nstatus = \"active\"\nrated_power_w = 10000\nusage_points = [\"{SAMPLE_USAGE_POINT}\"]\n"
        ),
    )
    .unwrap();
    let sample = dir.join(SAMPLE_01);
    let out = check_feed(
        tmp.path(),
        &[
            sample.to_str().unwrap(),
            "--meters",
            meters.to_str().unwrap(),
            "--output",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let readings = v["readings"].as_array().unwrap();
    assert_eq!(readings.len(), 97);
    assert_eq!(readings[0]["baseline"], true);
    assert_eq!(readings[96]["import_register_wh"], 93_846);
    assert_eq!(readings[96]["time"], "2012-03-02T05:00:00Z");
    assert_eq!(v["summary"]["rejected"], 0);
}
