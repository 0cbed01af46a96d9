//! Images the tests write, and checks on what a pyramid folder holds.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use crowdbox_tiles::PyramidOptions;
use image::{ImageFormat, Rgb, RgbImage};

/// A picture whose every pixel can be told from where it is: red grows to the right, green downwards, and a
/// blue checkerboard of 64 px squares.
pub fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([
            (x * 255 / width.max(2)) as u8,
            (y * 255 / height.max(2)) as u8,
            if (x / 64 + y / 64) % 2 == 0 { 40 } else { 220 },
        ])
    })
}

pub fn write_image(dir: &Path, name: &str, image: &RgbImage, format: ImageFormat) -> PathBuf {
    let path = dir.join(name);
    image.save_with_format(&path, format).unwrap();
    path
}

pub fn jpeg_bytes(image: &RgbImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

pub fn options(tile_size: u32) -> PyramidOptions {
    PyramidOptions {
        tile_size,
        ..PyramidOptions::default()
    }
}

/// Nothing but `expected` in `dir`: no pyramid and no temporary folder left behind.
pub fn assert_only(dir: &Path, expected: &[&str]) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, expected, "what is left in {}", dir.display());
}

pub fn decode(path: &Path) -> RgbImage {
    image::open(path).unwrap().into_rgb8()
}

pub fn close(a: [u8; 3], b: [u8; 3], tolerance: i32) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| (i32::from(*x) - i32::from(y)).abs() <= tolerance)
}

/// A valid baseline JPEG whose frame header (SOF0) claims `height` rows.
pub fn jpeg_claiming_height(image: &RgbImage, height: u16) -> Vec<u8> {
    let mut jpeg = jpeg_bytes(image);
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline JPEG has SOF0");
    // FF C0, length (2), precision (1), height (2), width (2).
    jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    jpeg
}

/// A PNG chunk: length, type, data, CRC of type and data.
pub fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    out
}

/// An RGB PNG whose header says `width` × `height` but whose data is that of a real 16 × 16 image.
pub fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut small = Cursor::new(Vec::new());
    picture(16, 16)
        .write_to(&mut small, ImageFormat::Png)
        .unwrap();
    let small = small.into_inner();
    let idat = small.windows(4).position(|w| w == b"IDAT").unwrap() - 4;
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&chunk(b"IHDR", &ihdr));
    png.extend_from_slice(&small[idat..]); // the small image's IDAT and IEND
    png
}

/// `image` written by libjpeg: progressive when asked, or as CMYK (the inverted CMYK Adobe software writes).
pub fn libjpeg_file(path: &Path, image: &RgbImage, progressive: bool, cmyk: bool) {
    let (w, h) = image.dimensions();
    let space = if cmyk {
        mozjpeg::ColorSpace::JCS_CMYK
    } else {
        mozjpeg::ColorSpace::JCS_RGB
    };
    let mut compress = mozjpeg::Compress::new(space);
    compress.set_size(w as usize, h as usize);
    compress.set_quality(90.0);
    if progressive {
        compress.set_progressive_mode();
    }
    let mut started = compress.start_compress(Vec::new()).unwrap();
    let pixels: Vec<u8> = if cmyk {
        image
            .pixels()
            .flat_map(|p| [255 - p[0], 255 - p[1], 255 - p[2], 255])
            .collect()
    } else {
        image.as_raw().clone()
    };
    started.write_scanlines(&pixels).unwrap();
    std::fs::write(path, started.finish().unwrap()).unwrap();
}
