//! `crowdbox prelabel`: an ONNX model written by the test (outputs known in advance) pre-labels a job's images;
//! its boxes and scores are stored as pre-annotations, chunk by chunk, and bad input stores nothing.

use std::path::PathBuf;

use crate::cli_support::{crowdbox, failure, stdout};
use crate::helpers::png_fixture;
use crate::onnx_graph::constant_output_model;

/// Anchors of the raw output (more than its 7 attributes, so the layout reads as attributes-first).
const ANCHORS: usize = 8;

/// A YOLOv8-style model on a fixed 640×640 input with classes car, person and tree, giving the same three boxes
/// for every image: a car at centre (320, 320) 64×32 scoring 0.9, a person at (100, 100) 40×40 scoring 0.6 and
/// a tree at (500, 500) 40×40 scoring 0.7.
pub fn detector_model() -> Vec<u8> {
    let mut rows = vec![
        [320.0, 320.0, 64.0, 32.0, 0.9, 0.0, 0.0],
        [100.0, 100.0, 40.0, 40.0, 0.0, 0.6, 0.0],
        [500.0, 500.0, 40.0, 40.0, 0.0, 0.0, 0.7],
    ];
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

pub struct Setup {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub database: PathBuf,
    model: PathBuf,
}

impl Setup {
    pub fn path(&self, name: &str) -> String {
        self.root.join(name).to_str().unwrap().to_owned()
    }

    pub fn model(&self) -> String {
        self.model.to_str().unwrap().to_owned()
    }

    pub fn run(&self, args: &[&str]) -> std::process::Output {
        crowdbox(&self.database, args)
    }

    /// The stored pre-annotations: (image file, category id, x, y, w, h, score).
    pub fn pre_annotations(&self) -> Vec<(String, i64, [f64; 4], Option<f64>)> {
        let conn = rusqlite::Connection::open(&self.database).unwrap();
        let mut statement = conn
            .prepare(
                "SELECT i.file_name, p.category_id, p.x, p.y, p.w, p.h, p.score FROM pre_annotations p
                 JOIN images i ON i.id = p.image_id ORDER BY i.file_name, p.category_id",
            )
            .unwrap();
        statement
            .query_map([], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    [row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?],
                    row.get(6)?,
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
}

/// A job `street` with labels car and person and two 640×640 images, and the model file.
pub fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_owned();
    let database = root.join("data").join("crowdbox.sqlite3");
    let folder = root.join("photos");
    std::fs::create_dir_all(&folder).unwrap();
    for (index, name) in ["a.png", "b.png"].iter().enumerate() {
        std::fs::write(folder.join(name), png_fixture(640, 640, index as u8 * 50)).unwrap();
    }
    let model = root.join("detector.onnx");
    std::fs::write(&model, detector_model()).unwrap();
    let setup = Setup {
        _dir: dir,
        root,
        database,
        model,
    };
    stdout(&setup.run(&[
        "import",
        "--job",
        "street",
        "--images",
        folder.to_str().unwrap(),
        "--labels",
        "car,person",
    ]));
    setup
}

fn assert_close(actual: [f64; 4], expected: [f64; 4]) {
    assert!(
        actual
            .iter()
            .zip(expected)
            .all(|(a, e)| (a - e).abs() < 1e-3),
        "{actual:?} != {expected:?}"
    );
}

#[test]
fn the_models_boxes_are_stored_as_pre_annotations_with_their_scores_and_unmapped_classes_are_counted(
) {
    let s = setup();
    let model = s.model();
    let out = stdout(&s.run(&["prelabel", "--job", "street", "--model", &model]));
    assert_eq!(
        out,
        "job street: 2 images pre-labelled, 4 boxes stored; boxes of classes mapped to no label dropped: tree 2\n"
    );
    let rows = s.pre_annotations();
    assert_eq!(rows.len(), 4, "{rows:?}");
    for (index, file) in ["a.png", "b.png"].iter().enumerate() {
        let (car, person) = (&rows[2 * index], &rows[2 * index + 1]);
        assert_eq!((car.0.as_str(), car.1), (*file, 1));
        assert_close(car.2, [288.0, 304.0, 64.0, 32.0]);
        assert!((car.3.unwrap() - 0.9).abs() < 1e-6, "{car:?}");
        assert_eq!((person.0.as_str(), person.1), (*file, 2));
        assert_close(person.2, [80.0, 80.0, 40.0, 40.0]);
        assert!((person.3.unwrap() - 0.6).abs() < 1e-6, "{person:?}");
    }
}

#[test]
fn a_second_run_skips_pre_labelled_images_and_replace_runs_over_all_of_them_again() {
    let s = setup();
    let model = s.model();
    stdout(&s.run(&["prelabel", "--job", "street", "--model", &model]));
    let again = stdout(&s.run(&["prelabel", "--job", "street", "--model", &model]));
    assert!(
        again.starts_with("job street: 0 images pre-labelled, 0 boxes stored"),
        "{again}"
    );
    assert_eq!(s.pre_annotations().len(), 4);

    let replaced = stdout(&s.run(&[
        "prelabel",
        "--job",
        "street",
        "--model",
        &model,
        "--min-score",
        "0.65",
        "--replace",
    ]));
    assert!(
        replaced.starts_with("job street: 2 images pre-labelled, 2 boxes stored"),
        "{replaced}"
    );
    let rows = s.pre_annotations();
    assert_eq!(
        rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        [1, 1],
        "only the cars score above 0.65: {rows:?}"
    );
}

#[test]
fn images_where_the_model_found_nothing_are_not_run_again() {
    let s = setup();
    let model = s.model();
    let first = stdout(&s.run(&[
        "prelabel",
        "--job",
        "street",
        "--model",
        &model,
        "--min-score",
        "0.95",
    ]));
    assert!(
        first.starts_with("job street: 2 images pre-labelled, 0 boxes stored"),
        "{first}"
    );
    let again = stdout(&s.run(&["prelabel", "--job", "street", "--model", &model]));
    assert!(
        again.starts_with("job street: 0 images pre-labelled, 0 boxes stored"),
        "{again}"
    );
    assert!(s.pre_annotations().is_empty());
    let replaced = stdout(&s.run(&[
        "prelabel",
        "--job",
        "street",
        "--model",
        &model,
        "--replace",
    ]));
    assert!(
        replaced.starts_with("job street: 2 images pre-labelled, 4 boxes stored"),
        "{replaced}"
    );
}

#[test]
fn a_class_map_sends_a_model_class_to_a_job_label() {
    let s = setup();
    std::fs::write(s.root.join("map.toml"), "tree = \"person\"\n").unwrap();
    let (model, map) = (s.model(), s.path("map.toml"));
    let out = stdout(&s.run(&[
        "prelabel",
        "--job",
        "street",
        "--model",
        &model,
        "--class-map",
        &map,
    ]));
    assert_eq!(out, "job street: 2 images pre-labelled, 6 boxes stored\n");
    let trees: Vec<_> = s
        .pre_annotations()
        .into_iter()
        .filter(|r| r.3.is_some_and(|score| (score - 0.7).abs() < 1e-6))
        .collect();
    assert_eq!(trees.len(), 2, "{trees:?}");
    assert!(trees.iter().all(|t| t.1 == 2), "{trees:?}");
    assert_close(trees[0].2, [480.0, 480.0, 40.0, 40.0]);
}

#[test]
fn bad_models_and_class_maps_are_clear_errors_and_store_nothing() {
    let s = setup();
    std::fs::write(s.root.join("notes.onnx"), "not a model at all").unwrap();
    std::fs::write(
        s.root.join("classifier.onnx"),
        constant_output_model(Some((224, 224)), &[1, 1000], vec![0.0; 1000], &[]),
    )
    .unwrap();
    std::fs::write(s.root.join("map.toml"), "tree = \"bicycle\"\n").unwrap();
    let model = s.model();
    let (notes, classifier, map) = (
        s.path("notes.onnx"),
        s.path("classifier.onnx"),
        s.path("map.toml"),
    );

    let error = failure(&s.run(&["prelabel", "--job", "street", "--model", &notes]));
    assert!(error.contains("notes.onnx is not an ONNX model"), "{error}");
    let error = failure(&s.run(&["prelabel", "--job", "street", "--model", &classifier]));
    assert!(
        error.contains("unsupported model outputs [1, 1000]"),
        "{error}"
    );
    let error = failure(&s.run(&[
        "prelabel",
        "--job",
        "street",
        "--model",
        &model,
        "--class-map",
        &map,
    ]));
    assert!(
        error.contains("\"bicycle\", which the job does not have"),
        "{error}"
    );
    let error = failure(&s.run(&["prelabel", "--job", "nowhere", "--model", &model]));
    assert!(error.contains("nowhere"), "{error}");
    assert_eq!(s.pre_annotations(), []);
}

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
