//! The one error type of the HTTP API. Every variant becomes the JSON `ErrorBody` of `crowdbox_core::wire` with
//! a stable `code`, the matching status and, where one field is to blame, its JSON path.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use crowdbox_core::validate::FieldError;
use crowdbox_core::wire::{ErrorBody, ErrorCode, ErrorDetail};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("there is no job called {0:?}")]
    JobNotFound(String),
    #[error("there is already a job called {0:?}")]
    JobExists(String),
    #[error("there is no image with id {0}")]
    ImageNotFound(String),
    #[error("image {image} has no tile {tile} (level/x/y)")]
    TileNotFound { image: String, tile: String },
    #[error("job {job:?} has no example image {index}")]
    ExampleNotFound { job: String, index: String },
    #[error("task {task_id} is not an image of job {job:?}")]
    TaskNotFound { job: String, task_id: u64 },
    #[error("{0}")]
    TaskNotLeased(String),
    #[error(
        "worker {worker_id:?} already submitted task {task_id}; each worker boxes an image once"
    )]
    TaskAlreadySubmitted { worker_id: String, task_id: u64 },
    #[error("submission_id {0:?} was already used for a submission with different content")]
    SubmissionIdReused(String),
    /// Well-formed JSON whose content breaks a rule.
    #[error("{}", .0.message)]
    InvalidField(FieldError),
    /// A body that is not JSON at all.
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    #[error("expected a JSON body with the header `Content-Type: application/json`")]
    UnsupportedMediaType,
    #[error("the request body is larger than the limit of {limit_bytes} bytes")]
    PayloadTooLarge { limit_bytes: usize },
    #[error("the request body could not be read: {0}")]
    UnreadableBody(String),
    #[error("there is no API route {0}")]
    RouteNotFound(String),
    #[error("method {0} is not allowed on this API route")]
    MethodNotAllowed(String),
    #[error("the server took too long to answer; try again")]
    Timeout,
    /// An owner endpoint called without the owner token.
    #[error("this endpoint is for the job owner: send the owner token as `Authorization: Bearer <token>`")]
    OwnerTokenMissing,
    #[error("the owner token is wrong")]
    OwnerTokenWrong,
    #[error("job {0:?} is invite-only: send your invite as `Authorization: Bearer <invite>`")]
    InviteRequired(String),
    #[error("this invite is not valid for job {0:?}")]
    InviteInvalid(String),
    #[error(
        "this invite is already used by another worker; ask the job owner for your own invite"
    )]
    InviteUsedByAnother,
    /// Quality control stopped taking this worker's work (`--block-below`).
    #[error(
        "worker {worker_id:?} can no longer take tasks of job {job:?}: their boxes too often disagreed with \
         the known answers; thank you for your time"
    )]
    WorkerBlocked { job: String, worker_id: String },
    #[error("too many requests from {who}; try again in {retry_after_s} s")]
    RateLimited { who: String, retry_after_s: u64 },
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        Self::InvalidField(error)
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::JobNotFound(_)
            | Self::ImageNotFound(_)
            | Self::ExampleNotFound { .. }
            | Self::TileNotFound { .. }
            | Self::TaskNotFound { .. }
            | Self::RouteNotFound(_) => StatusCode::NOT_FOUND,
            Self::TaskNotLeased(_) => StatusCode::FORBIDDEN,
            Self::TaskAlreadySubmitted { .. }
            | Self::SubmissionIdReused(_)
            | Self::JobExists(_) => StatusCode::CONFLICT,
            Self::InvalidField(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::MalformedJson(_) | Self::UnreadableBody(_) => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            Self::OwnerTokenMissing | Self::OwnerTokenWrong | Self::InviteRequired(_) => {
                StatusCode::UNAUTHORIZED
            }
            Self::InviteInvalid(_) | Self::InviteUsedByAnother | Self::WorkerBlocked { .. } => {
                StatusCode::FORBIDDEN
            }
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code clients branch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::JobNotFound(_) => ErrorCode::JobNotFound,
            Self::JobExists(_) => ErrorCode::JobExists,
            Self::ImageNotFound(_) => ErrorCode::ImageNotFound,
            Self::ExampleNotFound { .. } => ErrorCode::ExampleNotFound,
            Self::TileNotFound { .. } => ErrorCode::TileNotFound,
            Self::TaskNotFound { .. } => ErrorCode::TaskNotFound,
            Self::TaskNotLeased(_) => ErrorCode::TaskNotLeased,
            Self::TaskAlreadySubmitted { .. } => ErrorCode::TaskAlreadySubmitted,
            Self::SubmissionIdReused(_) => ErrorCode::SubmissionIdReused,
            Self::InvalidField(_) => ErrorCode::InvalidField,
            Self::MalformedJson(_) => ErrorCode::MalformedJson,
            Self::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            Self::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            Self::UnreadableBody(_) => ErrorCode::UnreadableBody,
            Self::RouteNotFound(_) => ErrorCode::NotFound,
            Self::MethodNotAllowed(_) => ErrorCode::MethodNotAllowed,
            Self::Timeout => ErrorCode::Timeout,
            Self::OwnerTokenMissing | Self::OwnerTokenWrong => ErrorCode::Unauthorized,
            Self::InviteRequired(_) => ErrorCode::InviteRequired,
            Self::InviteInvalid(_) => ErrorCode::InviteInvalid,
            Self::InviteUsedByAnother => ErrorCode::InviteUsed,
            Self::WorkerBlocked { .. } => ErrorCode::WorkerBlocked,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Internal(_) => ErrorCode::InternalError,
        }
    }

    fn field(&self) -> Option<String> {
        match self {
            Self::InvalidField(error) => Some(error.field.clone()),
            Self::TaskNotFound { .. }
            | Self::TaskNotLeased(_)
            | Self::TaskAlreadySubmitted { .. } => Some("task_id".to_owned()),
            Self::SubmissionIdReused(_) => Some("submission_id".to_owned()),
            Self::JobExists(_) => Some("name".to_owned()),
            _ => None,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
                field: self.field(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(error) = &self {
            // People get a generic sentence; the details (database paths, SQL) stay in the server log.
            tracing::error!(error = format!("{error:#}"), "request failed");
        }
        let mut response = (self.status(), Json(self.body())).into_response();
        let headers = response.headers_mut();
        match &self {
            Self::RateLimited { retry_after_s, .. } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_s));
            }
            Self::OwnerTokenMissing | Self::OwnerTokenWrong | Self::InviteRequired(_) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"crowdbox\""),
                );
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_field_names_the_field_and_is_unprocessable() {
        let error = ApiError::from(FieldError::new(
            "result.annotations[0].bbox",
            "bbox lies outside",
        ));
        assert_eq!(error.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = error.body();
        assert_eq!(body.error.code, "invalid_field");
        assert_eq!(
            body.error.field.as_deref(),
            Some("result.annotations[0].bbox")
        );
        assert_eq!(body.error.message, "bbox lies outside");
    }

    #[test]
    fn internal_errors_do_not_leak_their_details() {
        let error = ApiError::from(anyhow::anyhow!("secret path /var/db"));
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(error.body().error.message, "internal error");
    }

    #[test]
    fn a_rate_limited_answer_says_when_to_come_back() {
        let response = ApiError::RateLimited {
            who: "worker \"w\"".to_owned(),
            retry_after_s: 7,
        }
        .into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
    }

    #[test]
    fn an_unauthorized_answer_asks_for_a_bearer_token() {
        let response = ApiError::OwnerTokenMissing.into_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.headers()[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Bearer"));
    }
}
