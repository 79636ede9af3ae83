//! The browser-backed codecs that keep the bundle small (JSON, numbers,
//! query strings) give what the Rust codecs they replaced gave, in a real
//! browser (headless Chromium through wasm-bindgen-test-runner).
#![cfg(target_arch = "wasm32")]

use shared::dto::{KpiInput, Tokens, UserProfile};
use shared::{ErrorBody, ErrorCode};
use ui::{json, number, query};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Values whose text is easy to get wrong: ties, tiny and huge magnitudes,
/// negative zero, the non-finite ones, and figures like the seeded KPIs.
const VALUES: [f64; 30] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.1,
    0.25,
    0.35,
    1.25,
    -1.25,
    2.5,
    0.05,
    0.15,
    1234.5,
    58_200.0,
    1_434.56,
    99.95,
    -0.04,
    123_456_789.0,
    1e15,
    1.5e16,
    1e21,
    1.5e22,
    1e-7,
    2.5e-8,
    3.0e-5,
    f64::MAX,
    f64::MIN_POSITIVE,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
];

#[wasm_bindgen_test]
fn numbers_are_written_as_rust_writes_them() {
    for value in VALUES {
        assert_eq!(number::text(value), format!("{value}"), "{value:?}");
        assert_eq!(number::fixed1(value), format!("{value:.1}"), "{value:?}");
    }
    // And a sweep of the chart's own coordinates and labels.
    for i in -2000..2000 {
        let value = f64::from(i) * 0.05 + f64::from(i) / 7.0;
        assert_eq!(number::text(value), format!("{value}"), "{value:?}");
        assert_eq!(number::fixed1(value), format!("{value:.1}"), "{value:?}");
    }
}

#[wasm_bindgen_test]
fn numbers_are_read_as_rust_reads_them() {
    for text in [
        "12.5",
        "-3",
        ".5",
        "1.",
        "1e3",
        "-2.5E-3",
        "0.1",
        "123456789.123456789",
    ] {
        assert_eq!(number::parse(text), text.parse().ok(), "{text}");
    }
    for text in ["", "x", "0x10", "Infinity", "1,5", "1 2"] {
        assert_eq!(number::parse(text), None, "{text}");
    }
}

#[wasm_bindgen_test]
fn json_round_trips_with_nulls_and_camel_case() {
    let tokens = Tokens {
        access_token: "a".into(),
        id_token: None,
        refresh_token: Some("r".into()),
        expires_in: 3600,
        token_type: "Bearer".into(),
    };
    let text = json::to_string(&tokens).expect("serialisable");
    assert_eq!(
        text,
        r#"{"accessToken":"a","idToken":null,"refreshToken":"r","expiresIn":3600,"tokenType":"Bearer"}"#
    );
    assert_eq!(json::from_str::<Tokens>(&text), Ok(tokens));
    let input = KpiInput {
        kpi: "sales".into(),
        period: "202501".into(),
        value: 12.5,
    };
    assert_eq!(
        json::to_string(&input).as_deref(),
        Ok(r#"{"kpi":"sales","period":"202501","value":12.5}"#)
    );
}

#[wasm_bindgen_test]
fn json_reads_error_bodies_and_refuses_what_does_not_fit() {
    let body: ErrorBody = json::from_str(
        r#"{"error":"validation_failed","message":"bad","fields":{"period":"must be YYYYMM"}}"#,
    )
    .expect("an error body");
    assert_eq!(body.error, ErrorCode::ValidationFailed);
    assert_eq!(
        body.fields.get("period").map(String::as_str),
        Some("must be YYYYMM")
    );
    let missing_fields: ErrorBody =
        json::from_str(r#"{"error":"not_found","message":"gone"}"#).expect("fields default");
    assert!(missing_fields.fields.is_empty());
    assert!(json::from_str::<ErrorBody>(r#"{"error":"no_such_code","message":"m"}"#).is_err());
    assert!(json::from_str::<UserProfile>("{not json").is_err());
    assert!(json::from_str::<UserProfile>(r#"{"sub":"s"}"#).is_err());
}

#[wasm_bindgen_test]
fn query_strings_are_read_by_the_browser() {
    let search = "?code=c%2B1&state=s+t&error_description=User%20cancelled&code=second";
    assert_eq!(query::get(search, "code").as_deref(), Some("c+1"));
    assert_eq!(query::get(search, "state").as_deref(), Some("s t"));
    assert_eq!(
        query::get(search, "error_description").as_deref(),
        Some("User cancelled")
    );
    assert_eq!(query::get(search, "error"), None);
    let encoded = query::encode(&[("redirect_uri", "http://x/signin?a=1 2")]);
    assert_eq!(
        query::get(&encoded, "redirect_uri").as_deref(),
        Some("http://x/signin?a=1 2")
    );
}
