//! The real server over a real socket: ready line, requests, abort, graceful shutdown.

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_the_api_over_tcp() {
    let (base, stop, task) = start(&[]).await;
    let http = reqwest::Client::new();
    let res = http
        .post(format!("{base}/api/events"))
        .json(&event("Over TCP"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let res = http
        .patch(format!("{base}{location}"))
        .header("content-type", "application/merge-patch+json")
        .header("if-match", "\"1\"")
        .body(json!({"title": "Patched"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = http.get(format!("{base}/api/events")).send().await.unwrap();
    assert_eq!(res.headers()["x-total-count"], "1");
    let list: Value = res.json().await.unwrap();
    assert_eq!(list[0]["title"], "Patched");
    let res = http
        .post(format!("{base}/api/events"))
        .header("content-type", "application/json")
        .body(vec![b' '; 100 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    stop.send(()).unwrap();
    task.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_drops_the_connection_without_a_response() {
    let (base, stop, task) = start(&["--allow-fault-header"]).await;
    let http = reqwest::Client::new();
    let err = http
        .get(format!("{base}/api/events"))
        .header("x-eventual-fault", "delay=20; abort")
        .send()
        .await
        .expect_err("no response");
    assert!(!err.is_status(), "{err}");
    // The server is fine afterwards.
    let res = http.get(format!("{base}/api/health")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    stop.send(()).unwrap();
    task.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_in_flight_requests() {
    let (base, stop, task) = start(&["--allow-fault-header"]).await;
    let http = reqwest::Client::new();
    let slow = tokio::spawn({
        let http = http.clone();
        let base = base.clone();
        async move {
            http.post(format!("{base}/api/events"))
                .header("x-eventual-fault", "delay=1200")
                .json(&event("In flight"))
                .send()
                .await
        }
    });
    // Generous: the request must be inside the server (in its delay) when shutdown starts.
    tokio::time::sleep(Duration::from_millis(400)).await;
    stop.send(()).unwrap();
    let res = slow
        .await
        .unwrap()
        .expect("the in-flight request completes");
    assert_eq!(res.status(), 201);
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("serve returns after draining")
        .unwrap();
    // No longer accepting.
    assert!(http.get(format!("{base}/api/health")).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_prints_exactly_one_ready_line_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_eventual-server"))
        .args(["--port", "0", "--seed", "--db"])
        .arg(dir.path().join("e.db"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        (line, stdout)
    });
    let (line, mut stdout) = tokio::time::timeout(Duration::from_secs(20), line)
        .await
        .expect("ready line in time")
        .unwrap();
    let base = line
        .trim_end()
        .strip_prefix("eventual-server listening on http://127.0.0.1:")
        .map(|port| format!("http://127.0.0.1:{port}"))
        .unwrap_or_else(|| panic!("unexpected ready line {line:?}"));
    let res = reqwest::get(format!("{base}/api/events")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["x-total-count"]
            .to_str()
            .unwrap()
            .parse::<u32>()
            .unwrap()
            >= 18
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(exit.success(), "{exit:?}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "", "nothing else on stdout");
}
