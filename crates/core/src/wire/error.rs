//! The API's errors: one body for every error, and the stable codes both sides match on.

use serde::{Deserialize, Serialize};

/// The stable machine-readable codes of [`ErrorDetail`]: the server's errors map to these, and the app matches
/// on them. A code this build does not know (from a newer server) reads as [`ErrorCode::Unknown`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    JobNotFound,
    JobExists,
    ImageNotFound,
    ExampleNotFound,
    TileNotFound,
    TaskNotFound,
    TaskNotLeased,
    TaskAlreadySubmitted,
    SubmissionIdReused,
    InvalidField,
    MalformedJson,
    UnsupportedMediaType,
    PayloadTooLarge,
    UnreadableBody,
    BadRequest,
    NotFound,
    MethodNotAllowed,
    Timeout,
    Unauthorized,
    InviteRequired,
    InviteInvalid,
    InviteUsed,
    WorkerBlocked,
    RateLimited,
    InternalError,
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// Every code a server sends.
    pub const ALL: [ErrorCode; 25] = [
        Self::JobNotFound,
        Self::JobExists,
        Self::ImageNotFound,
        Self::ExampleNotFound,
        Self::TileNotFound,
        Self::TaskNotFound,
        Self::TaskNotLeased,
        Self::TaskAlreadySubmitted,
        Self::SubmissionIdReused,
        Self::InvalidField,
        Self::MalformedJson,
        Self::UnsupportedMediaType,
        Self::PayloadTooLarge,
        Self::UnreadableBody,
        Self::BadRequest,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::Timeout,
        Self::Unauthorized,
        Self::InviteRequired,
        Self::InviteInvalid,
        Self::InviteUsed,
        Self::WorkerBlocked,
        Self::RateLimited,
        Self::InternalError,
    ];

    /// The code as the JSON body spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::JobNotFound => "job_not_found",
            Self::JobExists => "job_exists",
            Self::ImageNotFound => "image_not_found",
            Self::ExampleNotFound => "example_not_found",
            Self::TileNotFound => "tile_not_found",
            Self::TaskNotFound => "task_not_found",
            Self::TaskNotLeased => "task_not_leased",
            Self::TaskAlreadySubmitted => "task_already_submitted",
            Self::SubmissionIdReused => "submission_id_reused",
            Self::InvalidField => "invalid_field",
            Self::MalformedJson => "malformed_json",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnreadableBody => "unreadable_body",
            Self::BadRequest => "bad_request",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Timeout => "timeout",
            Self::Unauthorized => "unauthorized",
            Self::InviteRequired => "invite_required",
            Self::InviteInvalid => "invite_invalid",
            Self::InviteUsed => "invite_used",
            Self::WorkerBlocked => "worker_blocked",
            Self::RateLimited => "rate_limited",
            Self::InternalError => "internal_error",
            Self::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lets a test or a log line compare a code with its spelling.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Every error the API returns has this JSON body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `invalid_field`, `not_found`, `task_not_leased`.
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// The JSON path of the offending field, when one field is to blame (e.g. `result.annotations[2].bbox`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn every_code_is_spelled_on_the_wire_as_as_str_says() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
    }

    #[test]
    fn a_code_from_a_newer_server_reads_as_unknown() {
        let code: ErrorCode = serde_json::from_str("\"quota_exceeded\"").unwrap();
        assert_eq!(code, ErrorCode::Unknown);
    }
}
