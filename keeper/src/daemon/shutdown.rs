//! Graceful shutdown: a token every duty watches. Once triggered, no duty
//! starts new work; what is being sent is finished (the sender lands or
//! gives up on it), then the daemon returns.

use std::sync::Arc;
use tokio::sync::watch;

/// A shutdown token: cheap to clone, triggered once.
#[derive(Clone, Debug)]
pub struct Shutdown {
    tx: Arc<watch::Sender<bool>>,
    rx: watch::Receiver<bool>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown::new()
    }
}

impl Shutdown {
    pub fn new() -> Shutdown {
        let (tx, rx) = watch::channel(false);
        Shutdown {
            tx: Arc::new(tx),
            rx,
        }
    }

    /// Asks everything watching this token to stop.
    pub fn trigger(&self) {
        self.tx.send_replace(true);
    }

    pub fn is_triggered(&self) -> bool {
        *self.rx.borrow()
    }

    /// Returns once the token is triggered.
    pub async fn wait(&self) {
        let mut rx = self.rx.clone();
        // The sender lives in `self`, so the channel cannot close first.
        let _ = rx.wait_for(|stop| *stop).await;
    }

    /// Triggers this token on SIGINT or SIGTERM (Ctrl-C only where there
    /// are no Unix signals), from a background task. The handlers are
    /// installed before this returns.
    pub fn trigger_on_signals(&self) -> std::io::Result<tokio::task::JoinHandle<()>> {
        let mut signals = Signals::new()?;
        let me = self.clone();
        Ok(tokio::spawn(async move {
            match signals.recv().await {
                Ok(name) => {
                    tracing::info!(signal = name, "shutting down: finishing in-flight sends")
                }
                Err(e) => tracing::error!(error = %e, "cannot listen for signals; shutting down"),
            }
            me.trigger();
        }))
    }
}

/// SIGINT and SIGTERM handlers, installed by [`Signals::new`].
pub struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    /// Installs the handlers (within a tokio runtime): from now on these
    /// signals no longer end the process.
    pub fn new() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Signals {})
        }
    }

    /// Waits for the next signal and names it.
    pub async fn recv(&mut self) -> std::io::Result<&'static str> {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => Ok("SIGTERM"),
                _ = self.int.recv() => Ok("SIGINT"),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await?;
            Ok("Ctrl-C")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_triggered_token_wakes_every_clone() {
        let s = Shutdown::new();
        let c = s.clone();
        assert!(!c.is_triggered());
        let waiter = tokio::spawn(async move { c.wait().await });
        s.trigger();
        waiter.await.expect("join");
        assert!(s.is_triggered());
        // Waiting on a triggered token returns at once.
        s.wait().await;
    }
}
