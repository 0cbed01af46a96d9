//! `crowdbox prelabel`: an ONNX model written by the test (outputs known in advance) pre-labels a job's images;
//! its boxes and scores are stored as pre-annotations, chunk by chunk, and bad input stores nothing.

use std::path::PathBuf;

use crate::cli_support::{crowdbox, failure, stdout};
use crate::helpers::png_fixture;
use crate::onnx_graph::constant_output_model;
use crate::storage::fresh_storage;
use crowdbox_server::db::Conn;
use crowdbox_server::Storage;

/// Anchors of the raw output (more than its 7 attributes, so the layout reads as attributes-first).
pub const ANCHORS: usize = 8;

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
    pub storage: Storage,
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
        crowdbox(&self.storage, args)
    }

    /// The stored pre-annotations: (image file, category id, x, y, w, h, score).
    pub fn pre_annotations(&self) -> Vec<(String, i64, [f64; 4], Option<f64>)> {
        Conn::open(&self.storage.database)
            .unwrap()
            .rows(
                "SELECT i.file_name, p.category_id, p.x, p.y, p.w, p.h, p.score FROM pre_annotations p
                 JOIN images i ON i.id = p.image_id ORDER BY i.file_name, p.category_id",
                &[],
                |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        [row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?],
                        row.get(6)?,
                    ))
                },
            )
            .unwrap()
    }
}

/// A job `street` with labels car and person and two 640×640 images, and the model file.
pub fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_owned();
    let storage = fresh_storage(&root);
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
        storage,
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
