//! Open Images box CSVs and class descriptions; class maps merging names from several sources.

mod formats_common;

use std::collections::HashMap;

use crowdbox_core::formats::{
    import_coco, import_open_images, parse_open_images_class_descriptions, ClassMap, Dataset,
    DatasetBox, DatasetImage, PixelSize,
};
use formats_common::{assert_same_dataset, boxed, read_golden};

fn sizes() -> HashMap<String, PixelSize> {
    HashMap::from([
        ("000002b66c9c498e".to_string(), PixelSize::new(1024, 768)),
        ("0000048549557964".to_string(), PixelSize::new(800, 600)),
    ])
}

fn class_names() -> HashMap<String, String> {
    parse_open_images_class_descriptions(&read_golden("import/open_images_class_descriptions.csv"))
        .unwrap()
}

#[test]
fn class_descriptions_are_read_with_quoted_names_and_an_optional_header() {
    let names = class_names();
    assert_eq!(names.len(), 3);
    assert_eq!(names["/m/0199g"], "Bicycle, road");
    let with_header =
        parse_open_images_class_descriptions("LabelName,DisplayName\n/m/01g317,Person\n").unwrap();
    assert_eq!(
        with_header,
        HashMap::from([("/m/01g317".to_string(), "Person".to_string())])
    );
    let twice = parse_open_images_class_descriptions("/m/1,A\n/m/1,B\n").unwrap_err();
    assert_eq!(twice.location.as_deref(), Some("class descriptions line 2"));
    assert!(parse_open_images_class_descriptions("/m/1,A,extra\n").is_err());
}

#[test]
fn a_box_csv_is_read_with_fractions_scaled_to_pixels_and_group_boxes_as_crowds() {
    let dataset = import_open_images(
        &read_golden("import/open_images_boxes.csv"),
        &sizes(),
        Some(&class_names()),
    )
    .unwrap();
    let mut first = DatasetImage::new("000002b66c9c498e.jpg", 1024, 768);
    first.boxes = vec![
        DatasetBox {
            confidence: Some(1.0),
            ..boxed(
                "Person",
                0.0125 * 1024.0,
                0.148438 * 768.0,
                (0.195312 - 0.0125) * 1024.0,
                (0.5875 - 0.148438) * 768.0,
            )
        },
        DatasetBox {
            confidence: Some(1.0),
            iscrowd: true,
            ..boxed("Bicycle, road", 256.0, 384.0, 256.0, 384.0)
        },
    ];
    let mut second = DatasetImage::new("0000048549557964.jpg", 800, 600);
    second.boxes = vec![DatasetBox {
        confidence: Some(0.8),
        ..boxed("Person", 0.0, 0.0, 800.0, 600.0)
    }];
    let expected = Dataset {
        images: vec![first, second],
        labels: vec!["Person".into(), "Bicycle, road".into()],
    };
    assert_same_dataset(&dataset, &expected, 1e-9);
}

#[test]
fn without_class_descriptions_the_mids_are_the_labels() {
    let dataset =
        import_open_images(&read_golden("import/open_images_boxes.csv"), &sizes(), None).unwrap();
    assert_eq!(dataset.labels, ["/m/01g317", "/m/0199g"]);
}

#[test]
fn columns_are_found_by_name_in_any_order_and_optional_ones_may_be_absent() {
    let csv = "XMax,ImageID,YMax,LabelName,XMin,YMin\n1,0000048549557964,0.5,/m/01g317,0.5,0\n";
    let dataset = import_open_images(csv, &sizes(), Some(&class_names())).unwrap();
    assert_eq!(
        dataset.images[0].boxes,
        [boxed("Person", 400.0, 0.0, 400.0, 300.0)]
    );
}

fn csv_error(csv: &str) -> (Option<String>, Option<String>, String) {
    let error = import_open_images(csv, &sizes(), Some(&class_names())).unwrap_err();
    (error.location, error.field, error.message)
}

const HEADER: &str =
    "ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf";
const ROW: &str = "0000048549557964,xclick,/m/01g317,1,0.1,0.2,0.1,0.2,0,0,0";

#[test]
fn box_csv_errors_name_the_line_and_the_column() {
    let error = |row: &str| csv_error(&format!("{HEADER}\n{ROW}\n{row}\n"));
    let out_of_range = ROW.replace(",0.1,0.2,0.1,", ",1.5,0.2,0.1,");
    assert_eq!(error(&out_of_range).0.as_deref(), Some("line 3"));
    assert_eq!(error(&out_of_range).1.as_deref(), Some("XMin"));
    let reversed = ROW.replace(",0.1,0.2,0.1,", ",0.3,0.2,0.1,");
    assert!(error(&reversed).2.contains("XMin 0.3 > XMax 0.2"));
    let unknown_class = ROW.replace("/m/01g317", "/m/999");
    assert_eq!(error(&unknown_class).1.as_deref(), Some("LabelName"));
    let unknown_image = ROW.replace("0000048549557964", "ffff");
    assert!(error(&unknown_image)
        .2
        .contains("no image size was given for `ffff`"));
    let bad_group = format!("{}2", &ROW[..ROW.len() - 1]);
    assert_eq!(error(&bad_group).1.as_deref(), Some("IsGroupOf"));
    let bad_confidence = ROW.replace("xclick,/m/01g317,1,", "xclick,/m/01g317,high,");
    assert_eq!(error(&bad_confidence).1.as_deref(), Some("Confidence"));
    assert_eq!(
        error("0000048549557964,xclick").0.as_deref(),
        Some("line 3")
    );
    let no_x_min = csv_error(&format!("{}\n{ROW}\n", HEADER.replace("XMin", "Left")));
    assert_eq!(no_x_min.0.as_deref(), Some("line 1"));
    assert!(no_x_min.2.contains("no `XMin` column"), "{}", no_x_min.2);
}

#[test]
fn a_class_map_merges_names_from_several_sources() {
    let mut open_images = import_open_images(
        &read_golden("import/open_images_boxes.csv"),
        &sizes(),
        Some(&class_names()),
    )
    .unwrap();
    let mut coco = import_coco(&read_golden("import/coco_from_another_tool.json")).unwrap();
    let map =
        ClassMap::parse_assignments("Person = person\nBicycle, road = bicycle\ndrill = driller\n")
            .unwrap();
    map.apply(&mut open_images);
    map.apply(&mut coco);
    let mut people = import_open_images(
        "ImageID,LabelName,XMin,XMax,YMin,YMax\n0000048549557964,/m/01g317,0,0.5,0,0.5\n",
        &sizes(),
        None,
    )
    .unwrap();
    let mut mid_map = ClassMap::new();
    mid_map.insert("/m/01g317", "person");
    mid_map.apply(&mut people);

    let mut merged = coco;
    merged.merge(open_images).unwrap();
    merged.merge(people).unwrap();
    assert_eq!(merged.labels, ["driller", "hammer", "person", "bicycle"]);
    assert_eq!(merged.images.len(), 4);
    // The second Open Images source added its box to the image the first one already had.
    let shared = merged
        .images
        .iter()
        .find(|i| i.file_name == "0000048549557964.jpg")
        .unwrap();
    assert_eq!(shared.boxes.len(), 2);
    assert!(shared.boxes.iter().all(|b| b.label == "person"));
    merged.label_indices("merged").unwrap();
}
