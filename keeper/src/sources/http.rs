//! Fetching over HTTP: meter gateways and DISCOM feed URLs, with a connect
//! timeout, a total timeout (a gateway that accepts and never answers is a
//! [`SourceError::Timeout`], not a stuck loop) and a body size limit.

use super::gateway::parse_gateway;
use super::{FeedFile, FeedFormat, SourceError};
use crate::readings::{Parsed, RegisterReading};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// HTTP client limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpConfig {
    pub connect_timeout: Duration,
    /// From connecting to the last byte of the body.
    pub timeout: Duration,
    pub max_body_bytes: usize,
    /// Gateways fetched at once by [`HttpFetcher::gateways`].
    pub concurrency: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
            max_body_bytes: 64 << 20,
            concurrency: 32,
        }
    }
}

/// Where to GET and the headers to send with it (credentials among them,
/// marked sensitive: `Debug` never shows them).
#[derive(Clone, Debug, Default)]
pub struct Endpoint {
    pub url: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Endpoint {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            headers: reqwest::header::HeaderMap::new(),
        }
    }

    pub fn with_headers(mut self, headers: reqwest::header::HeaderMap) -> Self {
        self.headers = headers;
        self
    }
}

/// A fetched body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
}

/// One gateway's poll.
#[derive(Debug)]
pub struct GatewayPoll {
    pub url: Arc<str>,
    pub result: Result<Parsed<RegisterReading>, SourceError>,
    pub elapsed: Duration,
}

/// An HTTP client with the keeper's limits. Cheap to clone.
#[derive(Clone, Debug)]
pub struct HttpFetcher {
    client: reqwest::Client,
    cfg: HttpConfig,
}

/// The error with its causes, one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let c_text = c.to_string();
        if !s.contains(&c_text) {
            s.push_str(": ");
            s.push_str(&c_text);
        }
        cur = c.source();
    }
    s
}

impl HttpFetcher {
    pub fn new(cfg: HttpConfig) -> Result<Self, SourceError> {
        let client = reqwest::Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.timeout)
            .user_agent(concat!("joule-keeper/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SourceError::Client(chain(&e)))?;
        Ok(Self { client, cfg })
    }

    pub fn config(&self) -> &HttpConfig {
        &self.cfg
    }

    fn classify(&self, url: &str, e: reqwest::Error) -> SourceError {
        let url = url.to_string();
        if e.is_builder() {
            SourceError::Client(format!("{url}: {}", chain(&e)))
        } else if e.is_timeout() {
            SourceError::Timeout {
                url,
                secs: self.cfg.timeout.as_secs(),
            }
        } else if e.is_connect() {
            SourceError::Connect {
                url,
                detail: chain(&e),
            }
        } else if let Some(status) = e.status() {
            SourceError::Status {
                url,
                status: status.as_u16(),
            }
        } else {
            SourceError::Transport {
                url,
                detail: chain(&e),
            }
        }
    }

    /// GETs the endpoint (with its headers): the body of a 2xx answer, at
    /// most `max_body_bytes`.
    pub async fn get(&self, endpoint: &Endpoint) -> Result<Fetched, SourceError> {
        let url = endpoint.url.as_str();
        let mut resp = self
            .client
            .get(url)
            .headers(endpoint.headers.clone())
            .send()
            .await
            .map_err(|e| self.classify(url, e))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(SourceError::Status {
                url: url.to_string(),
                status: status.as_u16(),
            });
        }
        let limit = self.cfg.max_body_bytes;
        let too_large = || SourceError::TooLarge {
            url: url.to_string(),
            limit,
        };
        if resp
            .content_length()
            .is_some_and(|n| usize::try_from(n).map_or(true, |n| n > limit))
        {
            return Err(too_large());
        }
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.classify(url, e))? {
            if bytes.len().saturating_add(chunk.len()) > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            bytes,
            content_type,
        })
    }

    /// Polls one gateway: its readings and the rejections of its bad
    /// entries, or why it could not be read (unreachable, slow, garbage).
    pub async fn gateway(
        &self,
        endpoint: &Endpoint,
    ) -> Result<Parsed<RegisterReading>, SourceError> {
        let fetched = self.get(endpoint).await?;
        let source: Arc<str> = endpoint.url.as_str().into();
        parse_gateway(&source, &fetched.bytes).map_err(SourceError::Malformed)
    }

    /// Polls gateways concurrently (at most `concurrency` at once); one
    /// result per URL, in the order given. One gateway's failure does not
    /// touch the others.
    pub async fn gateways(&self, endpoints: &[Endpoint]) -> Vec<GatewayPoll> {
        let limit = Arc::new(Semaphore::new(self.cfg.concurrency.max(1)));
        let mut set = JoinSet::new();
        for (i, endpoint) in endpoints.iter().enumerate() {
            let this = self.clone();
            let url: Arc<str> = endpoint.url.as_str().into();
            let endpoint = endpoint.clone();
            let limit = Arc::clone(&limit);
            set.spawn(async move {
                let _permit = limit.acquire_owned().await;
                let t0 = Instant::now();
                let result = this.gateway(&endpoint).await;
                (
                    i,
                    GatewayPoll {
                        url,
                        result,
                        elapsed: t0.elapsed(),
                    },
                )
            });
        }
        let mut polls: Vec<Option<GatewayPoll>> = endpoints.iter().map(|_| None).collect();
        while let Some(joined) = set.join_next().await {
            if let Ok((i, poll)) = joined {
                if let Some(slot) = polls.get_mut(i) {
                    *slot = Some(poll);
                }
            }
        }
        polls
            .into_iter()
            .zip(endpoints)
            .map(|(p, endpoint)| {
                p.unwrap_or_else(|| GatewayPoll {
                    url: endpoint.url.as_str().into(),
                    result: Err(SourceError::Transport {
                        url: endpoint.url.clone(),
                        detail: "the poll task ended without a result".into(),
                    }),
                    elapsed: Duration::ZERO,
                })
            })
            .collect()
    }
}

/// A DISCOM feed at a URL, fetched on each poll and handed on only when its
/// content changed since the last one processed.
#[derive(Clone, Debug)]
pub struct HttpFeed {
    endpoint: Endpoint,
    format: Option<FeedFormat>,
    processed: Option<[u8; 32]>,
}

impl HttpFeed {
    /// `format`: `None` takes it from the URL's extension, else the
    /// Content-Type, else the content.
    pub fn new(url: &str, format: Option<FeedFormat>) -> Self {
        Self {
            endpoint: Endpoint::new(url),
            format,
            processed: None,
        }
    }

    /// Sends `headers` with every fetch.
    pub fn with_headers(mut self, headers: reqwest::header::HeaderMap) -> Self {
        self.endpoint.headers = headers;
        self
    }

    pub fn url(&self) -> &str {
        &self.endpoint.url
    }

    fn format_of(&self, fetched: &Fetched) -> FeedFormat {
        if let Some(f) = self.format {
            return f;
        }
        let path = self.endpoint.url.split(['?', '#']).next().unwrap_or("");
        if let Some(f) = FeedFormat::from_name(path) {
            return f;
        }
        let ct = fetched
            .content_type
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
        if ct.contains("csv") {
            FeedFormat::Csv
        } else if ct.contains("xml") {
            FeedFormat::Espi
        } else if ct.contains("json") {
            FeedFormat::GatewayJson
        } else {
            FeedFormat::sniff(&fetched.bytes)
        }
    }

    /// Fetches the feed: `Some` document if its content is new, `None` if it
    /// is the one last marked processed.
    pub async fn poll(&self, fetcher: &HttpFetcher) -> Result<Option<FeedFile>, SourceError> {
        let fetched = fetcher.get(&self.endpoint).await?;
        let format = self.format_of(&fetched);
        let file = FeedFile::with_format(&self.endpoint.url, fetched.bytes, format);
        if self.processed == Some(file.sha256) {
            return Ok(None);
        }
        Ok(Some(file))
    }

    /// Records `file` as processed (after its readings landed).
    pub fn mark_processed(&mut self, file: &FeedFile) {
        self.processed = Some(file.sha256);
    }
}
