//! Files the tests import: generated PNGs and JPEGs, and copies of fixture folders.

use std::io::Cursor;

/// Sizes of the generated fixtures: all different, so no two are equal files.
pub fn fixture_size(index: usize) -> (u32, u32) {
    (40 + 4 * index as u32, 30 + 2 * index as u32)
}

/// A PNG of one colour; `shade` makes files of the same size differ.
pub fn png_fixture(width: u32, height: u32, shade: u8) -> Vec<u8> {
    let picture = image::RgbImage::from_pixel(width, height, image::Rgb([shade, 128, 255 - shade]));
    let mut bytes = Cursor::new(Vec::new());
    picture
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    bytes.into_inner()
}

/// A baseline JPEG of `width`×`height` stored pixels with an EXIF APP1 segment (orientation tag only) spliced in
/// right after the SOI marker, as cameras write it.
pub fn jpeg_with_orientation(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let picture = image::RgbImage::from_pixel(width, height, image::Rgb([200, 80, 20]));
    let mut jpeg = Cursor::new(Vec::new());
    picture
        .write_to(&mut jpeg, image::ImageFormat::Jpeg)
        .unwrap();
    let jpeg = jpeg.into_inner();
    assert_eq!(&jpeg[..2], [0xFF, 0xD8], "a JPEG starts with SOI");

    // Big-endian TIFF header, then IFD0 with one entry: Orientation (0x0112), SHORT, count 1.
    let mut tiff = b"MM\x00\x2A\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01".to_vec();
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]); // value padding, then "no next IFD"
    let mut payload = b"Exif\x00\x00".to_vec();
    payload.extend_from_slice(&tiff);
    let length = u16::try_from(payload.len() + 2).unwrap();

    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// Copies the folder `from` to `to` (created), recursively.
pub fn copy_folder(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
