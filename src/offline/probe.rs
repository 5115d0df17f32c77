//! Whether the API server answers: the probe behind "offline".

use eventual_model::JsonTree;
use wasm_bindgen::JsCast;

/// Whether the API itself answers `GET <url>` (its `/health`) within `timeout_ms`, never
/// cached: the answer must be JSON (a captive portal's 200 login page is not the server).
pub async fn reachable(url: &str, timeout_ms: u32) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_cache(web_sys::RequestCache::NoStore);
    init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(timeout_ms)));
    let promise = window.fetch_with_str_and_init(url, &init);
    let Ok(resp) = wasm_bindgen_futures::JsFuture::from(promise).await else {
        return false;
    };
    let Ok(resp) = resp.dyn_into::<web_sys::Response>() else {
        return false;
    };
    let content_type = resp
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default();
    let Ok(text) = resp.text() else {
        return false;
    };
    let body = wasm_bindgen_futures::JsFuture::from(text)
        .await
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    is_server_health(resp.status(), &content_type, &body)
}

/// Whether an answer to `GET /health` came from the API: JSON (any status: a 503 "database
/// down" is the server too), and for a 200 the server's own `{"status":"ok"}`.
pub fn is_server_health(status: u16, content_type: &str, body: &str) -> bool {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !(media == "application/json" || media.ends_with("+json")) {
        return false;
    }
    let Some(value) = crate::json::parse(body) else {
        return false;
    };
    status != 200
        || JsonTree::get(&value, "status").and_then(|s| JsonTree::as_str(&s)) == Some("ok".into())
}

#[cfg(test)]
mod tests {
    use super::is_server_health;

    #[test]
    fn only_the_servers_health_answer_counts() {
        assert!(is_server_health(
            200,
            "application/json",
            r#"{"status":"ok"}"#
        ));
        assert!(is_server_health(
            503,
            "application/problem+json",
            r#"{"status":503}"#
        ));
        assert!(!is_server_health(200, "text/html", "<html>Log in</html>"));
        assert!(!is_server_health(200, "application/json", "<html>"));
        assert!(!is_server_health(
            200,
            "application/json",
            r#"{"login":true}"#
        ));
    }
}
