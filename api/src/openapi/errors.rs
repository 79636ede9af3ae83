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

#[cfg(test)]
mod tests {
    use crate::openapi::ApiDoc;
    use serde_json::Value;
    use utoipa::OpenApi;

    /// Every operation of the served document, as JSON: (method, path, operation).
    fn operations() -> Vec<(String, String, Value)> {
        let document = serde_json::to_value(ApiDoc::openapi()).expect("serialisable");
        let mut found = Vec::new();
        for (path, item) in document["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("path item") {
                found.push((method.clone(), path.clone(), operation.clone()));
            }
        }
        found
    }

    fn statuses(operation: &Value) -> Vec<u16> {
        operation["responses"]
            .as_object()
            .expect("responses")
            .keys()
            .map(|s| s.parse().expect("numeric status"))
            .collect()
    }

    #[test]
    fn every_operation_documents_the_errors_its_layers_give() {
        let operations = operations();
        assert_eq!(operations.len(), 20, "every route is in the document");
        for (method, path, operation) in &operations {
            let documented = statuses(operation);
            let mut expected = vec![];
            if operation.get("security").is_some() {
                expected.extend([401, 429, 503]);
            }
            if operation.get("requestBody").is_some() {
                expected.extend([400, 413]);
            }
            if path.contains('{') {
                expected.extend([400, 404]);
            }
            if path.starts_with("/admin/") || (method != "get" && path.starts_with("/stats")) {
                expected.push(403);
            }
            for status in expected {
                assert!(
                    documented.contains(&status),
                    "{method} {path} does not document {status}: {documented:?}"
                );
            }
            assert!(
                !documented.contains(&500),
                "a 500 is a bug, never a contract"
            );
        }
    }

    #[test]
    fn every_error_response_is_the_error_shape_with_the_codes_of_its_status() {
        let document = serde_json::to_value(ApiDoc::openapi()).expect("serialisable");
        for (method, path, operation) in operations() {
            for (status, response) in operation["responses"].as_object().expect("responses") {
                assert!(
                    response["headers"].get("x-request-id").is_some(),
                    "{method} {path} {status}: x-request-id"
                );
                if !status.starts_with('4') && !status.starts_with('5') {
                    continue;
                }
                let reference = response["content"]["application/json"]["schema"]["$ref"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{method} {path} {status}: no JSON error schema"));
                let name = reference.trim_start_matches("#/components/schemas/");
                assert_eq!(name, format!("Error{status}"), "{method} {path}");
                let codes = &document["components"]["schemas"][name]["allOf"][1]["properties"]
                    ["error"]["enum"];
                let codes: Vec<&str> = codes
                    .as_array()
                    .expect("codes")
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                assert!(!codes.is_empty(), "{name}");
                for code in codes {
                    let code: shared::ErrorCode =
                        serde_json::from_value(Value::String(code.into())).expect("a code");
                    assert_eq!(code.status().to_string(), *status, "{code:?} in {name}");
                }
            }
            if status_has(&operation, "401") {
                assert!(
                    operation["responses"]["401"]["headers"]
                        .get("WWW-Authenticate")
                        .is_some(),
                    "{method} {path}: 401 without WWW-Authenticate"
                );
            }
        }
    }

    fn status_has(operation: &Value, status: &str) -> bool {
        operation["responses"].get(status).is_some()
    }

    #[test]
    fn the_401_codes_are_the_three_of_design_md() {
        let document = serde_json::to_value(ApiDoc::openapi()).expect("serialisable");
        assert_eq!(
            document["components"]["schemas"]["Error401"]["allOf"][1]["properties"]["error"]
                ["enum"],
            serde_json::json!(["invalid_token", "token_expired", "session_expired"])
        );
    }
}
