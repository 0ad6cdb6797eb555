//! A directory a DISCOM drops feed files into (by SFTP, a sync job, a
//! mount). Each file is handed on once:
//!
//! - only `.csv`, `.xml` and `.json` files are read; hidden files and
//!   names a writer uses while it writes (`*.partial`, `*.part`, `*.tmp`,
//!   `*.temp`, `*.filepart`, `*.crdownload`, `*.swp`, `*~`) are ignored until
//!   renamed;
//! - a file is read only once two looks ([`DirSource::scan`] calls) saw the
//!   same size and modification time and it is at least
//!   [`DirSource::with_min_age`] old, so a file still being written is not
//!   read half-way;
//! - once its readings have landed, [`DirSource::mark_processed`] records
//!   its name, size and sha256 in a small JSON state file (written to a
//!   temporary file and renamed over the old one), so a restarted keeper
//!   does not read it again. A file with the same name and new content is
//!   new. Entries of files gone from the directory are dropped from the
//!   state.
//!
//! Reading a file twice is harmless anyway (the chain is the cursor: its
//! readings are stale the second time); the state saves the work. The
//! calls do blocking file I/O: a daemon runs them on a blocking thread.

use super::{hex, FeedFile, FeedFormat, SourceError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const STATE_VERSION: u32 = 1;

/// Suffixes of files still being written.
const TEMPORARY_SUFFIXES: [&str; 8] = [
    ".partial",
    ".part",
    ".tmp",
    ".temp",
    ".filepart",
    ".crdownload",
    ".swp",
    "~",
];

/// Whether `name` is a file the keeper must not read (hidden, or named as
/// a file still being written).
pub fn is_temporary_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.') || TEMPORARY_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

/// A processed file, as the state file records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessedFile {
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
    /// Modification time when processed, nanoseconds since the Unix epoch
    /// (a file with the same name, size and time is not read again).
    pub modified_ns: Option<u128>,
}

#[derive(Serialize, Deserialize)]
struct StateFile {
    version: u32,
    processed: BTreeMap<String, ProcessedFile>,
}

/// A watched directory.
#[derive(Debug)]
pub struct DirSource {
    dir: PathBuf,
    state_path: PathBuf,
    processed: BTreeMap<String, ProcessedFile>,
    looks: HashMap<String, (u64, Option<SystemTime>)>,
    min_age: Duration,
    /// The state file's name, when it lives in the watched directory.
    state_name: Option<String>,
}

fn nanos(t: Option<SystemTime>) -> Option<u128> {
    t.and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
}

impl DirSource {
    /// Watches `dir`, remembering processed files in `state_path` (read now
    /// if it exists).
    pub fn open(
        dir: impl Into<PathBuf>,
        state_path: impl Into<PathBuf>,
    ) -> Result<Self, SourceError> {
        let dir = dir.into();
        let state_path = state_path.into();
        let processed = match std::fs::read(&state_path) {
            Ok(bytes) => {
                let state: StateFile =
                    serde_json::from_slice(&bytes).map_err(|e| SourceError::Io {
                        path: state_path.display().to_string(),
                        detail: format!("not a keeper state file: {e}"),
                    })?;
                if state.version != STATE_VERSION {
                    return Err(SourceError::Io {
                        path: state_path.display().to_string(),
                        detail: format!(
                            "state file version {} (this keeper reads {STATE_VERSION})",
                            state.version
                        ),
                    });
                }
                state.processed
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(SourceError::io(&state_path, &e)),
        };
        let state_name = state_path
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .and_then(|p| p.canonicalize().ok())
            .filter(|p| dir.canonicalize().ok().as_ref() == Some(p))
            .and_then(|_| state_path.file_name())
            .and_then(|n| n.to_str())
            .map(str::to_string);
        Ok(Self {
            dir,
            state_path,
            processed,
            looks: HashMap::new(),
            min_age: Duration::ZERO,
            state_name,
        })
    }

    /// Files modified less than `min_age` ago are not read yet.
    pub fn with_min_age(mut self, min_age: Duration) -> Self {
        self.min_age = min_age;
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The processed files, by name.
    pub fn processed(&self) -> &BTreeMap<String, ProcessedFile> {
        &self.processed
    }

    /// Looks at the directory: the files ready and not yet processed, in
    /// name order.
    pub fn scan(&mut self) -> Result<Vec<FeedFile>, SourceError> {
        let entries = std::fs::read_dir(&self.dir).map_err(|e| SourceError::io(&self.dir, &e))?;
        let mut present: Vec<(String, PathBuf)> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| SourceError::io(&self.dir, &e))?;
            let Ok(name) = entry.file_name().into_string() else {
                tracing::warn!(dir = %self.dir.display(), "skipping a file whose name is not UTF-8");
                continue;
            };
            if is_temporary_name(&name)
                || FeedFormat::from_name(&name).is_none()
                || self.state_name.as_deref() == Some(name.as_str())
            {
                continue;
            }
            present.push((name, entry.path()));
        }
        present.sort();
        let now = SystemTime::now();
        let mut ready = Vec::new();
        let mut state_changed = false;
        for (name, path) in &present {
            // A file that vanished or is unreadable now is looked at again
            // next time.
            let Ok(meta) = std::fs::metadata(path) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            let look = (meta.len(), meta.modified().ok());
            let previous = self.looks.insert(name.clone(), look);
            if let Some(p) = self.processed.get(name) {
                if p.size == look.0 && p.modified_ns.is_some() && p.modified_ns == nanos(look.1) {
                    continue;
                }
            }
            if previous != Some(look) {
                continue;
            }
            let old_enough = look
                .1
                .and_then(|m| now.duration_since(m).ok())
                .is_none_or(|age| age >= self.min_age);
            if !old_enough {
                continue;
            }
            let Ok(bytes) = std::fs::read(path) else {
                continue;
            };
            if u64::try_from(bytes.len()).ok() != Some(look.0) {
                // Written to while read: look again next time.
                self.looks.remove(name);
                continue;
            }
            let sha = Sha256::digest(&bytes);
            if let Some(p) = self.processed.get_mut(name) {
                if p.size == look.0 && p.sha256 == hex(&sha) {
                    // Touched, not changed.
                    p.modified_ns = nanos(look.1);
                    state_changed = true;
                    continue;
                }
            }
            ready.push(FeedFile::new(name, bytes));
        }
        let before = self.processed.len();
        self.processed
            .retain(|name, _| present.iter().any(|(n, _)| n == name));
        self.looks
            .retain(|name, _| present.iter().any(|(n, _)| n == name));
        if state_changed || self.processed.len() != before {
            self.save()?;
        }
        Ok(ready)
    }

    /// Records `file` as processed: it will not be handed on again unless
    /// its content changes.
    pub fn mark_processed(&mut self, file: &FeedFile) -> Result<(), SourceError> {
        let path = self.dir.join(&*file.name);
        let modified = std::fs::metadata(&path)
            .ok()
            .filter(|m| m.len() == u64::try_from(file.bytes.len()).unwrap_or(u64::MAX))
            .and_then(|m| m.modified().ok());
        self.processed.insert(
            file.name.to_string(),
            ProcessedFile {
                size: u64::try_from(file.bytes.len()).unwrap_or(u64::MAX),
                sha256: hex(&file.sha256),
                modified_ns: nanos(modified),
            },
        );
        self.save()
    }

    fn save(&self) -> Result<(), SourceError> {
        let state = StateFile {
            version: STATE_VERSION,
            processed: self.processed.clone(),
        };
        let bytes = serde_json::to_vec_pretty(&state).map_err(|e| SourceError::Io {
            path: self.state_path.display().to_string(),
            detail: e.to_string(),
        })?;
        let mut tmp = self.state_path.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let write = || -> std::io::Result<()> {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.state_path)
        };
        write().map_err(|e| SourceError::io(&self.state_path, &e))
    }
}
