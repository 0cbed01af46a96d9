//! Pre-labels in the volunteers' work: a leased task carries them with their scores, `--order uncertain-first`
//! leases the least certain first, and `crowdbox stats` compares the model's boxes with the volunteers'.

use crate::helpers::png_fixture;
use crate::onnx_graph::constant_output_model;
use crate::prelabel::{detector_model, ANCHORS};

#[tokio::test]
async fn a_leased_task_gives_the_pre_labels_with_their_scores() {
    let app = crate::helpers::TestApp::spawn().await;
    let folder = app.dir.path().join("photos");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("a.png"), png_fixture(640, 640, 10)).unwrap();
    let model = app.dir.path().join("detector.onnx");
    std::fs::write(&model, detector_model()).unwrap();
    crate::cli_support::run_ok(
        &app,
        &[
            "import",
            "--job",
            "street",
            "--images",
            folder.to_str().unwrap(),
            "--labels",
            "car,person",
        ],
    );
    crate::cli_support::run_ok(
        &app,
        &[
            "prelabel",
            "--job",
            "street",
            "--model",
            model.to_str().unwrap(),
        ],
    );
    let batch = app.lease("street", "w1").await;
    let given = &batch.tasks[0].initial_annotations;
    let scores: Vec<(u64, f64)> = given
        .iter()
        .map(|a| (a.category_id, (a.score.unwrap() * 1000.0).round() / 1000.0))
        .collect();
    assert_eq!(scores, [(1, 0.9), (2, 0.6)]);
    let json = serde_json::to_value(&given[0]).unwrap();
    assert!(
        (json["score"].as_f64().unwrap() - 0.9).abs() < 1e-6,
        "{json}"
    );
}

/// A model giving every image one car box, centre (320, 320) 64×32, scoring `score`.
fn one_car_model(score: f32) -> Vec<u8> {
    let mut rows = vec![[320.0, 320.0, 64.0, 32.0, score, 0.0, 0.0]];
    rows.resize(ANCHORS, [0.0; 7]);
    let values = (0..7)
        .flat_map(|a| rows.iter().map(move |r: &[f32; 7]| r[a]))
        .collect();
    constant_output_model(
        Some((640, 640)),
        &[1, 7, ANCHORS as i64],
        values,
        &[("names", "{0: 'car', 1: 'person', 2: 'tree'}")],
    )
}

#[tokio::test]
async fn uncertain_first_leases_the_least_certain_pre_labels_first_and_unscored_images_last() {
    let app = crate::helpers::TestApp::spawn().await;
    // Images 1..4 in import order; each is pre-labelled by its own model (only images without
    // pre-annotations are), except c, whose one box is imported without a score.
    let images = [
        ("a", Some(0.9)),
        ("b", Some(0.3)),
        ("c", None),
        ("d", Some(0.6)),
    ];
    for (index, (name, score)) in images.into_iter().enumerate() {
        let folder = app.dir.path().join(name);
        std::fs::create_dir_all(&folder).unwrap();
        let file = format!("{name}.png");
        std::fs::write(folder.join(&file), png_fixture(640, 640, index as u8 * 40)).unwrap();
        let folder = folder.to_str().unwrap().to_owned();
        let Some(score) = score else {
            let coco = app.dir.path().join(name).join("boxes.json");
            std::fs::write(
                &coco,
                r#"{"images": [{"id": 1, "file_name": "c.png", "width": 640, "height": 640}],
                    "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 50, 50]}],
                    "categories": [{"id": 1, "name": "car"}]}"#,
            )
            .unwrap();
            let coco = coco.to_str().unwrap().to_owned();
            crate::cli_support::run_ok(
                &app,
                &["import", "--job", "street", "--coco", &coco, "--as", "pre"],
            );
            continue;
        };
        let import = ["import", "--job", "street", "--images", &folder];
        let with_labels = [&import[..], &["--labels", "car,person"]].concat();
        crate::cli_support::run_ok(&app, if index == 0 { &with_labels } else { &import });
        let model = app.dir.path().join(format!("{name}.onnx"));
        std::fs::write(&model, one_car_model(score)).unwrap();
        let model = model.to_str().unwrap().to_owned();
        crate::cli_support::run_ok(&app, &["prelabel", "--job", "street", "--model", &model]);
    }
    let order = |batch: crowdbox_core::wire::TaskBatch| -> Vec<String> {
        batch
            .tasks
            .into_iter()
            .map(|task| task.image.file_name)
            .collect()
    };
    // The default order is by id. (w1 holds these leases; a second volunteer is let on each image below.)
    assert_eq!(
        order(app.lease("street", "w1").await),
        ["a.png", "b.png", "c.png", "d.png"]
    );
    assert_eq!(
        crate::cli_support::run_ok(
            &app,
            &[
                "job",
                "update",
                "--job",
                "street",
                "--order",
                "uncertain-first",
                "--workers-per-image",
                "2"
            ]
        ),
        "job street: changed workers_per_image, lease_order\n"
    );
    assert!(crate::cli_support::run_ok(&app, &["job", "show", "street"])
        .contains("lease order: uncertain-first\n"));
    assert_eq!(
        order(app.lease("street", "w2").await),
        ["b.png", "d.png", "a.png", "c.png"]
    );
}

#[tokio::test]
async fn a_bad_order_is_refused_naming_the_flag_and_a_job_file_can_set_it() {
    let app = crate::helpers::TestApp::spawn().await;
    let error = crate::cli_support::run_err(
        &app,
        &[
            "job", "create", "--name", "x", "--labels", "a", "--order", "random",
        ],
    );
    assert!(error.contains("--order"), "{error}");
    assert!(error.contains("uncertain-first"), "{error}");
    crate::cli_support::run_err(&app, &["job", "show", "x"]);
    let file = app.dir.path().join("job.toml");
    std::fs::write(
        &file,
        "name = \"y\"\nlabels = [\"a\"]\norder = \"uncertain-first\"\n",
    )
    .unwrap();
    crate::cli_support::run_ok(&app, &["job", "create", "--file", file.to_str().unwrap()]);
    assert!(crate::cli_support::run_ok(&app, &["job", "show", "y"])
        .contains("lease order: uncertain-first\n"));
    let error =
        crate::cli_support::run_err(&app, &["job", "update", "--job", "y", "--order", "best"]);
    assert!(error.contains("--order"), "{error}");
    std::fs::write(&file, "name = \"z\"\nlabels = [\"a\"]\norder = \"best\"\n").unwrap();
    let error =
        crate::cli_support::run_err(&app, &["job", "create", "--file", file.to_str().unwrap()]);
    assert!(error.contains("order"), "{error}");
    crate::cli_support::run_err(&app, &["job", "show", "z"]);
    assert!(crate::cli_support::run_ok(&app, &["job", "show", "y"])
        .contains("lease order: uncertain-first\n"));
}

#[tokio::test]
async fn stats_compare_the_models_boxes_with_the_volunteers_per_label() {
    let app = crate::helpers::TestApp::spawn().await;
    let folder = app.dir.path().join("photos");
    std::fs::create_dir_all(&folder).unwrap();
    for (index, name) in ["a.png", "b.png"].iter().enumerate() {
        std::fs::write(folder.join(name), png_fixture(640, 640, index as u8 * 50)).unwrap();
    }
    let model = app.dir.path().join("detector.onnx");
    std::fs::write(&model, detector_model()).unwrap();
    let folder = folder.to_str().unwrap().to_owned();
    let model = model.to_str().unwrap().to_owned();
    let import = [
        "import",
        "--job",
        "street",
        "--images",
        &folder,
        "--labels",
        "car,person",
    ];
    crate::cli_support::run_ok(&app, &import);
    // Both images get the model's car [288, 304, 64, 32] and person [80, 80, 40, 40].
    crate::cli_support::run_ok(&app, &["prelabel", "--job", "street", "--model", &model]);
    let stats = |app: &crate::helpers::TestApp| -> serde_json::Value {
        serde_json::from_str(&crate::cli_support::run_ok(
            app,
            &["stats", "--job", "street", "--json"],
        ))
        .unwrap()
    };
    assert!(
        stats(&app).get("model_vs_human").is_none(),
        "no volunteer has worked yet"
    );

    // One volunteer answers a.png (b.png, unanswered, is left out): the model's car (IoU ≈ 0.89) and a second
    // car it missed; a person elsewhere than the model's.
    let batch = app.lease("street", "w1").await;
    let task = batch
        .tasks
        .iter()
        .find(|task| task.image.file_name == "a.png")
        .unwrap();
    let boxes = [
        (1, [290.0, 306.0, 64.0, 32.0]),
        (1, [10.0, 400.0, 50.0, 50.0]),
        (2, [300.0, 100.0, 40.0, 40.0]),
    ];
    let submission = crate::helpers::submission_for(&batch, task, "w1", "s1", &boxes);
    assert_eq!(app.submit("street", &submission).await.status, 201);

    let json = stats(&app);
    assert_eq!(
        json["model_vs_human"],
        serde_json::json!([
            {"label": "car", "model_boxes": 1, "human_boxes": 2, "matched": 1, "precision": 1.0, "recall": 0.5},
            {"label": "person", "model_boxes": 1, "human_boxes": 1, "matched": 0, "precision": 0.0, "recall": 0.0}
        ])
    );
    let text = crate::cli_support::run_ok(&app, &["stats", "--job", "street"]);
    let (_, table) = text.split_once("model vs volunteers").unwrap();
    let car = table
        .lines()
        .find(|line| line.trim_start().starts_with("car "))
        .unwrap();
    assert_eq!(
        car.split_whitespace().collect::<Vec<_>>(),
        ["car", "1", "2", "1", "1.000", "0.500"],
        "{text}"
    );
}
