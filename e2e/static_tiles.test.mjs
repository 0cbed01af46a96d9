// Static-site mode with a published pyramid: the pyramid the server made at import is copied as it is next to a
// task-batch JSON whose task names the folder (`image_url` ending in `/`) and carries its `tiles`. A plain static
// file server serves it; the app fetches only `<folder><level>/<x>/<y>.jpg` files, draws them in place at deep
// zoom, and the box drawn there downloads in COCO (read by pycocotools) in natural image pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, crowdbox, launchBrowser, openPage, readCocoWithPycocotools } from './harness.mjs';
import { fitView, toPage, zoomedAbout, drag, waitForListed, assertNear } from './editor_helpers.mjs';
import { writeHugeJpeg, pixelAt } from './tiles_helpers.mjs';

const WIDTH = 6000;
const HEIGHT = 4000; // 24 Mpx: above the 16 Mpx threshold, quick to tile
const OBJECT = [5600, 3500, 300, 200];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.json': 'application/json', '.jpg': 'image/jpeg' };

/** Imports the image with the server's CLI and returns the pyramid folder it made in the image store. */
function publishedPyramid(dir) {
  const images = path.join(dir, 'source');
  fs.mkdirSync(images);
  writeHugeJpeg(path.join(images, 'field.jpg'), WIDTH, HEIGHT, OBJECT);
  const database = path.join(dir, 'db', 'crowdbox.sqlite3');
  crowdbox(database, ['import', '--job', 'make-tiles', '--images', images, '--labels', 'thing']);
  const tiles = path.join(dir, 'db', 'images', 'tiles');
  const [sha] = fs.readdirSync(tiles);
  return path.join(tiles, sha);
}

/** `/site/` is dist/, `/site/job/` the job: job.json, tasks.json and the pyramid as `field.tiles/`. */
async function startStaticServer(pyramid) {
  const description = JSON.parse(fs.readFileSync(path.join(pyramid, 'pyramid.json'), 'utf8'));
  const files = {
    '/site/job/job.json': { name: 'static-tiles', labels: ['thing'], tasks: 'tasks.json' },
    '/site/job/tasks.json': {
      job: 'static-tiles', instructions: 'Box the red square.', categories: [], lease_expires_at: 0,
      job_done: false, images_total: 1, images_done: 0,
      tasks: [{ task_id: 7, image: { id: 7, file_name: 'field.jpg', width: WIDTH, height: HEIGHT },
        image_url: 'field.tiles/', tiles: description }],
    },
  };
  const requested = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    requested.push(url.pathname);
    if (files[url.pathname]) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(files[url.pathname]));
      return;
    }
    let file = null;
    if (url.pathname.startsWith('/site/job/field.tiles/')) {
      file = path.join(pyramid, url.pathname.slice('/site/job/field.tiles/'.length));
    } else if (url.pathname.startsWith('/site/')) {
      file = path.join(REPO_ROOT, 'dist', url.pathname.slice('/site/'.length) || 'index.html');
    }
    if (!file || file.includes('..') || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${server.address().port}`, requested, stop: () => new Promise((r) => server.close(r)) };
}

test('a static site shows a published pyramid from its tile files alone and the box drawn at deep zoom downloads in image pixels', async () => {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'crowdbox-e2e-static-tiles-'));
  const server = await startStaticServer(publishedPyramid(dir));
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, { width: 1280, height: 800 });
    await page.goto(`${server.base}/site/?static=job/job.json`);
    await page.getByText('task 1 of 1').waitFor();
    await page.getByText('Loading the image').waitFor({ state: 'detached' });
    await page.waitForTimeout(300);
    const canvas = page.getByLabel(/Image to annotate/);
    const fitted = fitView(await canvas.boundingBox(), WIDTH, HEIGHT);

    // 16× about the point that brings the red square to the canvas's middle.
    const [ox, oy, ow, oh] = OBJECT;
    const box = fitted.canvasBox;
    const middle = [box.x + box.width / 2, box.y + box.height / 2];
    const square = toPage(fitted, [ox + ow / 2, oy + oh / 2]);
    const anchor = [0, 1].map((i) => Math.round(square[i] + (square[i] - middle[i]) / 15));
    await page.mouse.move(...anchor);
    let view = fitted;
    for (let i = 0; i < 2; i++) {
      await page.mouse.wheel(0, -800);
      view = zoomedAbout(view, anchor, 4);
      await page.waitForTimeout(150);
    }
    await page.mouse.move(box.x + 5, box.y + 5);
    const inside = toPage(view, [ox + 3, oy + oh - 3]);
    let rgb;
    for (let waited = 0; waited < 10_000; waited += 100) {
      rgb = await pixelAt(page, inside);
      if (Math.abs(rgb[0] - 230) <= 24 && Math.abs(rgb[1] - 30) <= 24) break;
      await page.waitForTimeout(100);
    }
    assert.ok(Math.abs(rgb[0] - 230) <= 24 && Math.abs(rgb[1] - 30) <= 24, `inside the square: rgb(${rgb})`);
    const outside = await pixelAt(page, toPage(view, [ox - 3, oy - 3]));
    assert.ok(Math.abs(outside[0] - 70) <= 24 && Math.abs(outside[1] - 110) <= 24, `beside the square: rgb(${outside})`);

    const pyramidFiles = server.requested.filter((p) => p.startsWith('/site/job/field'));
    assert.ok(pyramidFiles.length > 1 && pyramidFiles.every((p) => /^\/site\/job\/field\.tiles\/\d+\/\d+\/\d+\.jpg$/.test(p)),
      `only tile files are fetched: ${pyramidFiles}`);
    assert.ok(pyramidFiles.includes('/site/job/field.tiles/0/0/0.jpg'), 'the overview tile');
    assert.ok(pyramidFiles.some((p) => p.startsWith('/site/job/field.tiles/4/')), `the finest level: ${pyramidFiles}`);

    await drag(page, view, [ox, oy], [ox + ow, oy + oh]);
    await waitForListed(page, [OBJECT], 'the box at the square');
    await page.getByRole('button', { name: /Submit/ }).click();
    await page.locator('#done-message').waitFor();
    const [file] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download COCO' }).click()]);
    const read = readCocoWithPycocotools(await file.path());
    assert.deepEqual(read.images.map((i) => [i.file_name, i.width, i.height]), [['field.jpg', WIDTH, HEIGHT]]);
    assert.equal(read.annotations.length, 1);
    assertNear(read.annotations[0].bbox, OBJECT, 'the downloaded box');
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
