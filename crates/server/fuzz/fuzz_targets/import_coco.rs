//! COCO import: any text is a dataset or a `FormatError`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = crowdbox_core::formats::import_coco(text);
});
