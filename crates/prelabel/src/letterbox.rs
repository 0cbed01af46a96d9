//! Letterboxing: fitting an image into the model's input without distorting it, and mapping boxes back.
//!
//! The image is scaled by one factor so that it fits the input, centred, and the rest padded with grey (114), as
//! Ultralytics' `LetterBox` does. Boxes the model gives in input pixels map back to natural image pixels with
//! [`Letterbox::to_image`]; the resized size is rounded to whole pixels, so each axis keeps its own exact scale.

use crowdbox_core::geometry::{ImageRect, ImageSize};
use image::RgbImage;

use crate::decode::InputBox;

/// The grey Ultralytics pads with, so padded areas look like what the model was trained on.
pub const PAD_VALUE: u8 = 114;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Letterbox {
    /// The model's input size in pixels.
    pub input_width: u32,
    pub input_height: u32,
    /// The image's size once scaled, and where it sits in the input.
    pub resized_width: u32,
    pub resized_height: u32,
    pub pad_left: u32,
    pub pad_top: u32,
    /// The natural image size.
    pub image: ImageSize,
}

impl Letterbox {
    /// The letterbox of an `image_width`×`image_height` image in an `input_width`×`input_height` input.
    pub fn fit(image_width: u32, image_height: u32, input_width: u32, input_height: u32) -> Self {
        let (iw, ih) = (
            f64::from(image_width.max(1)),
            f64::from(image_height.max(1)),
        );
        let scale = (f64::from(input_width) / iw).min(f64::from(input_height) / ih);
        let resized_width = ((iw * scale).round() as u32).clamp(1, input_width);
        let resized_height = ((ih * scale).round() as u32).clamp(1, input_height);
        // As Ultralytics: an odd padding puts the extra pixel at the right and bottom.
        let pad_left =
            ((f64::from(input_width - resized_width) / 2.0 - 0.1).round()).max(0.0) as u32;
        let pad_top =
            ((f64::from(input_height - resized_height) / 2.0 - 0.1).round()).max(0.0) as u32;
        Self {
            input_width,
            input_height,
            resized_width,
            resized_height,
            pad_left,
            pad_top,
            image: ImageSize::new(iw, ih),
        }
    }

    fn scale_x(&self) -> f64 {
        f64::from(self.resized_width) / self.image.width
    }

    fn scale_y(&self) -> f64 {
        f64::from(self.resized_height) / self.image.height
    }

    /// A rect in natural image pixels, as the model sees it in input pixels.
    pub fn to_input(&self, rect: &ImageRect) -> InputBox {
        let (sx, sy) = (self.scale_x(), self.scale_y());
        let (left, top) = (f64::from(self.pad_left), f64::from(self.pad_top));
        InputBox {
            x1: rect.x * sx + left,
            y1: rect.y * sy + top,
            x2: rect.right() * sx + left,
            y2: rect.bottom() * sy + top,
        }
    }

    /// A box in input pixels back in natural image pixels, clipped to the image (it may be empty when the model
    /// put a box in the padding).
    pub fn to_image(&self, input: &InputBox) -> ImageRect {
        let (sx, sy) = (self.scale_x(), self.scale_y());
        let (left, top) = (f64::from(self.pad_left), f64::from(self.pad_top));
        let x1 = (input.x1 - left) / sx;
        let y1 = (input.y1 - top) / sy;
        let x2 = (input.x2 - left) / sx;
        let y2 = (input.y2 - top) / sy;
        ImageRect::new(x1, y1, x2 - x1, y2 - y1).clip_to(&self.image.bounds())
    }

    /// The model's input tensor data for `image`: NCHW, RGB, values 0–1, padding grey. `image` is the picture
    /// this letterbox was fitted to, at its natural size or decoded smaller (same aspect).
    ///
    /// Resized by bilinear sampling of the four nearest pixels, as OpenCV's `INTER_LINEAR` that Ultralytics
    /// trains and predicts with (no low-pass filter when shrinking, so the model sees what it was trained on),
    /// straight into the tensor.
    pub fn input_tensor_data(&self, image: &RgbImage) -> Vec<f32> {
        let plane = (self.input_width * self.input_height) as usize;
        let mut data = vec![f32::from(PAD_VALUE) / 255.0; 3 * plane];
        let (source_width, source_height) = (image.width() as usize, image.height() as usize);
        if source_width == 0 || source_height == 0 {
            return data;
        }
        let xs = bilinear_taps(source_width, self.resized_width as usize);
        let ys = bilinear_taps(source_height, self.resized_height as usize);
        let raw = image.as_raw();
        let stride = source_width * 3;
        for (y, &(y0, y1, ty)) in ys.iter().enumerate() {
            let (row0, row1) = (&raw[y0 * stride..][..stride], &raw[y1 * stride..][..stride]);
            let row_start =
                (y + self.pad_top as usize) * self.input_width as usize + self.pad_left as usize;
            for (x, &(x0, x1, tx)) in xs.iter().enumerate() {
                for channel in 0..3 {
                    let p = |row: &[u8], x: usize| f32::from(row[x * 3 + channel]);
                    let top = p(row0, x0) + (p(row0, x1) - p(row0, x0)) * tx;
                    let bottom = p(row1, x0) + (p(row1, x1) - p(row1, x0)) * tx;
                    data[channel * plane + row_start + x] = (top + (bottom - top) * ty) / 255.0;
                }
            }
        }
        data
    }
}

/// For each of `target` pixels along an axis of `source` pixels: the two source pixels it lies between and the
/// weight of the second, with pixel centres aligned (OpenCV's convention) and edges clamped.
fn bilinear_taps(source: usize, target: usize) -> Vec<(usize, usize, f32)> {
    let scale = source as f64 / target.max(1) as f64;
    (0..target)
        .map(|i| {
            let at = ((i as f64 + 0.5) * scale - 0.5).max(0.0);
            let first = (at.floor() as usize).min(source - 1);
            let second = (first + 1).min(source - 1);
            (first, second, (at - first as f64).min(1.0) as f32)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(a: &ImageRect, b: &ImageRect) {
        for (x, y) in a.to_coco().iter().zip(b.to_coco()) {
            assert!((x - y).abs() < 1e-9, "{a:?} != {b:?}");
        }
    }

    #[test]
    fn a_wide_image_is_padded_above_and_below_and_centred() {
        let lb = Letterbox::fit(1280, 720, 640, 640);
        assert_eq!((lb.resized_width, lb.resized_height), (640, 360));
        assert_eq!((lb.pad_left, lb.pad_top), (0, 140));
    }

    #[test]
    fn a_tall_image_is_padded_left_and_right() {
        let lb = Letterbox::fit(300, 600, 320, 320);
        assert_eq!((lb.resized_width, lb.resized_height), (160, 320));
        assert_eq!((lb.pad_left, lb.pad_top), (80, 0));
    }

    #[test]
    fn an_odd_padding_puts_the_extra_pixel_at_the_bottom() {
        // 640 × 427/640 = 427 rows, 213 pixels of padding: 106 above, 107 below (as Ultralytics).
        let lb = Letterbox::fit(640, 427, 640, 640);
        assert_eq!(lb.resized_height, 427);
        assert_eq!(lb.pad_top, 106);
    }

    #[test]
    fn a_box_goes_to_the_input_and_back_unchanged() {
        for (w, h, input) in [
            (1280, 720, 640),
            (333, 777, 320),
            (640, 640, 640),
            (97, 1000, 640),
        ] {
            let lb = Letterbox::fit(w, h, input, input);
            let rect = ImageRect::new(10.5, 20.25, f64::from(w) / 3.0, f64::from(h) / 4.0);
            assert_close(&lb.to_image(&lb.to_input(&rect)), &rect);
        }
    }

    #[test]
    fn a_box_reaching_into_the_padding_is_clipped_to_the_image() {
        let lb = Letterbox::fit(1280, 720, 640, 640);
        // From the top padding (y 100 < 140) to past the right edge.
        let back = lb.to_image(&InputBox {
            x1: 600.0,
            y1: 100.0,
            x2: 700.0,
            y2: 200.0,
        });
        assert_close(&back, &ImageRect::new(1200.0, 0.0, 80.0, 120.0));
    }

    #[test]
    fn a_box_wholly_in_the_padding_comes_back_empty() {
        let lb = Letterbox::fit(1280, 720, 640, 640);
        let back = lb.to_image(&InputBox {
            x1: 10.0,
            y1: 10.0,
            x2: 60.0,
            y2: 60.0,
        });
        assert_eq!(back.h, 0.0);
    }

    #[test]
    fn resizing_samples_bilinearly_with_centres_aligned_as_opencv_does() {
        // cv2.resize([[0, 255]], (4, 1), interpolation=cv2.INTER_LINEAR) gives 0, 64, 191, 255.
        let image = RgbImage::from_fn(2, 1, |x, _| image::Rgb([if x == 0 { 0 } else { 255 }; 3]));
        let lb = Letterbox::fit(2, 1, 4, 2);
        assert_eq!((lb.resized_width, lb.resized_height, lb.pad_top), (4, 2, 0));
        let data = lb.input_tensor_data(&image);
        let row: Vec<f32> = data[..4].iter().map(|v| v * 255.0).collect();
        for (value, expected) in row.iter().zip([0.0, 63.75, 191.25, 255.0]) {
            assert!((value - expected).abs() < 1e-3, "{row:?}");
        }
    }

    #[test]
    fn shrinking_by_two_averages_each_pair_of_pixels() {
        let image = RgbImage::from_fn(4, 4, |x, _| image::Rgb([(x * 80) as u8; 3]));
        let lb = Letterbox::fit(4, 4, 2, 2);
        let data = lb.input_tensor_data(&image);
        let row: Vec<f32> = data[..2].iter().map(|v| v * 255.0).collect();
        assert!(
            (row[0] - 40.0).abs() < 1e-3 && (row[1] - 200.0).abs() < 1e-3,
            "{row:?}"
        );
    }

    #[test]
    fn the_input_tensor_holds_the_image_in_the_middle_and_grey_around_it() {
        let image = RgbImage::from_pixel(4, 2, image::Rgb([255, 0, 51]));
        let lb = Letterbox::fit(4, 2, 4, 4);
        assert_eq!((lb.pad_left, lb.pad_top), (0, 1));
        let data = lb.input_tensor_data(&image);
        assert_eq!(data.len(), 3 * 16);
        let grey = 114.0 / 255.0;
        // Row 0 is padding, rows 1–2 the image (R = 1, G = 0, B = 0.2), row 3 padding.
        assert_eq!(data[0], grey);
        assert_eq!(data[4], 1.0);
        assert_eq!(data[16 + 4], 0.0);
        assert!((data[32 + 8] - 0.2).abs() < 1e-6);
        assert_eq!(data[12], grey);
    }
}
