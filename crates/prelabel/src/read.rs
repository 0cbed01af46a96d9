//! Reading an image file upright (EXIF orientation applied, as browsers show it and as the server stores its
//! size), checking it is the size the job says.
//!
//! A JPEG is decoded at the smallest scale (1/8, 1/4, 1/2 or 1, in the IDCT) that still covers the model's
//! input: a 12 MP photo letterboxed to 640 needs a quarter of its pixels decoded.

use std::io::BufReader;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage};

use crate::run::ImageInput;

/// The image at its natural, upright size.
pub fn read_image(image: &ImageInput) -> Result<RgbImage, String> {
    let path = image.path.display();
    let reader = ImageReader::open(&image.path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| format!("cannot open {path}: {e}"))?;
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("cannot decode {path}: {e}"))?;
    let orientation = decoder
        .orientation()
        .map_err(|e| format!("cannot decode {path}: {e}"))?;
    let mut pixels =
        DynamicImage::from_decoder(decoder).map_err(|e| format!("cannot decode {path}: {e}"))?;
    pixels.apply_orientation(orientation);
    check_size(image, pixels.width(), pixels.height())?;
    Ok(pixels.into_rgb8())
}

/// The image upright, decoded at `at_least` (width, height) pixels or more where the format allows it (JPEG),
/// else at its natural size. Its natural size is checked either way.
pub fn read_image_for_input(image: &ImageInput, at_least: (u32, u32)) -> Result<RgbImage, String> {
    match read_jpeg_scaled(image, at_least)? {
        Some(pixels) => Ok(pixels),
        None => read_image(image),
    }
}

fn check_size(image: &ImageInput, width: u32, height: u32) -> Result<(), String> {
    if (width, height) == (image.width, image.height) {
        return Ok(());
    }
    Err(format!(
        "{} decodes to {width}×{height} pixels, but the job has it as {}×{}",
        image.path.display(),
        image.width,
        image.height
    ))
}

/// `None` when the file is not a baseline RGB or grey JPEG that `jpeg-decoder` reads (the general path then
/// decodes it, or says what is wrong with it).
fn read_jpeg_scaled(image: &ImageInput, at_least: (u32, u32)) -> Result<Option<RgbImage>, String> {
    use jpeg_decoder::PixelFormat;
    let path = image.path.display();
    let file = std::fs::File::open(&image.path).map_err(|e| format!("cannot open {path}: {e}"))?;
    let mut decoder = jpeg_decoder::Decoder::new(BufReader::new(file));
    if decoder.read_info().is_err() {
        return Ok(None);
    }
    let Some(info) = decoder.info() else {
        return Ok(None);
    };
    if !matches!(info.pixel_format, PixelFormat::RGB24 | PixelFormat::L8) {
        return Ok(None);
    }
    let orientation = decoder
        .exif_data()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    let quarter_turn = matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    let (stored_width, stored_height) = (u32::from(info.width), u32::from(info.height));
    let (width, height) = if quarter_turn {
        (stored_height, stored_width)
    } else {
        (stored_width, stored_height)
    };
    check_size(image, width, height)?;
    let (want_width, want_height) = if quarter_turn {
        (at_least.1, at_least.0)
    } else {
        at_least
    };
    let to_u16 = |v: u32| u16::try_from(v).unwrap_or(u16::MAX);
    let (scaled_width, scaled_height) = decoder
        .scale(to_u16(want_width), to_u16(want_height))
        .map_err(|e| format!("cannot decode {path}: {e}"))?;
    let data = decoder
        .decode()
        .map_err(|e| format!("cannot decode {path}: {e}"))?;
    let (w, h) = (u32::from(scaled_width), u32::from(scaled_height));
    let pixels = match info.pixel_format {
        PixelFormat::RGB24 => RgbImage::from_raw(w, h, data).map(DynamicImage::ImageRgb8),
        _ => image::GrayImage::from_raw(w, h, data).map(DynamicImage::ImageLuma8),
    };
    let Some(mut pixels) = pixels else {
        return Err(format!(
            "cannot decode {path}: fewer pixels than its header says"
        ));
    };
    pixels.apply_orientation(orientation);
    Ok(Some(pixels.into_rgb8()))
}
