//! `ApiJson<T>`: axum's `Json` extractor, but every way a body can be wrong (wrong content type, too large, not
//! JSON, wrong shape) answers with the API's JSON `ErrorBody`, and a shape error names the JSON path at fault.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The largest request body the API reads.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !has_json_content_type(request.headers()) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge {
                        limit_bytes: MAX_BODY_BYTES,
                    }
                } else {
                    ApiError::UnreadableBody(rejection.body_text())
                }
            })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// `application/json` or any `application/*+json`, with or without parameters such as `charset`.
fn has_json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parses a whole body as `T`. Syntax errors are `malformed_json`; JSON of the wrong shape is an
/// `invalid_field` naming the path (e.g. `result.annotations[0].bbox`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = if path == "." { "body".to_owned() } else { path };
                ApiError::InvalidField(crowdbox_core::validate::FieldError::new(
                    field,
                    inner.to_string(),
                ))
            }
            // serde_json reports a fixed-size array with extra elements (a bbox of five numbers) as trailing
            // characters inside the value: that is the field's shape, not broken JSON.
            serde_json::error::Category::Syntax
                if path != "." && inner.to_string().starts_with("trailing characters") =>
            {
                ApiError::InvalidField(crowdbox_core::validate::FieldError::new(
                    path,
                    format!("too many elements ({inner})"),
                ))
            }
            _ => ApiError::MalformedJson(with_context(bytes, &inner)),
        }
    })?;
    deserializer
        .end()
        .map_err(|error| ApiError::MalformedJson(with_context(bytes, &error)))?;
    Ok(value)
}

/// The parser's message plus the text where it stopped, so `NaN`, `Infinity` or a stray byte are named.
fn with_context(bytes: &[u8], error: &serde_json::Error) -> String {
    let message = error.to_string();
    let line_start = bytes
        .split(|byte| *byte == b'\n')
        .take(error.line().saturating_sub(1))
        .map(|line| line.len() + 1)
        .sum::<usize>();
    let at = (line_start + error.column().saturating_sub(1)).min(bytes.len());
    let from = at.saturating_sub(12);
    let to = (at + 12).min(bytes.len());
    let near: String = String::from_utf8_lossy(&bytes[from..to])
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if near.trim().is_empty() {
        message
    } else {
        format!("{message}, near `{}`", near.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use crowdbox_core::wire::LeaseRequest;

    fn headers(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).unwrap(),
        );
        headers
    }

    #[test]
    fn json_content_types_are_recognised_with_parameters_and_suffixes() {
        assert!(has_json_content_type(&headers("application/json")));
        assert!(has_json_content_type(&headers(
            "Application/JSON; charset=utf-8"
        )));
        assert!(has_json_content_type(&headers("application/vnd.api+json")));
        assert!(!has_json_content_type(&headers("text/plain")));
        assert!(!has_json_content_type(&HeaderMap::new()));
    }

    #[test]
    fn a_syntax_error_is_malformed_json() {
        let error = parse_json::<LeaseRequest>(b"{\"worker_id\": ")
            .err()
            .unwrap();
        assert_eq!(error.code(), "malformed_json");
        let error = parse_json::<LeaseRequest>(b"{\"worker_id\": \"w\"} trailing")
            .err()
            .unwrap();
        assert_eq!(error.code(), "malformed_json");
    }

    #[test]
    fn a_syntax_error_shows_the_text_where_parsing_stopped() {
        let error = parse_json::<LeaseRequest>(b"{\n \"worker_id\": NaN }")
            .err()
            .unwrap();
        assert!(error.to_string().contains("near `"), "{error}");
        assert!(error.to_string().contains("NaN"), "{error}");
        let error = parse_json::<LeaseRequest>(b"").err().unwrap();
        assert!(error.to_string().contains("EOF"), "{error}");
    }

    #[test]
    fn a_wrong_shape_names_the_field() {
        let error = parse_json::<LeaseRequest>(b"{\"worker_id\": 5}")
            .err()
            .unwrap();
        assert_eq!(error.code(), "invalid_field");
        assert_eq!(error.body().error.field.as_deref(), Some("worker_id"));
        let error = parse_json::<LeaseRequest>(b"{}").err().unwrap();
        assert_eq!(error.body().error.field.as_deref(), Some("body"));
    }
}
