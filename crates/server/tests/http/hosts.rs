//! DNS rebinding: a page whose name was rebound to 127.0.0.1 sends its own name as `Host`,
//! so only loopback names, the bound address and `--allowed-host` names are answered.

use axum::http::{Method, StatusCode};

use crate::common::*;

async fn with_host(app: &TestApp, method: Method, uri: &str, headers: &[(&str, &str)]) -> Res {
    app.raw(method, uri, headers, "").await
}

#[tokio::test]
async fn a_foreign_host_is_421_everywhere_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html>").unwrap();
    let app = app_with(&["--static", dir.path().to_str().unwrap()]).await;
    app.create(&event("Mine")).await;
    for host in [
        "evil.test",
        "evil.test:3000",
        "127.0.0.1.evil.test",
        "localhost.evil.test:8080",
        "[::2]:3000",
        "10.0.0.1",
        "",
    ] {
        for (method, uri) in [
            (Method::GET, "/api/events"),
            (Method::GET, "/api/events/1"),
            (Method::DELETE, "/api/events/1"),
            (Method::OPTIONS, "/api/events"),
            (Method::GET, "/api/health"),
            (Method::GET, "/"),
            (Method::GET, "/some/route"),
        ] {
            let res = with_host(&app, method.clone(), uri, &[("host", host)]).await;
            let p = res.problem(421);
            assert!(
                p["detail"].as_str().unwrap().contains("--allowed-host"),
                "{p}"
            );
            assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
        }
    }
    // Through a proxy such as `trunk serve`: Host is the backend's, the browser's is forwarded.
    let res = with_host(
        &app,
        Method::DELETE,
        "/api/events/1",
        &[
            ("host", "127.0.0.1"),
            ("x-forwarded-host", "evil.test:8080"),
        ],
    )
    .await;
    res.problem(421);
    assert_eq!(
        app.all().await.as_array().unwrap().len(),
        1,
        "nothing deleted"
    );
}

#[tokio::test]
async fn loopback_names_the_bound_address_and_allowed_hosts_are_answered() {
    let app = app_with(&[
        "--host",
        "127.0.0.2",
        "--allowed-host",
        "events.example",
        "--allowed-host",
        "Calendar.Example:8443",
    ])
    .await;
    for host in [
        None,
        Some("localhost"),
        Some("LOCALHOST:8080"),
        Some("localhost."),
        Some("127.0.0.1"),
        Some("127.0.0.1:3000"),
        Some("[::1]"),
        Some("[::1]:8080"),
        Some("127.0.0.2:3000"),
        Some("events.example"),
        Some("events.example:1234"),
        Some("calendar.example"),
    ] {
        let headers: Vec<(&str, &str)> = host.map(|h| ("host", h)).into_iter().collect();
        let res = with_host(&app, Method::GET, "/api/events", &headers).await;
        assert_eq!(res.status, StatusCode::OK, "{host:?}");
    }
    // `trunk serve` on 127.0.0.1:8080 proxying to the server.
    let res = with_host(
        &app,
        Method::GET,
        "/api/events",
        &[
            ("host", "127.0.0.1"),
            ("x-forwarded-host", "127.0.0.1:8080"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
}

#[test]
fn allowed_hosts_are_validated_at_start_up() {
    for bad in ["", "http://x.example", "x.example/app", "a b", "*"] {
        let err = eventual_server::Args::from_flags(["--allowed-host", bad])
            .expect_err(bad)
            .to_string();
        assert!(err.contains("--allowed-host"), "{bad}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_a_socket_a_rebound_name_is_421() {
    let (base, stop, task) = start(&[]).await;
    let http = reqwest::Client::new();
    let ok = http.get(format!("{base}/api/events")).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    let rebound = http
        .get(format!("{base}/api/events"))
        .header("host", "attacker.test")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 421);
    assert_eq!(
        rebound.headers()["content-type"],
        "application/problem+json"
    );
    stop.send(()).unwrap();
    task.await.unwrap();
}
