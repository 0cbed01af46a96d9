//! Boxes in and out of the editor: the boxes it starts from, and the COCO result it hands over.

use super::{Annotation, Editor};
use crate::coco::{CocoAnnotation, CocoImage};
use crate::geometry::ImageRect;
use crate::wire::CocoResult;

impl Editor {
    /// Adds boxes the editor starts from (a saved draft, or boxes proposed in advance) as `(rect, category_id)`.
    /// Each is clipped to the image; boxes with a label the job does not have, or nothing left inside the
    /// image, are skipped. This is the starting point, so it is not an undo step. Returns how many were added.
    pub fn load_boxes(&mut self, boxes: impl IntoIterator<Item = (ImageRect, u64)>) -> usize {
        let bounds = self.image.bounds();
        let before = self.annotations.len();
        for (rect, category_id) in boxes {
            let rect = rect.clip_to(&bounds);
            let known = self.categories.iter().any(|c| c.id == category_id);
            if known && rect.is_finite() && rect.w > 0.0 && rect.h > 0.0 {
                self.annotations.push(Annotation {
                    id: self.next_id,
                    rect,
                    category_id,
                });
                self.next_id += 1;
            }
        }
        self.revision += 1;
        self.annotations.len() - before
    }

    /// The boxes as one image's COCO result: annotation ids 1..n in drawing order, `area = w * h`, `iscrowd` 0,
    /// and all the job's categories.
    pub fn to_coco_result(&self, image: &CocoImage) -> CocoResult {
        let annotations = self
            .annotations
            .iter()
            .zip(1..)
            .map(|(a, id)| CocoAnnotation {
                id,
                image_id: image.id,
                category_id: a.category_id,
                bbox: a.rect.to_coco(),
                area: a.rect.area(),
                iscrowd: 0,
                score: None,
            })
            .collect();
        CocoResult {
            images: vec![image.clone()],
            annotations,
            categories: self.categories.clone(),
        }
    }
}
