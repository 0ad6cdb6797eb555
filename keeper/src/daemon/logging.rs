//! `tracing` output: human-readable lines or JSON objects, one per line,
//! filtered by a `tracing` filter (`info`, `joule_keeper=debug,info`).

use super::config::LogFormat;

/// Installs the global subscriber (once per process; later calls fail).
pub fn init(format: LogFormat, filter: &str) -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .map_err(|e| format!("log filter '{filter}': {e}"))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    }
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_filter_is_refused_before_anything_is_installed() {
        let err = init(LogFormat::Json, "joule_keeper=[").expect_err("bad filter");
        assert!(err.contains("joule_keeper=["), "{err}");
    }
}
