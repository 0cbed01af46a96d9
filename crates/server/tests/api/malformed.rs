//! A battery of malformed requests to every endpoint. Each gets a 4xx with a JSON error whose code, field or
//! message names the problem, and the database is exactly as before (row counts and a hash of every row).

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use crowdbox_core::wire::Submission;
use crowdbox_server::auth::OwnerToken;
use crowdbox_server::db::Backend;
use crowdbox_server::{ServerConfig, Store};
use sha2::{Digest, Sha256};

use crate::helpers::{submission_for, TestApp};
use crate::malformed_cases as cases;

pub const OWNER: &str = "owner-token-for-the-battery-0123456789";

/// What the answer must say: the error code, and the field or a phrase of the message.
pub struct Case {
    pub name: &'static str,
    pub method: Method,
    pub uri: String,
    pub content_type: Option<&'static str>,
    pub authorization: Option<String>,
    pub body: Vec<u8>,
    pub status: StatusCode,
    pub code: &'static str,
    pub names: Names,
}

pub enum Names {
    Field(&'static str),
    Message(&'static str),
}

/// Every table's rows (all columns as text, in one order) hashed, plus the row counts.
pub async fn database_fingerprint(db: &Store) -> (Vec<(String, i64)>, String) {
    let mut conn = db.connect().await.unwrap();
    let tables: Vec<String> = match conn.backend() {
        Backend::Sqlite => conn.column(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            &[],
        ),
        Backend::Postgres => conn.column(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
            &[],
        ),
    }
    .unwrap();
    let mut hasher = Sha256::new();
    let mut counts = Vec::new();
    for table in tables {
        let rows: Vec<String> = match conn.backend() {
            Backend::Sqlite => {
                let columns: Vec<String> = conn
                    .column(
                        &format!("SELECT name FROM pragma_table_info('{table}')"),
                        &[],
                    )
                    .unwrap();
                let row = columns
                    .iter()
                    .map(|column| format!("quote(\"{column}\")"))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                conn.column(
                    &format!("SELECT {row} FROM \"{table}\" ORDER BY rowid"),
                    &[],
                )
            }
            Backend::Postgres => conn.column(
                &format!("SELECT CAST(t AS TEXT) FROM \"{table}\" t ORDER BY 1"),
                &[],
            ),
        }
        .unwrap();
        hasher.update(table.as_bytes());
        for row in &rows {
            hasher.update(row.as_bytes());
            hasher.update(b"\n");
        }
        counts.push((table, rows.len() as i64));
    }
    (counts, hex::encode(hasher.finalize()))
}

/// Two jobs; worker `w` holds task 1 of `birds`, `other` holds task 2, `z` already submitted task 3.
pub async fn setup() -> (TestApp, Submission) {
    let app = TestApp::spawn_with(ServerConfig {
        owner_token: Some(OwnerToken::new(OWNER).unwrap()),
        ..ServerConfig::default()
    })
    .await;
    app.create_job("birds", &["gull", "tern"], 3, 1, 1).await;
    app.create_job("fish", &["cod"], 1, 1, 1).await;
    let batch = app.lease("birds", "w").await;
    app.lease("birds", "other").await;
    let z_batch = app.lease("birds", "z").await;
    let stored = submission_for(
        &z_batch,
        &z_batch.tasks[0],
        "z",
        "stored-1",
        &[(1, [1.0, 1.0, 2.0, 2.0])],
    );
    assert_eq!(
        app.submit("birds", &stored).await.status,
        StatusCode::CREATED
    );
    let valid = submission_for(
        &batch,
        &batch.tasks[0],
        "w",
        "fresh-1",
        &[(1, [1.0, 1.0, 5.0, 5.0]), (2, [10.0, 10.0, 5.0, 5.0])],
    );
    (app, valid)
}

#[tokio::test]
async fn every_malformed_request_is_a_named_4xx_and_changes_nothing() {
    let (app, valid) = setup().await;
    let valid = serde_json::to_value(&valid).unwrap();
    let before = database_fingerprint(&app.db).await;
    let cases: Vec<Case> = cases::submission_cases(&valid)
        .into_iter()
        .chain(cases::other_cases())
        .collect();
    assert!(cases.len() >= 50, "only {} cases", cases.len());

    for case in cases {
        let mut request = Request::builder()
            .method(case.method.clone())
            .uri(&case.uri);
        if let Some(content_type) = case.content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        if let Some(authorization) = &case.authorization {
            request = request.header(header::AUTHORIZATION, authorization);
        }
        let response = app
            .request(request.body(Body::from(case.body)).unwrap())
            .await;
        let name = case.name;
        assert_eq!(response.status, case.status, "{name}: {}", response.text());
        let error = response.error();
        assert_eq!(error.code, case.code, "{name}: {}", error.message);
        match case.names {
            Names::Field(field) => assert_eq!(
                error.field.as_deref(),
                Some(field),
                "{name}: {}",
                error.message
            ),
            Names::Message(phrase) => assert!(
                error.message.contains(phrase),
                "{name}: {:?} lacks {phrase:?}",
                error.message
            ),
        }
        assert_eq!(
            database_fingerprint(&app.db).await,
            before,
            "{name} changed the database"
        );
    }

    // The valid submission still goes through afterwards: the battery did not break the task.
    let response = app
        .post_raw(cases::SUBMIT, "application/json", valid.to_string())
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
}
