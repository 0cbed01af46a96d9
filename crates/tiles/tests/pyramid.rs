//! Making pyramids from real files written by the tests: the tiles' layout, sizes and pixels, and bad input
//! refused with nothing written.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use crowdbox_tiles::{
    make_pyramid, PyramidOptions, PyramidProgress, TileErrorKind, TileFormat, TileKey, TilePyramid,
    PYRAMID_FILE,
};
use image::{ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

/// A picture whose every pixel can be told from where it is: red grows to the right, green downwards, and a
/// blue checkerboard of 64 px squares.
fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([
            (x * 255 / width.max(2)) as u8,
            (y * 255 / height.max(2)) as u8,
            if (x / 64 + y / 64) % 2 == 0 { 40 } else { 220 },
        ])
    })
}

fn write_image(dir: &Path, name: &str, image: &RgbImage, format: ImageFormat) -> PathBuf {
    let path = dir.join(name);
    image.save_with_format(&path, format).unwrap();
    path
}

fn jpeg_bytes(image: &RgbImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn options(tile_size: u32) -> PyramidOptions {
    PyramidOptions {
        tile_size,
        ..PyramidOptions::default()
    }
}

/// Nothing but `expected` in `dir`: no pyramid and no temporary folder left behind.
fn assert_only(dir: &Path, expected: &[&str]) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, expected, "what is left in {}", dir.display());
}

fn decode(path: &Path) -> RgbImage {
    image::open(path).unwrap().into_rgb8()
}

fn close(a: [u8; 3], b: [u8; 3], tolerance: i32) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| (i32::from(*x) - i32::from(y)).abs() <= tolerance)
}

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

/// A valid baseline JPEG whose frame header (SOF0) claims `height` rows.
fn jpeg_claiming_height(image: &RgbImage, height: u16) -> Vec<u8> {
    let mut jpeg = jpeg_bytes(image);
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline JPEG has SOF0");
    // FF C0, length (2), precision (1), height (2), width (2).
    jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    jpeg
}

#[test]
fn a_jpeg_cut_short_is_refused_naming_the_file_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let jpeg = jpeg_bytes(&picture(600, 600));
    let source = dir.path().join("cut.jpg");
    std::fs::write(&source, &jpeg[..jpeg.len() * 6 / 10]).unwrap();
    let error = make_pyramid(&source, &dir.path().join("cut"), &options(128), |_| {}).unwrap_err();
    assert!(matches!(error.kind, TileErrorKind::Truncated), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("cut.jpg") && message.contains("truncated"),
        "{message}"
    );
    assert_only(dir.path(), &["cut.jpg"]);
}

#[test]
fn a_jpeg_whose_header_claims_more_rows_than_its_data_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("tall.jpg");
    std::fs::write(&source, jpeg_claiming_height(&picture(600, 300), 2400)).unwrap();
    let error = make_pyramid(&source, &dir.path().join("tall"), &options(128), |_| {}).unwrap_err();
    assert!(matches!(error.kind, TileErrorKind::Truncated), "{error}");
    assert!(error.to_string().contains("tall.jpg"));
    assert_only(dir.path(), &["tall.jpg"]);
}

/// A PNG chunk: length, type, data, CRC of type and data.
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
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
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
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

#[test]
fn a_png_whose_header_claims_more_rows_than_its_data_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("short.png");
    std::fs::write(&source, png_claiming(16, 4000)).unwrap();
    let error =
        make_pyramid(&source, &dir.path().join("short"), &options(128), |_| {}).unwrap_err();
    assert!(
        matches!(
            error.kind,
            TileErrorKind::Truncated | TileErrorKind::Corrupt(_)
        ),
        "{error}"
    );
    assert!(error.to_string().contains("short.png"), "{error}");
    assert_only(dir.path(), &["short.png"]);
}

#[test]
fn a_decompression_bomb_is_refused_by_its_header_before_any_pixel_is_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let png = png_claiming(50_000, 40_000); // 2 Gpx in a file of a few hundred bytes
    assert!(png.len() < 2000);
    let png_path = dir.path().join("bomb.png");
    std::fs::write(&png_path, png).unwrap();
    let jpeg_path = dir.path().join("bomb.jpg");
    let mut jpeg = jpeg_claiming_height(&picture(64, 64), 60_000);
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 7..sof + 9].copy_from_slice(&60_000u16.to_be_bytes());
    std::fs::write(&jpeg_path, jpeg).unwrap();
    for (source, name) in [(&png_path, "bomb.png"), (&jpeg_path, "bomb.jpg")] {
        let checked =
            crowdbox_tiles::checked_image_size(source, crowdbox_tiles::DEFAULT_MAX_PIXELS)
                .unwrap_err();
        assert!(
            matches!(checked.kind, TileErrorKind::TooManyPixels { .. }),
            "{checked}"
        );
        let started = std::time::Instant::now();
        let error = make_pyramid(
            source,
            &dir.path().join("bomb"),
            &PyramidOptions::default(),
            |_| {},
        )
        .unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(error.kind, TileErrorKind::TooManyPixels { .. }),
            "{message}"
        );
        assert!(
            message.contains(name) && message.contains("more than the limit of 1074 Mpx"),
            "{message}"
        );
        assert!(
            started.elapsed().as_secs() < 5,
            "refused on the header, not after decoding"
        );
    }
    assert_only(dir.path(), &["bomb.jpg", "bomb.png"]);
}

#[test]
fn a_file_that_is_not_an_image_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("notes.jpg");
    std::fs::write(&source, b"these are not pixels").unwrap();
    let error =
        make_pyramid(&source, &dir.path().join("notes"), &options(128), |_| {}).unwrap_err();
    assert!(matches!(error.kind, TileErrorKind::NotAnImage), "{error}");
    assert!(error.to_string().contains("notes.jpg"));
    let missing = make_pyramid(
        &dir.path().join("gone.png"),
        &dir.path().join("gone"),
        &options(128),
        |_| {},
    )
    .unwrap_err();
    assert!(matches!(missing.kind, TileErrorKind::Read(_)), "{missing}");
    assert_only(dir.path(), &["notes.jpg"]);
}

#[test]
fn an_existing_destination_is_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let source = write_image(dir.path(), "a.jpg", &picture(300, 300), ImageFormat::Jpeg);
    let dest = dir.path().join("a.tiles");
    std::fs::create_dir(&dest).unwrap();
    std::fs::write(dest.join("keep.txt"), b"mine").unwrap();
    let error = make_pyramid(&source, &dest, &options(128), |_| {}).unwrap_err();
    assert!(
        matches!(error.kind, TileErrorKind::DestinationExists),
        "{error}"
    );
    assert!(error.to_string().contains("a.tiles"));
    assert_eq!(std::fs::read(dest.join("keep.txt")).unwrap(), b"mine");
    assert_only(dir.path(), &["a.jpg", "a.tiles"]);
}

#[test]
fn options_that_cannot_make_a_pyramid_are_refused_before_reading_the_image() {
    let dir = tempfile::tempdir().unwrap();
    let source = write_image(dir.path(), "a.jpg", &picture(300, 300), ImageFormat::Jpeg);
    for (options, why) in [
        (options(255), "tile size 255 px is odd"),
        (options(32), "tile size 32 px is outside"),
        (
            PyramidOptions {
                quality: 0,
                ..PyramidOptions::default()
            },
            "quality 0",
        ),
    ] {
        let error =
            make_pyramid(&source, &dir.path().join("a.tiles"), &options, |_| {}).unwrap_err();
        assert!(matches!(error.kind, TileErrorKind::Options(_)), "{error}");
        assert!(error.to_string().contains(why), "{error}");
    }
    assert_only(dir.path(), &["a.jpg"]);
}

#[test]
fn the_size_limit_is_the_callers_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let source = write_image(dir.path(), "a.jpg", &picture(300, 200), ImageFormat::Jpeg);
    let strict = PyramidOptions {
        max_pixels: 300 * 200 - 1,
        ..options(128)
    };
    let error = make_pyramid(&source, &dir.path().join("a.tiles"), &strict, |_| {}).unwrap_err();
    assert!(
        matches!(
            error.kind,
            TileErrorKind::TooManyPixels {
                width: 300,
                height: 200,
                ..
            }
        ),
        "{error}"
    );
    let exact = PyramidOptions {
        max_pixels: 300 * 200,
        ..options(128)
    };
    make_pyramid(&source, &dir.path().join("a.tiles"), &exact, |_| {}).unwrap();
}

/// `image` written by libjpeg: progressive when asked, or as CMYK (the inverted CMYK Adobe software writes).
fn libjpeg_file(path: &Path, image: &RgbImage, progressive: bool, cmyk: bool) {
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

#[test]
fn a_progressive_jpeg_is_tiled_like_a_baseline_one() {
    let dir = tempfile::tempdir().unwrap();
    let image = picture(700, 500);
    let source = dir.path().join("progressive.jpg");
    libjpeg_file(&source, &image, true, false);
    let pyramid = make_pyramid(&source, &dir.path().join("p"), &options(256), |_| {}).unwrap();
    assert_eq!(
        (pyramid.levels, pyramid.tile_count()),
        (3, 1 + 2 + 3 * 2)
    );
    let tile = decode(&dir.path().join("p/2/2/1.jpg"));
    assert_eq!(tile.dimensions(), (700 - 512, 500 - 256));
    let (want, got) = (image.get_pixel(600, 300).0, tile.get_pixel(88, 44).0);
    assert!(close(got, want, 16), "{got:?} vs {want:?}");
}

#[test]
fn a_cmyk_jpeg_is_refused_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("print.jpg");
    libjpeg_file(&source, &picture(300, 200), false, true);
    let error =
        make_pyramid(&source, &dir.path().join("print"), &options(128), |_| {}).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("print.jpg") && message.contains("CMYK"),
        "{message}"
    );
    assert_only(dir.path(), &["print.jpg"]);
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
