//! `TestApp`: the real application on a temporary database, with a clock the test moves.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use crowdbox_core::coco::{CocoAnnotation, CocoCategory};
use crowdbox_core::wire::{CocoResult, ErrorBody, ErrorDetail, Submission, Task, TaskBatch};
use crowdbox_server::auth::OwnerToken;
use crowdbox_server::clock::ManualClock;
use crowdbox_server::db::writer::GroupWriter;
use crowdbox_server::db::Pooled;
use crowdbox_server::import::{import_images, ImportReport, ImportRequest};
use crowdbox_server::{app_with, open_database, AppState, ServerConfig, Storage, Store};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tempfile::TempDir;
use tower::ServiceExt;

/// 2025-06-15T14:40:00Z, where every test clock starts.
pub use crate::image_fixtures::{copy_folder, fixture_size, jpeg_with_orientation, png_fixture};

pub const START_MS: i64 = 1_750_000_800_000;
/// The owner token of [`TestApp::spawn_owned`].
pub const OWNER_TOKEN: &str = "owner-token-for-the-tests-abcdefghij";
pub const INDEX_HTML: &str = "<!doctype html><title>crowdbox test app</title>";

pub struct TestApp {
    pub dir: TempDir,
    pub db: Store,
    /// Where `db` and `store` are, as the `crowdbox` binary is told.
    pub storage: Storage,
    pub clock: ManualClock,
    pub store: PathBuf,
    router: Router,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl TestResponse {
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "status {}: body is not the expected JSON ({error}): {}",
                self.status,
                self.text()
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `ErrorBody` of an error response, after checking it is JSON.
    pub fn error(&self) -> ErrorDetail {
        assert_eq!(
            self.headers
                .get(header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok()),
            Some("application/json"),
            "error responses are JSON: {}",
            self.text()
        );
        self.json::<ErrorBody>().error
    }
}

/// How many rows each table holds, to prove a refused request changed nothing.
#[derive(Debug, PartialEq, Eq)]
pub struct RowCounts {
    pub jobs: i64,
    pub labels: i64,
    pub images: i64,
    pub leases: i64,
    pub submissions: i64,
    pub annotations: i64,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(ServerConfig::default()).await
    }

    /// The app with [`OWNER_TOKEN`] as its owner token.
    pub async fn spawn_owned() -> Self {
        Self::spawn_with(ServerConfig {
            owner_token: Some(OwnerToken::new(OWNER_TOKEN).unwrap()),
            ..ServerConfig::default()
        })
        .await
    }

    /// A request with the owner token and, when given, a JSON body.
    pub async fn owner(
        &self,
        method: Method,
        uri: &str,
        body: Option<&serde_json::Value>,
    ) -> TestResponse {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {OWNER_TOKEN}"));
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(serde_json::to_vec(body).unwrap())),
            None => request.body(Body::empty()),
        };
        self.request(request.unwrap()).await
    }

    /// The app with a given configuration (owner token, CORS, frame ancestors, rate limits).
    pub async fn spawn_with(config: ServerConfig) -> Self {
        Self::spawn_in(tempfile::tempdir().expect("a temporary folder"), config).await
    }

    /// The app on a copy of `data`, a folder with `crowdbox.sqlite3` and its image store (as `scripts/run`
    /// keeps them), opened (and so migrated) by today's server.
    pub async fn spawn_on_copy_of(data: &std::path::Path) -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        copy_folder(data, &dir.path().join("data"));
        let storage = Storage::sqlite(&dir.path().join("data").join("crowdbox.sqlite3"));
        Self::spawn_on(dir, storage, ServerConfig::default()).await
    }

    /// The app on a database that exists already (a copy made by `crowdbox migrate`).
    pub async fn spawn_using(storage: Storage) -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        Self::spawn_on(dir, storage, ServerConfig::default()).await
    }

    async fn spawn_in(dir: tempfile::TempDir, config: ServerConfig) -> Self {
        let storage = crate::storage::fresh_storage(dir.path());
        Self::spawn_on(dir, storage, config).await
    }

    async fn spawn_on(dir: tempfile::TempDir, storage: Storage, config: ServerConfig) -> Self {
        let db = open_database(&storage.database)
            .await
            .expect("the database opens");
        let store = storage.image_store.clone();
        let static_dir = dir.path().join("dist");
        std::fs::create_dir_all(&static_dir).unwrap();
        std::fs::write(static_dir.join("index.html"), INDEX_HTML).unwrap();
        let clock = ManualClock::starting_at(START_MS);
        let router = app_with(
            AppState {
                writer: GroupWriter::start(&db).expect("the writer thread starts"),
                db: db.clone(),
                image_store: store.clone(),
                static_dir,
                clock: Arc::new(clock.clone()),
            },
            config,
        );
        Self {
            dir,
            db,
            storage,
            clock,
            store,
            router,
        }
    }

    /// A connection to the app's database, for looking at rows directly.
    pub async fn sql(&self) -> Pooled {
        self.db.connect().await.expect("a database connection")
    }

    /// A folder `name` with `count` distinct PNG images `image-01.png`, … of different sizes.
    pub fn image_folder(&self, name: &str, count: usize) -> PathBuf {
        let folder = self.dir.path().join(name);
        std::fs::create_dir_all(&folder).unwrap();
        for index in 0..count {
            let (width, height) = fixture_size(index);
            std::fs::write(
                folder.join(format!("image-{:02}.png", index + 1)),
                png_fixture(width, height, index as u8),
            )
            .unwrap();
        }
        folder
    }

    /// Creates job `name` with `images` PNGs and the given labels and settings.
    pub async fn create_job(
        &self,
        name: &str,
        labels: &[&str],
        images: usize,
        workers_per_image: u32,
        batch_size: u32,
    ) -> ImportReport {
        let folder = self.image_folder(&format!("{name}-images"), images);
        let request = ImportRequest {
            job: name.to_owned(),
            images_dir: folder,
            labels: Some(labels.iter().map(|label| (*label).to_owned()).collect()),
            instructions: Some(format!("Box every {} you see.", labels.join(" and "))),
            workers_per_image: Some(workers_per_image),
            batch_size: Some(batch_size),
            lease_seconds: None,
            pyramid_threshold_mpx: None,
        };
        self.import(&request).await.expect("the import succeeds")
    }

    pub async fn import(&self, request: &ImportRequest) -> anyhow::Result<ImportReport> {
        import_images(&self.db, &self.store, request, START_MS).await
    }

    pub async fn request(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router always answers");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("the body can be read")
            .to_bytes();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    /// The router's response itself, for a body that streams.
    pub async fn router_response(&self, request: Request<Body>) -> axum::response::Response {
        self.router
            .clone()
            .oneshot(request)
            .await
            .expect("the router always answers")
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        self.request(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post_json(&self, uri: &str, body: &impl Serialize) -> TestResponse {
        self.post_raw(uri, "application/json", serde_json::to_vec(body).unwrap())
            .await
    }

    pub async fn post_raw(
        &self,
        uri: &str,
        content_type: &str,
        body: impl Into<Body>,
    ) -> TestResponse {
        let request = Request::post(uri)
            .header(header::CONTENT_TYPE, content_type)
            .body(body.into())
            .unwrap();
        self.request(request).await
    }

    /// Leases a batch and checks it was granted.
    pub async fn lease(&self, job: &str, worker: &str) -> TaskBatch {
        let response = self
            .post_json(
                &format!("/api/jobs/{job}/batches"),
                &serde_json::json!({ "worker_id": worker }),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        response.json()
    }

    pub async fn submit(&self, job: &str, submission: &Submission) -> TestResponse {
        self.post_json(&format!("/api/jobs/{job}/submissions"), submission)
            .await
    }

    pub async fn row_counts(&self) -> RowCounts {
        let mut counts = Vec::new();
        for table in [
            "jobs",
            "labels",
            "images",
            "leases",
            "submissions",
            "annotations",
        ] {
            let count: i64 = self
                .sql()
                .await
                .value(&format!("SELECT COUNT(*) FROM {table}"), &[])
                .unwrap();
            counts.push(count);
        }
        RowCounts {
            jobs: counts[0],
            labels: counts[1],
            images: counts[2],
            leases: counts[3],
            submissions: counts[4],
            annotations: counts[5],
        }
    }

    /// Every file in the image store, relative to it, sorted.
    pub fn stored_files(&self) -> Vec<String> {
        let mut files = Vec::new();
        collect_files(&self.store, &self.store, &mut files);
        files.sort();
        files
    }
}

fn collect_files(root: &Path, folder: &Path, files: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(root, &path, files);
        } else {
            files.push(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
}

/// An import of the images in `folder` into job `job`, labelled `gull`, with every other setting at its default.
pub fn import_request(job: &str, folder: PathBuf) -> ImportRequest {
    ImportRequest {
        job: job.into(),
        images_dir: folder,
        labels: Some(vec!["gull".into()]),
        ..ImportRequest::default()
    }
}

/// A submission of `boxes` (category id, bbox) for `task`.
pub fn submission_for(
    batch: &TaskBatch,
    task: &Task,
    worker: &str,
    submission_id: &str,
    boxes: &[(u64, [f64; 4])],
) -> Submission {
    Submission {
        submission_id: submission_id.to_owned(),
        worker_id: worker.to_owned(),
        task_id: task.task_id,
        duration_ms: Some(4_200),
        outcome: Default::default(),
        note: None,
        changes: Vec::new(),
        verdicts: Vec::new(),
        result: CocoResult {
            images: vec![task.image.clone()],
            annotations: boxes
                .iter()
                .zip(1..)
                .map(|((category_id, bbox), id)| CocoAnnotation {
                    id,
                    image_id: task.image.id,
                    category_id: *category_id,
                    bbox: *bbox,
                    area: bbox[2] * bbox[3],
                    iscrowd: 0,
                    score: None,
                })
                .collect(),
            categories: batch.categories.clone(),
        },
    }
}

pub fn category_names(categories: &[CocoCategory]) -> Vec<&str> {
    categories
        .iter()
        .map(|category| category.name.as_str())
        .collect()
}
