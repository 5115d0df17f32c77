//! The API client's error handling, on real `Response` objects and real `fetch` calls.
#![cfg(target_arch = "wasm32")]

use eventual::api::{error_from_response, Api, ApiError, ListQuery};
use eventual_model::EventId;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn response(status: u16, content_type: &str, body: &str) -> web_sys::Response {
    let init = web_sys::ResponseInit::new();
    init.set_status(status);
    let headers = web_sys::Headers::new().unwrap();
    headers.set("Content-Type", content_type).unwrap();
    init.set_headers(&headers);
    web_sys::Response::new_with_opt_str_and_init(Some(body), &init).unwrap()
}

#[wasm_bindgen_test]
async fn reads_problem_details_with_field_errors() {
    let resp = response(
        422,
        "application/problem+json",
        r#"{"type":"https://eventual.dev/problems/validation","title":"Invalid event",
            "status":422,"detail":"1 field is invalid",
            "errors":[{"pointer":"/title","detail":"must not be empty"}]}"#,
    );
    let error = error_from_response(resp).await;
    assert_eq!(error.status(), Some(422));
    assert!(!error.is_retryable());
    assert_eq!(error.field_errors().len(), 1);
    assert_eq!(error.field_errors()[0].field(), "title");
    assert_eq!(error.to_string(), "1 field is invalid");
}

#[wasm_bindgen_test]
async fn reads_conflicts_and_generic_bodies() {
    let error = error_from_response(response(
        412,
        "application/problem+json",
        r#"{"type":"about:blank","title":"Precondition Failed","status":412,
            "detail":"the event changed since version 3"}"#,
    ))
    .await;
    assert!(error.is_conflict());
    assert!(!error.is_retryable());

    let error = error_from_response(response(
        400,
        "application/json",
        r#"{"invalid_params":[{"name":"end","reason":"must be after start"}]}"#,
    ))
    .await;
    assert_eq!(error.field_errors()[0].pointer, "/end");

    let error = error_from_response(response(
        500,
        "application/json",
        r#"{"error":"db locked"}"#,
    ))
    .await;
    assert!(error.is_retryable());
    assert_eq!(error.to_string(), "db locked");

    let error = error_from_response(response(502, "text/html", "<html>bad gateway</html>")).await;
    assert_eq!(error.status(), Some(502));
    assert_eq!(error.to_string(), "Bad Gateway");
    assert!(error.is_retryable());
}

fn origin() -> String {
    web_sys::window().unwrap().location().origin().unwrap()
}

#[wasm_bindgen_test]
async fn a_real_404_becomes_not_found() {
    // The test runner's own server has no API: a real fetch, a real 404.
    let api = Api::new(format!("{}/no-such-api", origin()));
    let error = api.get(&EventId::new("42"), None).await.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert!(!error.is_retryable());
}

#[wasm_bindgen_test]
async fn unreachable_server_is_a_retryable_network_error() {
    let api = Api::new("http://127.0.0.1:9/api");
    let error = api.list(&ListQuery::default(), None).await.unwrap_err();
    assert!(matches!(error, ApiError::Network(_)), "{error:?}");
    assert!(error.is_retryable());
}

#[wasm_bindgen_test]
async fn an_aborted_request_is_aborted_not_a_failure() {
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let api = Api::new(format!("{}/no-such-api", origin()));
    let error = api
        .list(&ListQuery::default(), Some(&controller.signal()))
        .await
        .unwrap_err();
    assert_eq!(error, ApiError::Aborted);
}
