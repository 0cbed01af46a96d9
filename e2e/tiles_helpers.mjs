// Helpers for the tests of huge images: a large JPEG made quickly, a pyramid published from it, files served as a
// plain static host would, zooming into the image, and the canvas's pixels read back.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { crowdbox } from './harness.mjs';
import { fitView, toPage, wheelZoomTowards } from './editor_helpers.mjs';

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

/** A 24 Mpx field (above the 16 Mpx tiling threshold, quick to tile) with its red square near the far corner. */
export const FIELD = { width: 6000, height: 4000, object: [5600, 3500, 300, 200] };

/** Makes the FIELD, imports it with the server's CLI and returns the pyramid folder made in the image store. */
export function publishedPyramid(dir) {
  const images = path.join(dir, 'source');
  fs.mkdirSync(images);
  writeHugeJpeg(path.join(images, 'field.jpg'), FIELD.width, FIELD.height, FIELD.object);
  const database = path.join(dir, 'db', 'crowdbox.sqlite3');
  crowdbox(database, ['import', '--job', 'make-tiles', '--images', images, '--labels', 'thing']);
  const tiles = path.join(dir, 'db', 'images', 'tiles');
  const [sha] = fs.readdirSync(tiles);
  return path.join(tiles, sha);
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.json': 'application/json', '.jpg': 'image/jpeg' };

/** Answers with `file` as a plain static host would, or 404 when there is no such file (or no `file`). */
export function sendFile(res, file) {
  if (!file || file.includes('..') || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  res.end(fs.readFileSync(file));
}

/** The FIELD's colours as drawn: inside the red square, and the field beside it. */
const near = (rgb, [r, g]) => Math.abs(rgb[0] - r) <= 24 && Math.abs(rgb[1] - g) <= 24;
export const insideSquare = (rgb) => near(rgb, [230, 30]);
export const besideSquare = (rgb) => near(rgb, [70, 110]);

/**
 * Zooms the FIELD 16× about the point that brings its red square to the canvas's middle and waits until the square
 * is drawn sharp; returns the view. `page` moves the mouse; `surface` (the page, or the app's frame) has the canvas.
 */
export async function zoomIntoSquare(page, surface) {
  const canvas = surface.getByLabel(/Image to annotate/);
  const fitted = fitView(await canvas.boundingBox(), FIELD.width, FIELD.height);
  const [ox, oy, ow, oh] = FIELD.object;
  const view = await wheelZoomTowards(page, fitted, [ox + ow / 2, oy + oh / 2], 2);
  const rgb = await waitForSquareAt(page, surface, toPage(view, [ox + 3, oy + oh - 3]));
  if (!insideSquare(rgb)) throw new Error(`the square is not drawn sharp at deep zoom: rgb(${rgb})`);
  return view;
}

/** Reads the pixel at page point `at` on `surface` until it is the red square's (at most 10 s); returns the last. */
export async function waitForSquareAt(page, surface, at) {
  let rgb;
  for (let waited = 0; waited < 10_000; waited += 100) {
    rgb = await pixelAt(surface, at);
    if (insideSquare(rgb)) break;
    await page.waitForTimeout(100);
  }
  return rgb;
}
