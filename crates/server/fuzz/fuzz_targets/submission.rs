//! The submission parser and validator: the server's `extract::parse_json` (serde_path_to_error over
//! serde_json, then `end()`), the box-count limit and `validate_submission` against a fixed task. Nothing may
//! panic, and an accepted submission's boxes must clip to a box inside the image.
#![no_main]

use crowdbox_core::coco::{CocoCategory, CocoImage};
use crowdbox_core::validate::{clip_to_image, validate_submission};
use crowdbox_core::wire::Submission;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut deserializer = serde_json::Deserializer::from_slice(data);
    let parsed: Result<Submission, _> = serde_path_to_error::deserialize(&mut deserializer);
    let Ok(submission) = parsed else { return };
    if deserializer.end().is_err() || submission.result.annotations.len() > 1000 {
        return;
    }
    let image = CocoImage {
        id: 1,
        file_name: "a.png".to_owned(),
        width: 64,
        height: 48,
        license: None,
        date_captured: None,
        outcomes: Default::default(),
    };
    let categories = vec![
        CocoCategory { id: 1, name: "a".to_owned(), supercategory: "job".to_owned() },
        CocoCategory { id: 2, name: "b".to_owned(), supercategory: "job".to_owned() },
    ];
    if validate_submission(&submission, &image, &categories).is_ok() {
        for annotation in &submission.result.annotations {
            let [x, y, w, h] = clip_to_image(annotation.bbox, image.width, image.height);
            assert!(x >= 0.0 && y >= 0.0 && w > 0.0 && h > 0.0, "{:?}", annotation.bbox);
            assert!(x + w <= 64.0 + 1e-9 && y + h <= 48.0 + 1e-9, "{:?}", annotation.bbox);
        }
    }
});
