//! What the review tests share: job `tools` answered by two workers, and reading and acting on its review queue.

use axum::http::{Method, StatusCode};
use crowdbox_core::coco::CocoDataset;
use crowdbox_core::owner::{JobList, ReviewPage};

use crate::helpers::{submission_for, TestApp};

pub const HAMMER: u64 = 1;
pub const SAW: u64 = 2;

/// One worker's boxes (category id, bbox) for one image.
pub type Answer = &'static [(u64, [f64; 4])];

/// Job `tools` with three images done by two workers: both drew the same hammer on the first, they disagree on
/// the second (a hammer against a saw elsewhere), and both left the third empty.
pub async fn reviewed_job() -> (TestApp, [u64; 3]) {
    let app = TestApp::spawn_owned().await;
    app.create_job("tools", &["hammer", "saw"], 3, 2, 3).await;
    let answers: [(&str, [Answer; 3]); 2] = [
        (
            "w1",
            [
                &[(HAMMER, [4.0, 4.0, 20.0, 16.0])],
                &[(HAMMER, [2.0, 2.0, 10.0, 10.0])],
                &[],
            ],
        ),
        (
            "w2",
            [
                &[(HAMMER, [4.0, 4.0, 20.0, 16.0])],
                &[(SAW, [25.0, 15.0, 12.0, 12.0])],
                &[],
            ],
        ),
    ];
    let mut ids = [0; 3];
    for (worker, boxes) in answers {
        let batch = app.lease("tools", worker).await;
        assert_eq!(batch.tasks.len(), 3);
        for (index, task) in batch.tasks.iter().enumerate() {
            ids[index] = task.task_id;
            let submission = submission_for(
                &batch,
                task,
                worker,
                &format!("{worker}-{index}"),
                boxes[index],
            );
            assert_eq!(
                app.submit("tools", &submission).await.status,
                StatusCode::CREATED
            );
        }
    }
    (app, ids)
}

pub async fn page(app: &TestApp, query: &str) -> ReviewPage {
    let response = app
        .owner(Method::GET, &format!("/api/jobs/tools/review{query}"), None)
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()
}

pub fn ids_of(page: &ReviewPage) -> Vec<u64> {
    page.images.iter().map(|image| image.image_id).collect()
}

pub async fn review(
    app: &TestApp,
    image_id: u64,
    body: serde_json::Value,
) -> crate::helpers::TestResponse {
    app.owner(
        Method::POST,
        &format!("/api/jobs/tools/images/{image_id}/review"),
        Some(&body),
    )
    .await
}

pub async fn images_done(app: &TestApp) -> u64 {
    let jobs: JobList = app.owner(Method::GET, "/api/jobs", None).await.json();
    jobs.jobs[0].images_done
}

pub async fn exported(app: &TestApp) -> CocoDataset {
    let response = app
        .owner(Method::GET, "/api/jobs/tools/export?format=coco", None)
        .await;
    assert_eq!(response.status, StatusCode::OK);
    response.json()
}
