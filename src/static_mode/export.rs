//! The downloads of static-site mode: every kept result as one COCO file, or as a Ground Truth output
//! manifest, handed to the browser as a file (a Blob behind an `<a download>`).

use crowdbox_core::coco::{CocoAnnotation, CocoCategory, CocoImage};
use crowdbox_core::formats::{
    export_ground_truth_output_manifest, Dataset, DatasetBox, DatasetImage,
    GroundTruthExportOptions,
};
use crowdbox_core::geometry::ImageRect;
use crowdbox_core::wire::CocoResult;
use serde::Serialize;
use wasm_bindgen::JsCast;

/// A COCO dataset file.
#[derive(Serialize)]
struct CocoFile<'a> {
    info: CocoInfo<'a>,
    images: Vec<CocoImage>,
    annotations: Vec<CocoAnnotation>,
    categories: &'a [CocoCategory],
}

#[derive(Serialize)]
struct CocoInfo<'a> {
    description: &'a str,
}

/// The results as one COCO file: images in the order they were finished, annotation ids numbered from 1.
pub fn coco_json(job: &str, results: &[(u64, CocoResult)], categories: &[CocoCategory]) -> String {
    let mut images = Vec::with_capacity(results.len());
    let mut annotations = Vec::new();
    for (_, result) in results {
        images.extend(result.images.iter().cloned());
        for a in &result.annotations {
            annotations.push(CocoAnnotation {
                id: annotations.len() as u64 + 1,
                ..a.clone()
            });
        }
    }
    let file = CocoFile {
        info: CocoInfo { description: job },
        images,
        annotations,
        categories,
    };
    serde_json::to_string(&file).unwrap_or_default()
}

/// The results as a Ground Truth bounding-box output manifest (`source-ref` = the image's reference).
pub fn ground_truth_manifest(
    job: &str,
    attribute: &str,
    results: &[(u64, CocoResult)],
    labels: &[String],
    creation_date: String,
) -> Result<String, String> {
    let name_of = |id: u64| labels.get((id as usize).wrapping_sub(1)).cloned();
    let mut dataset = Dataset {
        images: Vec::new(),
        labels: labels.to_vec(),
    };
    for (_, result) in results {
        for image in &result.images {
            let mut entry = DatasetImage::new(image.file_name.clone(), image.width, image.height);
            entry.outcomes = image.outcomes.clone();
            for a in result.annotations.iter().filter(|a| a.image_id == image.id) {
                let label = name_of(a.category_id)
                    .ok_or_else(|| format!("a box has an unknown label id {}", a.category_id))?;
                entry
                    .boxes
                    .push(DatasetBox::new(label, ImageRect::from_coco(a.bbox)));
            }
            dataset.images.push(entry);
        }
    }
    let options = GroundTruthExportOptions {
        attribute: attribute.to_owned(),
        job_name: format!("labeling-job/{job}"),
        creation_date,
        source_ref_prefix: String::new(),
        human_annotated: true,
    };
    export_ground_truth_output_manifest(&dataset, &options).map_err(|e| e.to_string())
}

/// Ground Truth's `creation-date` form of now: `2024-05-01T12:00:00.000000`.
pub fn creation_date_now() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    format!("{}000", iso.trim_end_matches('Z'))
}

/// Offers `contents` to the volunteer as a file named `file_name`.
pub fn download(file_name: &str, contents: &str, mime: &str) -> Result<(), String> {
    let failed = |what: &str| format!("The file could not be made ({what}).");
    let parts = js_sys::Array::of1(&contents.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| failed("blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| failed("url"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| failed("document"))?;
    let link: web_sys::HtmlElement = document
        .create_element("a")
        .map_err(|_| failed("link"))?
        .unchecked_into();
    link.set_attribute("href", &url)
        .map_err(|_| failed("href"))?;
    link.set_attribute("download", file_name)
        .map_err(|_| failed("download"))?;
    link.click();
    // The browser has started the download; the URL can go once this task is over.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000);
    }
    Ok(())
}
