//! The watched directory: each file once, never half-written.

use joule_keeper::sources::dir::{is_temporary_name, DirSource};
use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime};

fn names(files: &[joule_keeper::sources::FeedFile]) -> Vec<String> {
    files.iter().map(|f| f.name.to_string()).collect()
}

fn write(dir: &Path, name: &str, text: &str) {
    fs::write(dir.join(name), text).unwrap();
}

#[test]
fn dir_source_hands_each_file_on_once_across_restarts() {
    let tmp = tempfile::tempdir().unwrap();
    let feeds = tmp.path().join("feeds");
    fs::create_dir(&feeds).unwrap();
    let state = tmp.path().join("state.json");
    write(
        &feeds,
        "2026-03-01.csv",
        "meter_serial,interval_start,interval_minutes,import_wh\nM,1772323200,15,1\n",
    );
    write(&feeds, "2026-03-01.xml", "<feed/>");
    write(&feeds, "gateway-dump.json", "{\"readings\": []}");
    write(&feeds, "README.txt", "not a feed");
    write(&feeds, ".2026-03-02.csv", "hidden");
    write(&feeds, "2026-03-02.csv.partial", "being uploaded");

    let mut dir = DirSource::open(&feeds, &state).unwrap();
    assert!(
        dir.scan().unwrap().is_empty(),
        "the first look only notes sizes"
    );
    let ready = dir.scan().unwrap();
    assert_eq!(
        names(&ready),
        ["2026-03-01.csv", "2026-03-01.xml", "gateway-dump.json"]
    );
    assert_eq!(ready[0].format, joule_keeper::sources::FeedFormat::Csv);
    assert_eq!(ready[1].format, joule_keeper::sources::FeedFormat::Espi);
    dir.mark_processed(&ready[0]).unwrap();
    // Not yet marked: handed on again (its readings have not landed).
    assert_eq!(
        names(&dir.scan().unwrap()),
        ["2026-03-01.xml", "gateway-dump.json"]
    );
    dir.mark_processed(&ready[1]).unwrap();
    dir.mark_processed(&ready[2]).unwrap();
    assert!(dir.scan().unwrap().is_empty());

    // A restarted keeper reads the state and hands on nothing old.
    let mut dir = DirSource::open(&feeds, &state).unwrap();
    assert_eq!(dir.processed().len(), 3);
    assert!(dir.scan().unwrap().is_empty());
    assert!(dir.scan().unwrap().is_empty());

    // The upload finishes and is renamed: one look, then handed on.
    fs::rename(
        feeds.join("2026-03-02.csv.partial"),
        feeds.join("2026-03-02.csv"),
    )
    .unwrap();
    assert!(dir.scan().unwrap().is_empty());
    let ready = dir.scan().unwrap();
    assert_eq!(names(&ready), ["2026-03-02.csv"]);
    assert_eq!(ready[0].bytes, b"being uploaded");

    // The state file is small JSON an operator can read.
    let text = fs::read_to_string(&state).unwrap();
    assert!(
        text.contains("\"2026-03-01.csv\"") && text.contains("sha256"),
        "{text}"
    );
}

#[test]
fn dir_source_does_not_read_a_file_still_being_written() {
    let tmp = tempfile::tempdir().unwrap();
    let state = tmp.path().join("state.json");
    let feeds = tmp.path().join("in");
    fs::create_dir(&feeds).unwrap();
    let mut dir = DirSource::open(&feeds, &state).unwrap();
    let mut f = fs::File::create(feeds.join("day.csv")).unwrap();
    f.write_all(b"meter_serial,interval_start,interval_minutes,import_wh\n")
        .unwrap();
    f.flush().unwrap();
    assert!(dir.scan().unwrap().is_empty());
    f.write_all(b"M,1772323200,15,1\n").unwrap();
    f.flush().unwrap();
    assert!(
        dir.scan().unwrap().is_empty(),
        "the size changed between two looks"
    );
    f.write_all(b"M,1772324100,15,2\n").unwrap();
    f.flush().unwrap();
    assert!(dir.scan().unwrap().is_empty(), "and again");
    drop(f);
    let ready = dir.scan().unwrap();
    assert_eq!(names(&ready), ["day.csv"]);
    assert!(
        ready[0].bytes.ends_with(b"M,1772324100,15,2\n"),
        "read whole"
    );

    // With a minimum age, a fresh file waits.
    let mut patient = DirSource::open(&feeds, tmp.path().join("other-state.json"))
        .unwrap()
        .with_min_age(Duration::from_secs(3_600));
    assert!(patient.scan().unwrap().is_empty());
    assert!(patient.scan().unwrap().is_empty());

    for name in [
        "a.csv.part",
        "a.csv.tmp",
        "a.xml.filepart",
        "a.csv~",
        ".a.csv",
        "A.CSV.PARTIAL",
        "a.crdownload",
    ] {
        assert!(is_temporary_name(name), "{name}");
    }
    assert!(!is_temporary_name("2026-03-01.csv"));
}

#[test]
fn dir_source_new_content_is_new_touching_is_not_and_gone_files_are_forgotten() {
    let tmp = tempfile::tempdir().unwrap();
    let feeds = tmp.path();
    // The state file lives in the watched directory: never a feed.
    let state = feeds.join("keeper-state.json");
    write(feeds, "day.csv", "v1\n");
    let mut dir = DirSource::open(feeds, &state).unwrap();
    dir.scan().unwrap();
    let ready = dir.scan().unwrap();
    assert_eq!(names(&ready), ["day.csv"]);
    dir.mark_processed(&ready[0]).unwrap();
    assert!(state.exists());
    assert!(dir.scan().unwrap().is_empty());
    assert!(
        dir.scan().unwrap().is_empty(),
        "its own state file is not a feed"
    );

    // Touched, same content: not handed on.
    let later = SystemTime::now() + Duration::from_secs(5);
    fs::File::options()
        .write(true)
        .open(feeds.join("day.csv"))
        .unwrap()
        .set_modified(later)
        .unwrap();
    dir.scan().unwrap();
    assert!(dir.scan().unwrap().is_empty());

    // Corrected by the utility under the same name: new.
    write(feeds, "day.csv", "v2, corrected\n");
    dir.scan().unwrap();
    let ready = dir.scan().unwrap();
    assert_eq!(names(&ready), ["day.csv"]);
    assert_eq!(ready[0].bytes, b"v2, corrected\n");
    dir.mark_processed(&ready[0]).unwrap();

    // Archived away: forgotten.
    fs::remove_file(feeds.join("day.csv")).unwrap();
    dir.scan().unwrap();
    assert!(dir.processed().is_empty());
    assert!(!fs::read_to_string(&state).unwrap().contains("day.csv"));

    // A damaged state file is an error, not a silent re-read of everything.
    fs::write(&state, "{not json").unwrap();
    let err = DirSource::open(feeds, &state).unwrap_err();
    assert_eq!(err.kind(), "io");
    // A missing directory is an error of the scan.
    let mut gone = DirSource::open(feeds.join("missing"), feeds.join("s2.json")).unwrap();
    assert_eq!(gone.scan().unwrap_err().kind(), "io");
}
