//! The pyramid's arithmetic at its edges, the tiles a view needs, and the cache's eviction order.

use super::*;
use crate::geometry::{ImageRect, ImageSize, ViewTransform};

/// A 20000 × 15000 (300 Mpx) image in 512 px tiles: 7 levels, level 0 is 313 × 235.
fn big() -> TilePyramid {
    TilePyramid::new(20_000, 15_000, 512, TileFormat::Jpeg).unwrap()
}

fn view(scale: f64, offset_x: f64, offset_y: f64) -> ViewTransform {
    ViewTransform {
        scale,
        offset_x,
        offset_y,
    }
}

#[test]
fn levels_halve_until_one_tile_holds_the_whole_image() {
    let p = big();
    assert_eq!(p.levels, 7);
    assert_eq!(p.level_size(6), (20_000, 15_000));
    assert_eq!(p.level_size(5), (10_000, 7_500));
    assert_eq!(p.level_size(1), (625, 469), "15000 / 32 = 468.75 rounds up");
    assert_eq!(p.level_size(0), (313, 235));
    assert_eq!(p.tiles_across(0), (1, 1));
    assert_eq!(p.level_downscale(0), 64.0);
    assert_eq!(p.level_downscale(6), 1.0);
}

#[test]
fn an_image_that_fits_one_tile_has_one_level_and_one_pixel_more_makes_two() {
    let fits = TilePyramid::new(512, 300, 512, TileFormat::Jpeg).unwrap();
    assert_eq!((fits.levels, fits.tile_count()), (1, 1));
    let over = TilePyramid::new(513, 300, 512, TileFormat::Jpeg).unwrap();
    assert_eq!(over.levels, 2);
    assert_eq!(over.tiles_across(1), (2, 1));
    assert_eq!(over.level_size(0), (257, 150));
}

#[test]
fn the_last_column_and_row_of_a_level_hold_what_is_left() {
    let p = big();
    assert_eq!(p.tiles_across(6), (40, 30));
    assert_eq!(p.tile_pixel_size(TileKey::new(6, 0, 0)), Some((512, 512)));
    assert_eq!(p.tile_pixel_size(TileKey::new(6, 39, 0)), Some((32, 512)));
    assert_eq!(p.tile_pixel_size(TileKey::new(6, 0, 29)), Some((512, 152)));
    assert_eq!(p.tile_pixel_size(TileKey::new(6, 39, 29)), Some((32, 152)));
    assert_eq!(p.tile_pixel_size(TileKey::new(0, 0, 0)), Some((313, 235)));
    assert_eq!(p.tile_decoded_bytes(TileKey::new(6, 39, 29)), 32 * 152 * 4);
}

#[test]
fn a_level_column_or_row_out_of_range_is_not_a_tile() {
    let p = big();
    for key in [
        TileKey::new(7, 0, 0),
        TileKey::new(6, 40, 0),
        TileKey::new(6, 0, 30),
        TileKey::new(0, 1, 0),
        TileKey::new(0, 0, 1),
        TileKey::new(u32::MAX, u32::MAX, u32::MAX),
    ] {
        assert!(!p.contains(key), "{key:?}");
        assert_eq!(p.tile_pixel_size(key), None, "{key:?}");
        assert_eq!(p.tile_decoded_bytes(key), 0, "{key:?}");
    }
    assert!(p.contains(TileKey::new(6, 39, 29)));
    assert_eq!(p.level_tiles(7).count(), 0);
}

#[test]
fn tiles_cover_the_image_in_image_pixels_and_the_last_ones_end_at_its_edge() {
    let p = big();
    assert_eq!(
        p.tile_image_rect(TileKey::new(0, 0, 0)),
        ImageRect::new(0.0, 0.0, 20_000.0, 15_000.0)
    );
    assert_eq!(
        p.tile_image_rect(TileKey::new(5, 1, 2)),
        ImageRect::new(1024.0, 2048.0, 1024.0, 1024.0)
    );
    assert_eq!(
        p.tile_image_rect(TileKey::new(6, 39, 29)),
        ImageRect::new(19_968.0, 14_848.0, 32.0, 152.0)
    );
    for level in 0..p.levels {
        let area: f64 = p
            .level_tiles(level)
            .map(|k| p.tile_image_rect(k).area())
            .sum();
        assert_eq!(area, 300e6, "level {level} covers the image once");
    }
    assert_eq!(p.tile_count(), 1 + 2 + 6 + 20 + 80 + 300 + 1200);
}

#[test]
fn tile_files_are_named_level_column_row() {
    assert_eq!(TileKey::new(3, 10, 7).path(TileFormat::Jpeg), "3/10/7.jpg");
    assert_eq!(TileFormat::Jpeg.mime_type(), "image/jpeg");
}

#[test]
fn a_tile_comes_from_the_server_below_its_image_or_from_a_published_folder() {
    let key = TileKey::new(6, 39, 29);
    assert_eq!(
        tile_url("http://h:8080/api/images/42", key, TileFormat::Jpeg),
        "http://h:8080/api/images/42/tiles/6/39/29"
    );
    assert_eq!(
        tile_url(
            "https://cdn.example/job/photo.tiles/",
            key,
            TileFormat::Jpeg
        ),
        "https://cdn.example/job/photo.tiles/6/39/29.jpg"
    );
}

#[test]
fn the_threshold_tiles_only_images_above_it() {
    assert!(!needs_pyramid(4000, 4000, DEFAULT_PYRAMID_THRESHOLD_MPX));
    assert!(needs_pyramid(4000, 4001, DEFAULT_PYRAMID_THRESHOLD_MPX));
    assert!(!needs_pyramid(4000, 3000, DEFAULT_PYRAMID_THRESHOLD_MPX));
    assert!(needs_pyramid(65_535, 65_535, 4000.0));
    assert!(!needs_pyramid(40_000, 25_000, 1000.0));
}

#[test]
fn a_description_reads_back_from_json_and_may_leave_out_the_format() {
    let p = big();
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(
        json,
        r#"{"tile_size":512,"levels":7,"width":20000,"height":15000,"format":"jpeg"}"#
    );
    assert_eq!(serde_json::from_str::<TilePyramid>(&json).unwrap(), p);
    let short = r#"{"tile_size":512,"levels":7,"width":20000,"height":15000}"#;
    assert_eq!(serde_json::from_str::<TilePyramid>(short).unwrap(), p);
}

#[test]
fn a_description_whose_levels_do_not_match_its_size_is_refused() {
    let wrong = r#"{"tile_size":512,"levels":6,"width":20000,"height":15000}"#;
    let error = serde_json::from_str::<TilePyramid>(wrong)
        .unwrap_err()
        .to_string();
    assert!(error.contains("has 7 levels, not 6"), "{error}");
    let empty = r#"{"tile_size":512,"levels":1,"width":0,"height":15000}"#;
    let error = serde_json::from_str::<TilePyramid>(empty)
        .unwrap_err()
        .to_string();
    assert!(error.contains("no pixels"), "{error}");
    let tiny_tiles = TilePyramid::new(100, 100, 8, TileFormat::Jpeg).unwrap_err();
    assert!(tiny_tiles.0.contains("tile size 8 px"), "{tiny_tiles}");
}

#[test]
fn the_level_drawn_is_the_coarsest_one_as_sharp_as_the_screen() {
    let p = big();
    let fitted = ViewTransform::fit(ImageSize::new(20_000.0, 15_000.0), 1280.0, 800.0, 12.0);
    // 776 / 15000 ≈ 0.052 CSS px per image px: level 2 has 1/16 = 0.0625 level px per image px.
    assert_eq!(level_for_view(&p, &fitted, 1.0), 2);
    assert_eq!(level_for_view(&p, &fitted, 2.0), 3);
    assert_eq!(
        level_for_view(&p, &view(0.25, 0.0, 0.0), 1.0),
        4,
        "an exact fit keeps its level"
    );
    assert_eq!(level_for_view(&p, &view(0.2501, 0.0, 0.0), 1.0), 5);
    assert_eq!(level_for_view(&p, &view(0.25, 0.0, 0.0), 2.0), 5);
    assert_eq!(level_for_view(&p, &view(1.0, 0.0, 0.0), 1.0), 6);
    assert_eq!(level_for_view(&p, &view(32.0, 0.0, 0.0), 1.0), 6);
    assert_eq!(level_for_view(&p, &view(1e-6, 0.0, 0.0), 1.0), 0);
    assert_eq!(level_for_view(&p, &view(0.5, 0.0, 0.0), f64::NAN), 5);
}

#[test]
fn the_visible_tiles_are_those_the_canvas_overlaps() {
    let p = big();
    let at_natural_size = visible_tiles(&p, 6, &view(1.0, 0.0, 0.0), 1024.0, 512.0);
    assert_eq!(
        at_natural_size.keys().collect::<Vec<_>>(),
        vec![TileKey::new(6, 0, 0), TileKey::new(6, 1, 0)]
    );
    // The canvas shows image x 500..1524 and y 1000..1800: columns 0–2, rows 1–3.
    let shifted = visible_tiles(&p, 6, &view(1.0, -500.0, -1000.0), 1024.0, 800.0);
    assert_eq!(
        (shifted.x0, shifted.x1, shifted.y0, shifted.y1),
        (0, 3, 1, 4)
    );
    assert_eq!(shifted.len(), 9);
    // A canvas edge exactly on a tile edge does not pull in the neighbour.
    let aligned = visible_tiles(&p, 6, &view(1.0, -512.0, 0.0), 512.0, 512.0);
    assert_eq!(
        aligned.keys().collect::<Vec<_>>(),
        vec![TileKey::new(6, 1, 0)]
    );
}

#[test]
fn at_the_far_corner_only_the_last_partial_tile_shows() {
    let p = big();
    // Image pixel (19990, 14990) at the canvas's top-left: only the last column and row are visible.
    let corner = visible_tiles(&p, 6, &view(1.0, -19_990.0, -14_990.0), 800.0, 600.0);
    assert_eq!(
        corner.keys().collect::<Vec<_>>(),
        vec![TileKey::new(6, 39, 29)]
    );
}

#[test]
fn a_canvas_beside_the_image_or_a_level_out_of_range_shows_no_tiles() {
    let p = big();
    let beside = visible_tiles(&p, 6, &view(1.0, -20_000.0, 0.0), 800.0, 600.0);
    assert!(beside.is_empty());
    assert_eq!(beside.len(), 0);
    let above = visible_tiles(&p, 3, &view(0.1, 0.0, 600.0), 800.0, 600.0);
    assert!(above.is_empty());
    assert!(visible_tiles(&p, 7, &view(1.0, 0.0, 0.0), 800.0, 600.0).is_empty());
    assert!(visible_tiles(&p, 6, &view(0.0, 0.0, 0.0), 800.0, 600.0).is_empty());
    assert!(visible_tiles(&p, 6, &view(1.0, 0.0, 0.0), 0.0, 600.0).is_empty());
}

#[test]
fn level_zero_always_shows_as_its_one_tile() {
    let p = big();
    let whole = visible_tiles(&p, 0, &view(0.01, 5.0, 5.0), 800.0, 600.0);
    assert_eq!(
        whole.keys().collect::<Vec<_>>(),
        vec![TileKey::new(0, 0, 0)]
    );
    let deep = visible_tiles(&p, 0, &view(32.0, -300_000.0, -200_000.0), 800.0, 600.0);
    assert_eq!(deep.keys().collect::<Vec<_>>(), vec![TileKey::new(0, 0, 0)]);
}

#[test]
fn with_nothing_loaded_nothing_is_drawn_and_the_centre_tiles_are_fetched_first() {
    let p = big();
    let v = view(1.0, -1000.0, -1000.0); // image 1000..2280 × 1000..1800 on a 1280 × 800 canvas
    let plan = plan_draw(&p, &v, (1280.0, 800.0), 1.0, |_| false);
    assert_eq!(plan.level, 6);
    assert!(plan.draws.is_empty());
    assert_eq!(plan.missing.len(), 4 * 3);
    // The canvas centre is image (1640, 1400): in tile (3, 2).
    assert_eq!(plan.missing[0], TileKey::new(6, 3, 2));
    let mut sorted = plan.missing.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 12, "each missing tile once");
}

#[test]
fn a_coarser_loaded_tile_is_stretched_under_the_finer_ones_while_they_load() {
    let p = big();
    let v = view(1.0, -1000.0, -1000.0);
    let overview = TileKey::new(0, 0, 0);
    let level4 = TileKey::new(4, 0, 0); // image 0..2048 × 0..2048
    let loaded_fine = TileKey::new(6, 2, 2);
    let loaded = [overview, level4, loaded_fine];
    let plan = plan_draw(&p, &v, (1280.0, 800.0), 1.0, |k| loaded.contains(&k));
    let drawn: Vec<TileKey> = plan.draws.iter().map(|d| d.key).collect();
    assert_eq!(
        drawn,
        vec![overview, level4, loaded_fine],
        "coarsest first, each stand-in once, the matching level on top"
    );
    assert_eq!(plan.missing.len(), 11);
    assert!(!plan.missing.contains(&loaded_fine));
    let fine = plan.draws[2].dest;
    assert_eq!((fine.x, fine.y, fine.w, fine.h), (24.0, 24.0, 512.0, 512.0));
    let stretched = plan.draws[1].dest;
    assert_eq!((stretched.x, stretched.w), (-1000.0, 2048.0));
}

#[test]
fn neighbouring_tiles_share_their_edges_on_device_pixels() {
    let p = big();
    let v = view(0.3337, -123.4567, -89.123);
    let plan = plan_draw(&p, &v, (1280.0, 800.0), 2.0, |_| true);
    assert_eq!(
        plan.level, 6,
        "0.33 CSS px per image px is 0.67 device px: the finest level"
    );
    assert!(plan.missing.is_empty());
    for d in &plan.draws {
        for edge in [d.dest.x, d.dest.y, d.dest.x + d.dest.w, d.dest.y + d.dest.h] {
            assert_eq!((edge * 2.0).fract(), 0.0, "{d:?} is on device pixels");
        }
        let right = TileKey::new(d.key.level, d.key.x + 1, d.key.y);
        if let Some(next) = plan.draws.iter().find(|n| n.key == right) {
            assert_eq!(d.dest.x + d.dest.w, next.dest.x, "{d:?} meets {next:?}");
        }
        let below = TileKey::new(d.key.level, d.key.x, d.key.y + 1);
        if let Some(next) = plan.draws.iter().find(|n| n.key == below) {
            assert_eq!(d.dest.y + d.dest.h, next.dest.y, "{d:?} meets {next:?}");
        }
    }
}

#[test]
fn the_next_task_prefetches_its_overview_tile_only() {
    assert_eq!(prefetch_for_next_task(&big()), vec![TileKey::new(0, 0, 0)]);
}

#[test]
fn the_cache_evicts_the_least_recently_used_tiles_until_the_bytes_fit() {
    let mut cache = TileCache::new(10);
    assert!(cache.insert("a", 4).is_empty());
    assert!(cache.insert("b", 4).is_empty());
    assert!(cache.touch(&"a"), "a is now used more recently than b");
    assert_eq!(cache.insert("c", 4), vec!["b"]);
    assert_eq!(cache.used_bytes(), 8);
    assert_eq!(
        cache.keys_by_age().copied().collect::<Vec<_>>(),
        vec!["a", "c"]
    );
    assert_eq!(cache.insert("big", 9), vec!["a", "c"], "oldest first");
    assert_eq!((cache.len(), cache.used_bytes()), (1, 9));
}

#[test]
fn a_tile_larger_than_the_budget_is_not_kept_and_evicts_nothing() {
    let mut cache = TileCache::new(10);
    cache.insert(1, 6);
    assert_eq!(cache.insert(2, 11), vec![2]);
    assert!(cache.contains(&1) && !cache.contains(&2));
    assert_eq!(cache.used_bytes(), 6);
}

#[test]
fn inserting_a_cached_tile_again_updates_its_size_and_recency() {
    let mut cache = TileCache::new(10);
    cache.insert("a", 3);
    cache.insert("b", 3);
    assert!(cache.insert("a", 5).is_empty());
    assert_eq!(cache.used_bytes(), 8);
    assert_eq!(cache.insert("c", 2), Vec::<&str>::new());
    assert_eq!(cache.insert("d", 1), vec!["b"]);
    assert!(cache.remove(&"a") && !cache.remove(&"a"));
    assert_eq!(cache.used_bytes(), 3);
    assert!(!cache.touch(&"a"));
}

#[test]
fn a_pinned_tile_is_never_evicted_but_still_counts() {
    let mut cache = TileCache::new(10);
    cache.pin("overview");
    cache.insert("overview", 4);
    cache.insert("a", 4);
    assert_eq!(
        cache.insert("b", 4),
        vec!["a"],
        "the older overview is pinned"
    );
    assert_eq!(cache.used_bytes(), 8);
    cache.unpin(&"overview");
    assert_eq!(cache.insert("c", 4), vec!["overview"]);
}

#[test]
fn the_default_budget_holds_a_screen_of_tiles_many_times_over() {
    let p = big();
    let v = ViewTransform::fit(ImageSize::new(20_000.0, 15_000.0), 1920.0, 1080.0, 0.0)
        .zoomed_about(crate::geometry::ScreenPoint::new(960.0, 540.0), 20.0);
    let plan = plan_draw(&p, &v, (1920.0, 1080.0), 2.0, |_| false);
    let screen_bytes: usize = plan.missing.iter().map(|k| p.tile_decoded_bytes(*k)).sum();
    assert!(
        screen_bytes * 4 < DEFAULT_TILE_CACHE_BYTES,
        "{screen_bytes}"
    );
}
