//! `GET /api/openapi.json`: served, the generated document, and complete: every route the
//! router serves, with every method, is in it. (Its validity as OpenAPI is checked by an
//! independent validator in `cargo xtask test --only api-schema`.)

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::http::{Method, StatusCode};
use axum::Router;
use eventual_model::{Status, LIMITS};
use serde_json::Value;

use crate::common::*;

/// Route templates the router matches, from its `Debug` form (axum lists routes nowhere else),
/// without the fallbacks' catch-alls.
fn served_paths(router: &Router) -> BTreeSet<String> {
    let debug = format!("{router:?}");
    let start = debug
        .find("paths: {")
        .expect("axum's Router debug lists its paths")
        + 8;
    let mut paths = BTreeSet::new();
    let (mut quoted, mut current) = (false, String::new());
    for c in debug[start..].chars() {
        match (quoted, c) {
            (false, '}') => break,
            (false, '"') => quoted = true,
            (true, '"') => {
                quoted = false;
                paths.insert(std::mem::take(&mut current));
            }
            (true, c) => current.push(c),
            _ => {}
        }
    }
    paths.retain(|p| !p.contains("{*"));
    paths
}

/// The document's paths, each with its methods (upper case).
fn documented(doc: &Value) -> BTreeMap<String, BTreeSet<String>> {
    doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .map(|(path, item)| {
            let methods = item
                .as_object()
                .expect("path item")
                .keys()
                .filter(|k| {
                    [
                        "get", "put", "post", "delete", "options", "head", "patch", "trace",
                    ]
                    .contains(&k.as_str())
                })
                .map(|k| k.to_ascii_uppercase())
                .collect();
            (path.clone(), methods)
        })
        .collect()
}

/// The methods the router answers on `uri`, from the `Allow` of a 405 to a method no route
/// takes (HEAD comes with GET and is not an operation of its own).
async fn served_methods(app: &TestApp, uri: &str) -> BTreeSet<String> {
    let res = app.raw(Method::TRACE, uri, &[], Body::empty()).await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED, "TRACE {uri}");
    header_list(&res, "allow")
        .into_iter()
        .map(|m| m.to_ascii_uppercase())
        .filter(|m| m != "HEAD")
        .collect()
}

#[tokio::test]
async fn the_served_document_is_the_generated_openapi_3_1_one() {
    let app = app().await;
    let res = app.get("/api/openapi.json").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("content-type"), Some("application/json"));
    let doc = res.json();
    assert_eq!(doc, eventual_server::openapi_document("/api"));
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "/api");

    let root = app_with(&["--api-prefix", ""]).await;
    let doc = root.get("/openapi.json").await.json();
    assert_eq!(doc["servers"][0]["url"], "/");
}

#[tokio::test]
async fn every_route_the_router_serves_is_in_the_document_with_its_methods() {
    let app = app().await;
    let doc = eventual_server::openapi_document("/api");
    let documented = documented(&doc);
    let served: BTreeSet<String> = served_paths(&app.router)
        .into_iter()
        .map(|p| {
            p.strip_prefix("/api")
                .unwrap_or_else(|| panic!("{p} is outside the API prefix"))
                .to_owned()
        })
        .collect();
    assert!(served.contains("/events/{id}"), "{served:?}");
    let in_doc: BTreeSet<String> = documented.keys().cloned().collect();
    assert_eq!(served, in_doc, "served paths vs documented paths");
    for (path, methods) in &documented {
        let uri = format!("/api{}", path.replace("{id}", "1"));
        assert_eq!(&served_methods(&app, &uri).await, methods, "{path}");
    }
}

#[tokio::test]
async fn every_write_and_read_answer_is_documented_with_its_headers() {
    let doc = eventual_server::openapi_document("/api");
    let op = |path: &str, method: &str| doc["paths"][path][method].clone();
    let header_params = |o: &Value| -> BTreeSet<String> {
        o["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["in"] == "header")
                    .map(|p| p["name"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    for method in ["patch", "put", "delete"] {
        let o = op("/events/{id}", method);
        let want: BTreeSet<String> = ["If-Match", "Idempotency-Key"].map(String::from).into();
        assert_eq!(header_params(&o), want, "{method}");
        assert!(o["responses"]["412"].is_object(), "{method} documents 412");
    }
    let create = op("/events", "post");
    assert_eq!(
        header_params(&create),
        BTreeSet::from(["Idempotency-Key".to_owned()])
    );
    let created = &create["responses"]["201"];
    for h in ["Location", "ETag"] {
        assert!(created["headers"][h].is_object(), "201 has {h}");
    }
    assert_eq!(
        created["links"]["GetEvent"]["operationId"], "getEvent",
        "links use OpenAPI's camelCase"
    );
    assert!(op("/events/{id}", "get")["responses"]["200"]["headers"]["ETag"].is_object());
    assert!(op("/events", "get")["responses"]["200"]["headers"]["X-Total-Count"].is_object());
    let problem = &doc["components"]["responses"]["NotFound"]["content"];
    assert!(problem["application/problem+json"]["schema"]["$ref"]
        .as_str()
        .unwrap()
        .ends_with("/Problem"));
}

#[tokio::test]
async fn the_schemas_state_the_models_rules() {
    let doc = eventual_server::openapi_document("/api");
    let schemas = &doc["components"]["schemas"];
    for name in ["Event", "EventInput", "EventPatch"] {
        let props = &schemas[name]["properties"];
        let max = |field: &str| props[field]["maxLength"].as_u64().map(|n| n as usize);
        assert_eq!(max("title"), Some(LIMITS.title_max), "{name}.title");
        assert_eq!(props["title"]["minLength"], 1, "{name}.title");
        assert_eq!(max("description"), Some(LIMITS.description_max), "{name}");
        assert_eq!(max("location"), Some(LIMITS.location_max), "{name}");
    }
    let required = |name: &str| schemas[name]["required"].clone();
    assert_eq!(
        required("EventInput"),
        serde_json::json!(["title", "start", "end"])
    );
    assert_eq!(schemas["Timestamp"]["format"], "date-time");
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(schemas["Status"]["enum"], serde_json::json!(statuses));
    for read_only in ["id", "version", "createdAt", "updatedAt"] {
        assert_eq!(
            schemas["Event"]["properties"][read_only]["readOnly"], true,
            "{read_only}"
        );
    }
    assert_eq!(
        required("Problem"),
        serde_json::json!(["type", "title", "status", "detail"])
    );
}
