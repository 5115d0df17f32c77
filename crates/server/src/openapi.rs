//! The OpenAPI 3.1 document of the API, built from the handlers' `#[utoipa::path]` attributes
//! and the model's `ToSchema` types by the routes' `openapi_router`, so a route cannot be
//! served without being documented.

use eventual_model::Problem;
use serde_json::Value;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::{
    ContentBuilder, ObjectBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder, ServerBuilder,
    Type,
};
use utoipa::ToResponse;

use crate::problem::PROBLEM_JSON;

/// The document's fixed parts; operations and schemas come from the routes.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Eventual events API",
        description = "The REST contract of Eventual's calendar events, as the reference server \
            implements it. Every error is RFC 9457 Problem Details (`application/problem+json`). \
            Paths are relative to the server URL, the configured API prefix (default `/api`).",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0")
    ),
    components(
        schemas(Problem),
        responses(
            BadRequest,
            NotFound,
            PreconditionFailed,
            ContentTooLarge,
            UnsupportedMediaType,
            Unprocessable,
            ServerError,
            Unavailable
        )
    ),
    tags(
        (name = "events", description = "Calendar events"),
        (name = "meta", description = "Liveness and this document")
    )
)]
pub struct ApiDoc;

/// The routes' document made whole for an API served under `prefix` (normalised: `""` or
/// `/api`).
pub(crate) fn finish(mut doc: OpenApi, prefix: &str) -> Value {
    let url = if prefix.is_empty() { "/" } else { prefix };
    doc.servers = Some(vec![ServerBuilder::new()
        .url(url)
        .description(Some("This server's API prefix"))
        .build()]);
    let mut json = serde_json::to_value(&doc).expect("an OpenApi serialises");
    camel_case_links(&mut json);
    json
}

/// utoipa 5.5 writes Link Object members in snake_case (`operation_id`); OpenAPI spells them
/// in camelCase, and validators and schemathesis read only that.
fn camel_case_links(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let responses = paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(|op| op.get_mut("responses").and_then(Value::as_object_mut))
        .flat_map(|r| r.values_mut());
    for response in responses {
        let Some(links) = response.get_mut("links").and_then(Value::as_object_mut) else {
            continue;
        };
        for link in links.values_mut().filter_map(Value::as_object_mut) {
            for (snake, camel) in [
                ("operation_id", "operationId"),
                ("operation_ref", "operationRef"),
                ("request_body", "requestBody"),
            ] {
                if let Some(v) = link.remove(snake) {
                    link.insert(camel.to_owned(), v);
                }
            }
        }
    }
}

fn problem(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        PROBLEM_JSON,
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    )
}

/// A reusable problem response: `$name` is its component name.
macro_rules! problem_response {
    ($name:ident, $description:expr) => {
        problem_response!($name, $description, |r| r);
    };
    ($name:ident, $description:expr, $extra:expr) => {
        #[doc = $description]
        pub struct $name;

        impl<'s> ToResponse<'s> for $name {
            fn response() -> (&'s str, RefOr<Response>) {
                let extra: fn(ResponseBuilder) -> ResponseBuilder = $extra;
                (
                    stringify!($name),
                    extra(problem($description)).build().into(),
                )
            }
        }
    };
}

problem_response!(
    BadRequest,
    "The body is not valid JSON or has a member of the wrong type (`errors` points at it), or \
     a query parameter, `If-Match` or `Idempotency-Key` is malformed"
);
problem_response!(NotFound, "No such event");
problem_response!(
    PreconditionFailed,
    "`If-Match` does not match the current version: the event changed elsewhere",
    |r| r.header(
        "ETag",
        HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::String))
            .description(Some("The current version's entity tag"))
            .build()
    )
);
problem_response!(ContentTooLarge, "The body is larger than 64 KiB");
problem_response!(
    UnsupportedMediaType,
    "The body is not JSON (`application/json`, `application/merge-patch+json` or another \
     `+json` type)"
);
problem_response!(
    Unprocessable,
    "The event breaks a rule (`errors` has one entry per rule, pointing at its field), or an \
     `Idempotency-Key` was already used for a different request"
);
problem_response!(
    ServerError,
    "A server fault, logged there; the body never carries its cause"
);
problem_response!(
    Unavailable,
    "Temporarily unavailable: the database is busy, the request took too long, or an event is \
     being changed by many requests at once; try again"
);

// The parameter structs below only describe what the extractors (`IdPath`, `Precondition`,
// the idempotency middleware) read; they are never built.

/// The `{id}` of `/events/{id}`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct EventPath {
    /// The event's id; any id the server never issued is a 404.
    #[param(example = "1")]
    id: String,
}

/// The optional `Idempotency-Key` of a write.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct KeyHeader {
    /// Makes a re-sent write happen at most once: 1 to 255 visible ASCII characters, bare or
    /// as a quoted string. The same key with another method, path or body is a 422.
    #[param(rename = "Idempotency-Key", value_type = String, required = false, example = "8e03978e-40d5-43e8")]
    idempotency_key: Option<String>,
}

/// The optional headers of a write to an existing event.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct WriteHeaders {
    /// `*` or a list of entity tags (`"3"`); when sent, the write happens only if one of them
    /// is the current `ETag`, else 412.
    #[param(rename = "If-Match", value_type = String, required = false, example = "\"1\"")]
    if_match: Option<String>,
    /// Makes a re-sent write happen at most once: 1 to 255 visible ASCII characters, bare or
    /// as a quoted string. The same key with another method, path or body is a 422.
    #[param(rename = "Idempotency-Key", value_type = String, required = false, example = "8e03978e-40d5-43e8")]
    idempotency_key: Option<String>,
}
