use crate::console::exports::*;

#[test]
fn every_format_and_scope_has_its_export_path_with_values_encoded() {
    assert_eq!(
        export_path("birds", "coco", &ExportScope::Consolidated),
        "/api/jobs/birds/export?format=coco&consolidated=true"
    );
    assert_eq!(
        export_path("birds", "yolo", &ExportScope::Submissions),
        "/api/jobs/birds/export?format=yolo"
    );
    assert_eq!(
        export_path("sea birds", "voc", &ExportScope::Worker("w&1/é".into())),
        "/api/jobs/sea%20birds/export?format=voc&worker=w%261%2F%C3%A9"
    );
    let formats: Vec<&str> = FORMATS.iter().map(|(f, _)| *f).collect();
    assert_eq!(
        formats,
        ["coco", "groundtruth", "openimages", "voc", "yolo"]
    );
}

#[test]
fn downloads_are_named_as_the_server_names_them() {
    assert_eq!(file_name("sea birds", "coco"), "sea_birds-coco.json");
    assert_eq!(file_name("b", "groundtruth"), "b-manifest.jsonl");
    assert_eq!(file_name("b", "yolo"), "b-yolo.zip");
}
