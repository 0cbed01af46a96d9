//! SageMaker Ground Truth: input manifests, output manifests (with the label attribute detected or not).
#![no_main]

use crowdbox_core::formats::{
    detect_label_attribute, import_ground_truth_input_manifest, import_ground_truth_output_manifest,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = import_ground_truth_input_manifest(text);
    let _ = import_ground_truth_output_manifest(text, None);
    if let Ok(attribute) = detect_label_attribute(text) {
        let _ = import_ground_truth_output_manifest(text, Some(&attribute));
    }
});
