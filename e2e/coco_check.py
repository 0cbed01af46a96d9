"""Loads a COCO file with pycocotools (the reference reader), evaluates it against itself with COCOeval, and
prints what pycocotools read as JSON, so the end-to-end tests check exports through the reference reader."""
import contextlib
import io
import json
import sys

from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

path = sys.argv[1]
with contextlib.redirect_stdout(io.StringIO()):
    gt = COCO(path)
anns = gt.loadAnns(gt.getAnnIds())
ap = None
if anns:
    results = [dict(image_id=a["image_id"], category_id=a["category_id"], bbox=a["bbox"], score=1.0) for a in anns]
    with contextlib.redirect_stdout(io.StringIO()):
        dt = gt.loadRes(results)
        ev = COCOeval(gt, dt, "bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    ap = float(ev.stats[0])
print(json.dumps({
    "images": gt.loadImgs(gt.getImgIds()),
    "categories": gt.loadCats(gt.getCatIds()),
    "annotations": anns,
    "ap_against_itself": ap,
}))
