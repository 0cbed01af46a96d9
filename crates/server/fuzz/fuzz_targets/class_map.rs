//! Class maps: the JSON form and the `from=to` assignment form.
#![no_main]

use crowdbox_core::formats::ClassMap;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = ClassMap::from_json(text);
    let _ = ClassMap::parse_assignments(text);
});
