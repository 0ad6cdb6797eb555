//! Gateways and DISCOM feeds over real HTTP on 127.0.0.1: healthy ones,
//! and ones that hang, stall mid-body, return garbage, fail, send too much,
//! reset the connection or refuse it.

use crate::common::*;
use axum::http::{header, StatusCode};
use axum::routing::get;
use axum::Router;
use joule_keeper::readings::{Inputs, RejectReason, ValidationConfig, Validator};
use joule_keeper::sources::http::{Endpoint, HttpConfig, HttpFeed, HttpFetcher};
use joule_keeper::sources::{FeedFormat, FeedOptions};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

async fn serve(router: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

#[derive(Clone, Copy)]
enum Raw {
    /// Reads the request, then resets the connection (RST).
    Reset,
    /// Sends headers and part of the body, then stalls.
    StallMidBody,
    /// Reads the request, then closes without an answer.
    CloseSilently,
}

/// A bare TCP server misbehaving on every connection.
async fn raw_server(how: Raw) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                match how {
                    Raw::Reset => {
                        sock.set_zero_linger().unwrap();
                        drop(sock);
                    }
                    Raw::StallMidBody => {
                        let _ = sock
                            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\ncontent-type: application/json\r\n\r\n{\"readings\": [")
                            .await;
                        tokio::time::sleep(Duration::from_secs(60)).await;
                    }
                    Raw::CloseSilently => drop(sock),
                }
            });
        }
    });
    addr
}

/// A port nobody listens on.
async fn closed_port() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    addr
}

fn gateway_body(serial: &str, readings: &[(i64, u64, u64)]) -> String {
    let items: Vec<String> = readings
        .iter()
        .map(|(ts, e, i)| {
            format!(r#"{{"serial": "{serial}", "timestamp": {ts}, "export_register_wh": {e}, "import_register_wh": {i}}}"#)
        })
        .collect();
    format!(
        r#"{{"gateway_id": "gw-{serial}", "readings": [{}]}}"#,
        items.join(",")
    )
}

fn fetcher() -> HttpFetcher {
    HttpFetcher::new(HttpConfig {
        connect_timeout: Duration::from_secs(1),
        timeout: Duration::from_millis(1_500),
        max_body_bytes: 1 << 20,
        concurrency: 16,
    })
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateways_that_fail_are_counted_and_the_others_go_on() {
    let ok1 = gateway_body("M-1", &[(T0 + 900, 10, 100), (T0 + 1_800, 20, 150)]);
    let ok2 = format!(
        r#"{{"readings": [{{"serial": "M-2", "timestamp": {}, "export_register_wh": 5, "import_register_wh": 5}}, {{"serial": "M-2"}}]}}"#,
        T0 + 900
    );
    let big = "x".repeat(2 << 20);
    let router = Router::new()
        .route("/ok1", get(move || async move { ok1 }))
        .route("/ok2", get(move || async move { ok2 }))
        .route(
            "/garbage",
            get(|| async { "<html><body>502 Bad Gateway</body></html>" }),
        )
        .route(
            "/hang",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                "{}"
            }),
        )
        .route(
            "/error",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
        )
        .route("/big", get(move || async move { big }));
    let http = serve(router).await;
    let reset = raw_server(Raw::Reset).await;
    let stall = raw_server(Raw::StallMidBody).await;
    let silent = raw_server(Raw::CloseSilently).await;
    let refused = closed_port().await;
    let urls: Vec<String> = vec![
        format!("http://{http}/ok1"),
        format!("http://{http}/garbage"),
        format!("http://{http}/hang"),
        format!("http://{reset}/gateway"),
        format!("http://{http}/error"),
        format!("http://{stall}/gateway"),
        format!("http://{http}/big"),
        format!("http://{silent}/gateway"),
        format!("http://{refused}/gateway"),
        format!("http://{http}/ok2"),
        "not a url".to_string(),
    ];
    let t0 = Instant::now();
    let endpoints: Vec<Endpoint> = urls.iter().map(Endpoint::new).collect();
    let polls = fetcher().gateways(&endpoints).await;
    let took = t0.elapsed();
    // Concurrent: the two slow ones together cost one timeout, not two.
    assert!(took < Duration::from_secs(4), "{took:?}");
    assert_eq!(polls.len(), urls.len());
    for (p, u) in polls.iter().zip(&urls) {
        assert_eq!(&*p.url, u.as_str());
    }
    let kinds: Vec<&str> = polls
        .iter()
        .map(|p| match &p.result {
            Ok(_) => "ok",
            Err(e) => e.kind(),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "ok",
            "malformed",
            "timeout",
            "transport",
            "http_status",
            "timeout",
            "too_large",
            "transport",
            "connect",
            "ok",
            "client",
        ],
        "{:#?}",
        polls
            .iter()
            .map(|p| p.result.as_ref().err().map(ToString::to_string))
            .collect::<Vec<_>>()
    );

    // What the healthy gateways said goes on to validation.
    let book = book(&[
        ("M-1", active(5_000, T0, 0, 50)),
        ("M-2", active(5_000, 0, 0, 0)),
    ]);
    let mut inputs = Inputs::new();
    for p in polls {
        if let Ok(parsed) = p.result {
            inputs.add_gateway(parsed);
        }
    }
    let out = Validator::new(&book, ValidationConfig::default(), T0 + 3_600).run(inputs);
    assert_eq!(out.accepted.len(), 3);
    assert_eq!(out.rejections.len(), 1);
    assert_eq!(out.rejections[0].reason, RejectReason::MalformedEntry);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_feed_hands_on_new_content_only() {
    let csv = Arc::new(Mutex::new(String::from(
        "meter_serial,interval_start,interval_minutes,import_wh\nM-1,1772323200,15,100\n",
    )));
    let shared = Arc::clone(&csv);
    let espi = String::from_utf8(fixture("espi_prosumer.xml")).unwrap();
    let router = Router::new()
        .route(
            "/feeds/today.csv",
            get(move || {
                let body = shared.lock().unwrap().clone();
                async move { body }
            }),
        )
        .route(
            "/espi",
            get(move || async move { ([(header::CONTENT_TYPE, "application/atom+xml")], espi) }),
        )
        .route("/missing", get(|| async { StatusCode::NOT_FOUND }));
    let addr = serve(router).await;
    let f = fetcher();

    let mut feed = HttpFeed::new(&format!("http://{addr}/feeds/today.csv?day=1"), None);
    let first = feed.poll(&f).await.unwrap().expect("new content");
    assert_eq!(first.format, FeedFormat::Csv);
    let mut inputs = Inputs::new();
    first
        .parse_into(&FeedOptions::default(), &mut inputs)
        .unwrap();
    assert_eq!(inputs.len(), 1);
    feed.mark_processed(&first);
    assert!(
        feed.poll(&f).await.unwrap().is_none(),
        "unchanged content is not handed on again"
    );
    csv.lock().unwrap().push_str("M-1,1772324100,15,120\n");
    let second = feed.poll(&f).await.unwrap().expect("changed content");
    assert_ne!(second.sha256, first.sha256);

    // No extension: the Content-Type says XML.
    let espi_feed = HttpFeed::new(&format!("http://{addr}/espi"), None);
    let doc = espi_feed.poll(&f).await.unwrap().unwrap();
    assert_eq!(doc.format, FeedFormat::Espi);

    let missing = HttpFeed::new(&format!("http://{addr}/missing"), None);
    let err = missing.poll(&f).await.unwrap_err();
    assert_eq!(err.kind(), "http_status");
    assert!(err.to_string().contains("404"), "{err}");
}

/// A gateway that answers only with its bearer token and feeder header.
#[tokio::test]
async fn a_gateway_behind_credentials_answers_with_them_and_refuses_without() {
    let body = gateway_body("AB-1", &[(1_772_323_200, 10, 20)]);
    let router = Router::new().route(
        "/private",
        get(move |headers: axum::http::HeaderMap| {
            let body = body.clone();
            async move {
                let auth = headers
                    .get(header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok());
                let feeder = headers.get("x-feeder").and_then(|v| v.to_str().ok());
                if auth == Some("Bearer s3cret") && feeder == Some("12") {
                    (StatusCode::OK, body)
                } else {
                    (StatusCode::UNAUTHORIZED, String::new())
                }
            }
        }),
    );
    let addr = serve(router).await;
    let url = format!("http://{addr}/private");

    let mut headers = axum::http::HeaderMap::new();
    let mut token = header::HeaderValue::from_static("Bearer s3cret");
    token.set_sensitive(true);
    headers.insert(header::AUTHORIZATION, token);
    headers.insert("x-feeder", header::HeaderValue::from_static("12"));
    let with = Endpoint::new(url.clone()).with_headers(headers.clone());
    // The credential never shows in a debug print.
    assert!(!format!("{with:?}").contains("s3cret"));
    let polls = fetcher()
        .gateways(&[with, Endpoint::new(url.clone())])
        .await;
    let ok = polls[0].result.as_ref().expect("with credentials");
    assert_eq!(ok.items.len(), 1);
    match &polls[1].result {
        Err(e) => assert!(e.to_string().contains("401"), "{e}"),
        Ok(_) => panic!("answered without credentials"),
    }
    // A DISCOM URL carries its headers too.
    let feed = HttpFeed::new(&url, None).with_headers(headers);
    let doc = feed.poll(&fetcher()).await.expect("fetched").expect("new");
    assert!(!doc.bytes.is_empty());
    let bare = HttpFeed::new(&url, None);
    assert!(bare.poll(&fetcher()).await.is_err());
}
