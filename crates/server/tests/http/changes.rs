//! `GET /api/events/changes` over a real socket: one Server-Sent Event per committed write,
//! resumable with `Last-Event-ID`, shared by two servers on one database file.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::*;

/// One received Server-Sent Event.
#[derive(Debug, Clone, PartialEq)]
pub struct Sse {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: Value,
}

/// Reads events off an open `text/event-stream` response.
pub struct Reader {
    res: reqwest::Response,
    buf: String,
}

impl Reader {
    pub async fn open(base: &str, last_event_id: Option<&str>) -> Reader {
        let mut req = reqwest::Client::new().get(format!("{base}/api/events/changes"));
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        Reader {
            res,
            buf: String::new(),
        }
    }

    /// The next event (keep-alive comments skipped), failing after `within`.
    pub async fn next(&mut self, within: Duration) -> Sse {
        let deadline = Instant::now() + within;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut sse = Sse {
                    id: None,
                    event: None,
                    data: Value::Null,
                };
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        sse.id = Some(v.trim().to_owned());
                    } else if let Some(v) = line.strip_prefix("event:") {
                        sse.event = Some(v.trim().to_owned());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim());
                    }
                }
                if data.is_empty() && sse.id.is_none() {
                    continue; // a comment
                }
                sse.data = serde_json::from_str(&data).unwrap();
                return sse;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let chunk = tokio::time::timeout(left, self.res.chunk())
                .await
                .expect("an event in time")
                .unwrap()
                .expect("the stream stays open");
            self.buf.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// Nothing arrives for `quiet`.
    pub async fn expect_nothing(&mut self, quiet: Duration) {
        if let Ok(chunk) = tokio::time::timeout(quiet, self.res.chunk()).await {
            let chunk = chunk.unwrap().unwrap_or_default();
            panic!("unexpected: {}", String::from_utf8_lossy(&chunk));
        }
    }
}

async fn create(base: &str, title: &str) -> Value {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/events"))
        .json(&event(title))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

async fn write(base: &str, method: reqwest::Method, id: &str, body: Option<Value>) {
    let mut req = reqwest::Client::new().request(method, format!("{base}/api/events/{id}"));
    if let Some(body) = body {
        req = req.json(&body);
    }
    assert!(req.send().await.unwrap().status().is_success());
}

const SOON: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_committed_write_is_one_event_in_order() {
    // With the poll a minute apart, only the write's own wake-up can deliver in time.
    let (base, stop, task) = start(&["--changes-poll-ms", "60000"]).await;
    let mut feed = Reader::open(&base, None).await;
    let e = create(&base, "Feed").await;
    let id = e["id"].as_str().unwrap().to_owned();
    let created = feed.next(SOON).await;
    assert_eq!(
        created.data,
        json!({"id": id, "version": 1, "op": "created"})
    );
    assert_eq!(created.event, None);

    write(
        &base,
        reqwest::Method::PATCH,
        &id,
        Some(json!({"title": "Fed"})),
    )
    .await;
    let updated = feed.next(SOON).await;
    assert_eq!(
        updated.data,
        json!({"id": id, "version": 2, "op": "updated"})
    );

    // A write that changes nothing is not a change; a failed one neither.
    let bad = reqwest::Client::new()
        .patch(format!("{base}/api/events/{id}"))
        .header("if-match", "\"1\"")
        .json(&json!({"title": "Stale"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 412);

    write(&base, reqwest::Method::DELETE, &id, None).await;
    let deleted = feed.next(SOON).await;
    assert_eq!(
        deleted.data,
        json!({"id": id, "version": 2, "op": "deleted"})
    );

    let ids: Vec<i64> = [&created, &updated, &deleted]
        .iter()
        .map(|e| e.id.as_deref().unwrap().parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[1] == w[0] + 1), "{ids:?}");
    feed.expect_nothing(Duration::from_millis(700)).await;
    stop.send(()).unwrap();
    // Shutdown ends the open stream instead of waiting for it.
    tokio::time::timeout(Duration::from_secs(3), task)
        .await
        .expect("shutdown does not wait for subscribers")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_event_id_resumes_exactly_after_it_or_resets() {
    let (base, stop, task) = start(&[]).await;
    let mut first = Reader::open(&base, None).await;
    let a = create(&base, "A").await;
    let seen = first.next(SOON).await;
    let b = create(&base, "B").await;
    let c = create(&base, "C").await;
    drop(first);

    // Reconnecting after A gets exactly B and C.
    let mut again = Reader::open(&base, seen.id.as_deref()).await;
    assert_eq!(again.next(SOON).await.data["id"], b["id"]);
    let last = again.next(SOON).await;
    assert_eq!(last.data["id"], c["id"]);
    again.expect_nothing(Duration::from_millis(700)).await;
    assert_eq!(seen.data["id"], a["id"]);

    // An id this database never gave, or garbage: refetch everything, then follow.
    let mut head = last.id;
    for stale in ["999999", "-5", "not-a-number"] {
        let mut lost = Reader::open(&base, Some(stale)).await;
        let reset = lost.next(SOON).await;
        assert_eq!(reset.event.as_deref(), Some("reset"), "{stale}");
        assert_eq!(reset.id, head, "resumes from the head");
        let d = create(&base, "D").await;
        let next = lost.next(SOON).await;
        assert_eq!(next.data["id"], d["id"]);
        head = next.id;
    }
    stop.send(()).unwrap();
    task.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_through_one_server_reaches_a_subscriber_of_another() {
    let dir = tempfile::tempdir().unwrap();
    let db = shared_db(&dir).await;
    let (one, stop_one, task_one) = start(&["--db", &db]).await;
    let (two, stop_two, task_two) = start(&["--db", &db]).await;
    let mut feed = Reader::open(&two, None).await;
    let e = create(&one, "Elsewhere").await;
    let got = feed.next(SOON).await;
    assert_eq!(
        got.data,
        json!({"id": e["id"], "version": 1, "op": "created"})
    );
    stop_one.send(()).unwrap();
    stop_two.send(()).unwrap();
    task_one.await.unwrap();
    task_two.await.unwrap();
}
