//! Pascal VOC XML: golden files, the 1-based inclusive corner convention both ways, round trips, errors.

mod formats_common;

use crowdbox_core::formats::{
    export_voc, export_voc_document, import_voc, import_voc_document, Dataset, DatasetImage,
};
use crowdbox_core::geometry::ImageRect;
use formats_common::{
    as_exported, assert_golden, assert_same_dataset, boxed, read_golden, sample_dataset, Confidence,
};

#[test]
fn the_sample_exports_to_the_golden_voc_files() {
    let files = export_voc(&sample_dataset()).unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "Annotations/workshop.xml",
            "Annotations/yard.xml",
            "Annotations/empty.xml"
        ]
    );
    for file in &files {
        assert_golden(&format!("voc/{}", file.path), &file.contents);
    }
}

#[test]
fn a_box_over_the_whole_image_is_written_from_pixel_one_to_the_last_pixel() {
    let mut image = DatasetImage::new("a.jpg", 640, 480);
    image.boxes.push(boxed("cat", 0.0, 0.0, 640.0, 480.0));
    image.boxes.push(boxed("cat", 9.6, 0.2, 0.3, 1.0));
    let xml = export_voc_document(&image);
    assert!(
        xml.contains(
            "<xmin>1</xmin>\n      <ymin>1</ymin>\n      <xmax>640</xmax>\n      <ymax>480</ymax>"
        ),
        "{xml}"
    );
    // A sliver becomes one whole pixel: column 11 (x from 10 to 11).
    assert!(
        xml.contains(
            "<xmin>11</xmin>\n      <ymin>1</ymin>\n      <xmax>11</xmax>\n      <ymax>1</ymax>"
        ),
        "{xml}"
    );
}

#[test]
fn reading_turns_one_based_inclusive_corners_into_pixel_edges() {
    let xml = "<annotation><filename>a.jpg</filename><size><width>640</width><height>480</height></size>\
               <object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>640</xmax><ymax>480</ymax></bndbox>\
               </object></annotation>";
    let image = import_voc_document(xml, "a.xml").unwrap();
    assert_eq!(image.boxes[0].rect, ImageRect::new(0.0, 0.0, 640.0, 480.0));
}

#[test]
fn a_voc_2007_file_is_read_without_its_body_part_boxes() {
    let image = import_voc_document(&read_golden("import/voc_000032.xml"), "000032.xml").unwrap();
    assert_eq!(
        (image.file_name.as_str(), image.width, image.height),
        ("000032.jpg", 500, 281)
    );
    let boxes: Vec<(&str, ImageRect)> = image
        .boxes
        .iter()
        .map(|b| (b.label.as_str(), b.rect))
        .collect();
    assert_eq!(
        boxes,
        [
            ("aeroplane", ImageRect::new(103.0, 77.0, 272.0, 106.0)),
            ("person", ImageRect::new(0.0, 199.0, 30.5, 82.0)),
            // Entities and character references are resolved; a one-pixel box is 1×1.
            ("R&D & test", ImageRect::new(9.0, 9.0, 1.0, 1.0)),
        ]
    );
}

#[test]
fn export_then_import_gives_back_the_clipped_dataset() {
    let dataset = sample_dataset();
    let files = export_voc(&dataset).unwrap();
    let back = import_voc(files.iter().map(|f| (f.path.as_str(), f.contents.as_str()))).unwrap();
    assert_same_dataset(
        &back,
        &as_exported(&dataset, false, Confidence::Dropped),
        0.0,
    );
}

#[test]
fn labels_and_file_names_with_markup_characters_are_escaped() {
    let mut image = DatasetImage::new("a<b>&c.jpg", 10, 10);
    image.boxes.push(boxed("R&D <tools>", 1.0, 1.0, 5.0, 5.0));
    let xml = export_voc_document(&image);
    assert!(xml.contains("<name>R&amp;D &lt;tools&gt;</name>"), "{xml}");
    let back = import_voc_document(&xml, "a.xml").unwrap();
    assert_eq!(
        (back.file_name.as_str(), back.boxes[0].label.as_str()),
        ("a<b>&c.jpg", "R&D <tools>")
    );
}

#[test]
fn two_images_that_would_share_an_annotation_file_are_refused() {
    let dataset = Dataset {
        images: vec![
            DatasetImage::new("train/x.jpg", 10, 10),
            DatasetImage::new("val/x.png", 10, 10),
        ],
        labels: vec![],
    };
    let error = export_voc(&dataset).unwrap_err();
    assert!(error.message.contains("Annotations/x.xml"), "{error}");
}

fn voc_error(xml: &str) -> (Option<String>, Option<String>, String) {
    let error = import_voc_document(xml, "bad.xml").unwrap_err();
    (error.location, error.field, error.message)
}

#[test]
fn voc_errors_name_the_file_the_object_and_the_field() {
    let head =
        "<annotation><filename>a.jpg</filename><size><width>10</width><height>10</height></size>";
    let good = "<object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>";
    let no_ymax = "<object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax></bndbox></object>";
    let (location, field, _) = voc_error(&format!("{head}{good}{no_ymax}</annotation>"));
    assert_eq!(
        (location.as_deref(), field.as_deref()),
        (Some("object 2 of bad.xml"), Some("bndbox/ymax"))
    );

    let text_corner = good.replace("<xmax>2</xmax>", "<xmax>two</xmax>");
    let (_, field, message) = voc_error(&format!("{head}{text_corner}</annotation>"));
    assert_eq!(field.as_deref(), Some("bndbox/xmax"));
    assert!(message.contains("`two`"), "{message}");

    let reversed = good.replace("<xmin>1</xmin>", "<xmin>5</xmin>");
    assert_eq!(
        voc_error(&format!("{head}{reversed}</annotation>"))
            .1
            .as_deref(),
        Some("bndbox")
    );
    let unnamed = good.replace("<name>cat</name>", "<name> </name>");
    assert_eq!(
        voc_error(&format!("{head}{unnamed}</annotation>"))
            .1
            .as_deref(),
        Some("name")
    );

    let no_size = "<annotation><filename>a.jpg</filename></annotation>";
    assert_eq!(voc_error(no_size).1.as_deref(), Some("size/width"));
    let zero_width = head.replace("<width>10</width>", "<width>0</width>");
    assert_eq!(
        voc_error(&format!("{zero_width}</annotation>"))
            .1
            .as_deref(),
        Some("size/width")
    );

    assert!(voc_error("<dataset></dataset>")
        .2
        .contains("expected an <annotation>"));
    assert!(voc_error(&format!("{head}<object>"))
        .2
        .contains("ends inside <annotation><object>"));
    let mismatched = voc_error(&format!("{head}</object></annotation>"));
    assert_eq!(mismatched.0.as_deref(), Some("bad.xml"));
    assert!(
        mismatched.2.contains("not well-formed XML at byte"),
        "{}",
        mismatched.2
    );
}
