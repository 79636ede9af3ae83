//! The error responses every operation can give, added to the document in one
//! place, as the code produces them in one place: the authentication
//! middleware (401, 429, 503 on every protected operation) and the body,
//! path and query extractors (400, 413). Each route's own attribute lists the
//! errors of its handler (403, 404, 409, validation). Every error response is
//! the DESIGN.md shape, with `error` limited to the codes of its status.

use serde_json::{json, Value};
use shared::headers::{ACCESS_TOKEN, ID_TOKEN, REFRESH_TOKEN};
use shared::ErrorCode;
use std::collections::BTreeMap;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{Header, OpenApi, RefOr, Response, Schema};
use utoipa::Modify;

/// Adds the cross-cutting error responses; see the module comment.
pub(crate) struct ErrorResponses;

/// The header every response carries: the id of its log span.
const REQUEST_ID: &str = "x-request-id";

impl Modify for ErrorResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (status, codes) in codes_by_status() {
            components
                .schemas
                .insert(schema_name(status), error_schema(&codes));
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                item.get.as_mut(),
                item.put.as_mut(),
                item.post.as_mut(),
                item.delete.as_mut(),
            ];
            for operation in operations.into_iter().flatten() {
                document(path, operation);
            }
        }
    }
}

fn document(path: &str, operation: &mut Operation) {
    let secured = operation
        .security
        .as_ref()
        .is_some_and(|requirements| !requirements.is_empty());
    let has_body = operation.request_body.is_some();
    let has_parameters = path.contains('{')
        || operation
            .parameters
            .as_ref()
            .is_some_and(|parameters| !parameters.is_empty());
    if secured {
        add(
            operation,
            401,
            "No valid access token: missing, malformed, forged, foreign or revoked \
             (invalid_token); expired without x-refresh-token (token_expired); Cognito \
             refused the refresh token (session_expired)",
        );
        add(
            operation,
            429,
            "An expired token came with x-refresh-token, and this address made too many \
             calls that reach Cognito (Retry-After says when to retry)",
        );
        add(
            operation,
            503,
            "Cognito (its JWKS or token endpoint) is unreachable, timed out or failed",
        );
        let parameters = operation.parameters.get_or_insert_with(Vec::new);
        parameters.push(from_json(json!({
            "name": REFRESH_TOKEN,
            "in": "header",
            "required": false,
            "description": "The refresh token, when the access token expires within a \
                minute: an expired access token is then renewed server-side, and the new \
                tokens come back in x-access-token, x-id-token (and x-refresh-token when \
                Cognito rotated it)",
            "schema": {"type": "string", "maxLength": 8192}
        })));
    }
    if has_body {
        add(
            operation,
            400,
            "Malformed JSON, a duplicate key, or a Content-Type other than application/json \
             (bad_request)",
        );
        add(
            operation,
            413,
            "The body is larger than 16 KiB (payload_too_large)",
        );
    }
    if has_parameters {
        add(
            operation,
            400,
            "A path or query parameter that cannot be read (bad_request)",
        );
    }
    if path.contains('{') {
        add(operation, 404, "No such resource (not_found)");
    }
    for (status, response) in &mut operation.responses.responses {
        let RefOr::T(response) = response else {
            continue;
        };
        let status: u16 = status.parse().unwrap_or(0);
        finish(response, status, secured);
    }
}

/// Adds a response for `status`, or appends `description` to the one there.
fn add(operation: &mut Operation, status: u16, description: &str) {
    let responses = &mut operation.responses.responses;
    match responses.get_mut(&status.to_string()) {
        Some(RefOr::T(existing)) => {
            if !existing.description.contains(description) {
                existing.description = format!("{}; or: {description}", existing.description);
            }
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            responses.insert(
                status.to_string(),
                RefOr::T(Response::new(description.to_owned())),
            );
        }
    }
}

/// The body and headers a response of `status` always has.
fn finish(response: &mut Response, status: u16, secured: bool) {
    response.headers.insert(
        REQUEST_ID.into(),
        header("The id of this request's log span"),
    );
    if secured {
        for (name, what) in [
            (ACCESS_TOKEN, "A refreshed access token: save it"),
            (ID_TOKEN, "A refreshed ID token: save it"),
            (REFRESH_TOKEN, "A rotated refresh token: save it"),
        ] {
            response.headers.insert(name.into(), header(what));
        }
    }
    match status {
        401 => {
            response.headers.insert(
                "WWW-Authenticate".into(),
                header(r#"Bearer error="invalid_token""#),
            );
        }
        429 => {
            response.headers.insert(
                "Retry-After".into(),
                from_json(json!({
                    "description": "Seconds until a call that reaches Cognito is allowed again",
                    "schema": {"type": "integer", "minimum": 0}
                })),
            );
        }
        _ => {}
    }
    if status >= 400 {
        response.content = [(
            "application/json".to_owned(),
            from_json(json!({
                "schema": {"$ref": format!("#/components/schemas/{}", schema_name(status))}
            })),
        )]
        .into_iter()
        .collect();
    }
}

fn header(description: &str) -> RefOr<Header> {
    from_json(json!({"description": description, "schema": {"type": "string"}}))
}

/// Each status with the codes that travel with it.
fn codes_by_status() -> BTreeMap<u16, Vec<ErrorCode>> {
    let mut map: BTreeMap<u16, Vec<ErrorCode>> = BTreeMap::new();
    for code in ErrorCode::ALL {
        map.entry(code.status()).or_default().push(code);
    }
    map
}

fn schema_name(status: u16) -> String {
    format!("Error{status}")
}

/// `ErrorBody` whose `error` is one of `codes`.
fn error_schema(codes: &[ErrorCode]) -> RefOr<Schema> {
    let codes: Vec<Value> = codes
        .iter()
        .map(|code| serde_json::to_value(code).unwrap_or(Value::Null))
        .collect();
    from_json(json!({
        "allOf": [
            {"$ref": "#/components/schemas/ErrorBody"},
            {"type": "object", "properties": {"error": {"type": "string", "enum": codes}}}
        ]
    }))
}

/// A document fragment written as JSON. The fragments above are constants of
/// this file, so a failure is a bug here that every start of the API shows.
fn from_json<T: serde::de::DeserializeOwned>(value: Value) -> T {
    match serde_json::from_value(value.clone()) {
        Ok(parsed) => parsed,
        Err(e) => panic!("not an OpenAPI fragment: {e}: {value}"),
    }
}
