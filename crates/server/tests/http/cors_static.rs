//! CORS when configured (and none otherwise); static files with SPA fallback.

use axum::http::{Method, StatusCode};

use crate::common::*;

#[tokio::test]
async fn no_cors_headers_by_default() {
    let app = app().await;
    let res = app
        .raw(
            Method::GET,
            "/api/events",
            &[("origin", "http://evil.test")],
            "",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.header("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn configured_origins_get_the_contract_headers() {
    let app = app_with(&[
        "--cors-origin",
        "http://localhost:8080",
        "--cors-origin",
        "http://127.0.0.1:8080/",
    ])
    .await;
    let res = app
        .raw(
            Method::OPTIONS,
            "/api/events/1",
            &[
                ("origin", "http://127.0.0.1:8080"),
                ("access-control-request-method", "PATCH"),
                (
                    "access-control-request-headers",
                    "if-match, content-type, x-eventual-fault, idempotency-key",
                ),
            ],
            "",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("http://127.0.0.1:8080")
    );
    let methods = header_list(&res, "access-control-allow-methods");
    for m in ["get", "post", "put", "patch", "delete"] {
        assert!(methods.contains(&m.to_string()), "{methods:?}");
    }
    let headers = header_list(&res, "access-control-allow-headers");
    for h in [
        "if-match",
        "content-type",
        "x-eventual-fault",
        "idempotency-key",
    ] {
        assert!(headers.contains(&h.to_string()), "{headers:?}");
    }
    app.create(&event("A")).await;
    let res = app
        .raw(
            Method::GET,
            "/api/events/1",
            &[("origin", "http://localhost:8080")],
            "",
        )
        .await;
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("http://localhost:8080")
    );
    let exposed = header_list(&res, "access-control-expose-headers");
    for h in ["etag", "location", "x-total-count", "idempotent-replayed"] {
        assert!(exposed.contains(&h.to_string()), "{exposed:?}");
    }
    // Errors carry CORS headers too, so the browser lets the app read them.
    let res = app
        .raw(
            Method::GET,
            "/api/events/9",
            &[("origin", "http://localhost:8080")],
            "",
        )
        .await;
    res.problem(404);
    assert!(res.header("access-control-allow-origin").is_some());
    // Other origins get nothing.
    let res = app
        .raw(
            Method::GET,
            "/api/events",
            &[("origin", "http://evil.test")],
            "",
        )
        .await;
    assert!(res.header("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn static_files_with_spa_fallback() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>Eventual</title>",
    )
    .unwrap();
    std::fs::write(dir.path().join("app-123.js"), "console.log(1)").unwrap();
    let app = app_with(&["--static", dir.path().to_str().unwrap()]).await;
    let index = app.get("/").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&index.body).contains("Eventual"));
    assert_eq!(index.header("cache-control"), Some("no-cache"));
    let csp = index
        .header("content-security-policy")
        .expect("HTML carries a CSP");
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"));
    assert!(csp.contains("connect-src 'self'"));
    let js = app.get("/app-123.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.header("content-type").unwrap().contains("javascript"));
    assert_eq!(js.header("cache-control"), None);
    let deep = app.get("/events/42").await;
    assert_eq!(deep.status, StatusCode::OK);
    assert_eq!(deep.body, index.body, "client routes get index.html");
    assert_eq!(deep.header("cache-control"), Some("no-cache"));
    // The API is untouched by the fallback.
    app.get("/api/nope").await.problem(404);
    app.get("/api/events/42").await.problem(404);
    assert_eq!(app.get("/api/events").await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_empty_prefix_mounts_the_api_at_the_root_beside_static_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>Root</title>",
    )
    .unwrap();
    let app = app_with(&["--api-prefix", "", "--static", dir.path().to_str().unwrap()]).await;
    let res = app
        .json(Method::POST, "/events", &[], &event("At the root"))
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    assert_eq!(res.header("location"), Some("/events/1"));
    assert_eq!(app.get("/events/1").await.status, StatusCode::OK);
    assert_eq!(app.get("/health").await.status, StatusCode::OK);
    let page = app.get("/some/client/route").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&page.body).contains("Root"));
}

#[tokio::test]
async fn a_missing_static_directory_is_a_startup_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let args = eventual_server::Args::from_flags([
        "--db",
        ":memory:",
        "--static",
        missing.to_str().unwrap(),
    ])
    .unwrap();
    let err = eventual_server::App::open(&args).await.unwrap_err();
    assert!(err.to_string().contains("not a directory"), "{err}");
}

#[test]
fn cors_origins_are_validated_at_start_up_with_a_clear_message() {
    for bad in [
        "*",
        "null",
        "localhost:8080",
        "ftp://example.test",
        "http://",
        "http://example.test/app",
        "http://example.test?x=1",
        "http://user@example.test",
        "http://example.test:99999",
        "http://exa mple.test",
    ] {
        let err = eventual_server::Args::from_flags(["--cors-origin", bad])
            .expect_err(bad)
            .to_string();
        assert!(err.contains("--cors-origin"), "{bad}: {err}");
        assert!(err.contains("scheme://host[:port]"), "{bad}: {err}");
    }
    let ok = eventual_server::Args::from_flags([
        "--cors-origin",
        "https://Example.test:8443/",
        "--cors-origin",
        "http://[::1]:8080",
    ])
    .unwrap();
    assert_eq!(
        ok.cors_origins,
        ["https://example.test:8443", "http://[::1]:8080"]
    );
}

#[tokio::test]
async fn every_response_says_nosniff() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html>").unwrap();
    std::fs::write(dir.path().join("app.js"), "1").unwrap();
    let app = app_with(&[
        "--static",
        dir.path().to_str().unwrap(),
        "--cors-origin",
        "http://localhost:8080",
    ])
    .await;
    let created = app
        .json(Method::POST, "/api/events", &[], &event("x"))
        .await;
    let preflight = app
        .raw(
            Method::OPTIONS,
            "/api/events",
            &[
                ("origin", "http://localhost:8080"),
                ("access-control-request-method", "POST"),
            ],
            "",
        )
        .await;
    let responses = [
        created,
        preflight,
        app.get("/api/events").await,
        app.get("/api/events/1").await,
        app.get("/api/events/999").await,
        app.get("/api/nope").await,
        app.get("/api/health").await,
        app.raw(Method::DELETE, "/api/events", &[], "").await,
        app.raw(Method::POST, "/api/events", &[CT_JSON], "{").await,
        app.get("/").await,
        app.get("/app.js").await,
        app.get("/some/route").await,
    ];
    for res in responses {
        assert_eq!(
            res.header("x-content-type-options"),
            Some("nosniff"),
            "{} {:?}",
            res.status,
            res.headers
        );
    }
}
