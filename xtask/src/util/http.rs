//! A minimal blocking HTTP/1.1 GET, enough to probe readiness without an HTTP client crate.

use anyhow::{bail, Context, Result};
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// `http://host:port/path` split into `("host:port", "/path")`.
pub fn split_url(url: &str) -> Result<(&str, &str)> {
    let rest = url
        .strip_prefix("http://")
        .with_context(|| format!("only http:// URLs are supported: {url}"))?;
    Ok(match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    })
}

/// The status code from a response's status line, e.g. `HTTP/1.1 200 OK` -> 200.
pub fn status_code(response: &str) -> Option<u16> {
    let line = response.lines().next()?;
    let mut parts = line.split_whitespace();
    parts.next().filter(|p| p.starts_with("HTTP/"))?;
    parts.next()?.parse().ok()
}

/// Connects to `url`'s host and sends `GET` for its path; the answer is the caller's to read.
fn send_get(url: &str, timeout: Duration) -> Result<TcpStream> {
    let (authority, path) = split_url(url)?;
    let addr = authority
        .to_socket_addrs()?
        .next()
        .with_context(|| format!("cannot resolve {authority}"))?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    // One write: a server may answer and close after the first packet.
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nAccept: */*\r\n\r\n"
    );
    stream.write_all(request.as_bytes())?;
    Ok(stream)
}

/// Sends `GET url` and returns the status code.
pub fn get_status(url: &str, timeout: Duration) -> Result<u16> {
    let mut stream = send_get(url, timeout)?;
    // The status line fits in the first read; the body is of no interest.
    let mut buf = [0u8; 512];
    let n = stream.read(&mut buf)?;
    let head = String::from_utf8_lossy(&buf[..n]);
    status_code(&head).with_context(|| format!("not an HTTP response from {url}"))
}

/// Sends `GET url` and returns the status and the whole body (read until the server closes;
/// a chunked body is refused, as this client does not decode it).
pub fn get(url: &str, timeout: Duration) -> Result<(u16, Vec<u8>)> {
    let mut stream = send_get(url, timeout)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .with_context(|| format!("no complete HTTP head from {url}"))?;
    let head = String::from_utf8_lossy(&response[..split]);
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        bail!("{url} answered with a chunked body");
    }
    let status = status_code(&head).with_context(|| format!("not an HTTP response from {url}"))?;
    Ok((status, response[split + 4..].to_vec()))
}

/// Polls `url` until it answers 200, giving up after `within` or when `give_up()` says so.
pub fn wait_for_ok(
    url: &str,
    within: Duration,
    mut give_up: impl FnMut() -> Option<String>,
) -> Result<()> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(reason) = give_up() {
            bail!("stopped waiting for {url}: {reason}");
        }
        let last = match get_status(url, Duration::from_secs(2)) {
            Ok(200) => return Ok(()),
            Ok(code) => format!("HTTP {code}"),
            Err(e) => e.to_string(),
        };
        if Instant::now() >= deadline {
            bail!("{url} did not answer 200 within {within:?} (last: {last})");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn split_url_separates_authority_and_path() {
        assert_eq!(
            split_url("http://127.0.0.1:3000/api/health").unwrap(),
            ("127.0.0.1:3000", "/api/health")
        );
        assert_eq!(split_url("http://h:1").unwrap(), ("h:1", "/"));
        assert!(split_url("https://h/").is_err());
    }

    #[test]
    fn status_code_reads_the_status_line() {
        assert_eq!(status_code("HTTP/1.1 200 OK\r\n\r\n"), Some(200));
        assert_eq!(
            status_code("HTTP/1.1 503 Service Unavailable\r\n"),
            Some(503)
        );
        assert_eq!(status_code("SSH-2.0-OpenSSH"), None);
        assert_eq!(status_code(""), None);
    }

    #[test]
    fn get_status_talks_to_a_real_socket() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.ends_with(b"\r\n\r\n") {
                let n = conn.read(&mut buf).unwrap();
                assert!(n > 0, "client closed early");
                req.extend_from_slice(&buf[..n]);
            }
            let req = String::from_utf8_lossy(&req).to_string();
            conn.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
            req
        });
        let url = format!("http://127.0.0.1:{port}/api/health");
        assert_eq!(get_status(&url, Duration::from_secs(5)).unwrap(), 204);
        let req = server.join().unwrap();
        assert!(req.starts_with("GET /api/health HTTP/1.1\r\n"), "{req}");
    }

    #[test]
    fn get_reads_the_whole_body() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let body = "x".repeat(100_000);
        let sent = body.clone();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let _ = conn.read(&mut buf).unwrap();
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", sent.len());
            conn.write_all(head.as_bytes()).unwrap();
            conn.write_all(sent.as_bytes()).unwrap();
        });
        let url = format!("http://127.0.0.1:{port}/api/openapi.json");
        let (status, got) = get(&url, Duration::from_secs(5)).unwrap();
        server.join().unwrap();
        assert_eq!(status, 200);
        assert_eq!(got, body.as_bytes());
    }

    #[test]
    fn wait_for_ok_honours_give_up() {
        let err = wait_for_ok("http://127.0.0.1:9/", Duration::from_secs(30), || {
            Some("interrupted".into())
        })
        .unwrap_err();
        assert!(err.to_string().contains("interrupted"));
    }
}
