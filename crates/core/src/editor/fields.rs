//! Typing a box's numbers: the box list's x, y, w and h fields change a box the way a drag would.

use super::history::Edit;
use super::{Annotation, Editor, MIN_BOX_IMAGE_PX};
use crate::geometry::ImageRect;

/// One number of a box, in image pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoxField {
    X,
    Y,
    Width,
    Height,
}

impl BoxField {
    pub const ALL: [BoxField; 4] = [BoxField::X, BoxField::Y, BoxField::Width, BoxField::Height];

    /// The short name shown beside the field: `x`, `y`, `w`, `h`.
    pub fn short(self) -> &'static str {
        match self {
            BoxField::X => "x",
            BoxField::Y => "y",
            BoxField::Width => "w",
            BoxField::Height => "h",
        }
    }

    /// The field's value for `rect`.
    pub fn of(self, rect: &ImageRect) -> f64 {
        match self {
            BoxField::X => rect.x,
            BoxField::Y => rect.y,
            BoxField::Width => rect.w,
            BoxField::Height => rect.h,
        }
    }
}

impl Editor {
    /// Sets one number of box `id` from what the volunteer typed, as one undo step. x and y move the box (its
    /// size kept), w and h size it (its top-left corner kept); either way it stays inside the image, so a number
    /// too large or too small is clamped. Text that is not a number is refused with a sentence saying so, and
    /// nothing changes. Returns the box's rectangle afterwards.
    pub fn set_box_field(
        &mut self,
        id: u64,
        field: BoxField,
        text: &str,
    ) -> Result<ImageRect, String> {
        if self.read_only {
            return Err("In this job boxes are accepted or rejected, not changed.".to_owned());
        }
        let Some(before) = self.annotation(id).cloned() else {
            return Err("That box is gone.".to_owned());
        };
        let value = text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                format!(
                    "{} must be a number of image pixels, like 120 (got \u{201c}{}\u{201d}).",
                    field.short(),
                    text.trim()
                )
            })?;
        let (width, height) = (self.image.width, self.image.height);
        let r = before.rect;
        let rect = match field {
            BoxField::X => ImageRect::new(value.clamp(0.0, (width - r.w).max(0.0)), r.y, r.w, r.h),
            BoxField::Y => ImageRect::new(r.x, value.clamp(0.0, (height - r.h).max(0.0)), r.w, r.h),
            BoxField::Width => {
                let max = (width - r.x).max(MIN_BOX_IMAGE_PX);
                ImageRect::new(r.x, r.y, value.clamp(MIN_BOX_IMAGE_PX.min(max), max), r.h)
            }
            BoxField::Height => {
                let max = (height - r.y).max(MIN_BOX_IMAGE_PX);
                ImageRect::new(r.x, r.y, r.w, value.clamp(MIN_BOX_IMAGE_PX.min(max), max))
            }
        };
        if rect != r {
            self.history.close_merge();
            let after = Annotation {
                rect,
                ..before.clone()
            };
            self.commit(Edit::Change { before, after });
        }
        Ok(rect)
    }
}
