//! The malformed-request table of `malformed.rs`: one line per case (kept unformatted so the table reads as
//! one).

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::malformed::{Case, Names, OWNER};

pub const SUBMIT: &str = "/api/jobs/birds/submissions";
const LEASE: &str = "/api/jobs/birds/batches";
const BAD: StatusCode = StatusCode::BAD_REQUEST;
const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

fn post(
    name: &'static str,
    uri: &str,
    body: impl Into<Vec<u8>>,
    status: StatusCode,
    code: &'static str,
    names: Names,
) -> Case {
    Case {
        name,
        method: Method::POST,
        uri: uri.to_owned(),
        content_type: Some("application/json"),
        authorization: None,
        body: body.into(),
        status,
        code,
        names,
    }
}

fn get(
    name: &'static str,
    uri: &str,
    status: StatusCode,
    code: &'static str,
    names: Names,
) -> Case {
    Case {
        method: Method::GET,
        content_type: None,
        ..post(name, uri, Vec::new(), status, code, names)
    }
}

/// The valid submission as JSON, changed by `change`.
fn changed(valid: &Value, change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut value = valid.clone();
    change(&mut value);
    serde_json::to_vec(&value).unwrap()
}

/// The valid submission's text with `from` replaced by `to` (for what JSON values cannot express).
fn replaced(valid: &Value, from: &str, to: &str) -> Vec<u8> {
    let text = valid.to_string();
    assert!(text.contains(from), "{from} not in {text}");
    text.replacen(from, to, 1).into_bytes()
}

/// `valid` with byte `0xFF` (never valid UTF-8) inside the submission id.
fn with_invalid_utf8(valid: &Value) -> Vec<u8> {
    let mut bytes = replaced(valid, "\"fresh-1\"", "\"fresh-\u{1}\"");
    let at = bytes.iter().position(|byte| *byte == 1).unwrap();
    bytes[at] = 0xFF;
    bytes
}

fn thousand_and_one_boxes(submission: &mut Value) {
    let one = submission["result"]["annotations"][0].clone();
    let boxes = (1..=1001).map(|id| {
        let mut annotation = one.clone();
        annotation["id"] = json!(id);
        annotation
    });
    submission["result"]["annotations"] = Value::Array(boxes.collect());
}

fn another_workers_task(submission: &mut Value) {
    submission["task_id"] = json!(2);
    submission["result"]["images"][0] =
        json!({"id": 2, "file_name": "image-02.png", "width": 44, "height": 32});
    submission["result"]["annotations"] = json!([]);
}

#[rustfmt::skip]
pub fn submission_cases(v: &Value) -> Vec<Case> {
    use Names::{Field, Message};
    let bbox = "\"bbox\":[1.0,1.0,5.0,5.0]";
    let text = v.to_string();
    let deep = "[".repeat(10_000);
    vec![
        post("empty body", SUBMIT, "", BAD, "malformed_json", Message("EOF")),
        post("truncated JSON", SUBMIT, &text[..40], BAD, "malformed_json", Message("EOF")),
        post("null", SUBMIT, "null", INVALID, "invalid_field", Field("body")),
        post("an array", SUBMIT, "[]", INVALID, "invalid_field", Field("body")),
        post("a string", SUBMIT, "\"submission\"", INVALID, "invalid_field", Field("body")),
        post("trailing garbage", SUBMIT, text.clone() + " x", BAD, "malformed_json", Message("trailing")),
        post("NaN literal", SUBMIT, replaced(v, bbox, "\"bbox\":[NaN,1.0,5.0,5.0]"), BAD, "malformed_json", Message("NaN")),
        post("Infinity literal", SUBMIT, replaced(v, bbox, "\"bbox\":[1.0,1.0,Infinity,5.0]"), BAD, "malformed_json", Message("Infinity")),
        post("-Infinity literal", SUBMIT, replaced(v, bbox, "\"bbox\":[-Infinity,1.0,5.0,5.0]"), BAD, "malformed_json", Message("Infinity")),
        post("number overflowing f64", SUBMIT, replaced(v, bbox, "\"bbox\":[1e999,1.0,5.0,5.0]"), BAD, "malformed_json", Message("out of range")),
        post("huge task id", SUBMIT, replaced(v, "\"task_id\":1", "\"task_id\":100000000000000000000000000000"), INVALID, "invalid_field", Field("task_id")),
        post("negative task id", SUBMIT, changed(v, |s| s["task_id"] = json!(-1)), INVALID, "invalid_field", Field("task_id")),
        post("task id as a string", SUBMIT, changed(v, |s| s["task_id"] = json!("1")), INVALID, "invalid_field", Field("task_id")),
        post("fractional task id", SUBMIT, changed(v, |s| s["task_id"] = json!(1.5)), INVALID, "invalid_field", Field("task_id")),
        post("missing submission_id", SUBMIT, changed(v, |s| { s.as_object_mut().unwrap().remove("submission_id"); }), INVALID, "invalid_field", Message("submission_id")),
        post("missing result", SUBMIT, changed(v, |s| { s.as_object_mut().unwrap().remove("result"); }), INVALID, "invalid_field", Message("result")),
        post("duplicate key", SUBMIT, replaced(v, "\"task_id\":1", "\"task_id\":1,\"task_id\":1"), INVALID, "invalid_field", Message("duplicate field")),
        post("blank submission_id", SUBMIT, changed(v, |s| s["submission_id"] = json!(" ")), INVALID, "invalid_field", Field("submission_id")),
        post("submission_id too long", SUBMIT, changed(v, |s| s["submission_id"] = json!("x".repeat(10_000))), INVALID, "invalid_field", Field("submission_id")),
        post("control character in worker_id", SUBMIT, changed(v, |s| s["worker_id"] = json!("w\u{7}")), INVALID, "invalid_field", Field("worker_id")),
        post("negative duration", SUBMIT, changed(v, |s| s["duration_ms"] = json!(-5)), INVALID, "invalid_field", Field("duration_ms")),
        post("duration as a string", SUBMIT, changed(v, |s| s["duration_ms"] = json!("5s")), INVALID, "invalid_field", Field("duration_ms")),
        post("negative box width", SUBMIT, changed(v, |s| s["result"]["annotations"][0]["bbox"] = json!([10.0, 1.0, -5.0, 5.0])), INVALID, "invalid_field", Field("result.annotations[0].bbox")),
        post("zero box height", SUBMIT, changed(v, |s| s["result"]["annotations"][1]["bbox"] = json!([10.0, 1.0, 5.0, 0.0])), INVALID, "invalid_field", Field("result.annotations[1].bbox")),
        post("box outside the image", SUBMIT, changed(v, |s| s["result"]["annotations"][0]["bbox"] = json!([500.0, 500.0, 5.0, 5.0])), INVALID, "invalid_field", Field("result.annotations[0].bbox")),
        post("box with three numbers", SUBMIT, changed(v, |s| s["result"]["annotations"][0]["bbox"] = json!([1.0, 1.0, 5.0])), INVALID, "invalid_field", Field("result.annotations[0].bbox")),
        post("box with five numbers", SUBMIT, changed(v, |s| s["result"]["annotations"][0]["bbox"] = json!([1.0, 1.0, 5.0, 5.0, 1.0])), INVALID, "invalid_field", Field("result.annotations[0].bbox")),
        post("box as a string", SUBMIT, changed(v, |s| s["result"]["annotations"][0]["bbox"] = json!("1,1,5,5")), INVALID, "invalid_field", Field("result.annotations[0].bbox")),
        post("null in a box", SUBMIT, changed(v, |s| s["result"]["annotations"][0]["bbox"] = json!([null, 1.0, 5.0, 5.0])), INVALID, "invalid_field", Field("result.annotations[0].bbox[0]")),
        post("unknown category", SUBMIT, changed(v, |s| s["result"]["annotations"][0]["category_id"] = json!(99)), INVALID, "invalid_field", Field("result.annotations[0].category_id")),
        post("category zero", SUBMIT, changed(v, |s| s["result"]["annotations"][0]["category_id"] = json!(0)), INVALID, "invalid_field", Field("result.annotations[0].category_id")),
        post("a crowd box", SUBMIT, changed(v, |s| s["result"]["annotations"][0]["iscrowd"] = json!(1)), INVALID, "invalid_field", Field("result.annotations[0].iscrowd")),
        post("a box for another image", SUBMIT, changed(v, |s| s["result"]["annotations"][0]["image_id"] = json!(2)), INVALID, "invalid_field", Field("result.annotations[0].image_id")),
        post("duplicate annotation ids", SUBMIT, changed(v, |s| s["result"]["annotations"][1]["id"] = json!(1)), INVALID, "invalid_field", Field("result.annotations[1].id")),
        post("no image in the result", SUBMIT, changed(v, |s| s["result"]["images"] = json!([])), INVALID, "invalid_field", Message("image")),
        post("wrong image width", SUBMIT, changed(v, |s| s["result"]["images"][0]["width"] = json!(41)), INVALID, "invalid_field", Message("width")),
        post("an unknown category listed", SUBMIT, changed(v, |s| s["result"]["categories"][0]["name"] = json!("eagle")), INVALID, "invalid_field", Field("result.categories[0].name")),
        post("unknown task", SUBMIT, changed(v, |s| s["task_id"] = json!(9999)), StatusCode::NOT_FOUND, "task_not_found", Field("task_id")),
        post("a task of another job", SUBMIT, changed(v, |s| s["task_id"] = json!(4)), StatusCode::NOT_FOUND, "task_not_found", Message("not an image of job \"birds\"")),
        post("another worker's task", SUBMIT, changed(v, another_workers_task), StatusCode::FORBIDDEN, "task_not_leased", Field("task_id")),
        post("unknown job", "/api/jobs/owls/submissions", text.clone(), StatusCode::NOT_FOUND, "job_not_found", Message("owls")),
        post("a reused submission id", SUBMIT, changed(v, |s| s["submission_id"] = json!("stored-1")), StatusCode::CONFLICT, "submission_id_reused", Field("submission_id")),
        post("invalid UTF-8 in a string", SUBMIT, with_invalid_utf8(v), BAD, "malformed_json", Message("unicode")),
        post("a lone surrogate escape", SUBMIT, replaced(v, "\"fresh-1\"", "\"fresh-\\ud800\""), BAD, "malformed_json", Message("hex escape")),
        post("a byte order mark", SUBMIT, [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(), BAD, "malformed_json", Message("expected value")),
        post("ten thousand nested arrays", SUBMIT, deep.clone(), INVALID, "invalid_field", Message("invalid type: sequence")),
        post("nested arrays where a number goes", SUBMIT, replaced(v, "\"duration_ms\":4200", &format!("\"duration_ms\":{deep}")), INVALID, "invalid_field", Field("duration_ms")),
        post("1001 boxes", SUBMIT, changed(v, thousand_and_one_boxes), INVALID, "invalid_field", Field("result.annotations")),
        post("a body over 1 MiB", SUBMIT, changed(v, |s| s["worker_id"] = json!("w".repeat(1 << 20))), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", Message("1048576")),
        Case { content_type: Some("text/plain"), ..post("text/plain", SUBMIT, text.clone(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", Message("Content-Type")) },
        Case { content_type: None, ..post("no content type", SUBMIT, text.clone(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", Message("Content-Type")) },
        Case { method: Method::PUT, ..post("PUT", SUBMIT, text, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", Message("PUT")) },
    ]
}

#[rustfmt::skip]
pub fn other_cases() -> Vec<Case> {
    use Names::{Field, Message};
    let bearer = Some(format!("Bearer {OWNER}"));
    let export = "/api/jobs/birds/export";
    vec![
        post("lease: empty body", LEASE, "", BAD, "malformed_json", Message("EOF")),
        post("lease: missing worker_id", LEASE, "{}", INVALID, "invalid_field", Message("worker_id")),
        post("lease: worker_id a number", LEASE, "{\"worker_id\":5}", INVALID, "invalid_field", Field("worker_id")),
        post("lease: empty worker_id", LEASE, "{\"worker_id\":\"\"}", INVALID, "invalid_field", Field("worker_id")),
        post("lease: worker_id too long", LEASE, json!({"worker_id": "w".repeat(200)}).to_string(), INVALID, "invalid_field", Field("worker_id")),
        post("lease: invalid UTF-8", LEASE, b"{\"worker_id\":\"\xFF\"}".to_vec(), BAD, "malformed_json", Message("unicode")),
        post("lease: unknown job", "/api/jobs/owls/batches", "{\"worker_id\":\"w\"}", StatusCode::NOT_FOUND, "job_not_found", Message("owls")),
        post("lease: body over 1 MiB", LEASE, json!({"worker_id": "w".repeat(1 << 20)}).to_string(), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", Message("limit")),
        Case { content_type: Some("application/x-www-form-urlencoded"), ..post("lease: a form", LEASE, "worker_id=w", StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", Message("application/json")) },
        get("job info: unknown job", "/api/jobs/owls", StatusCode::NOT_FOUND, "job_not_found", Message("owls")),
        get("job info: a name that is not UTF-8", "/api/jobs/%FF", BAD, "bad_request", Message("UTF-8")),
        get("image: not a number", "/api/images/abc", StatusCode::NOT_FOUND, "image_not_found", Message("abc")),
        get("image: unknown id", "/api/images/99999", StatusCode::NOT_FOUND, "image_not_found", Message("99999")),
        get("image: path traversal", "/api/images/..%2F..%2Fetc%2Fpasswd", StatusCode::NOT_FOUND, "image_not_found", Message("passwd")),
        Case { method: Method::POST, ..get("image: POST", "/api/images/1", StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", Message("POST")) },
        get("export: no owner token", export, StatusCode::UNAUTHORIZED, "unauthorized", Message("owner token")),
        Case { authorization: Some("Bearer guess".to_owned()), ..get("export: wrong owner token", export, StatusCode::UNAUTHORIZED, "unauthorized", Message("wrong")) },
        Case { authorization: bearer.clone(), ..get("export: unknown job", "/api/jobs/owls/export", StatusCode::NOT_FOUND, "job_not_found", Message("owls")) },
        Case { authorization: bearer.clone(), ..get("export: unknown format", "/api/jobs/birds/export?format=pdf", INVALID, "invalid_field", Field("format")) },
        Case { authorization: bearer.clone(), ..get("export: unknown query field", "/api/jobs/birds/export?fromat=coco", INVALID, "invalid_field", Message("fromat")) },
        Case { authorization: bearer.clone(), ..get("export: method without consolidation", "/api/jobs/birds/export?method=cvat", INVALID, "invalid_field", Field("method")) },
        Case { authorization: bearer, ..get("stats: unknown job", "/api/jobs/owls/stats", StatusCode::NOT_FOUND, "job_not_found", Message("owls")) },
        get("stats: no owner token", "/api/jobs/birds/stats", StatusCode::UNAUTHORIZED, "unauthorized", Message("owner")),
        get("an unknown API route", "/api/nothing", StatusCode::NOT_FOUND, "not_found", Message("/api/nothing")),
        Case { method: Method::DELETE, ..get("DELETE a job", "/api/jobs/birds", StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", Message("DELETE")) },
    ]
}
