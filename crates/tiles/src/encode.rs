//! One tile to JPEG bytes.

use std::panic::{catch_unwind, AssertUnwindSafe};

use mozjpeg::{ColorSpace, Compress};

/// Encodes `width` × `height` RGB pixels (rows packed) as a baseline JPEG of `quality` (1–100).
pub(crate) fn encode_jpeg(
    rgb: &[u8],
    width: u32,
    height: u32,
    quality: u8,
) -> Result<Vec<u8>, String> {
    // libjpeg reports errors by unwinding out of its error handler (the mozjpeg crate's way): catch it here.
    catch_unwind(AssertUnwindSafe(|| {
        let mut compress = Compress::new(ColorSpace::JCS_RGB);
        compress.set_size(width as usize, height as usize);
        // Baseline, no trellis or scan search: tiles are many and small, and encoding them is most of the work.
        compress.set_fastest_defaults();
        compress.set_optimize_coding(true);
        compress.set_quality(f32::from(quality));
        let mut started = compress
            .start_compress(Vec::with_capacity(rgb.len() / 8))
            .map_err(|e| e.to_string())?;
        started.write_scanlines(rgb).map_err(|e| e.to_string())?;
        started.finish().map_err(|e| e.to_string())
    }))
    .unwrap_or_else(|panic| Err(crate::source::panic_message(panic)))
}
