//! The neutral in-memory dataset every importer produces and every exporter consumes.
//!
//! Boxes are in natural image pixels with a top-left origin (COCO's `[x, y, w, h]`, floats), whatever the file
//! format stores. Labels are names; each format's class ids are made from the order of [`Dataset::labels`].

use std::collections::HashMap;

use crate::geometry::{ImageRect, ImageSize};

use super::FormatError;

/// A set of images with their boxes, and the label names in a stable order.
///
/// Invariant kept by every importer and checked by every exporter: each box's label is in `labels`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dataset {
    pub images: Vec<DatasetImage>,
    /// Label names without duplicates; exporters number them in this order (COCO id = index + 1, YOLO and
    /// Ground Truth class id = index).
    pub labels: Vec<String>,
}

/// One image and its boxes. An image without boxes is a real answer ("nothing to box here") and is kept.
#[derive(Clone, Debug, PartialEq)]
pub struct DatasetImage {
    /// The name or reference the source used for the image: a file name, a relative path or a URL.
    pub file_name: String,
    pub width: u32,
    pub height: u32,
    pub boxes: Vec<DatasetBox>,
    /// What volunteers said about the image besides boxes: outcome name → how many said it (see
    /// `wire::Outcome`; plain boxed results are not counted). Exported by COCO and Ground Truth.
    pub outcomes: std::collections::BTreeMap<String, u32>,
}

/// One labelled box.
#[derive(Clone, Debug, PartialEq)]
pub struct DatasetBox {
    pub label: String,
    /// Natural image pixels, top-left origin.
    pub rect: ImageRect,
    /// The box covers a group of objects (COCO `iscrowd`, Open Images `IsGroupOf`).
    pub iscrowd: bool,
    /// How sure the source is, in [0, 1], when it says (Ground Truth consolidation, Open Images, results files).
    pub confidence: Option<f64>,
}

/// An image's size in whole pixels, as a caller gives it for formats that do not store it (YOLO, Open Images).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PixelSize {
    pub width: u32,
    pub height: u32,
}

/// One file an exporter produces: where it goes, relative to the export directory, and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportFile {
    /// A relative path with `/` separators, e.g. `Annotations/000001.xml` or `labels/000001.txt`.
    pub path: String,
    pub contents: String,
}

impl DatasetImage {
    pub fn new(file_name: impl Into<String>, width: u32, height: u32) -> Self {
        Self {
            file_name: file_name.into(),
            width,
            height,
            boxes: Vec::new(),
            outcomes: std::collections::BTreeMap::new(),
        }
    }

    pub fn size(&self) -> ImageSize {
        ImageSize::new(f64::from(self.width), f64::from(self.height))
    }

    /// The whole image as a rectangle.
    pub fn bounds(&self) -> ImageRect {
        self.size().bounds()
    }
}

impl DatasetBox {
    /// A plain box: not a crowd, no confidence.
    pub fn new(label: impl Into<String>, rect: ImageRect) -> Self {
        Self {
            label: label.into(),
            rect,
            iscrowd: false,
            confidence: None,
        }
    }
}

impl PixelSize {
    pub const fn new(width: u32, height: u32) -> Self {
        Self { width, height }
    }
}

impl Dataset {
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of boxes over all images.
    pub fn box_count(&self) -> usize {
        self.images.iter().map(|image| image.boxes.len()).sum()
    }

    /// Adds `label` at the end of [`Dataset::labels`] unless it is there already.
    pub fn add_label(&mut self, label: &str) {
        if !self.labels.iter().any(|known| known == label) {
            self.labels.push(label.to_owned());
        }
    }

    /// Each label's index in [`Dataset::labels`], after checking that every box uses a known label and that no
    /// label is listed twice; the error names the image and the box.
    pub fn label_indices(&self, format: &'static str) -> Result<HashMap<&str, usize>, FormatError> {
        let mut indices = HashMap::with_capacity(self.labels.len());
        for (index, label) in self.labels.iter().enumerate() {
            if indices.insert(label.as_str(), index).is_some() {
                return Err(FormatError::new(
                    format,
                    format!("label `{label}` is listed twice in the dataset's labels"),
                )
                .field(format!("labels[{index}]")));
            }
        }
        for image in &self.images {
            for (box_index, dataset_box) in image.boxes.iter().enumerate() {
                if !indices.contains_key(dataset_box.label.as_str()) {
                    return Err(FormatError::in_field(
                        format,
                        format!("image `{}` box {box_index}", image.file_name),
                        "label",
                        format!(
                            "label `{}` is not in the dataset's labels {:?}",
                            dataset_box.label, self.labels
                        ),
                    ));
                }
            }
        }
        Ok(indices)
    }

    /// Adds `other`'s images and labels to this dataset. Labels keep their first position; an image whose
    /// `file_name` is already here gets `other`'s boxes appended (annotations of the same pictures from several
    /// sources), which requires both to agree on the image size.
    pub fn merge(&mut self, other: Dataset) -> Result<(), FormatError> {
        for label in &other.labels {
            self.add_label(label);
        }
        let mut position: HashMap<String, usize> = self
            .images
            .iter()
            .enumerate()
            .map(|(index, image)| (image.file_name.clone(), index))
            .collect();
        for image in other.images {
            for dataset_box in &image.boxes {
                self.add_label(&dataset_box.label);
            }
            match position.get(&image.file_name) {
                Some(&index) => {
                    let existing = &mut self.images[index];
                    if (existing.width, existing.height) != (image.width, image.height) {
                        return Err(FormatError::new(
                            "dataset merge",
                            format!(
                                "the image is {}×{} in one source and {}×{} in another",
                                existing.width, existing.height, image.width, image.height
                            ),
                        )
                        .at(format!("image `{}`", image.file_name)));
                    }
                    existing.boxes.extend(image.boxes);
                }
                None => {
                    position.insert(image.file_name.clone(), self.images.len());
                    self.images.push(image);
                }
            }
        }
        Ok(())
    }
}

/// The part of `rect` inside `image`, or `None` when nothing of it is inside (or it is not a number): exporters
/// write only boxes that cover at least part of the picture.
pub fn clip_to_image(rect: &ImageRect, image: &DatasetImage) -> Option<ImageRect> {
    if !rect.is_finite() {
        return None;
    }
    let clipped = rect.clip_to(&image.bounds());
    (clipped.w > 0.0 && clipped.h > 0.0).then_some(clipped)
}

/// The file name without directories, URL query or extension: `https://host/a/b/000001.jpg?sig=x` → `000001`.
/// Exporters that write one file per image (VOC, YOLO) name it after this stem.
pub fn file_stem(file_name: &str) -> &str {
    let without_query = file_name.split(['?', '#']).next().unwrap_or(file_name);
    let base = without_query
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(without_query);
    match base.rfind('.') {
        Some(dot) if dot > 0 => &base[..dot],
        _ => base,
    }
}

/// Makes one output path per image from its file stem, and refuses two images that would write the same file.
pub(crate) fn per_image_paths(
    dataset: &Dataset,
    format: &'static str,
    directory: &str,
    extension: &str,
) -> Result<Vec<String>, FormatError> {
    let mut taken: HashMap<String, &str> = HashMap::with_capacity(dataset.images.len());
    let mut paths = Vec::with_capacity(dataset.images.len());
    for image in &dataset.images {
        let stem = file_stem(&image.file_name);
        if stem.is_empty() {
            return Err(FormatError::in_field(
                format,
                format!("image `{}`", image.file_name),
                "file_name",
                "the file name has no base name to name its annotation file after",
            ));
        }
        let path = format!("{directory}/{stem}.{extension}");
        if let Some(first) = taken.insert(path.clone(), &image.file_name) {
            return Err(FormatError::new(
                format,
                format!(
                    "images `{first}` and `{}` would both be written to `{path}`",
                    image.file_name
                ),
            ));
        }
        paths.push(path);
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stem_drops_directories_queries_and_the_extension() {
        assert_eq!(file_stem("000001.jpg"), "000001");
        assert_eq!(file_stem("train/a.b.png"), "a.b");
        assert_eq!(file_stem("https://host/x/cat.jpeg?sig=1/2"), "cat");
        assert_eq!(file_stem("C:\\data\\dog.JPG"), "dog");
        assert_eq!(file_stem(".hidden"), ".hidden");
        assert_eq!(file_stem("noext"), "noext");
    }

    #[test]
    fn merging_appends_boxes_to_an_image_both_sources_share() {
        let mut first = Dataset::new();
        let mut image = DatasetImage::new("a.jpg", 10, 10);
        image
            .boxes
            .push(DatasetBox::new("cat", ImageRect::new(0.0, 0.0, 1.0, 1.0)));
        first.images.push(image.clone());
        first.labels.push("cat".into());
        let mut second = Dataset::new();
        image.boxes[0].label = "dog".into();
        second.images.push(image);
        second.images.push(DatasetImage::new("b.jpg", 5, 5));
        second.labels.push("dog".into());
        first.merge(second).unwrap();
        assert_eq!(first.labels, ["cat", "dog"]);
        assert_eq!(first.images.len(), 2);
        assert_eq!(first.images[0].boxes.len(), 2);
    }

    #[test]
    fn merging_refuses_one_image_with_two_sizes() {
        let mut first = Dataset::new();
        first.images.push(DatasetImage::new("a.jpg", 10, 10));
        let mut second = Dataset::new();
        second.images.push(DatasetImage::new("a.jpg", 10, 11));
        let error = first.merge(second).unwrap_err();
        assert!(error.to_string().contains("image `a.jpg`"), "{error}");
    }

    #[test]
    fn label_indices_name_the_box_whose_label_is_unknown() {
        let mut dataset = Dataset::new();
        let mut image = DatasetImage::new("a.jpg", 10, 10);
        image
            .boxes
            .push(DatasetBox::new("cat", ImageRect::new(0.0, 0.0, 1.0, 1.0)));
        dataset.images.push(image);
        let error = dataset.label_indices("COCO").unwrap_err();
        assert_eq!(error.location.as_deref(), Some("image `a.jpg` box 0"));
        assert_eq!(error.field.as_deref(), Some("label"));
    }

    #[test]
    fn clipping_keeps_the_inside_part_and_drops_boxes_wholly_outside() {
        let image = DatasetImage::new("a.jpg", 100, 50);
        assert_eq!(
            clip_to_image(&ImageRect::new(-10.0, 40.0, 30.0, 30.0), &image),
            Some(ImageRect::new(0.0, 40.0, 20.0, 10.0))
        );
        assert_eq!(
            clip_to_image(&ImageRect::new(200.0, 0.0, 10.0, 10.0), &image),
            None
        );
        assert_eq!(
            clip_to_image(&ImageRect::new(f64::NAN, 0.0, 10.0, 10.0), &image),
            None
        );
    }
}
