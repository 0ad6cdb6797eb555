//! Writes the Anchor IDL of every Joule program to `target-idl/`
//! (or checks it with `--check`).
//!
//!     cargo run -p joule-idl [-- --check] [--out DIR]

use std::{path::PathBuf, process::ExitCode};

fn main() -> ExitCode {
    let mut check = false;
    let mut out = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target-idl"));
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--check" => check = true,
            "--out" => match args.next() {
                Some(dir) => out = PathBuf::from(dir),
                None => {
                    eprintln!("--out needs a directory");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("unknown argument {other}; usage: joule-idl [--check] [--out DIR]");
                return ExitCode::from(2);
            }
        }
    }
    let mut stale = 0;
    for (file, idl) in joule_idl::all() {
        let path = out.join(file);
        let json = joule_idl::to_json(&idl);
        if check {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(json.as_str()) {
                eprintln!("stale: {} (run `cargo run -p joule-idl`)", path.display());
                stale += 1;
            }
        } else {
            if let Err(e) = std::fs::create_dir_all(&out).and_then(|_| std::fs::write(&path, &json))
            {
                eprintln!("cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            println!("wrote {}", path.display());
        }
    }
    if stale > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
