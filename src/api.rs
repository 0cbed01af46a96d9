//! The one module that talks to the crowdbox server. Every request and answer uses the wire types of
//! `crowdbox_core::wire`, so the JSON shape is defined once for both sides.

use crowdbox_core::wire::{ErrorBody, ErrorCode, LeaseRequest, Receipt, TaskBatch};
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;

pub use crowdbox_core::worker::ApiError;

/// `path` resolved against the API base when it is a server path (starts with `/`); other URLs (absolute image
/// URLs of imported or host-given images) as they are. `base` is where the API lives (e.g.
/// `https://crowdbox.example`, no trailing `/`); empty is the origin that served the app. The page's
/// [`crate::work_source::WorkSource`] decides it (an embedding host may name another).
pub fn api_url(base: &str, path: &str) -> String {
    if path.starts_with('/') && !path.starts_with("//") {
        format!("{base}{path}")
    } else {
        path.to_owned()
    }
}

/// The `/api/jobs/{job}` prefix, with the job name encoded so any name is one path segment.
fn job_path(job: &str) -> String {
    let encoded: String = js_sys::encode_uri_component(job).into();
    format!("/api/jobs/{encoded}")
}

/// A POST to `url`, carrying the volunteer's invite when the job needs one.
fn post(url: &str, invite: Option<&str>) -> gloo_net::http::RequestBuilder {
    let builder = Request::post(url);
    match invite {
        Some(token) => builder.header("Authorization", &format!("Bearer {token}")),
        None => builder,
    }
}

/// `POST /api/jobs/{job}/batches`: lease the next batch of tasks (or get back the ones this worker still holds).
pub async fn lease_batch(
    base: &str,
    job: &str,
    worker_id: &str,
    invite: Option<&str>,
) -> Result<TaskBatch, ApiError> {
    let body = LeaseRequest {
        worker_id: worker_id.to_owned(),
    };
    let url = api_url(base, &format!("{}/batches", job_path(job)));
    let request = post(&url, invite)
        .json(&body)
        .map_err(|e| request_error("lease tasks", e))?;
    let response = request
        .send()
        .await
        .map_err(|e| unreachable_error("lease tasks", e))?;
    decode(response, "lease tasks").await
}

/// The URL the server takes submissions of `job` at.
pub fn submissions_url(base: &str, job: &str) -> String {
    api_url(base, &format!("{}/submissions", job_path(job)))
}

/// `POST /api/jobs/{job}/submissions` with a body queued in the outbox (a serialized `Submission`), sent as the
/// exact bytes given. Sending the same body again is safe: the server answers a repeat of the same
/// `submission_id` with the first receipt.
pub async fn submit_body(url: &str, body: &str, invite: Option<&str>) -> Result<Receipt, ApiError> {
    let request = post(url, invite)
        .header("Content-Type", "application/json")
        .body(body.to_owned())
        .map_err(|e| request_error("submit", e))?;
    let response = request
        .send()
        .await
        .map_err(|e| unreachable_error("submit", e))?;
    decode(response, "submit").await
}

/// A 2xx answer decoded as `T`; anything else turned into an [`ApiError`] carrying the server's message.
async fn decode<T: DeserializeOwned>(response: Response, what: &str) -> Result<T, ApiError> {
    let status = response.status();
    if response.ok() {
        return response.json::<T>().await.map_err(|e| ApiError {
            status: Some(status),
            code: None,
            message: format!("Could not {what}: the server's answer was not understood ({e})."),
        });
    }
    let text = response.text().await.unwrap_or_default();
    Err(error_from_body(status, &response.status_text(), &text))
}

const INVITE_REQUIRED: &str =
    "This job is invite-only. Open it with the invite link the job owner gave you.";
const INVITE_INVALID: &str =
    "This invite is not valid for this job. Check the link, or ask the job owner for a new invite.";

const WORKER_BLOCKED: &str = "Thank you for your help. Your recent boxes too often disagreed with the known \
     answers, so this job gives you no more tasks. Ask the job owner if you think this is a mistake.";

/// The server's `ErrorBody` message when the body is one; otherwise a sentence naming the status.
fn error_from_body(status: u16, status_text: &str, body: &str) -> ApiError {
    match serde_json::from_str::<ErrorBody>(body) {
        Ok(ErrorBody { error }) => {
            let message = match (error.code, error.field) {
                // The server's words for these address a developer (which header to send); a volunteer only
                // has the link they were given.
                (ErrorCode::InviteRequired, _) => INVITE_REQUIRED.to_owned(),
                (ErrorCode::InviteInvalid, _) => INVITE_INVALID.to_owned(),
                (ErrorCode::WorkerBlocked, _) => WORKER_BLOCKED.to_owned(),
                (_, Some(field)) if !error.message.contains(&field) => {
                    format!("{} (field: {field})", error.message)
                }
                _ => error.message,
            };
            ApiError {
                status: Some(status),
                code: Some(error.code),
                message,
            }
        }
        Err(_) => ApiError {
            status: Some(status),
            code: None,
            message: if status_text.is_empty() {
                format!("The server answered {status}.")
            } else {
                format!("The server answered {status} {status_text}.")
            },
        },
    }
}

fn request_error(what: &str, e: gloo_net::Error) -> ApiError {
    ApiError {
        status: None,
        code: None,
        message: format!("Could not {what}: the request could not be made ({e})."),
    }
}

fn unreachable_error(what: &str, e: gloo_net::Error) -> ApiError {
    ApiError {
        status: None,
        code: None,
        message: format!(
            "Could not {what}: the server could not be reached ({e}). Your work is kept; try again."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn an_error_body_gives_the_servers_message_and_field() {
        let body = r#"{"error":{"code":"invalid_field","message":"bbox is outside the image","field":"result.annotations[0].bbox"}}"#;
        let e = error_from_body(422, "Unprocessable Entity", body);
        assert_eq!(e.status, Some(422));
        assert_eq!(e.code, Some(ErrorCode::InvalidField));
        assert_eq!(
            e.message,
            "bbox is outside the image (field: result.annotations[0].bbox)"
        );
    }

    #[test]
    fn server_messages_are_shown_as_written_except_invite_errors_which_speak_to_volunteers() {
        let body =
            r#"{"error":{"code":"rate_limited","message":"too many requests; try again in 3 s"}}"#;
        assert_eq!(
            error_from_body(429, "Too Many Requests", body).message,
            "too many requests; try again in 3 s"
        );
        let body =
            r#"{"error":{"code":"invite_required","message":"send `Authorization: Bearer`"}}"#;
        let e = error_from_body(401, "Unauthorized", body);
        assert_eq!(e.code, Some(ErrorCode::InviteRequired));
        assert!(
            e.message.starts_with("This job is invite-only."),
            "{}",
            e.message
        );
        assert!(!e.message.contains("Bearer"));
        let body = r#"{"error":{"code":"worker_blocked","message":"worker \"w\" can no longer take tasks"}}"#;
        let e = error_from_body(403, "Forbidden", body);
        assert!(
            e.message.starts_with("Thank you for your help."),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_body_that_is_not_an_error_body_names_the_status() {
        let e = error_from_body(502, "Bad Gateway", "<html>proxy</html>");
        assert_eq!(e.code, None);
        assert_eq!(e.message, "The server answered 502 Bad Gateway.");
        let e = error_from_body(500, "", "");
        assert_eq!(e.message, "The server answered 500.");
    }
}
