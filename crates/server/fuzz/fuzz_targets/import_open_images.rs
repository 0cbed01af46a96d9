//! Open Images: the boxes CSV (with a fixed image size table) and the class descriptions CSV.
#![no_main]

use std::collections::HashMap;

use crowdbox_core::formats::{import_open_images, parse_open_images_class_descriptions, PixelSize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (boxes, classes) = text.split_once('\0').unwrap_or((text, ""));
    let sizes: HashMap<String, PixelSize> = ["0001", "img", ""]
        .into_iter()
        .map(|id| (id.to_owned(), PixelSize { width: 640, height: 480 }))
        .collect();
    let class_names = parse_open_images_class_descriptions(classes).ok();
    let _ = import_open_images(boxes, &sizes, class_names.as_ref());
    let _ = import_open_images(boxes, &sizes, None);
});
