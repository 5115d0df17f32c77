//! DNS rebinding protection: a page on `evil.test` whose name is rebound to 127.0.0.1 reaches
//! this server with `Host: evil.test`, so only hosts this server answers for get through; the
//! rest are a 421 problem. Proxies such as `trunk serve` send their backend's `Host` and the
//! browser's in `X-Forwarded-Host`, which is checked too.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::problem::{sanitize, ApiError};

const X_FORWARDED_HOST: &str = "x-forwarded-host";

/// The local address of the connection a request came in on (the server sets it).
#[derive(Clone, Copy, Debug)]
pub struct LocalAddr(pub SocketAddr);

/// The host names (without port) this server answers for.
#[derive(Clone, Debug)]
pub struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    /// Loopback names, the `--host` address unless it is 0.0.0.0 or ::, and `extra`.
    pub fn new(bound: &str, extra: &[String]) -> AllowedHosts {
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "[::1]"].map(String::from).into();
        let bound = match bound.parse::<IpAddr>() {
            Ok(ip) if ip.is_unspecified() => None,
            Ok(IpAddr::V6(ip)) => Some(format!("[{ip}]")),
            _ => Some(bound.to_owned()),
        };
        names.extend(bound.iter().chain(extra).map(|h| name_of(h)));
        AllowedHosts(names)
    }

    fn allows(&self, host: &str, local: Option<SocketAddr>) -> bool {
        let name = name_of(host);
        let connected_to = local.map(|a| match a.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        });
        self.0.contains(&name) || connected_to.as_deref() == Some(name.as_str())
    }
}

/// The name of a `host[:port]`, lower case, without the port or a trailing dot.
fn name_of(host: &str) -> String {
    let host = host.trim();
    let name = match host.rfind(':') {
        Some(i) if !host[i..].contains(']') => &host[..i],
        _ => host,
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// `--allowed-host` values: a host name or address, with or without a port.
pub fn parse_allowed_host(s: &str) -> Result<String, String> {
    let raw = s.trim();
    let name = name_of(raw);
    let port = raw[name.len().min(raw.len())..].trim_start_matches('.');
    let valid = !name.is_empty()
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '[' | ']' | ':'))
        && (port.is_empty()
            || port
                .strip_prefix(':')
                .is_some_and(|p| p.parse::<u16>().is_ok()));
    if valid {
        Ok(name)
    } else {
        Err(format!(
            "{s:?} is not a host name; --allowed-host takes a name or address such as \
             events.example or 192.168.1.5 (any port), once per name"
        ))
    }
}

/// Every host the request names: the request target's authority, `Host`, and each
/// `X-Forwarded-Host`. A request without any (HTTP/1.0, in-process callers) is no browser.
fn named_hosts(req: &Request) -> impl Iterator<Item = Result<&str, ()>> {
    let headers: &HeaderMap = req.headers();
    let values = headers
        .get_all(header::HOST)
        .iter()
        .chain(headers.get_all(X_FORWARDED_HOST).iter())
        .flat_map(|v| match v.to_str() {
            Ok(s) => s.split(',').map(Ok).collect::<Vec<_>>(),
            Err(_) => vec![Err(())],
        });
    req.uri()
        .authority()
        .map(|a| Ok(a.as_str()))
        .into_iter()
        .chain(values)
}

/// The middleware: 421 unless every named host is allowed.
pub async fn check(State(allowed): State<Arc<AllowedHosts>>, req: Request, next: Next) -> Response {
    let local = req.extensions().get::<LocalAddr>().map(|l| l.0);
    let refused = named_hosts(&req).find_map(|h| match h {
        Ok(h) if allowed.allows(h, local) => None,
        Ok(h) => Some(h.trim().to_owned()),
        Err(()) => Some("(not ASCII)".to_owned()),
    });
    match refused {
        None => next.run(req).await,
        Some(host) => ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "This server does not answer for the host {:?}; start it with \
                 --allowed-host NAME to allow a name other than localhost or its address",
                sanitize(&host)
            ),
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_port_case_and_trailing_dot() {
        assert_eq!(name_of("LocalHost.:8080"), "localhost");
        assert_eq!(name_of("[::1]:3000"), "[::1]");
        assert_eq!(name_of("[::1]"), "[::1]");
        let allowed = AllowedHosts::new("::", &[]);
        assert!(!allowed.allows("[::]", None));
        assert!(allowed.allows("[::1]:1", None));
        let local = "192.168.1.5:3000".parse().ok();
        assert!(
            allowed.allows("192.168.1.5:3000", local),
            "the address connected to"
        );
        assert!(!allowed.allows("192.168.1.6:3000", local));
    }
}
