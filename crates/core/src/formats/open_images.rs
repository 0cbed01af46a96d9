//! Open Images box annotations: a CSV with a header row and one box per row,
//!
//! ```text
//! ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside
//! 000002b66c9c498e,xclick,/m/01g317,1,0.0125,0.195312,0.148438,0.5875,0,1,0,0,0
//! ```
//! with coordinates as fractions of the image size, and class descriptions mapping label MIDs to names
//! (`/m/01g317,Person`). Columns are found by their header name, so their order and extra columns do not
//! matter; `ImageID`, `LabelName`, `XMin`, `XMax`, `YMin`, `YMax` are required, `Confidence` and `IsGroupOf`
//! (→ crowd) are read when present. The CSV does not hold image sizes, so the caller gives them by `ImageID`;
//! the image file name is `<ImageID>.jpg`, as Open Images names its files.

use std::collections::HashMap;

use super::model::{clip_to_image, per_image_paths};
use super::{Dataset, DatasetBox, DatasetImage, FormatError, PixelSize};
use crate::geometry::ImageRect;

const FORMAT: &str = "Open Images CSV";

fn csv_error(error: &csv::Error) -> FormatError {
    let error_message = error.to_string();
    match error.position() {
        Some(position) => {
            FormatError::new(FORMAT, error_message).at(format!("line {}", position.line()))
        }
        None => FormatError::new(FORMAT, error_message),
    }
}

/// Reads class descriptions: `MID,name` rows, with or without a `LabelName,DisplayName` header.
pub fn parse_open_images_class_descriptions(
    text: &str,
) -> Result<HashMap<String, String>, FormatError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut names = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|error| csv_error(&error))?;
        let line = record.position().map_or(0, |position| position.line());
        let location = format!("class descriptions line {line}");
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        let (Some(mid), Some(name), 2) = (record.get(0), record.get(1), record.len()) else {
            let message = format!(
                "expected `label MID,display name`, found {} fields",
                record.len()
            );
            return Err(FormatError::new(FORMAT, message).at(location));
        };
        let (mid, name) = (mid.trim(), name.trim());
        if line == 1 && mid == "LabelName" {
            continue;
        }
        if mid.is_empty() || name.is_empty() {
            return Err(
                FormatError::new(FORMAT, "the MID and the name must both be non-empty")
                    .at(location),
            );
        }
        if names.insert(mid.to_owned(), name.to_owned()).is_some() {
            return Err(
                FormatError::new(FORMAT, format!("MID `{mid}` is described twice")).at(location),
            );
        }
    }
    Ok(names)
}

/// Reads a box CSV. `image_sizes` gives each image's size by `ImageID`; `class_names` maps label MIDs to names
/// (every MID used must be in it), or `None` to keep the MIDs as labels. Images and labels are ordered by first
/// use. Errors name the CSV line and the column.
pub fn import_open_images(
    boxes_csv: &str,
    image_sizes: &HashMap<String, PixelSize>,
    class_names: Option<&HashMap<String, String>>,
) -> Result<Dataset, FormatError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(boxes_csv.as_bytes());
    let headers = reader.headers().map_err(|error| csv_error(&error))?.clone();
    let column = |name: &str| headers.iter().position(|header| header.trim() == name);
    let required = |name: &str| {
        column(name).ok_or_else(|| {
            FormatError::new(
                FORMAT,
                format!(
                    "the header has no `{name}` column: {:?}",
                    headers.iter().collect::<Vec<_>>()
                ),
            )
            .at("line 1")
        })
    };
    let image_id_column = required("ImageID")?;
    let label_column = required("LabelName")?;
    // In the order the rectangle is built from: left, right, top, bottom.
    let corner_columns = [
        required("XMin")?,
        required("XMax")?,
        required("YMin")?,
        required("YMax")?,
    ];
    let confidence_column = column("Confidence");
    let group_column = column("IsGroupOf");

    let mut dataset = Dataset::new();
    let mut position_of_image: HashMap<String, usize> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|error| csv_error(&error))?;
        let location = format!(
            "line {}",
            record.position().map_or(0, |position| position.line())
        );
        let field_error = |column: usize, message: String| {
            FormatError::in_field(
                FORMAT,
                &location,
                headers.get(column).unwrap_or("?").trim(),
                message,
            )
        };
        let text = |column: usize| record.get(column).map(str::trim).unwrap_or("");
        let image_id = text(image_id_column);
        if image_id.is_empty() {
            return Err(field_error(image_id_column, "empty".into()));
        }
        let mid = text(label_column);
        let label = match class_names {
            Some(names) => names.get(mid).cloned().ok_or_else(|| {
                field_error(
                    label_column,
                    format!("`{mid}` is not in the class descriptions"),
                )
            })?,
            None if mid.is_empty() => return Err(field_error(label_column, "empty".into())),
            None => mid.to_owned(),
        };
        let mut corners = [0.0; 4];
        for (slot, &column) in corner_columns.iter().enumerate() {
            let value = text(column);
            corners[slot] = value
                .parse::<f64>()
                .ok()
                .filter(|v| (0.0..=1.0).contains(v))
                .ok_or_else(|| {
                    field_error(
                        column,
                        format!("expected a fraction of the image size in [0, 1], found `{value}`"),
                    )
                })?;
        }
        let [x_min, x_max, y_min, y_max] = corners;
        if x_max < x_min || y_max < y_min {
            let message = format!("XMin {x_min} > XMax {x_max} or YMin {y_min} > YMax {y_max}");
            return Err(FormatError::new(FORMAT, message).at(location));
        }
        let confidence = match confidence_column.map(text) {
            None | Some("") => None,
            Some(value) => Some(
                value
                    .parse::<f64>()
                    .ok()
                    .filter(|c| (0.0..=1.0).contains(c))
                    .ok_or_else(|| {
                        field_error(
                            confidence_column.unwrap_or(0),
                            format!("expected a number in [0, 1], found `{value}`"),
                        )
                    })?,
            ),
        };
        let iscrowd = match group_column.map(text) {
            None | Some("" | "0" | "-1") => false,
            Some("1") => true,
            Some(value) => {
                let message = format!("expected 0, 1 or -1 (unknown), found `{value}`");
                return Err(field_error(group_column.unwrap_or(0), message));
            }
        };
        let position = match position_of_image.get(image_id) {
            Some(&position) => position,
            None => {
                let Some(size) = image_sizes
                    .get(image_id)
                    .filter(|size| size.width > 0 && size.height > 0)
                else {
                    return Err(field_error(
                        image_id_column,
                        format!("no image size was given for `{image_id}`"),
                    ));
                };
                position_of_image.insert(image_id.to_owned(), dataset.images.len());
                dataset.images.push(DatasetImage::new(
                    format!("{image_id}.jpg"),
                    size.width,
                    size.height,
                ));
                dataset.images.len() - 1
            }
        };
        dataset.add_label(&label);
        let image = &mut dataset.images[position];
        let (image_w, image_h) = (f64::from(image.width), f64::from(image.height));
        let rect = ImageRect::new(
            x_min * image_w,
            y_min * image_h,
            (x_max - x_min) * image_w,
            (y_max - y_min) * image_h,
        );
        image.boxes.push(DatasetBox {
            label,
            rect,
            iscrowd,
            confidence,
        });
    }
    Ok(dataset)
}

/// The header [`export_open_images`] writes: Open Images' own columns, in its order.
pub const OPEN_IMAGES_HEADER: [&str; 13] = [
    "ImageID",
    "Source",
    "LabelName",
    "Confidence",
    "XMin",
    "XMax",
    "YMin",
    "YMax",
    "IsOccluded",
    "IsTruncated",
    "IsGroupOf",
    "IsDepiction",
    "IsInside",
];

/// Writes the dataset's boxes as an Open Images box CSV: `ImageID` is the image's file stem (two images with the
/// same stem are an error, as in VOC and YOLO), `LabelName` the label itself (crowdbox has no MIDs; importing
/// without class descriptions keeps labels as they are), `Source` `crowdbox`, `Confidence` the box's or 1,
/// corners as fractions of the image size written with Rust's shortest round-tripping form, `IsGroupOf` from
/// crowd boxes and -1 (unknown) for the flags crowdbox does not ask about. Boxes are clipped to their image like
/// every exporter's; images without boxes have no row (the format has none for them).
pub fn export_open_images(dataset: &Dataset) -> Result<String, FormatError> {
    let stems = per_image_paths(dataset, FORMAT, "", "")?;
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let write_error = |error: csv::Error| FormatError::new(FORMAT, error.to_string());
    writer
        .write_record(OPEN_IMAGES_HEADER)
        .map_err(write_error)?;
    for (stem, image) in stems.iter().zip(&dataset.images) {
        // `per_image_paths` gave "/<stem>." for an empty folder and extension.
        let image_id = &stem[1..stem.len() - 1];
        let (width, height) = (f64::from(image.width), f64::from(image.height));
        for found in &image.boxes {
            let Some(rect) = clip_to_image(&found.rect, image) else {
                continue;
            };
            let confidence = found.confidence.unwrap_or(1.0);
            let record = [
                image_id.to_owned(),
                "crowdbox".to_owned(),
                found.label.clone(),
                confidence.to_string(),
                (rect.x / width).to_string(),
                ((rect.x + rect.w) / width).to_string(),
                (rect.y / height).to_string(),
                ((rect.y + rect.h) / height).to_string(),
                "-1".to_owned(),
                "-1".to_owned(),
                if found.iscrowd { "1" } else { "0" }.to_owned(),
                "-1".to_owned(),
                "-1".to_owned(),
            ];
            writer.write_record(&record).map_err(write_error)?;
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| FormatError::new(FORMAT, error.to_string()))?;
    String::from_utf8(bytes).map_err(|error| FormatError::new(FORMAT, error.to_string()))
}

#[cfg(test)]
mod export_tests {
    use std::collections::HashMap;

    use super::*;

    fn dataset() -> Dataset {
        let mut dataset = Dataset::new();
        dataset.labels = vec!["Tool, hand".to_owned(), "saw".to_owned()];
        let mut first = DatasetImage::new("photos/000a.jpg", 640, 480);
        first.boxes.push(DatasetBox {
            label: "Tool, hand".to_owned(),
            rect: ImageRect::new(64.0, 48.0, 320.0, 96.0),
            iscrowd: true,
            confidence: Some(0.75),
        });
        first.boxes.push(DatasetBox {
            label: "saw".to_owned(),
            rect: ImageRect::new(600.0, 400.0, 100.0, 100.0),
            iscrowd: false,
            confidence: None,
        });
        dataset.images.push(first);
        dataset.images.push(DatasetImage::new("empty.png", 10, 10));
        dataset
    }

    #[test]
    fn boxes_become_fraction_rows_clipped_to_the_image_under_open_images_header() {
        let csv = export_open_images(&dataset()).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], OPEN_IMAGES_HEADER.join(","));
        assert_eq!(
            lines[1],
            "000a,crowdbox,\"Tool, hand\",0.75,0.1,0.6,0.1,0.3,-1,-1,1,-1,-1"
        );
        assert_eq!(
            lines[2],
            "000a,crowdbox,saw,1,0.9375,1,0.8333333333333334,1,-1,-1,0,-1,-1"
        );
        assert_eq!(lines.len(), 3, "an image without boxes has no row");
    }

    #[test]
    fn the_export_imports_back_to_the_same_boxes_within_a_rounding_step() {
        let csv = export_open_images(&dataset()).unwrap();
        let sizes = HashMap::from([(
            "000a".to_owned(),
            PixelSize {
                width: 640,
                height: 480,
            },
        )]);
        let back = import_open_images(&csv, &sizes, None).unwrap();
        let boxes = &back.images[0].boxes;
        assert_eq!(boxes.len(), 2);
        assert_eq!(
            (
                boxes[0].label.as_str(),
                boxes[0].iscrowd,
                boxes[0].confidence
            ),
            ("Tool, hand", true, Some(0.75))
        );
        let expected = [[64.0, 48.0, 320.0, 96.0], [600.0, 400.0, 40.0, 80.0]];
        for (found, want) in boxes.iter().zip(expected) {
            let got = [found.rect.x, found.rect.y, found.rect.w, found.rect.h];
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() < 1e-9, "{got:?} against {want:?}");
            }
        }
    }

    #[test]
    fn two_images_with_one_stem_are_an_error_naming_both() {
        let mut dataset = dataset();
        dataset.images.push(DatasetImage::new("000a.png", 5, 5));
        let error = export_open_images(&dataset).unwrap_err().to_string();
        assert!(
            error.contains("000a.jpg") && error.contains("000a.png"),
            "{error}"
        );
    }
}
