//! Helpers: build the real router over a real SQLite database and send it requests.

use axum::body::{to_bytes, Body};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use clap::Parser;
use eventual_server::db::Repo;
use eventual_server::{App, Args};
use serde_json::{json, Value};
use tower::ServiceExt;

#[derive(Clone)]
pub struct TestApp {
    pub router: Router,
    pub repo: Repo,
}

/// An app over a fresh in-memory database with extra flags.
pub async fn app_with(flags: &[&str]) -> TestApp {
    let mut argv = vec!["eventual-server", "--db", ":memory:", "--port", "0"];
    argv.extend_from_slice(flags);
    open(Args::parse_from(argv)).await
}

pub async fn app() -> TestApp {
    app_with(&[]).await
}

pub async fn open(args: Args) -> TestApp {
    let app = App::open(&args).await.expect("app opens");
    TestApp {
        router: app.router,
        repo: app.repo,
    }
}

/// A response with its body read.
#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Res {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Assert this is a problem with `status`, and return its body.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        let p = self.json();
        assert_eq!(p["status"], status);
        assert!(p["type"].is_string() && p["title"].is_string() && p["detail"].is_string());
        p
    }
}

impl TestApp {
    pub async fn send(&self, req: Request<Body>) -> Res {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let body = to_bytes(res.into_body(), usize::MAX)
            .await
            .expect("body reads")
            .to_vec();
        Res {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, uri: &str) -> Res {
        self.send(req(Method::GET, uri, &[], Body::empty())).await
    }

    /// A JSON request (`application/json`) with extra headers.
    pub async fn json(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> Res {
        let mut all = vec![("content-type", "application/json")];
        all.extend_from_slice(headers);
        self.send(req(method, uri, &all, Body::from(body.to_string())))
            .await
    }

    pub async fn raw(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: impl Into<Body>,
    ) -> Res {
        self.send(req(method, uri, headers, body.into())).await
    }

    /// POST an event and return the stored one.
    pub async fn create(&self, body: &Value) -> Value {
        let res = self.json(Method::POST, "/api/events", &[], body).await;
        assert_eq!(
            res.status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&res.body)
        );
        res.json()
    }

    /// The whole list, as the API returns it.
    pub async fn all(&self) -> Value {
        let res = self.get("/api/events").await;
        assert_eq!(res.status, StatusCode::OK);
        res.json()
    }
}

pub fn req(method: Method, uri: &str, headers: &[(&str, &str)], body: Body) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(body).expect("request builds")
}

/// A valid event body.
pub fn event(title: &str) -> Value {
    json!({
        "title": title,
        "start": "2026-12-01T09:00:00Z",
        "end": "2026-12-01T10:00:00Z",
    })
}

/// A valid event body at a given hour span on 2026-12-01.
pub fn event_at(title: &str, start: &str, end: &str) -> Value {
    json!({ "title": title, "start": start, "end": end })
}

#[allow(dead_code)]
pub fn header_list(res: &Res, name: &str) -> Vec<String> {
    res.headers
        .get_all(name)
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("").split(','))
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

pub const CT_JSON: (&str, &str) = ("content-type", "application/json");

/// The real server on a free loopback port over a fresh in-memory database: its base URL,
/// the sender that stops it and the task serving it.
pub async fn start(
    flags: &[&str],
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let mut argv = vec!["eventual-server", "--port", "0", "--host", "127.0.0.1"];
    // In memory unless the test names a database.
    if !flags.contains(&"--db") {
        argv.extend(["--db", ":memory:"]);
    }
    argv.extend_from_slice(flags);
    let args = Args::parse_from(argv);
    let server = eventual_server::Server::bind(&args).await.unwrap();
    let line = server.ready_line();
    let port = server.local_addr().port();
    assert_ne!(port, 0);
    assert_eq!(
        line,
        format!("eventual-server listening on http://127.0.0.1:{port}")
    );
    let base = line
        .trim_start_matches("eventual-server listening on ")
        .to_owned();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        server
            .serve(async {
                let _ = rx.await;
            })
            .await
            .unwrap();
    });
    (base, tx, task)
}
