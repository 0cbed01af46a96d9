//! The owner's review: the queue, one image's submissions, and accept / correct / reopen (what the exports give
//! afterwards is in `owner_review_exports.rs`).

use axum::http::{Method, StatusCode};
use crowdbox_core::owner::{ImageDetail, ReviewState};
use serde_json::json;

use crate::helpers::{submission_for, TestApp};
use crate::owner_review_support::{exported, ids_of, images_done, page, review, reviewed_job, SAW};

#[tokio::test]
async fn the_queue_lists_answered_images_with_their_consolidated_boxes_and_filters_them() {
    let (app, [agreed, disputed, empty]) = reviewed_job().await;

    let all = page(&app, "").await;
    assert_eq!(ids_of(&all), vec![agreed, disputed, empty]);
    let first = &all.images[0];
    assert_eq!((first.workers, first.confidence), (2, 1.0));
    assert_eq!(first.boxes.len(), 1);
    assert_eq!(
        (first.boxes[0].label.as_str(), first.boxes[0].bbox),
        ("hammer", [4.0, 4.0, 20.0, 16.0])
    );
    assert_eq!(first.image_url, format!("/api/images/{agreed}"));
    assert!(all.images[1].confidence < 1.0);
    assert_eq!(all.images[2].confidence, 1.0);
    assert!(all.next_cursor.is_none());

    assert_eq!(
        ids_of(&page(&app, "?filter=disagreement").await),
        vec![disputed]
    );
    assert_eq!(
        ids_of(&page(&app, "?filter=low_confidence").await),
        vec![disputed]
    );
    let disputed_confidence = all.images[1].confidence;
    assert_eq!(
        ids_of(
            &page(
                &app,
                &format!("?filter=low_confidence&below={disputed_confidence}")
            )
            .await
        ),
        Vec::<u64>::new(),
        "below is strict"
    );
    assert_eq!(
        ids_of(
            &page(
                &app,
                &format!(
                    "?filter=low_confidence&below={}",
                    disputed_confidence + 0.01
                )
            )
            .await
        ),
        vec![disputed]
    );
    assert!(ids_of(&page(&app, "?label=hammer").await).contains(&agreed));
    assert!(!ids_of(&page(&app, "?label=hammer").await).contains(&empty));
    assert_eq!(ids_of(&page(&app, "?worker=w2").await).len(), 3);
    assert_eq!(
        ids_of(&page(&app, "?worker=nobody").await),
        Vec::<u64>::new()
    );
    assert_eq!(
        ids_of(&page(&app, "?outcome=boxed").await),
        vec![agreed, disputed]
    );
}

#[tokio::test]
async fn the_queue_comes_page_by_page_with_a_cursor_until_the_last_page() {
    let (app, ids) = reviewed_job().await;
    let mut seen = Vec::new();
    let mut query = "?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let page = page(&app, &query).await;
        pages += 1;
        assert!(page.images.len() <= 2);
        seen.extend(ids_of(&page));
        match page.next_cursor {
            Some(cursor) => query = format!("?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!((seen, pages), (ids.to_vec(), 2));
}

#[tokio::test]
async fn an_image_shows_every_submission_with_its_worker_boxes_and_time() {
    let (app, [_, disputed, _]) = reviewed_job().await;
    let response = app
        .owner(
            Method::GET,
            &format!("/api/jobs/tools/images/{disputed}"),
            None,
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let detail: ImageDetail = response.json();
    assert_eq!(detail.image_id, disputed);
    assert_eq!((detail.width, detail.height), (44, 32));
    let workers: Vec<&str> = detail
        .submissions
        .iter()
        .map(|s| s.worker_id.as_str())
        .collect();
    assert_eq!(workers, ["w1", "w2"]);
    let w2 = &detail.submissions[1];
    assert_eq!(w2.outcome, "boxed");
    assert_eq!(w2.duration_ms, Some(4_200));
    assert_eq!(
        (w2.boxes[0].label.as_str(), w2.boxes[0].bbox),
        ("saw", [25.0, 15.0, 12.0, 12.0])
    );
    assert!(!w2.is_final);
    assert_eq!(detail.reviewed, None);
}

#[tokio::test]
async fn accepting_keeps_the_consolidated_boxes_as_final_in_every_export() {
    let (app, [agreed, _, _]) = reviewed_job().await;
    assert_eq!(
        exported(&app)
            .await
            .annotations
            .iter()
            .filter(|a| a.image_id == agreed)
            .count(),
        2
    );

    let response = review(&app, agreed, json!({"action": "accept"})).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let detail: ImageDetail = response.json();
    assert_eq!(detail.reviewed, Some(ReviewState::Accepted));
    let last = detail.submissions.last().unwrap();
    assert!(last.is_final);
    assert_eq!(
        (last.worker_id.as_str(), last.boxes[0].bbox),
        ("owner", [4.0, 4.0, 20.0, 16.0])
    );

    let boxes: Vec<[f64; 4]> = exported(&app)
        .await
        .annotations
        .iter()
        .filter(|a| a.image_id == agreed)
        .map(|a| a.bbox)
        .collect();
    assert_eq!(
        boxes,
        vec![[4.0, 4.0, 20.0, 16.0]],
        "one final box instead of both workers'"
    );
    let reviewed = page(&app, "?reviewed=true").await;
    assert_eq!(ids_of(&reviewed), vec![agreed]);
    assert_eq!(reviewed.images[0].reviewed, Some(ReviewState::Accepted));
}

#[tokio::test]
async fn a_correction_replaces_the_boxes_bit_for_bit_and_leaves_the_disagreement_queue() {
    let (app, [_, disputed, _]) = reviewed_job().await;
    let corrected = [10.735639, 14.686596, 17.578141, 10.255747];
    let response = review(
        &app,
        disputed,
        json!({"action": "correct", "boxes": [{"label": "saw", "bbox": corrected}]}),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(
        response.json::<ImageDetail>().reviewed,
        Some(ReviewState::Corrected)
    );

    let coco = exported(&app).await;
    let boxes: Vec<_> = coco
        .annotations
        .iter()
        .filter(|a| a.image_id == disputed)
        .collect();
    assert_eq!(boxes.len(), 1);
    assert_eq!(boxes[0].bbox.map(f64::to_bits), corrected.map(f64::to_bits));
    assert_eq!(boxes[0].category_id, SAW);
    assert!(page(&app, "?filter=disagreement").await.images.is_empty());

    // A second decision replaces the first.
    let again = review(&app, disputed, json!({"action": "correct", "boxes": []})).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(exported(&app)
        .await
        .annotations
        .iter()
        .all(|a| a.image_id != disputed));
}

#[tokio::test]
async fn reopening_an_image_undoes_its_review_and_leases_it_to_one_more_worker() {
    let (app, [_, disputed, _]) = reviewed_job().await;
    assert_eq!(images_done(&app).await, 3);
    assert!(app.lease("tools", "w3").await.tasks.is_empty());
    assert_eq!(
        review(&app, disputed, json!({"action": "accept"}))
            .await
            .status,
        StatusCode::OK
    );

    let response = review(&app, disputed, json!({"action": "reopen"})).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.json::<ImageDetail>().reviewed, None);
    assert_eq!(images_done(&app).await, 2);
    let batch = app.lease("tools", "w3").await;
    let leased: Vec<u64> = batch.tasks.iter().map(|task| task.task_id).collect();
    assert_eq!(leased, vec![disputed]);
    let submission = submission_for(
        &batch,
        &batch.tasks[0],
        "w3",
        "w3-0",
        &[(SAW, [25.0, 15.0, 12.0, 12.0])],
    );
    assert_eq!(
        app.submit("tools", &submission).await.status,
        StatusCode::CREATED
    );
    assert_eq!(images_done(&app).await, 3);
    assert_eq!(page(&app, "?worker=w3").await.images[0].workers, 3);
}

#[tokio::test]
async fn bad_review_requests_are_refused_naming_the_problem_and_nothing_changes() {
    let (app, [agreed, _, _]) = reviewed_job().await;
    let before = app.row_counts().await;
    let refused = |response: crate::helpers::TestResponse,
                   status: StatusCode,
                   code: &str,
                   field: Option<&str>| {
        assert_eq!(response.status, status, "{}", response.text());
        let error = response.error();
        assert_eq!(error.code, code, "{}", error.message);
        assert_eq!(error.field.as_deref(), field, "{}", error.message);
    };
    refused(
        review(
            &app,
            agreed,
            json!({"action": "correct", "boxes": [{"label": "drill", "bbox": [1, 1, 2, 2]}]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
        Some("boxes[0].label"),
    );
    refused(
        review(
            &app,
            agreed,
            json!({"action": "correct", "boxes": [{"label": "saw", "bbox": [30, 1, 200, 2]}]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
        Some("boxes[0].bbox"),
    );
    refused(
        review(
            &app,
            agreed,
            json!({"action": "accept", "boxes": [{"label": "saw", "bbox": [1, 1, 2, 2]}]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
        Some("boxes"),
    );
    refused(
        review(&app, 999, json!({"action": "accept"})).await,
        StatusCode::NOT_FOUND,
        "task_not_found",
        Some("task_id"),
    );
    let missing_job = app
        .owner(Method::GET, "/api/jobs/nothing/review", None)
        .await;
    refused(missing_job, StatusCode::NOT_FOUND, "job_not_found", None);
    refused(
        app.owner(
            Method::GET,
            "/api/jobs/tools/review?filter=everything",
            None,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
        Some("filter"),
    );
    refused(
        app.owner(Method::GET, "/api/jobs/tools/review?label=drill", None)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
        Some("label"),
    );
    assert_eq!(
        app.get("/api/jobs/tools/review").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get(&format!("/api/jobs/tools/images/{agreed}"))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // A volunteer's invite is not the owner token.
    let invites = app
        .owner(
            Method::POST,
            "/api/jobs/tools/invites",
            Some(&json!({"count": 1})),
        )
        .await;
    let invite = invites.json::<serde_json::Value>()["tokens"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let with_invite = app
        .request(
            axum::http::Request::get("/api/jobs/tools/review")
                .header(
                    axum::http::header::AUTHORIZATION,
                    format!("Bearer {invite}"),
                )
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(with_invite.status, StatusCode::UNAUTHORIZED);
    app.owner(Method::DELETE, "/api/jobs/tools/invites", None)
        .await;
    assert_eq!(app.row_counts().await, before);
}

#[tokio::test]
async fn an_image_still_waiting_for_workers_cannot_be_reopened_or_accepted_without_answers() {
    let app = TestApp::spawn_owned().await;
    app.create_job("tools", &["hammer", "saw"], 1, 2, 1).await;
    let batch = app.lease("tools", "w1").await;
    let image = batch.tasks[0].task_id;
    let before = app.row_counts().await;
    let response = review(&app, image, json!({"action": "reopen"})).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.error().field.as_deref(), Some("action"));
    let response = review(&app, image, json!({"action": "accept"})).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.error().message.contains("no volunteer's answer"));
    assert_eq!(app.row_counts().await, before);

    // The owner may box an image nobody has answered yet; that makes it done.
    let response = review(
        &app,
        image,
        json!({"action": "correct", "boxes": [{"label": "saw", "bbox": [1, 1, 5, 5]}]}),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(images_done(&app).await, 1);
}
