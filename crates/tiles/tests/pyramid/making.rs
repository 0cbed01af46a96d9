//! Pyramids made from good images: layout, sizes, pixels, formats.

use super::helpers::*;
use crowdbox_tiles::{
    make_pyramid, PyramidProgress, TileFormat, TileKey, TilePyramid, PYRAMID_FILE,
};
use image::{ImageFormat, Rgb, Rgba, RgbaImage};

#[test]
fn a_jpeg_becomes_levels_of_tiles_with_a_description_and_every_tile_has_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let source = write_image(
        dir.path(),
        "wide.jpg",
        &picture(1300, 700),
        ImageFormat::Jpeg,
    );
    let dest = dir.path().join("wide.tiles");
    let mut reports = Vec::new();
    let pyramid = make_pyramid(&source, &dest, &options(256), |p| reports.push(p)).unwrap();
    assert_eq!(
        pyramid,
        TilePyramid::new(1300, 700, 256, TileFormat::Jpeg).unwrap()
    );
    assert_eq!(pyramid.levels, 4, "1300 → 650 → 325 → 163 px wide");
    let described: TilePyramid =
        serde_json::from_slice(&std::fs::read(dest.join(PYRAMID_FILE)).unwrap()).unwrap();
    assert_eq!(described, pyramid);
    let mut files = 0;
    for level in 0..pyramid.levels {
        for key in pyramid.level_tiles(level) {
            let tile = decode(&dest.join(key.path(TileFormat::Jpeg)));
            assert_eq!(
                Some(tile.dimensions()),
                pyramid.tile_pixel_size(key),
                "{key:?}"
            );
            files += 1;
        }
    }
    assert_eq!(files, pyramid.tile_count());
    assert!(
        !dest.join("4").exists() && !dest.join("3/6").exists() && !dest.join("3/0/3.jpg").exists()
    );
    let last = *reports.last().unwrap();
    assert_eq!(
        last,
        PyramidProgress {
            tiles_written: pyramid.tile_count(),
            tiles_total: pyramid.tile_count()
        }
    );
    assert!(reports
        .windows(2)
        .all(|w| w[0].tiles_written < w[1].tiles_written));
    assert_only(dir.path(), &["wide.jpg", "wide.tiles"]);
}

#[test]
fn tiles_show_the_pixels_of_their_place_in_the_image_at_every_level() {
    let dir = tempfile::tempdir().unwrap();
    let image = picture(1000, 777);
    // PNG in, so the only loss is the tiles' JPEG.
    let source = write_image(dir.path(), "pattern.png", &image, ImageFormat::Png);
    let dest = dir.path().join("pattern");
    let pyramid = make_pyramid(&source, &dest, &options(128), |_| {}).unwrap();
    assert_eq!(pyramid.levels, 4);
    // The finest level: tile (5, 4) starts at image (640, 512); look inside a checker square, away from edges.
    let tile = decode(&dest.join(TileKey::new(3, 5, 4).path(TileFormat::Jpeg)));
    assert_eq!(tile.dimensions(), (128, 128));
    for (tx, ty) in [(10, 10), (40, 100), (100, 30)] {
        let want = image.get_pixel(640 + tx, 512 + ty).0;
        let got = tile.get_pixel(tx, ty).0;
        assert!(close(got, want, 12), "({tx}, {ty}): {got:?} vs {want:?}");
    }
    // Level 1 is halved twice (250 × 195): its pixel (x, y) is the mean of image pixels 4x..4x+4, 4y..4y+4.
    let coarse = decode(&dest.join(TileKey::new(1, 1, 0).path(TileFormat::Jpeg)));
    for (x, y) in [(140u32, 20u32), (200, 100)] {
        let mut sum = [0u32; 3];
        for dy in 0..4 {
            for dx in 0..4 {
                let p = image.get_pixel(4 * x + dx, 4 * y + dy).0;
                (0..3).for_each(|c| sum[c] += u32::from(p[c]));
            }
        }
        let want = sum.map(|s| (s / 16) as u8);
        let got = coarse.get_pixel(x - 128, y).0;
        assert!(
            close(got, want, 12),
            "level 1 ({x}, {y}): {got:?} vs {want:?}"
        );
    }
    // The last partial tile of the finest level ends at the image's last pixel.
    let corner = decode(&dest.join(TileKey::new(3, 7, 6).path(TileFormat::Jpeg)));
    assert_eq!(corner.dimensions(), (1000 - 7 * 128, 777 - 6 * 128));
    let want = image.get_pixel(999, 776).0;
    assert!(close(corner.get_pixel(103, 8).0, want, 16));
}

#[test]
fn transparent_png_pixels_are_shown_on_white_and_grey_and_webp_images_are_tiled_too() {
    let dir = tempfile::tempdir().unwrap();
    let clear = RgbaImage::from_fn(300, 200, |x, _| {
        if x < 150 {
            Rgba([0, 0, 255, 0])
        } else {
            Rgba([0, 0, 255, 255])
        }
    });
    let source = dir.path().join("clear.png");
    clear.save(&source).unwrap();
    make_pyramid(&source, &dir.path().join("clear"), &options(128), |_| {}).unwrap();
    let tile = decode(&dir.path().join("clear/2/0/0.jpg"));
    assert!(close(tile.get_pixel(20, 20).0, [255, 255, 255], 6));
    assert!(close(tile.get_pixel(30, 20).0, [255, 255, 255], 6));
    let right = decode(&dir.path().join("clear/2/2/0.jpg"));
    assert!(close(right.get_pixel(20, 20).0, [0, 0, 255], 12));

    let grey = image::GrayImage::from_fn(200, 300, |_, y| image::Luma([(y / 2) as u8]));
    let source = dir.path().join("grey.png");
    grey.save(&source).unwrap();
    let pyramid = make_pyramid(&source, &dir.path().join("grey"), &options(128), |_| {}).unwrap();
    assert_eq!(
        (pyramid.width, pyramid.height, pyramid.levels),
        (200, 300, 3)
    );

    let source = write_image(
        dir.path(),
        "photo.webp",
        &picture(400, 300),
        ImageFormat::WebP,
    );
    let pyramid = make_pyramid(&source, &dir.path().join("webp"), &options(128), |_| {}).unwrap();
    assert_eq!(pyramid.tile_count(), 1 + 2 * 2 + 4 * 3);
}

#[test]
fn an_exif_rotated_jpeg_is_tiled_as_it_is_displayed() {
    let dir = tempfile::tempdir().unwrap();
    let jpeg = jpeg_bytes(&picture(300, 200));
    // Big-endian TIFF with one IFD entry: Orientation (0x0112) = 6, a quarter turn clockwise.
    let tiff = b"MM\x00\x2A\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00";
    let mut payload = b"Exif\x00\x00".to_vec();
    payload.extend_from_slice(tiff);
    let mut rotated = vec![0xFF, 0xD8, 0xFF, 0xE1];
    rotated.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    rotated.extend_from_slice(&payload);
    rotated.extend_from_slice(&jpeg[2..]);
    let source = dir.path().join("rotated.jpg");
    std::fs::write(&source, rotated).unwrap();
    assert_eq!(crowdbox_tiles::image_size(&source).unwrap(), (200, 300));
    let pyramid = make_pyramid(&source, &dir.path().join("r"), &options(128), |_| {}).unwrap();
    assert_eq!((pyramid.width, pyramid.height), (200, 300));
    // Turned clockwise, the stored top-left corner (dark: no red, no green) is now at the top right.
    let top_right = decode(&dir.path().join("r/2/1/0.jpg"));
    let p = top_right.get_pixel(71 - 1, 0).0;
    assert!(p[0] < 30 && p[1] < 30, "{p:?}");
}

#[test]
fn a_progressive_jpeg_is_tiled_like_a_baseline_one() {
    let dir = tempfile::tempdir().unwrap();
    let image = picture(700, 500);
    let source = dir.path().join("progressive.jpg");
    libjpeg_file(&source, &image, true, false);
    let pyramid = make_pyramid(&source, &dir.path().join("p"), &options(256), |_| {}).unwrap();
    assert_eq!((pyramid.levels, pyramid.tile_count()), (3, 1 + 2 + 3 * 2));
    let tile = decode(&dir.path().join("p/2/2/1.jpg"));
    assert_eq!(tile.dimensions(), (700 - 512, 500 - 256));
    let (want, got) = (image.get_pixel(600, 300).0, tile.get_pixel(88, 44).0);
    assert!(close(got, want, 16), "{got:?} vs {want:?}");
}

#[test]
fn a_sixteen_bit_png_is_tiled_at_eight_bits() {
    let dir = tempfile::tempdir().unwrap();
    let deep = image::ImageBuffer::<Rgb<u16>, Vec<u16>>::from_fn(300, 200, |x, _| {
        Rgb([if x < 150 { 65_535 } else { 0 }, 0, 32_896])
    });
    let source = dir.path().join("deep.png");
    deep.save(&source).unwrap();
    make_pyramid(&source, &dir.path().join("deep"), &options(128), |_| {}).unwrap();
    let tile = decode(&dir.path().join("deep/2/0/0.jpg"));
    assert!(
        close(tile.get_pixel(40, 40).0, [255, 0, 128], 12),
        "{:?}",
        tile.get_pixel(40, 40)
    );
}

#[test]
fn a_jpeg_with_an_unknown_jfif_revision_is_tiled_all_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let mut jpeg = jpeg_bytes(&picture(300, 200));
    let jfif = jpeg
        .windows(5)
        .position(|w| w == b"JFIF\0")
        .expect("a JFIF header");
    jpeg[jfif + 5] = 2; // "JFIF 2.01": libjpeg warns about the header and reads on
    let source = dir.path().join("jfif2.jpg");
    std::fs::write(&source, jpeg).unwrap();
    make_pyramid(&source, &dir.path().join("jfif2"), &options(128), |_| {}).unwrap();
}
