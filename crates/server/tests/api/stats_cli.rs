//! `crowdbox stats` on a small job whose numbers are known.

use crate::cli_support::run_ok;
use crate::export_formats::three_worker_job;

#[tokio::test]
async fn stats_count_images_boxes_per_label_workers_and_the_median_task_time() {
    let app = three_worker_job().await;
    let json: serde_json::Value =
        serde_json::from_str(&run_ok(&app, &["stats", "--job", "tri", "--json"])).unwrap();
    assert_eq!(
        (json["images_total"].as_u64(), json["images_done"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        json["boxes_per_label"][0],
        serde_json::json!({"label": "cat", "boxes": 3})
    );
    assert_eq!(
        json["boxes_per_label"][1],
        serde_json::json!({"label": "dog", "boxes": 3})
    );
    assert_eq!(json["imbalance_ratio"].as_f64(), Some(1.0));
    // Three workers drew each object: one cat and one dog after consolidation (as the consolidated export).
    assert_eq!(json["objects_total"].as_u64(), Some(2));
    assert_eq!(
        json["objects_per_label"],
        serde_json::json!([{"label": "cat", "objects": 1}, {"label": "dog", "objects": 1}])
    );
    assert_eq!(json["objects_imbalance_ratio"].as_f64(), Some(1.0));
    assert_eq!(json["boxes_total"].as_u64(), Some(6));
    assert_eq!(json["worker_count"].as_u64(), Some(3));
    assert_eq!(json["median_task_ms"].as_f64(), Some(4200.0));
    let workers = json["workers"].as_array().unwrap();
    assert_eq!(workers.len(), 3);
    for worker in workers {
        assert_eq!(worker["tasks"].as_u64(), Some(2), "{worker}");
        let agreement = worker["agreement_iou"].as_f64().unwrap();
        // worker-b missed the dog on the first image and drew one nobody else saw on the second.
        let expected = if worker["worker_id"] == "worker-b" {
            0.0..0.5
        } else {
            0.8..1.0
        };
        assert!(expected.contains(&agreement), "{worker}");
    }
    assert_eq!(json["box_sizes"][0]["label"], "cat");
    assert_eq!(json["box_sizes"][0]["boxes"].as_u64(), Some(3));
    let finished: u64 = json["throughput"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hour| hour["images_done"].as_u64().unwrap())
        .sum();
    assert_eq!(finished, 2, "both done images are in the throughput series");

    let text = run_ok(&app, &["stats", "--job", "tri"]);
    assert!(text.contains("images: 2 total, 2 done"), "{text}");
    assert!(
        text.contains("objects per label, after consolidating each image's boxes (2 in all):"),
        "{text}"
    );
    assert!(
        text.contains("raw boxes per label, every worker's (6 in all):"),
        "{text}"
    );
    assert!(
        text.contains("median time per task: 4.2 s (over 6 timed tasks)"),
        "{text}"
    );
    assert!(text.contains("agreement"), "the workers table: {text}");
}
