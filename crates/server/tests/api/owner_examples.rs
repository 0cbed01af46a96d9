//! A job's example images after it was made: `POST /api/jobs/{job}/example-files` stores an image file, and
//! `PATCH /api/jobs/{job}` with `good_examples` / `bad_examples` shows it (and URLs) to volunteers, all or nothing.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use crowdbox_core::owner::{ExampleFile, JobList, JobOverview, JobPatched};
use crowdbox_core::wire::ExampleKind;
use serde_json::json;

use crate::helpers::{png_fixture, TestApp, TestResponse, OWNER_TOKEN};
use crate::owner_upload::{multipart, Part, BOUNDARY};

async fn upload_example(
    app: &TestApp,
    job: &str,
    parts: &[Part<'_>],
    token: Option<&str>,
) -> TestResponse {
    let body = multipart(parts);
    let mut request = Request::post(format!("/api/jobs/{job}/example-files")).header(
        header::CONTENT_TYPE,
        format!("multipart/form-data; boundary={BOUNDARY}"),
    );
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    app.request(request.body(Body::from(body)).unwrap()).await
}

/// Uploads `bytes` as the example file and gives what the server stored.
async fn uploaded(app: &TestApp, job: &str, bytes: Vec<u8>) -> ExampleFile {
    let response = upload_example(
        app,
        job,
        &[Part::File("file", "gull.png", bytes)],
        Some(OWNER_TOKEN),
    )
    .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    response.json()
}

async fn patch(app: &TestApp, job: &str, body: serde_json::Value) -> TestResponse {
    app.owner(Method::PATCH, &format!("/api/jobs/{job}"), Some(&body))
        .await
}

async fn overview(app: &TestApp, job: &str) -> JobOverview {
    let list: JobList = app.owner(Method::GET, "/api/jobs", None).await.json();
    list.jobs.into_iter().find(|j| j.name == job).unwrap()
}

#[tokio::test]
async fn an_uploaded_example_file_shows_to_volunteers_once_a_patch_names_it() {
    let app = TestApp::spawn_owned().await;
    app.create_job("birds", &["gull"], 3, 1, 1).await;
    let picture = png_fixture(12, 9, 40);
    let file = uploaded(&app, "birds", picture.clone()).await;
    assert!(
        file.src.starts_with("sha256:") && file.src.len() == 71,
        "{file:?}"
    );
    assert_eq!(
        (file.mime.as_str(), file.width, file.height),
        ("image/png", 12, 9)
    );
    assert!(
        overview(&app, "birds").await.examples.is_empty(),
        "uploading alone changes no job"
    );
    assert!(app.lease("birds", "w1").await.examples.is_empty());

    let response = patch(
        &app,
        "birds",
        json!({"good_examples": [file.src], "bad_examples": ["https://example.org/bad.jpg"]}),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let patched: JobPatched = response.json();
    assert_eq!(patched.changed, ["examples"]);
    let listed: Vec<(ExampleKind, &str, &str)> = patched
        .job
        .examples
        .iter()
        .map(|e| (e.kind, e.src.as_str(), e.url.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (
                ExampleKind::Good,
                file.src.as_str(),
                "/api/jobs/birds/examples/0"
            ),
            (
                ExampleKind::Bad,
                "https://example.org/bad.jpg",
                "https://example.org/bad.jpg"
            ),
        ]
    );

    // The next volunteer's batch carries them, and the stored one is served (asked again each time: the
    // examples can change under the same address).
    let batch = app.lease("birds", "w2").await;
    let shown: Vec<(ExampleKind, &str)> = batch
        .examples
        .iter()
        .map(|e| (e.kind, e.url.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            (ExampleKind::Good, "/api/jobs/birds/examples/0"),
            (ExampleKind::Bad, "https://example.org/bad.jpg")
        ]
    );
    let served = app.get("/api/jobs/birds/examples/0").await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.body, picture);
    assert_eq!(served.headers[header::CACHE_CONTROL], "no-cache");

    // The same list again changes nothing; an empty good list removes the good one and keeps the bad one.
    let again = patch(
        &app,
        "birds",
        json!({"good_examples": [file.src], "bad_examples": ["https://example.org/bad.jpg"]}),
    )
    .await;
    assert_eq!(again.json::<JobPatched>().changed, Vec::<String>::new());
    let removed: JobPatched = patch(&app, "birds", json!({"good_examples": []}))
        .await
        .json();
    assert_eq!(removed.changed, ["examples"]);
    let kinds: Vec<ExampleKind> = removed.job.examples.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [ExampleKind::Bad]);
    let batch = app.lease("birds", "w3").await;
    assert_eq!(batch.examples.len(), 1);
    assert_eq!(batch.examples[0].url, "https://example.org/bad.jpg");
    assert_eq!(
        app.get("/api/jobs/birds/examples/0").await.status,
        StatusCode::NOT_FOUND,
        "index 0 is a URL example now"
    );
}

#[tokio::test]
async fn a_stored_example_is_kept_by_its_src_and_a_new_file_takes_its_place_under_the_same_index() {
    let app = TestApp::spawn_owned().await;
    app.create_job("birds", &["gull"], 2, 1, 1).await;
    let first = uploaded(&app, "birds", png_fixture(8, 8, 1)).await;
    let second = uploaded(&app, "birds", png_fixture(6, 4, 200)).await;
    patch(&app, "birds", json!({"good_examples": [first.src]})).await;
    // Swapping which is good and which is bad.
    let response = patch(
        &app,
        "birds",
        json!({"good_examples": [second.src], "bad_examples": [first.src]}),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(
        app.get("/api/jobs/birds/examples/0").await.body,
        png_fixture(6, 4, 200)
    );
    assert_eq!(
        app.get("/api/jobs/birds/examples/1").await.body,
        png_fixture(8, 8, 1)
    );
    let kinds: Vec<(ExampleKind, String)> = overview(&app, "birds")
        .await
        .examples
        .into_iter()
        .map(|e| (e.kind, e.src))
        .collect();
    assert_eq!(
        kinds,
        [
            (ExampleKind::Good, second.src),
            (ExampleKind::Bad, first.src)
        ]
    );
}

#[tokio::test]
async fn example_files_and_example_patches_need_the_owner_token() {
    let app = TestApp::spawn_owned().await;
    app.create_job("birds", &["gull"], 1, 1, 1).await;
    let invite = crowdbox_server::invites::create_invites(&app.db, "birds", 1, 0)
        .await
        .unwrap()
        .remove(0);
    for token in [
        None,
        Some("not-the-owner-token-at-all-0000"),
        Some(invite.as_str()),
    ] {
        let response = upload_example(
            &app,
            "birds",
            &[Part::File("file", "g.png", png_fixture(4, 4, 9))],
            token,
        )
        .await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(response.error().code, "unauthorized");
        let mut request =
            Request::patch("/api/jobs/birds").header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = json!({"good_examples": ["https://example.org/g.jpg"]}).to_string();
        let refused = app.request(request.body(Body::from(body)).unwrap()).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{token:?}");
    }
    assert!(app.stored_files().iter().all(|f| !f.ends_with(".partial")));
    assert!(overview(&app, "birds").await.examples.is_empty());
    let files_before = app.stored_files();
    assert_eq!(
        files_before.len(),
        1,
        "only the job's image: {files_before:?}"
    );
}

#[tokio::test]
async fn a_bad_example_upload_is_refused_naming_the_part_and_nothing_is_stored() {
    let app = TestApp::spawn_owned().await;
    app.create_job("birds", &["gull"], 1, 1, 1).await;
    let before = app.stored_files();
    let png = || png_fixture(4, 4, 9);
    let cases: Vec<(Vec<Part<'_>>, &str, &str)> = vec![
        (
            vec![Part::File("file", "notes.txt", b"not a picture".to_vec())],
            "file",
            "notes.txt",
        ),
        (
            vec![Part::File("file", "cut.png", png()[..40].to_vec())],
            "file",
            "cut.png",
        ),
        (vec![], "file", "no file part"),
        (
            vec![
                Part::File("file", "a.png", png()),
                Part::File("file", "b.png", png()),
            ],
            "file",
            "two file parts",
        ),
        (vec![Part::Text("kind", "good")], "body", "\"kind\""),
    ];
    for (parts, field, says) in cases {
        let response = upload_example(&app, "birds", &parts, Some(OWNER_TOKEN)).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{says}: {}",
            response.text()
        );
        let error = response.error();
        assert_eq!(error.field.as_deref(), Some(field), "{error:?}");
        assert!(error.message.contains(says), "{error:?}");
    }
    let not_multipart = app
        .request(
            Request::post("/api/jobs/birds/example-files")
                .header(header::AUTHORIZATION, format!("Bearer {OWNER_TOKEN}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(not_multipart.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(not_multipart.error().field.as_deref(), Some("body"));
    let unknown = upload_example(
        &app,
        "herons",
        &[Part::File("file", "g.png", png())],
        Some(OWNER_TOKEN),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.error().code, "job_not_found");
    let huge = upload_example(
        &app,
        "birds",
        &[Part::File("file", "huge.png", vec![0; 21 * 1024 * 1024])],
        Some(OWNER_TOKEN),
    )
    .await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(huge.error().code, "payload_too_large");
    assert_eq!(app.stored_files(), before, "nothing was stored");
}

#[tokio::test]
async fn a_bad_example_in_a_patch_is_named_and_nothing_changes() {
    let app = TestApp::spawn_owned().await;
    app.create_job("birds", &["gull"], 1, 1, 1).await;
    let file = uploaded(&app, "birds", png_fixture(5, 5, 70)).await;
    patch(&app, "birds", json!({"bad_examples": [file.src]})).await;
    let before = app.owner(Method::GET, "/api/jobs", None).await.text();
    let unknown = format!("sha256:{}", "0".repeat(64));
    let cases = [
        (
            json!({"batch_size": 9, "good_examples": ["https://example.org/g.jpg", "/etc/passwd"]}),
            "good_examples[1]",
            "\"/etc/passwd\"",
        ),
        (
            json!({"good_examples": [unknown]}),
            "good_examples[0]",
            "no image file",
        ),
        (
            json!({"mode": "verify", "good_examples": [], "bad_examples": [file.src, "sha256:abc"]}),
            "bad_examples[1]",
            "64 lowercase hex digits",
        ),
        (
            json!({"good_examples": ["sha256:../../../../etc/passwd"]}),
            "good_examples[0]",
            "sha256",
        ),
        (
            json!({"good_examples": "https://example.org/g.jpg"}),
            "good_examples",
            "sequence",
        ),
    ];
    for (body, field, says) in cases {
        let response = patch(&app, "birds", body.clone()).await;
        assert!(
            response.status.is_client_error(),
            "{body}: {}",
            response.text()
        );
        let error = response.error();
        assert_eq!(error.field.as_deref(), Some(field), "{body}: {error:?}");
        assert!(error.message.contains(says), "{body}: {error:?}");
    }
    assert_eq!(
        app.owner(Method::GET, "/api/jobs", None).await.text(),
        before,
        "no setting changed"
    );
    let unknown_job = patch(&app, "herons", json!({"good_examples": []})).await;
    assert_eq!(unknown_job.status, StatusCode::NOT_FOUND);
}
