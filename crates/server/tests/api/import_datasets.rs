//! `crowdbox import` with dataset sources, through the real binary: COCO, Pascal VOC, Ground Truth manifests,
//! YOLO and Open Images; class maps; `--as pre` and `--as final`; all-or-nothing errors.

use crate::cli_support::{coco_check, run_err, run_ok, write_pngs};
use crate::helpers::{jpeg_with_orientation, TestApp};

fn write(path: &std::path::Path, text: &str) -> String {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// COCO as other tools write it: ids from 0, no `area`, no `supercategory`, a crowd box that overshoots.
const COCO: &str = r#"{"images": [{"id": 0, "file_name": "a.png", "width": 40, "height": 30},
                                  {"id": 1, "file_name": "b.png", "width": 20, "height": 10}],
 "annotations": [{"id": 0, "image_id": 0, "category_id": 0, "bbox": [1.5, 2, 10, 8]},
                 {"id": 1, "image_id": 0, "category_id": 1, "bbox": [30, 20, 20, 20], "iscrowd": 1}],
 "categories": [{"id": 0, "name": "cat"}, {"id": 1, "name": "dog"}]}"#;

#[tokio::test]
async fn a_coco_file_imported_as_final_counts_as_done_and_comes_back_out_of_the_export() {
    let app = TestApp::spawn().await;
    let root = app.dir.path();
    write_pngs(&root.join("coco"), &[("a.png", 40, 30), ("b.png", 20, 10)]);
    let file = write(&root.join("coco/instances.json"), COCO);

    let args = ["import", "--job", "pets", "--coco", &file, "--as", "final"];
    assert_eq!(
        run_ok(&app, &args),
        "job pets: created\njob pets: 2 images added, 0 already present, 2 final boxes stored\n"
    );
    assert_eq!(
        run_ok(&app, &args),
        "job pets: 0 images added, 2 already present, 0 final boxes stored, 2 images already had imported \
         boxes and were left as they were\n"
    );
    let batch = app.lease("pets", "worker-a").await;
    assert!(
        batch.tasks.is_empty() && batch.job_done,
        "imported final images are done"
    );
    assert_eq!((batch.images_total, batch.images_done), (2, 2));

    let out = root.join("out.json");
    run_ok(
        &app,
        &["export", "--job", "pets", "--output", out.to_str().unwrap()],
    );
    let read = coco_check(&out);
    let boxes: Vec<(String, u64)> = read["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["bbox"].to_string(), a["iscrowd"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        boxes,
        [
            ("[1.5,2.0,10.0,8.0]".to_owned(), 0),
            ("[30.0,20.0,10.0,10.0]".to_owned(), 1)
        ]
    );
    assert_eq!(read["categories"][1]["name"], "dog");
    let ap = read["ap_against_itself"].as_f64().unwrap();
    assert!(
        (ap - 1.0).abs() < 1e-9,
        "COCOeval of the export against itself: {ap}"
    );
}

#[tokio::test]
async fn voc_boxes_renamed_by_a_class_map_reach_workers_as_initial_annotations() {
    let app = TestApp::spawn().await;
    let root = app.dir.path();
    run_ok(
        &app,
        &[
            "job",
            "create",
            "--name",
            "tools",
            "--labels",
            "driller,hammer",
        ],
    );
    write_pngs(&root.join("voc/JPEGImages"), &[("a.png", 40, 30)]);
    write(
        &root.join("voc/Annotations/a.xml"),
        "<annotation><filename>a.png</filename><size><width>40</width><height>30</height><depth>3</depth></size>\
         <object><name>drill</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>10</xmax><ymax>8</ymax></bndbox>\
         </object></annotation>",
    );
    let voc = root.join("voc");
    let voc = voc.to_str().unwrap();
    let before = app.row_counts().await;
    let error = run_err(
        &app,
        &["import", "--job", "tools", "--voc", voc, "--as", "pre"],
    );
    assert!(
        error.contains("drill (1 boxes)") && error.contains("--class-map"),
        "{error}"
    );
    assert_eq!(
        app.row_counts().await,
        before,
        "a refused import changes nothing"
    );
    assert!(app.stored_files().is_empty());

    let map = write(&root.join("map.txt"), "# VOC names\ndrill = driller\n");
    let args = [
        "import",
        "--job",
        "tools",
        "--voc",
        voc,
        "--class-map",
        &map,
        "--as",
        "pre",
    ];
    assert!(run_ok(&app, &args).contains("1 pre-annotation boxes stored"));

    let batch = app.lease("tools", "worker-a").await;
    let initial = &batch.tasks[0].initial_annotations;
    assert_eq!(initial.len(), 1);
    assert_eq!(
        (initial[0].category_id, initial[0].bbox),
        (1, [0.0, 0.0, 10.0, 8.0])
    );
    let shown = run_ok(&app, &["job", "show", "tools"]);
    assert!(
        shown.contains("1 total, 0 done, 1 with pre-annotations"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_manifest_adds_local_files_and_sized_urls_and_names_the_line_of_an_unsized_url() {
    let app = TestApp::spawn().await;
    let root = app.dir.path();
    write_pngs(&root.join("crawl/imgs"), &[("a.png", 40, 30)]);
    let bad = write(
        &root.join("crawl/bad.manifest"),
        "{\"source-ref\": \"imgs/a.png\"}\n{\"source-ref\": \"https://example.org/x.jpg\"}\n",
    );
    let error = run_err(
        &app,
        &[
            "import",
            "--job",
            "crawl",
            "--labels",
            "cat",
            "--manifest",
            &bad,
        ],
    );
    assert!(
        error.contains("bad.manifest line 2") && error.contains("\"width\""),
        "{error}"
    );
    assert_eq!(
        app.row_counts().await.jobs,
        0,
        "nothing half-imported, not even the job"
    );

    let good = write(
        &root.join("crawl/good.manifest"),
        "{\"source-ref\": \"imgs/a.png\"}\n\n{\"source-ref\": \"https://example.org/x.jpg\", \"width\": 640, \"height\": 480}\n",
    );
    let report = run_ok(
        &app,
        &[
            "import",
            "--job",
            "crawl",
            "--labels",
            "cat",
            "--manifest",
            &good,
        ],
    );
    assert!(report.contains("2 images added"), "{report}");
    let batch = app.lease("crawl", "worker-a").await;
    let remote = &batch.tasks[1];
    assert_eq!(remote.image_url, "https://example.org/x.jpg");
    assert_eq!((remote.image.width, remote.image.height), (640, 480));
    assert_eq!(
        batch.tasks[0].image_url,
        format!("/api/images/{}", batch.tasks[0].task_id)
    );
}

#[tokio::test]
async fn yolo_labels_imported_as_final_export_to_the_same_yolo_text() {
    let app = TestApp::spawn().await;
    let root = app.dir.path();
    write_pngs(
        &root.join("yolo/images"),
        &[("a.png", 40, 30), ("b.png", 20, 10)],
    );
    let labels = "0 0.500000 0.500000 0.250000 0.200000\n1 0.100000 0.100000 0.200000 0.200000\n";
    write(&root.join("yolo/labels/a.txt"), labels);
    write(&root.join("yolo/classes.txt"), "cat\ndog\n");
    let yolo = root.join("yolo");
    run_ok(
        &app,
        &[
            "import",
            "--job",
            "y",
            "--yolo",
            yolo.to_str().unwrap(),
            "--as",
            "final",
        ],
    );

    let out = root.join("export");
    run_ok(
        &app,
        &[
            "export",
            "--job",
            "y",
            "--format",
            "yolo",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(
        std::fs::read_to_string(out.join("labels/a.txt")).unwrap(),
        labels
    );
    assert_eq!(
        std::fs::read_to_string(out.join("labels/b.txt")).unwrap(),
        ""
    );
    assert_eq!(
        std::fs::read_to_string(out.join("classes.txt")).unwrap(),
        "cat\ndog\n"
    );
}

#[tokio::test]
async fn open_images_rows_become_pixel_boxes_with_their_group_flag() {
    let app = TestApp::spawn().await;
    let root = app.dir.path();
    std::fs::create_dir_all(root.join("oi")).unwrap();
    std::fs::write(root.join("oi/img1.jpg"), jpeg_with_orientation(40, 30, 1)).unwrap();
    let csv = write(
        &root.join("oi/boxes.csv"),
        "ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside\n\
         img1,xclick,/m/01,1,0.1,0.5,0.2,0.6,0,0,1,0,0\n",
    );
    let names = write(&root.join("oi/classes.csv"), "/m/01,Cat\n");
    let args = [
        "import",
        "--job",
        "oi",
        "--openimages",
        &csv,
        "--class-descriptions",
        &names,
        "--as",
        "final",
    ];
    run_ok(&app, &args);
    let out = root.join("oi.json");
    run_ok(
        &app,
        &["export", "--job", "oi", "--output", out.to_str().unwrap()],
    );
    let read = coco_check(&out);
    let annotation = &read["annotations"][0];
    let bbox: Vec<f64> = serde_json::from_value(annotation["bbox"].clone()).unwrap();
    for (got, want) in bbox.iter().zip([4.0, 6.0, 16.0, 12.0]) {
        assert!((got - want).abs() < 1e-9, "{bbox:?}");
    }
    assert_eq!(annotation["iscrowd"], 1);
    assert_eq!(read["categories"][0]["name"], "Cat");
}

#[tokio::test]
async fn a_bad_coco_record_or_a_missing_image_is_named_and_nothing_is_imported() {
    let app = TestApp::spawn().await;
    let root = app.dir.path();
    write_pngs(&root.join("coco"), &[("a.png", 40, 30), ("b.png", 20, 10)]);
    let bad_box = COCO.replace("[30, 20, 20, 20]", "[30, 20, -2, 20]");
    let file = write(&root.join("coco/bad.json"), &bad_box);
    let error = run_err(
        &app,
        &["import", "--job", "pets", "--coco", &file, "--as", "final"],
    );
    assert!(
        error.contains("bad.json") && error.contains("annotations[1]"),
        "{error}"
    );

    let missing = write(
        &root.join("coco/missing.json"),
        &COCO.replace("b.png", "gone.png"),
    );
    let error = run_err(
        &app,
        &["import", "--job", "pets", "--coco", &missing, "--as", "pre"],
    );
    assert!(error.contains("gone.png"), "{error}");

    let unsaid = run_err(
        &app,
        &[
            "import",
            "--job",
            "pets",
            "--coco",
            &file.replace("bad", "missing"),
        ],
    );
    assert!(unsaid.contains("--as pre"), "{unsaid}");
    let counts = app.row_counts().await;
    assert_eq!((counts.jobs, counts.images, counts.submissions), (0, 0, 0));
    assert!(
        app.stored_files().is_empty(),
        "no image was left in the store"
    );
}
