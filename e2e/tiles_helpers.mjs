// Helpers for the tests of huge images: a large JPEG made quickly, and the canvas's pixels read back.
import { execFileSync } from 'node:child_process';

/**
 * Writes a `width` × `height` JPEG to `file`: a dark green field with a light grid every 1000 px and a red
 * square at `object` ([x, y, w, h]). Flat colours keep it a few MB and quick to make and tile.
 */
export function writeHugeJpeg(file, width, height, object) {
  const [x, y, w, h] = object;
  execFileSync('python3', ['-c', `
import sys
from PIL import Image, ImageDraw
Image.MAX_IMAGE_PIXELS = None
w, h = ${width}, ${height}
im = Image.new('RGB', (w, h), (70, 110, 90))
d = ImageDraw.Draw(im)
for k in range(0, w, 1000):
    d.line([(k, 0), (k, h - 1)], fill=(200, 200, 200), width=9)
for k in range(0, h, 1000):
    d.line([(0, k), (w - 1, k)], fill=(200, 200, 200), width=9)
d.rectangle([${x}, ${y}, ${x + w - 1}, ${y + h - 1}], fill=(230, 30, 30))
im.save(sys.argv[1], quality=85)
`, file]);
}

/** The canvas's pixel at a page point, as [r, g, b]. */
export async function pixelAt(page, [px, py]) {
  return page.evaluate(([x, y]) => {
    const canvas = document.querySelector('canvas');
    const r = canvas.getBoundingClientRect();
    const ratio = canvas.width / r.width;
    const d = canvas.getContext('2d').getImageData(Math.round((x - r.left) * ratio), Math.round((y - r.top) * ratio), 1, 1).data;
    return [d[0], d[1], d[2]];
  }, [px, py]);
}

