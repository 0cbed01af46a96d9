//! Pascal VOC XML: one `<annotation>` document per image.
//!
//! VOC numbers pixels from 1 and its corners are inclusive: `<xmin>1</xmin><xmax>10</xmax>` is the box over the
//! first ten pixel columns. crowdbox boxes are continuous with the origin at the image's top-left corner, where
//! that same box is `x = 0, w = 10`. So, reading: `x = xmin − 1`, `w = xmax − xmin + 1` (and the same for y);
//! writing: `xmin = round(x) + 1`, `xmax = round(x + w)` — whole pixels, at least one, inside the image.
//!
//! Read: `filename`, `size/width`, `size/height`, and each `object`'s `name` and `bndbox`; body-part boxes nested
//! in an object (`object/part/bndbox`) and other elements are ignored. VOC has no crowd flag nor confidence.
//! Written: the same, with `depth` 3, `pose` Unspecified, `difficult` 0, and `truncated` 1 for boxes that had to
//! be clipped to the image.

use quick_xml::events::Event;
use quick_xml::Reader;

use super::ground_truth_export::whole_pixel_span;
use super::{
    clip_to_image, per_image_paths, Dataset, DatasetBox, DatasetImage, ExportFile, FormatError,
};
use crate::geometry::ImageRect;

const FORMAT: &str = "Pascal VOC";

/// An `<object>` being read: its fields as text until the closing tag.
#[derive(Default)]
struct PendingObject {
    name: Option<String>,
    corners: [Option<String>; 4],
}

const CORNERS: [&str; 4] = ["xmin", "ymin", "xmax", "ymax"];

/// Reads one VOC document. `source_name` (e.g. `Annotations/000001.xml`) names it in error messages.
pub fn import_voc_document(xml: &str, source_name: &str) -> Result<DatasetImage, FormatError> {
    let mut reader = Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let (mut file_name, mut width, mut height) = (None, None, None);
    let mut objects: Vec<PendingObject> = Vec::new();
    let syntax_error = |position: u64, message: String| {
        FormatError::new(
            FORMAT,
            format!("not well-formed XML at byte {position}: {message}"),
        )
        .at(source_name)
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|error| syntax_error(reader.error_position(), error.to_string()))?;
        match event {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                if path.is_empty() && name != "annotation" {
                    let message = format!("expected an <annotation> document, found <{name}>");
                    return Err(FormatError::new(FORMAT, message).at(source_name));
                }
                path.push(name);
                if path.len() == 2 && path[1] == "object" {
                    objects.push(PendingObject::default());
                }
                text.clear();
            }
            Event::Text(content) => {
                let content = content
                    .decode()
                    .map_err(|error| syntax_error(reader.buffer_position(), error.to_string()))?;
                text.push_str(&content);
            }
            Event::CData(content) => text.push_str(&String::from_utf8_lossy(&content)),
            Event::GeneralRef(reference) => {
                let name = reference
                    .decode()
                    .map_err(|error| syntax_error(reader.buffer_position(), error.to_string()))?;
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(character)) => character.to_string(),
                    _ => match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(entity) => entity.to_owned(),
                        None => {
                            return Err(syntax_error(
                                reader.buffer_position(),
                                format!("unknown entity &{name};"),
                            ))
                        }
                    },
                };
                text.push_str(&resolved);
            }
            Event::End(_) => {
                let value = std::mem::take(&mut text).trim().to_owned();
                let joined = path.join("/");
                match joined.as_str() {
                    "annotation/filename" => file_name = Some(value),
                    "annotation/size/width" => width = Some(value),
                    "annotation/size/height" => height = Some(value),
                    "annotation/object/name" => {
                        if let Some(object) = objects.last_mut() {
                            object.name = Some(value);
                        }
                    }
                    other => {
                        if let Some(corner) = other.strip_prefix("annotation/object/bndbox/") {
                            if let (Some(slot), Some(object)) = (
                                CORNERS.iter().position(|c| *c == corner),
                                objects.last_mut(),
                            ) {
                                object.corners[slot] = Some(value);
                            }
                        }
                    }
                }
                path.pop();
            }
            Event::Eof if path.is_empty() => break,
            Event::Eof => {
                let message = format!("the document ends inside <{}>", path.join("><"));
                return Err(syntax_error(reader.buffer_position(), message));
            }
            _ => {}
        }
    }
    let missing = |field: &str| FormatError::in_field(FORMAT, source_name, field, "missing");
    let file_name = file_name
        .filter(|name| !name.is_empty())
        .ok_or_else(|| missing("filename"))?;
    let width = whole_pixels(
        width.ok_or_else(|| missing("size/width"))?,
        source_name,
        "size/width",
    )?;
    let height = whole_pixels(
        height.ok_or_else(|| missing("size/height"))?,
        source_name,
        "size/height",
    )?;
    let mut image = DatasetImage::new(file_name, width, height);
    for (index, object) in objects.into_iter().enumerate() {
        let location = format!("object {} of {source_name}", index + 1);
        let label = object.name.filter(|name| !name.is_empty());
        let label =
            label.ok_or_else(|| FormatError::in_field(FORMAT, &location, "name", "missing"))?;
        let mut corners = [0.0; 4];
        for (slot, value) in object.corners.into_iter().enumerate() {
            let field = format!("bndbox/{}", CORNERS[slot]);
            let value =
                value.ok_or_else(|| FormatError::in_field(FORMAT, &location, &field, "missing"))?;
            corners[slot] = value
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    FormatError::in_field(
                        FORMAT,
                        &location,
                        &field,
                        format!("expected a number, found `{value}`"),
                    )
                })?;
        }
        let [xmin, ymin, xmax, ymax] = corners;
        if xmax < xmin || ymax < ymin {
            let message =
                format!("the corners ({xmin}, {ymin}) – ({xmax}, {ymax}) are in the wrong order");
            return Err(FormatError::in_field(FORMAT, &location, "bndbox", message));
        }
        let rect = ImageRect::new(xmin - 1.0, ymin - 1.0, xmax - xmin + 1.0, ymax - ymin + 1.0);
        image.boxes.push(DatasetBox::new(label, rect));
    }
    Ok(image)
}

fn whole_pixels(value: String, location: &str, field: &str) -> Result<u32, FormatError> {
    // Some tools write `500.0`.
    let number = value
        .parse::<f64>()
        .ok()
        .filter(|v| v.fract() == 0.0 && *v >= 1.0 && *v <= f64::from(u32::MAX));
    number.map(|v| v as u32).ok_or_else(|| {
        FormatError::in_field(
            FORMAT,
            location,
            field,
            format!("expected a whole number of pixels ≥ 1, found `{value}`"),
        )
    })
}

/// Reads several VOC documents, each given with the name it is known by. Labels are ordered by first use.
pub fn import_voc<'a>(
    documents: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Dataset, FormatError> {
    let mut dataset = Dataset::new();
    for (source_name, xml) in documents {
        let image = import_voc_document(xml, source_name)?;
        for dataset_box in &image.boxes {
            dataset.add_label(&dataset_box.label);
        }
        dataset.images.push(image);
    }
    Ok(dataset)
}

/// One image as a VOC document.
pub fn export_voc_document(image: &DatasetImage) -> String {
    let escape = |text: &str| quick_xml::escape::escape(text).into_owned();
    let mut xml = String::with_capacity(300 + 220 * image.boxes.len());
    xml.push_str("<annotation>\n");
    xml.push_str(&format!(
        "  <filename>{}</filename>\n",
        escape(&image.file_name)
    ));
    xml.push_str(&format!(
        "  <size>\n    <width>{}</width>\n    <height>{}</height>\n    <depth>3</depth>\n  </size>\n",
        image.width, image.height
    ));
    xml.push_str("  <segmented>0</segmented>\n");
    for dataset_box in &image.boxes {
        let Some(rect) = clip_to_image(&dataset_box.rect, image) else {
            continue;
        };
        let truncated = u8::from(rect != dataset_box.rect);
        let (left, width) = whole_pixel_span(rect.x, rect.right(), image.width);
        let (top, height) = whole_pixel_span(rect.y, rect.bottom(), image.height);
        xml.push_str(&format!(
            "  <object>\n    <name>{}</name>\n    <pose>Unspecified</pose>\n    <truncated>{truncated}</truncated>\n    \
             <difficult>0</difficult>\n    <bndbox>\n      <xmin>{}</xmin>\n      <ymin>{}</ymin>\n      \
             <xmax>{}</xmax>\n      <ymax>{}</ymax>\n    </bndbox>\n  </object>\n",
            escape(&dataset_box.label),
            left + 1,
            top + 1,
            left + width,
            top + height
        ));
    }
    xml.push_str("</annotation>\n");
    xml
}

/// Every image as `Annotations/<file stem>.xml`, images without boxes included.
pub fn export_voc(dataset: &Dataset) -> Result<Vec<ExportFile>, FormatError> {
    dataset.label_indices(FORMAT)?;
    let paths = per_image_paths(dataset, FORMAT, "Annotations", "xml")?;
    Ok(paths
        .into_iter()
        .zip(&dataset.images)
        .map(|(path, image)| ExportFile {
            path,
            contents: export_voc_document(image),
        })
        .collect())
}
