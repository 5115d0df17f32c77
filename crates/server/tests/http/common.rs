//! Helpers: build the real router over a real database and send it requests.
//!
//! The backend comes from the environment: with `EVENTUAL_TEST_POSTGRES_URL` (a PostgreSQL
//! URL whose user may create schemas, as `cargo xtask test` provides) every test gets its own
//! fresh PostgreSQL schema; without it, SQLite (in memory, or a file where a test shares one).

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

/// The environment variable naming the PostgreSQL server the suite runs on.
pub const POSTGRES_ENV: &str = "EVENTUAL_TEST_POSTGRES_URL";

/// The PostgreSQL server to test on, if the suite runs on PostgreSQL.
pub fn postgres_url() -> Option<String> {
    std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty())
}

/// A fresh, empty schema on the test server's database, as a URL whose connections use it
/// alone (a schema is made in milliseconds, a database in half a second).
async fn fresh_postgres(server: &str) -> String {
    use sqlx::{ConnectOptions, Connection};
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let name = format!(
        "t{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        nanos
    );
    let opts: sqlx::postgres::PgConnectOptions = server.parse().expect("a PostgreSQL URL");
    let mut admin = opts.connect().await.expect("the test PostgreSQL answers");
    sqlx::query(&format!("CREATE SCHEMA {name}"))
        .execute(&mut admin)
        .await
        .expect("a test schema is created");
    admin.close().await.ok();
    let mut url = reqwest::Url::parse(server).expect("a PostgreSQL URL");
    url.query_pairs_mut()
        .append_pair("options[search_path]", &name);
    url.to_string()
}

/// A `--db` value for a private database: `:memory:`, or a fresh PostgreSQL schema.
pub async fn fresh_db() -> String {
    match postgres_url() {
        Some(server) => fresh_postgres(&server).await,
        None => ":memory:".to_owned(),
    }
}

/// A `--db` value that several apps or processes can open: a SQLite file in `dir`, or a fresh
/// PostgreSQL schema.
pub async fn shared_db(dir: &tempfile::TempDir) -> String {
    match postgres_url() {
        Some(server) => fresh_postgres(&server).await,
        None => dir.path().join("events.db").to_str().unwrap().to_owned(),
    }
}

/// Whether this run is on PostgreSQL.
pub fn on_postgres() -> bool {
    postgres_url().is_some()
}

/// Run one statement on the app's database, whichever backend it is.
pub async fn sql(app: &TestApp, statement: &str) {
    app.repo
        .pool()
        .execute(statement)
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

/// An app over a fresh private database with extra flags.
pub async fn app_with(flags: &[&str]) -> TestApp {
    let db = fresh_db().await;
    let mut argv = vec!["eventual-server", "--db", &db, "--port", "0"];
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

/// The real server on a free loopback port over a fresh private database: its base URL,
/// the sender that stops it and the task serving it.
pub async fn start(
    flags: &[&str],
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let mut argv = vec!["eventual-server", "--port", "0", "--host", "127.0.0.1"];
    // A fresh private database unless the test names one.
    let db = fresh_db().await;
    if !flags.contains(&"--db") {
        argv.extend(["--db", &db]);
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

/// The first column of every row `query` returns, as text, on either backend.
pub async fn strings(app: &TestApp, query: &str) -> Vec<String> {
    let mut c = app.repo.pool().acquire().await.unwrap();
    eventual_server::on_backend!(c.conn(), c => sqlx::query_scalar(query).fetch_all(c).await.unwrap())
}

/// The one integer `query` returns, on either backend.
pub async fn integer(app: &TestApp, query: &str) -> i64 {
    let mut c = app.repo.pool().acquire().await.unwrap();
    eventual_server::on_backend!(c.conn(), c => sqlx::query_scalar(query).fetch_one(c).await.unwrap())
}
