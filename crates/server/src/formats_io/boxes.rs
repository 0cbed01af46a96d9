//! The boxes half of a dataset import: the labels check, then pre-annotations or imported final submissions
//! with their boxes.

use std::collections::HashMap;

use anyhow::bail;
use crowdbox_core::formats::clip_to_image;
use sha2::{Digest, Sha256};

use super::ingest::{ImageBoxes, ImportAs};
use super::sources::LoadedSource;
use crate::db::ingest::{BoxTable, NewBox};
use crate::db::{self, WriteTransaction};
use crate::jobs::Job;

/// Stores the boxes of every image that has no imported boxes of this kind yet. Returns (boxes stored, boxes
/// outside their image, images skipped).
pub(super) async fn store_boxes(
    tx: &mut WriteTransaction,
    job: &Job,
    kind: ImportAs,
    boxes_of: &[ImageBoxes<'_>],
    category_of: &HashMap<String, i64>,
    now_ms: i64,
) -> anyhow::Result<(usize, usize, usize)> {
    let table = match kind {
        ImportAs::Pre => BoxTable::Pre,
        ImportAs::Final => BoxTable::Final,
        ImportAs::Gold => BoxTable::Gold,
    };
    let already = db::ingest::images_with_boxes(tx, job.id, table)?;
    let mut rows: Vec<NewBox> = Vec::new();
    let (mut dropped, mut skipped) = (0, 0);
    let mut finals: Vec<(i64, String)> = Vec::new();
    for (image_id, boxes, width, height, file_name) in boxes_of {
        if already.contains(image_id) {
            skipped += 1;
            continue;
        }
        let bounds = crowdbox_core::formats::DatasetImage::new("", *width, *height);
        let mut content = Sha256::new();
        for (index, dataset_box) in boxes.iter().enumerate() {
            let Some(rect) = clip_to_image(&dataset_box.rect, &bounds) else {
                // Volunteers are scored against gold boxes: one that is not a box of the image is refused.
                if kind == ImportAs::Gold {
                    bail!(
                        "gold image `{file_name}`: box {} ({} at {:?}) is not a box inside the \
                         {width}×{height} image; gold boxes must be right",
                        index + 1,
                        dataset_box.label,
                        dataset_box.rect
                    );
                }
                dropped += 1;
                continue;
            };
            let category = category_of[&dataset_box.label];
            content.update(format!(
                "{category} {} {} {} {};",
                rect.x, rect.y, rect.w, rect.h
            ));
            rows.push(NewBox {
                image_id: *image_id,
                category_id: category,
                rect: [rect.x, rect.y, rect.w, rect.h],
                iscrowd: dataset_box.iscrowd,
            });
        }
        if kind == ImportAs::Final {
            finals.push((*image_id, hex::encode(content.finalize())));
        }
    }
    db::ingest::insert_boxes(tx, table, &rows, &finals, now_ms)?;
    Ok((rows.len(), dropped, skipped))
}

/// Each job label's category id; refuses box labels the job does not have, naming them and their counts.
pub(super) async fn check_labels(
    tx: &mut WriteTransaction,
    job: &Job,
    source: &LoadedSource,
) -> anyhow::Result<HashMap<String, i64>> {
    let categories = db::jobs::categories(tx, job)?;
    let category_of: HashMap<String, i64> = categories
        .iter()
        .map(|category| {
            (
                category.name.clone(),
                i64::try_from(category.id).unwrap_or_default(),
            )
        })
        .collect();
    let mut unknown: Vec<(String, usize)> = Vec::new();
    for dataset_box in source.dataset.images.iter().flat_map(|image| &image.boxes) {
        if !category_of.contains_key(&dataset_box.label) {
            match unknown
                .iter_mut()
                .find(|(label, _)| *label == dataset_box.label)
            {
                Some((_, count)) => *count += 1,
                None => unknown.push((dataset_box.label.clone(), 1)),
            }
        }
    }
    if !unknown.is_empty() {
        let listed: Vec<String> = unknown
            .iter()
            .map(|(label, count)| format!("{label} ({count} boxes)"))
            .collect();
        let known: Vec<&str> = categories
            .iter()
            .map(|category| category.name.as_str())
            .collect();
        bail!(
            "{}: labels that job {} does not have: {}; the job's labels are {}; rename them with --class-map \
             (e.g. a line `{}={}`)",
            source.origin, job.name, listed.join(", "), known.join(", "), unknown[0].0, known[0]
        );
    }
    Ok(category_of)
}
