//! Pascal VOC import of one XML document.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|xml: &str| {
    let _ = crowdbox_core::formats::import_voc_document(xml, "fuzz.xml");
});
