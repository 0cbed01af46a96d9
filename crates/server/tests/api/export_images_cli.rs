//! `crowdbox export --format voc|yolo` writes the image files in the layout those tools expect.

use std::path::Path;

use crate::cli_support::{export, run_ok};
use crate::helpers::{submission_for, TestApp};

async fn boxed_job() -> TestApp {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull", "tern"], 2, 1, 5).await;
    let batch = app.lease("birds", "w").await;
    for task in &batch.tasks {
        let id = format!("w-{}", task.task_id);
        let submission = submission_for(&batch, task, "w", &id, &[(2, [1.0, 1.0, 3.0, 2.0])]);
        assert_eq!(app.submit("birds", &submission).await.status.as_u16(), 201);
    }
    app
}

fn same_bytes(a: &Path, b: &Path) -> bool {
    std::fs::read(a).unwrap() == std::fs::read(b).unwrap()
}

#[tokio::test]
async fn a_voc_export_has_its_images_in_jpegimages_and_imports_again() {
    let app = boxed_job().await;
    let out = app.dir.path().join("voc");
    export(&app, "birds", "voc", &out, &[]);
    let originals = app.dir.path().join("birds-images");
    for name in ["image-01", "image-02"] {
        let image = out.join("JPEGImages").join(format!("{name}.png"));
        assert!(
            same_bytes(&image, &originals.join(format!("{name}.png"))),
            "{name}"
        );
        assert!(out
            .join("Annotations")
            .join(format!("{name}.xml"))
            .is_file());
    }
    // The layout is what `crowdbox import --voc` reads: the images and their boxes come back.
    let imported = run_ok(
        &app,
        &[
            "import",
            "--job",
            "again",
            "--voc",
            out.to_str().unwrap(),
            "--as",
            "final",
        ],
    );
    assert!(imported.contains('2'), "{imported}");
    let shown: serde_json::Value =
        serde_json::from_str(&run_ok(&app, &["job", "show", "again", "--json"])).unwrap();
    assert_eq!(
        (
            shown["images_total"].as_u64(),
            shown["images_done"].as_u64()
        ),
        (Some(2), Some(2))
    );
}

#[tokio::test]
async fn a_yolo_export_has_images_labels_and_a_data_file_and_no_images_skips_them() {
    let app = boxed_job().await;
    let out = app.dir.path().join("yolo");
    export(&app, "birds", "yolo", &out, &[]);
    let originals = app.dir.path().join("birds-images");
    for name in ["image-01", "image-02"] {
        let image = out.join("images").join(format!("{name}.png"));
        assert!(
            same_bytes(&image, &originals.join(format!("{name}.png"))),
            "{name}"
        );
        let label =
            std::fs::read_to_string(out.join("labels").join(format!("{name}.txt"))).unwrap();
        assert!(label.starts_with("1 "), "the tern is class 1: {label}");
    }
    let data = std::fs::read_to_string(out.join("data.yaml")).unwrap();
    let root = out.canonicalize().unwrap();
    assert!(
        data.contains(&format!("path: \"{}\"\n", root.display())),
        "{data}"
    );
    assert!(
        data.contains("train: images\nval: images\nnc: 2\nnames: [\"gull\", \"tern\"]\n"),
        "{data}"
    );

    let bare = app.dir.path().join("yolo-bare");
    export(&app, "birds", "yolo", &bare, &["--no-images"]);
    assert!(bare.join("labels").join("image-01.txt").is_file());
    assert!(!bare.join("images").exists() && !bare.join("data.yaml").exists());
}
