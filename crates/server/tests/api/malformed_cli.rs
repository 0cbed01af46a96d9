//! The importers of the real `crowdbox` binary with bad files: each run fails with one clear line naming the
//! file or record at fault, and the database and image store are exactly as before.

use crate::cli_support::{run_err, run_ok, write_pngs};
use crate::helpers::{png_fixture, TestApp};
use crate::malformed::database_fingerprint;

#[tokio::test]
async fn bad_image_folders_and_dataset_files_fail_by_name_and_change_nothing() {
    let app = TestApp::spawn().await;
    let root = app.dir.path().to_owned();
    let good = root.join("good");
    write_pngs(&good, &[("a.png", 20, 10), ("b.png", 30, 12)]);
    run_ok(
        &app,
        &[
            "import",
            "--job",
            "birds",
            "--images",
            good.to_str().unwrap(),
            "--labels",
            "gull,tern",
        ],
    );
    let before = (database_fingerprint(&app.db).await, app.stored_files());

    let bad = |name: &str, files: &[(&str, &[u8])]| {
        let folder = root.join(name);
        std::fs::create_dir_all(&folder).unwrap();
        for (file, bytes) in files {
            std::fs::write(folder.join(file), bytes).unwrap();
        }
        folder.to_str().unwrap().to_owned()
    };
    // Cut inside the header: the importer reads sizes from headers only, so a PNG cut after its header is
    // accepted today (reported; the browser would fail to show it).
    let png = png_fixture(16, 16, 99);
    let truncated = bad(
        "truncated",
        &[("ok.png", &png_fixture(8, 8, 1)), ("cut.png", &png[..20])],
    );
    let text_as_jpeg = bad("text", &[("notes.jpg", b"this is not a picture")]);
    let empty_file = bad("zero", &[("zero.png", b"")]);
    let empty_folder = bad("empty", &[]);
    let missing = root.join("missing").to_str().unwrap().to_owned();
    let coco = |name: &str, text: &str| {
        let path = root.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let not_json = coco("broken.json", "{\"images\": [");
    let nan_box = coco(
        "nan.json",
        "{\"images\":[{\"id\":1,\"file_name\":\"a.png\",\"width\":20,\"height\":10}],\
         \"annotations\":[{\"id\":1,\"image_id\":1,\"category_id\":1,\"bbox\":[NaN,1,2,3]}],\
         \"categories\":[{\"id\":1,\"name\":\"gull\"}]}",
    );
    let unknown_image = coco(
        "unknown.json",
        "{\"images\":[{\"id\":1,\"file_name\":\"nowhere.png\",\"width\":20,\"height\":10}],\
         \"annotations\":[],\"categories\":[{\"id\":1,\"name\":\"gull\"}]}",
    );
    let good_dir = good.to_str().unwrap().to_owned();

    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        ("a truncated PNG", vec!["--images", &truncated], "cut.png"),
        (
            "text named .jpg",
            vec!["--images", &text_as_jpeg],
            "notes.jpg",
        ),
        ("an empty file", vec!["--images", &empty_file], "zero.png"),
        ("an empty folder", vec!["--images", &empty_folder], "empty"),
        ("a missing folder", vec!["--images", &missing], "missing"),
        (
            "COCO that is not JSON",
            vec!["--coco", &not_json, "--image-dir", &good_dir],
            "broken.json",
        ),
        (
            "COCO with NaN",
            vec!["--coco", &nan_box, "--image-dir", &good_dir],
            "nan.json",
        ),
        (
            "COCO naming a missing image",
            vec!["--coco", &unknown_image, "--image-dir", &good_dir],
            "nowhere.png",
        ),
    ];
    for (name, source, names) in cases {
        for job in ["birds", "new-job"] {
            let mut args = vec!["import", "--job", job, "--labels", "gull,tern"];
            args.extend(&source);
            let stderr = run_err(&app, &args);
            assert!(stderr.starts_with("error: "), "{name}: {stderr}");
            assert!(
                stderr.contains(names),
                "{name} into {job}: {stderr:?} does not name {names}"
            );
            assert!(!stderr.contains("panicked"), "{name}: {stderr}");
            let after = (database_fingerprint(&app.db).await, app.stored_files());
            assert_eq!(
                after, before,
                "{name} into {job} changed the database or the store"
            );
        }
    }
}
