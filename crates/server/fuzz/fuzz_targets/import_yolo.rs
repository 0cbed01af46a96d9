//! YOLO: the class file and one label file (the first line of the input is the image size "W H", the rest is
//! split at the first NUL into class names and labels).
#![no_main]

use crowdbox_core::formats::{import_yolo_labels, parse_yolo_class_names, PixelSize, YoloLabelFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (size, rest) = text.split_once('\n').unwrap_or((text, ""));
    let mut numbers = size.split_whitespace().map(|n| n.parse::<u32>().unwrap_or(0));
    let size = PixelSize {
        width: numbers.next().unwrap_or(0),
        height: numbers.next().unwrap_or(0),
    };
    let (classes, labels) = rest.split_once('\0').unwrap_or(("a\nb\n", rest));
    let Ok(class_names) = parse_yolo_class_names(classes) else {
        return;
    };
    let file = YoloLabelFile {
        image_file_name: "fuzz.jpg",
        size,
        labels,
    };
    let _ = import_yolo_labels(&file, &class_names);
});
