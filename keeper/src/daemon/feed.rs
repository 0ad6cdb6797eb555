//! Where the readings duty takes its readings from: a [`ReadingsFeed`],
//! implemented by the sources layer (gateways, DISCOM files, validation).

use async_trait::async_trait;
use joule_sdk::registry::Reading;
use joule_sdk::Pubkey;
use tokio::sync::mpsc;

/// One validated reading: the meter account and its cumulative registers.
pub type FeedReading = (Pubkey, Reading);

/// A source could not be read this time. The readings duty counts it
/// (`joule_keeper_source_errors_total{source}`), marks the source
/// unreachable for `/healthz`, logs it, and asks again next interval.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct FeedError {
    /// The source's name (a gateway URL with secrets removed, a directory).
    pub source_name: String,
    pub message: String,
}

/// What the readings duty polls, once per readings interval.
///
/// The readings returned are submitted as they are, except that the duty
/// drops (and counts) those the chain would refuse or skip: readings not
/// newer than the meter's last reading on chain (the chain is the cursor),
/// of meters that are not registered or not active, of meters outside the
/// keeper's shard, or that the registry's own checks would fail (a register
/// going down, a rise above the rated power). Order does not matter: the
/// duty sorts each meter's readings by time.
///
/// Returning a reading again (after a restart, or from two sources) is
/// harmless. A reading returned once and not yet landed is kept by the
/// duty (in memory, up to `max_pending`) and retried next interval.
#[async_trait(?Send)]
pub trait ReadingsFeed {
    /// The readings validated since the last call (empty if none). Should
    /// return within the readings interval; per-source failures that leave
    /// other sources readable are better reported through
    /// [`Telemetry::source_failed`](super::Telemetry::source_failed) and an
    /// `Ok` with what was read.
    async fn next_batch(&mut self) -> Result<Vec<FeedReading>, FeedError>;
}

#[async_trait(?Send)]
impl<F: ReadingsFeed + ?Sized> ReadingsFeed for Box<F> {
    async fn next_batch(&mut self) -> Result<Vec<FeedReading>, FeedError> {
        (**self).next_batch().await
    }
}

/// A feed with nothing in it (a keeper that only cranks the market).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoFeed;

#[async_trait(?Send)]
impl ReadingsFeed for NoFeed {
    async fn next_batch(&mut self) -> Result<Vec<FeedReading>, FeedError> {
        Ok(Vec::new())
    }
}

/// A feed other tasks push batches into ([`ChannelFeed::new`] gives both
/// ends): each `next_batch` returns everything pushed since the last one.
#[derive(Debug)]
pub struct ChannelFeed {
    rx: mpsc::Receiver<Vec<FeedReading>>,
}

impl ChannelFeed {
    /// A feed holding at most `capacity` batches not yet taken (a full
    /// feed makes the pushing side wait).
    pub fn new(capacity: usize) -> (mpsc::Sender<Vec<FeedReading>>, ChannelFeed) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        (tx, ChannelFeed { rx })
    }
}

#[async_trait(?Send)]
impl ReadingsFeed for ChannelFeed {
    async fn next_batch(&mut self) -> Result<Vec<FeedReading>, FeedError> {
        let mut out = Vec::new();
        while let Ok(batch) = self.rx.try_recv() {
            out.extend(batch);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_channel_feed_returns_everything_pushed_since_the_last_call() {
        let (tx, mut feed) = ChannelFeed::new(4);
        let r = |ts| {
            (
                Pubkey::new_from_array([1; 32]),
                Reading {
                    timestamp: ts,
                    export_register_wh: 0,
                    import_register_wh: 0,
                },
            )
        };
        assert!(feed.next_batch().await.expect("batch").is_empty());
        tx.send(vec![r(1), r(2)]).await.expect("send");
        tx.send(vec![r(3)]).await.expect("send");
        assert_eq!(feed.next_batch().await.expect("batch").len(), 3);
        assert!(feed.next_batch().await.expect("batch").is_empty());
        drop(tx);
        assert!(feed.next_batch().await.expect("batch").is_empty());
        let mut boxed: Box<dyn ReadingsFeed> = Box::new(NoFeed);
        assert!(boxed.next_batch().await.expect("batch").is_empty());
    }
}
