//! `/metrics` (Prometheus, OpenMetrics text) and `/healthz` (JSON; 200
//! while healthy, 503 once the chain or a source has been unreachable
//! longer than its limit), served with axum on the configured address
//! (127.0.0.1 by default).

use super::shutdown::Shutdown;
use super::telemetry::Telemetry;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;

const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The router: `/metrics` and `/healthz`.
pub fn router(telemetry: Telemetry) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .with_state(telemetry)
}

/// Serves [`router`] on `listener` until `shutdown`.
pub async fn serve(
    listener: TcpListener,
    telemetry: Telemetry,
    shutdown: Shutdown,
) -> std::io::Result<()> {
    axum::serve(listener, router(telemetry))
        .with_graceful_shutdown(async move { shutdown.wait().await })
        .await
}

async fn metrics(State(t): State<Telemetry>) -> impl IntoResponse {
    // Refreshes the `healthy` gauge before it is encoded.
    let _ = t.health();
    match t.encode() {
        Ok(body) => (StatusCode::OK, [(header::CONTENT_TYPE, OPENMETRICS)], body),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("cannot encode the metrics: {e}\n"),
        ),
    }
}

async fn healthz(State(t): State<Telemetry>) -> impl IntoResponse {
    let report = t.health();
    let status = if report.healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::to_string(&report)
        .unwrap_or_else(|_| format!("{{\"healthy\":{}}}", report.healthy));
    (status, [(header::CONTENT_TYPE, "application/json")], body)
}
