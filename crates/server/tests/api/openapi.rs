//! `GET /api/openapi.json`: the document, the routes and the README's route table say the same.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::TestApp;

/// (method, path with every `{param}` written `{}`) — parameter names may differ between the README and the code.
type Operation = (String, String);

fn normalized(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

async fn document(app: &TestApp) -> Value {
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status, StatusCode::OK);
    response.json()
}

fn documented(document: &Value) -> BTreeSet<Operation> {
    let mut operations = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in item.as_object().unwrap().keys() {
            operations.insert((method.to_uppercase(), format!("/api{}", normalized(path))));
        }
    }
    operations
}

/// The API rows of the README's route table: `` | `METHOD /api/…` … | ``.
fn readme_operations() -> BTreeSet<Operation> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let section = readme
        .split("\n## HTTP API")
        .nth(1)
        .expect("the README has an HTTP API section")
        .split("\n## ")
        .next()
        .unwrap();
    section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|cell| {
            let request = cell.split('`').next()?;
            let (method, path) = request.split_once(' ')?;
            let path = path.split('?').next()?;
            (path.starts_with("/api/") && path != "/api/openapi.json")
                .then(|| (method.to_owned(), normalized(path)))
        })
        .collect()
}

#[tokio::test]
async fn the_document_lists_exactly_the_routes_the_readme_documents() {
    let app = TestApp::spawn().await;
    let document = document(&app).await;
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    let readme = readme_operations();
    assert!(readme.len() >= 17, "{readme:?}");
    assert_eq!(documented(&document), readme);
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let app = TestApp::spawn_owned().await;
    let document = document(&app).await;
    for (method, path) in documented(&document) {
        let uri = path
            .replace("{}/review", "1/review")
            .replacen("{}", "no-such-job", 1)
            .replace("{}", "1");
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let response = app
            .owner(method.clone(), &uri, Some(&serde_json::json!({})))
            .await;
        let code = response.json::<Value>()["error"]["code"]
            .as_str()
            .map(str::to_owned);
        assert!(
            !matches!(
                code.as_deref(),
                Some("route_not_found" | "method_not_allowed")
            ),
            "{method} {uri}: {}",
            response.text()
        );
    }
}

#[tokio::test]
async fn every_schema_the_document_refers_to_is_in_it() {
    let app = TestApp::spawn().await;
    let document = document(&app).await;
    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("schemas");
    for name in [
        "TaskBatch",
        "Submission",
        "Receipt",
        "ErrorBody",
        "JobList",
        "ReviewPage",
        "ImageDetail",
        "UploadReport",
    ] {
        assert!(schemas.contains_key(name), "{name} is missing");
    }
    let text = document.to_string();
    let mut rest = text.as_str();
    let mut references = 0;
    while let Some(start) = rest.find("#/components/schemas/") {
        let after = &rest[start + "#/components/schemas/".len()..];
        let name = &after[..after.find('"').unwrap()];
        assert!(
            schemas.contains_key(name),
            "{name} is referred to but not defined"
        );
        references += 1;
        rest = after;
    }
    assert!(references > 20);
}
