//! Where readings come from, parsed.
//!
//! - [`gateway`]: meter gateways' JSON (cumulative registers).
//! - [`csv`], [`espi`]: DISCOM interval feeds in CSV and Green Button ESPI
//!   XML.
//! - [`dir`]: a directory a DISCOM drops files into, each processed once.
//! - [`http`]: fetching gateways and DISCOM feeds over HTTP, with
//!   timeouts and a size limit.
//! - [`feed`]: all of them, configured by `[sources]`, validated against
//!   the chain, as the daemon's readings feed ([`SourcesFeed`]).
//!
//! [`FeedFile`] is one document from a directory or a URL, and
//! [`FeedFile::parse`] reads it by its [`FeedFormat`].

pub mod csv;
pub mod dir;
pub mod espi;
pub mod feed;
pub mod gateway;
pub mod http;

use crate::meters::UsagePointMap;
use crate::readings::{FileError, Inputs, Origin};
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub use self::csv::CsvOptions;
pub use self::feed::{SourcesConfig, SourcesFeed};

/// The formats the keeper reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FeedFormat {
    /// A DISCOM CSV interval file ([`csv`]).
    Csv,
    /// A Green Button ESPI feed ([`espi`]).
    Espi,
    /// A gateway JSON document ([`gateway`]).
    GatewayJson,
}

impl FeedFormat {
    pub fn name(self) -> &'static str {
        match self {
            FeedFormat::Csv => "csv",
            FeedFormat::Espi => "espi",
            FeedFormat::GatewayJson => "gateway_json",
        }
    }

    /// By file extension (`.csv`, `.xml`, `.json`; case-insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(FeedFormat::Csv),
            "xml" => Some(FeedFormat::Espi),
            "json" => Some(FeedFormat::GatewayJson),
            _ => None,
        }
    }

    /// By content: XML starts with `<`, JSON with `{`, anything else is
    /// taken as CSV.
    pub fn sniff(bytes: &[u8]) -> Self {
        let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match b.iter().find(|c| !c.is_ascii_whitespace()) {
            Some(b'<') => FeedFormat::Espi,
            Some(b'{') => FeedFormat::GatewayJson,
            _ => FeedFormat::Csv,
        }
    }

    /// By extension, else by content.
    pub fn detect(name: &str, bytes: &[u8]) -> Self {
        Self::from_name(name).unwrap_or_else(|| Self::sniff(bytes))
    }
}

/// How feeds are read: the CSV options and which usage point is which
/// meter.
#[derive(Clone, Debug, Default)]
pub struct FeedOptions {
    pub csv: CsvOptions,
    pub usage_points: UsagePointMap,
}

/// One document of a feed, read whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedFile {
    /// The file name (in its directory) or the URL.
    pub name: Arc<str>,
    pub bytes: Vec<u8>,
    pub format: FeedFormat,
    /// sha256 of `bytes`: what "already processed" is decided on.
    pub sha256: [u8; 32],
}

impl FeedFile {
    /// A document with its format from its name, else its content.
    pub fn new(name: &str, bytes: Vec<u8>) -> Self {
        let format = FeedFormat::detect(name, &bytes);
        Self::with_format(name, bytes, format)
    }

    pub fn with_format(name: &str, bytes: Vec<u8>, format: FeedFormat) -> Self {
        let sha256 = Sha256::digest(&bytes).into();
        Self {
            name: name.into(),
            bytes,
            format,
            sha256,
        }
    }

    /// Parses the document into `inputs`: its readings or intervals and
    /// the rejections of its bad entries, or one
    /// [`crate::readings::RejectReason::MalformedFile`] rejection if it
    /// cannot be read at all (returned too, for counting).
    pub fn parse_into(&self, opts: &FeedOptions, inputs: &mut Inputs) -> Result<(), FileError> {
        let result = match self.format {
            FeedFormat::Csv => {
                csv::parse_csv(&self.name, &self.bytes, &opts.csv).map(|p| inputs.add_intervals(p))
            }
            FeedFormat::Espi => espi::parse_espi(&self.name, &self.bytes, &opts.usage_points)
                .map(|p| inputs.add_intervals(p)),
            FeedFormat::GatewayJson => {
                gateway::parse_gateway(&self.name, &self.bytes).map(|p| inputs.add_gateway(p))
            }
        };
        if let Err(e) = &result {
            inputs.add_rejection(e.clone().into_rejection());
        }
        result
    }

    /// Where the document as a whole is.
    pub fn origin(&self) -> Origin {
        Origin::whole(&self.name)
    }
}

/// Why a source could not be read. [`SourceError::kind`] is a stable
/// snake_case name for metrics.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{url}: no answer within {secs} s")]
    Timeout { url: String, secs: u64 },
    #[error("{url}: cannot connect: {detail}")]
    Connect { url: String, detail: String },
    #[error("{url}: HTTP status {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: {detail}")]
    Transport { url: String, detail: String },
    #[error("{url}: the body exceeds {limit} bytes")]
    TooLarge { url: String, limit: usize },
    #[error("{0}")]
    Malformed(FileError),
    #[error("{path}: {detail}")]
    Io { path: String, detail: String },
    #[error("HTTP client: {0}")]
    Client(String),
}

impl SourceError {
    /// The stable metrics name of the error's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            SourceError::Timeout { .. } => "timeout",
            SourceError::Connect { .. } => "connect",
            SourceError::Status { .. } => "http_status",
            SourceError::Transport { .. } => "transport",
            SourceError::TooLarge { .. } => "too_large",
            SourceError::Malformed(_) => "malformed",
            SourceError::Io { .. } => "io",
            SourceError::Client(_) => "client",
        }
    }

    pub fn io(path: &std::path::Path, e: &std::io::Error) -> Self {
        SourceError::Io {
            path: path.display().to_string(),
            detail: e.to_string(),
        }
    }
}

/// Line numbers of byte offsets, counted forward.
pub(crate) struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            pos: 0,
            line: 1,
        }
    }

    pub(crate) fn at(&mut self, offset: u64) -> u64 {
        let offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        if offset < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        let newlines = self.bytes[self.pos..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line = self.line.saturating_add(newlines as u64);
        self.pos = offset;
        self.line
    }
}

/// Lower-case hex of bytes (hashes in state files and logs).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
