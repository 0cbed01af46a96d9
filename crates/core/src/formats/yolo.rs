//! YOLO (Darknet / Ultralytics) detection labels: one text file per image, one line per box,
//! `class cx cy w h`, where the centre and size are fractions of the image's width and height, and a class file
//! (`classes.txt` / `obj.names`) with one name per line, line n (from 0) naming class n.
//!
//! The files do not hold the image size, so the caller gives it. A sixth value on a line is read as the box's
//! confidence (prediction files). Values a little outside [0, 1] (rounding in other tools) are clipped to the
//! image; values far outside it are pixel coordinates by mistake and refused.

use std::collections::HashSet;

use super::{
    clip_to_image, per_image_paths, Dataset, DatasetBox, DatasetImage, ExportFile, FormatError,
    PixelSize,
};
use crate::geometry::ImageRect;

const FORMAT: &str = "YOLO";

/// One image's label file, with what the file itself does not say.
#[derive(Clone, Copy, Debug)]
pub struct YoloLabelFile<'a> {
    pub image_file_name: &'a str,
    pub size: PixelSize,
    /// The label file's text (empty for an image without boxes).
    pub labels: &'a str,
}

/// Reads a class file: one name per line; trailing blank lines are ignored, blank or repeated names are not.
pub fn parse_yolo_class_names(text: &str) -> Result<Vec<String>, FormatError> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let used = lines
        .iter()
        .rposition(|line| !line.is_empty())
        .map_or(0, |last| last + 1);
    let mut seen = HashSet::new();
    let mut names = Vec::with_capacity(used);
    for (index, name) in lines[..used].iter().enumerate() {
        let location = format!("class file line {}", index + 1);
        if name.is_empty() {
            let message =
                format!("class {index} has no name (a blank line shifts every later class id)");
            return Err(FormatError::new(FORMAT, message).at(location));
        }
        if !seen.insert(*name) {
            return Err(
                FormatError::new(FORMAT, format!("class name `{name}` is listed twice"))
                    .at(location),
            );
        }
        names.push((*name).to_owned());
    }
    Ok(names)
}

/// Reads one image's label file.
pub fn import_yolo_labels(
    file: &YoloLabelFile<'_>,
    class_names: &[String],
) -> Result<DatasetImage, FormatError> {
    let mut image = DatasetImage::new(file.image_file_name, file.size.width, file.size.height);
    if file.size.width == 0 || file.size.height == 0 {
        let message = format!(
            "the image size {}×{} is empty",
            file.size.width, file.size.height
        );
        return Err(
            FormatError::new(FORMAT, message).at(format!("labels of `{}`", file.image_file_name))
        );
    }
    for (index, line) in file.labels.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let location = format!(
            "line {} of the labels of `{}`",
            index + 1,
            file.image_file_name
        );
        let fields: Vec<&str> = line.split_whitespace().collect();
        if !(5..=6).contains(&fields.len()) {
            let message = format!(
                "expected `class cx cy w h` (and optionally a confidence), found {} values in `{line}`",
                fields.len()
            );
            return Err(FormatError::new(FORMAT, message).at(location));
        }
        let class_id: usize = fields[0].parse().map_err(|_| {
            let message = format!("expected a class number, found `{}`", fields[0]);
            FormatError::in_field(FORMAT, &location, "class", message)
        })?;
        let Some(label) = class_names.get(class_id) else {
            let message = format!(
                "class {class_id} is not in the class file, which has {} names",
                class_names.len()
            );
            return Err(FormatError::in_field(FORMAT, &location, "class", message));
        };
        let mut values = [0.0; 4];
        for (slot, field) in ["cx", "cy", "w", "h"].into_iter().enumerate() {
            let text = fields[slot + 1];
            let value = text
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    FormatError::in_field(
                        FORMAT,
                        &location,
                        field,
                        format!("expected a number, found `{text}`"),
                    )
                })?;
            if !(-0.5..=1.5).contains(&value) || (slot >= 2 && value < 0.0) {
                let message = format!(
                    "{value} is not a fraction of the image size (YOLO values are in [0, 1])"
                );
                return Err(FormatError::in_field(FORMAT, &location, field, message));
            }
            values[slot] = value;
        }
        let confidence = match fields.get(5) {
            Some(text) => Some(
                text.parse::<f64>()
                    .ok()
                    .filter(|c| (0.0..=1.0).contains(c))
                    .ok_or_else(|| {
                        let message = format!("expected a confidence in [0, 1], found `{text}`");
                        FormatError::in_field(FORMAT, &location, "confidence", message)
                    })?,
            ),
            None => None,
        };
        let [cx, cy, w, h] = values;
        let (image_w, image_h) = (f64::from(file.size.width), f64::from(file.size.height));
        let rect = ImageRect::new(
            (cx - w / 2.0) * image_w,
            (cy - h / 2.0) * image_h,
            w * image_w,
            h * image_h,
        );
        let rect = rect.clip_to(&image.bounds());
        image.boxes.push(DatasetBox {
            label: label.clone(),
            rect,
            iscrowd: false,
            confidence,
        });
    }
    Ok(image)
}

/// Reads many label files with one class list. Labels are the class names in class order.
pub fn import_yolo<'a>(
    class_names: &[String],
    files: impl IntoIterator<Item = YoloLabelFile<'a>>,
) -> Result<Dataset, FormatError> {
    let mut dataset = Dataset::new();
    for name in class_names {
        dataset.add_label(name);
    }
    if dataset.labels.len() != class_names.len() {
        return Err(
            FormatError::new(FORMAT, "the class names have duplicates").field("class names")
        );
    }
    for file in files {
        dataset.images.push(import_yolo_labels(&file, class_names)?);
    }
    Ok(dataset)
}

/// One image's label file text: `class cx cy w h` with six decimals, every value within [0, 1].
pub fn export_yolo_labels(image: &DatasetImage, class_of: impl Fn(&str) -> usize) -> String {
    let (image_w, image_h) = (f64::from(image.width), f64::from(image.height));
    let mut text = String::with_capacity(image.boxes.len() * 40);
    for dataset_box in &image.boxes {
        let Some(rect) = clip_to_image(&dataset_box.rect, image) else {
            continue;
        };
        let center = rect.center();
        // Clamped again because division can land a hair outside [0, 1].
        let fraction = |value: f64, of: f64| (value / of).clamp(0.0, 1.0);
        text.push_str(&format!(
            "{} {:.6} {:.6} {:.6} {:.6}\n",
            class_of(&dataset_box.label),
            fraction(center.x, image_w),
            fraction(center.y, image_h),
            fraction(rect.w, image_w),
            fraction(rect.h, image_h)
        ));
    }
    text
}

/// `classes.txt` and one `labels/<file stem>.txt` per image (empty for images without boxes).
pub fn export_yolo(dataset: &Dataset) -> Result<Vec<ExportFile>, FormatError> {
    let label_index = dataset.label_indices(FORMAT)?;
    if let Some((index, name)) = dataset.labels.iter().enumerate().find(|(_, name)| {
        name.trim().is_empty() || name.trim() != name.as_str() || name.contains(['\n', '\r'])
    }) {
        let message =
            format!("`{name}` cannot be a line of the class file (empty, padded or multi-line)");
        return Err(FormatError::new(FORMAT, message).field(format!("labels[{index}]")));
    }
    let paths = per_image_paths(dataset, FORMAT, "labels", "txt")?;
    let mut files = Vec::with_capacity(dataset.images.len() + 1);
    let mut class_file = dataset.labels.join("\n");
    class_file.push('\n');
    files.push(ExportFile {
        path: "classes.txt".into(),
        contents: class_file,
    });
    for (path, image) in paths.into_iter().zip(&dataset.images) {
        files.push(ExportFile {
            path,
            contents: export_yolo_labels(image, |label| label_index[label]),
        });
    }
    Ok(files)
}
