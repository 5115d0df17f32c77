//! Runtime configuration read from `config.json` next to `index.html`, so one build can be
//! pointed at any backend and deployed under any sub-path.

use serde::de::Error as _;
use serde::Deserialize;

/// What `config.json` may hold; every field has a default so a missing file still works,
/// but a field it does not know is an error (a misspelt `apiBaseURL` must not quietly mean
/// `/api`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// The REST API's base URL, absolute or relative to the document base URI.
    #[serde(default = "default_api_base_url")]
    pub api_base_url: String,
}

/// The members `config.json` may have.
const FIELDS: &[&str] = &["apiBaseUrl"];

fn default_api_base_url() -> String {
    "/api".to_owned()
}

impl Default for Config {
    fn default() -> Self {
        Self {
            api_base_url: default_api_base_url(),
        }
    }
}

impl Config {
    /// Parse the file's text; the error says what is wrong, for the screen.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = crate::json::from_str(text)?;
        // serde-wasm-bindgen reads only the fields a struct names, so it never sees a key
        // `deny_unknown_fields` would refuse: look for one here.
        if let Some(key) = crate::json::object_keys(text)
            .into_iter()
            .find(|k| !FIELDS.contains(&k.as_str()))
        {
            return Err(serde::de::value::Error::unknown_field(&key, FIELDS).to_string());
        }
        if config.api_base_url.trim().is_empty() {
            return Err("apiBaseUrl is empty".into());
        }
        Ok(config)
    }

    /// What the fetch of `config.json` answered (`status` 0: no answer) means: a missing file
    /// (404) or no network (an offline start the service worker could not serve it for) is
    /// the defaults, since every field has one and the app must still open offline; any other
    /// failure, and a file that does not parse as the config, is an error to show.
    pub fn from_answer(status: u16, text: &str) -> Result<Config, String> {
        match status {
            200..=299 => Config::parse(text).map_err(|e| format!("config.json is broken: {e}")),
            0 | 404 => Ok(Config::default()),
            other => Err(format!("config.json could not be loaded (HTTP {other})")),
        }
    }

    /// Fetch `config.json` relative to the document base URI (so a sub-path deploy finds its
    /// own file) and resolve the API URL against it; see [`Config::from_answer`].
    /// The loader (`boot.js`) starts that fetch before the wasm is compiled; its answer is
    /// used when present.
    pub async fn load() -> Result<Config, String> {
        let base = document_base_uri();
        let (status, text) = match started_by_loader() {
            Some(answer) => {
                let answer = wasm_bindgen_futures::JsFuture::from(answer)
                    .await
                    .unwrap_or_default();
                let get = |k: &str| js_sys::Reflect::get(&answer, &k.into()).ok();
                let status = get("status").and_then(|v| v.as_f64()).unwrap_or(0.0) as u16;
                (
                    status,
                    get("text").and_then(|v| v.as_string()).unwrap_or_default(),
                )
            }
            None => {
                let url = resolve_url("config.json", &base);
                match gloo_net::http::Request::get(&url).send().await {
                    Ok(resp) => (resp.status(), resp.text().await.unwrap_or_default()),
                    Err(_) => (0, String::new()),
                }
            }
        };
        if status == 404 || status == 0 {
            web_sys::console::warn_1(&"config.json not loaded: using the default API /api".into());
        }
        let mut config = Config::from_answer(status, &text)?;
        config.api_base_url = resolve_url(&config.api_base_url, &base)
            .trim_end_matches('/')
            .to_owned();
        Ok(config)
    }
}

/// The `config.json` answer promise (`{status, text}`) `boot.js` left on `window`, taken once.
fn started_by_loader() -> Option<js_sys::Promise> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    let key = wasm_bindgen::JsValue::from_str("__eventualConfigText");
    let promise = js_sys::Reflect::get(&window, &key)
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()?;
    let _ = js_sys::Reflect::delete_property(&window, &key);
    Some(promise)
}

/// The document's base URI (what `<base href>` sets), or the page URL without one.
pub fn document_base_uri() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default()
}

/// The path the router serves under, from `<base href>`: `""` at the root, `/some/path` on a
/// sub-path deploy. Without a `<base>` element (tests) the app is at the root.
pub fn router_base() -> String {
    let has_base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("base[href]").ok().flatten())
        .is_some();
    if !has_base {
        return String::new();
    }
    let base = document_base_uri();
    web_sys::Url::new(&base)
        .map(|u| normalise_base_path(&u.pathname()))
        .unwrap_or_default()
}

thread_local! {
    static BASE: std::cell::OnceCell<String> = const { std::cell::OnceCell::new() };
}

/// A link target for an app path (`/events/1`), under the router base on a sub-path deploy.
/// `<A>` leaves absolute paths alone, while `navigate` adds the base itself: links use this,
/// navigation does not.
pub fn href(path: &str) -> String {
    let base = BASE.with(|b| b.get_or_init(router_base).clone());
    format!("{base}{path}")
}

/// `/` → `""`, `/a/b/` → `/a/b`: the router wants no trailing slash.
pub fn normalise_base_path(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else if trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    }
}

fn resolve_url(url: &str, base: &str) -> String {
    web_sys::Url::new_with_base(url, base)
        .map(|u| u.href())
        .unwrap_or_else(|_| url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_only_when_missing() {
        assert_eq!(Config::parse("{}").unwrap().api_base_url, "/api");
        assert_eq!(
            Config::parse(r#"{"apiBaseUrl": "https://x.test/v1"}"#)
                .unwrap()
                .api_base_url,
            "https://x.test/v1"
        );
        assert_eq!(Config::from_answer(404, "").unwrap(), Config::default());
        assert_eq!(Config::from_answer(0, "").unwrap(), Config::default());
    }

    #[test]
    fn a_broken_file_is_an_error_saying_what_is_wrong() {
        let err = |status, text| Config::from_answer(status, text).unwrap_err();
        assert!(err(200, "").contains("config.json is broken"));
        assert!(err(200, "{ \"apiBaseUrl\": ").contains("EOF"));
        assert!(err(200, r#"{"apiBaseUrl": 42}"#).contains("string"));
        assert!(err(200, r#"{"apiBaseURL": "/v1"}"#).contains("apiBaseURL"));
        assert!(err(200, r#"{"apiBaseUrl": " "}"#).contains("empty"));
        assert!(err(200, "<!doctype html>").contains("config.json"));
        assert!(err(503, "").contains("HTTP 503"));
    }

    #[test]
    fn base_paths() {
        assert_eq!(normalise_base_path("/"), "");
        assert_eq!(normalise_base_path(""), "");
        assert_eq!(normalise_base_path("/some/path/"), "/some/path");
        assert_eq!(normalise_base_path("/x"), "/x");
    }
}
