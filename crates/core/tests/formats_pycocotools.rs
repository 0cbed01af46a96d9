//! pycocotools, the reference COCO reader, loads crowdbox's COCO export and evaluates it against itself.
//! Needs `python3` with pycocotools (`pip install pycocotools`; scripts/test installs it).

mod formats_common;

use std::process::Command;

use crowdbox_core::formats::{export_coco_json, CocoExportOptions};
use formats_common::{boxed, sample_dataset};

const EVALUATE: &str = r#"
import json, sys
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

ground_truth = COCO(sys.argv[1])
# The same boxes as detections with a score: a perfect detector.
results = [dict(image_id=a["image_id"], category_id=a["category_id"], bbox=a["bbox"], score=1.0)
           for a in ground_truth.dataset["annotations"]]
detections = ground_truth.loadRes(results)
evaluation = COCOeval(ground_truth, detections, iouType="bbox")
evaluation.evaluate()
evaluation.accumulate()
evaluation.summarize()
print(json.dumps(dict(images=len(ground_truth.getImgIds()), annotations=len(ground_truth.getAnnIds()),
                      categories=len(ground_truth.getCatIds()), ap=float(evaluation.stats[0]),
                      ap50=float(evaluation.stats[1]))))
"#;

#[test]
fn pycocotools_loads_the_export_and_scores_identical_detections_at_ap_one() {
    let mut dataset = sample_dataset();
    // A few more boxes of every size class so that AP is averaged over more than one box per category.
    dataset.images[0]
        .boxes
        .push(boxed("driller", 400.0, 300.0, 120.5, 90.25));
    dataset.images[1]
        .boxes
        .push(boxed("wheelbarrow", 100.0, 100.0, 300.0, 200.0));
    dataset.images[1]
        .boxes
        .push(boxed("hammer", 300.0, 20.0, 8.0, 12.0));
    let json = export_coco_json(&dataset, &CocoExportOptions::default()).unwrap();
    let path =
        std::env::temp_dir().join(format!("crowdbox-pycocotools-{}.json", std::process::id()));
    std::fs::write(&path, json).unwrap();

    let output = Command::new("python3")
        .arg("-c")
        .arg(EVALUATE)
        .arg(&path)
        .output();
    std::fs::remove_file(&path).ok();
    let output = output.expect("python3 runs (install python3 and pycocotools to run this test)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "pycocotools failed (is it installed? `pip install pycocotools`):\n{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or("")).unwrap();
    assert_eq!(summary["images"], 3, "{summary}");
    assert_eq!(summary["annotations"], 7, "{summary}");
    assert_eq!(summary["categories"], 3, "{summary}");
    assert_eq!(summary["ap"], 1.0, "{summary}");
    assert_eq!(summary["ap50"], 1.0, "{summary}");
}
