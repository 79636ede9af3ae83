//! Form and query parameters as OAuth reads them: each at most once (RFC 6749 §3.1),
//! an empty value counted as absent.

use futures_util::StreamExt;
use std::collections::HashMap;

/// Largest form body any endpoint accepts; Cognito's forms are tiny.
pub(crate) const MAX_FORM_BYTES: usize = 16 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum ParamsError {
    #[error("parameter {0} appears more than once")]
    Repeated(String),
    #[error("the body is not form-encoded")]
    Malformed,
    #[error("the body is larger than {MAX_FORM_BYTES} bytes")]
    TooLarge,
    #[error("the body could not be read")]
    Unreadable,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Params(HashMap<String, String>);

impl Params {
    /// Parses `a=1&b=2`; a repeated name is an error.
    pub(crate) fn parse(encoded: &[u8]) -> Result<Self, ParamsError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(encoded).map_err(|_| ParamsError::Malformed)?;
        let mut map = HashMap::with_capacity(pairs.len());
        for (name, value) in pairs {
            if map.insert(name.clone(), value).is_some() {
                return Err(ParamsError::Repeated(name));
            }
        }
        Ok(Self(map))
    }

    /// Reads a request body up to [`MAX_FORM_BYTES`] and parses it.
    pub(crate) async fn from_payload(
        mut payload: actix_web::web::Payload,
    ) -> Result<Self, ParamsError> {
        let mut body = Vec::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| ParamsError::Unreadable)?;
            if body.len() + chunk.len() > MAX_FORM_BYTES {
                return Err(ParamsError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Self::parse(&body)
    }

    /// The value, or `None` when absent or empty.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Re-encodes the named parameters that are present, in the given order.
    pub(crate) fn encode(&self, names: &[&str]) -> String {
        let pairs: Vec<(&str, &str)> = names
            .iter()
            .filter_map(|n| self.get(n).map(|v| (*n, v)))
            .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_parameter_is_refused() {
        assert_eq!(
            Params::parse(b"code=a&code=b").expect_err("repeated"),
            ParamsError::Repeated("code".into())
        );
    }

    #[test]
    fn empty_value_counts_as_absent() {
        let params = Params::parse(b"state=&scope=openid").expect("valid");
        assert_eq!(params.get("state"), None);
        assert_eq!(params.get("scope"), Some("openid"));
    }

    #[test]
    fn encode_keeps_order_and_escapes() {
        let params = Params::parse(b"b=2&a=x%20y").expect("valid");
        assert_eq!(params.encode(&["a", "b", "c"]), "a=x+y&b=2");
    }
}
