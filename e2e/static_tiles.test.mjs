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
import { REPO_ROOT, launchBrowser, openPage, readCocoWithPycocotools } from './harness.mjs';
import { toPage, drag, waitForListed, assertNear } from './editor_helpers.mjs';
import { FIELD, publishedPyramid, sendFile, zoomIntoSquare, pixelAt, besideSquare } from './tiles_helpers.mjs';

const { width: WIDTH, height: HEIGHT, object: OBJECT } = FIELD;

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
    sendFile(res, file);
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
    const view = await zoomIntoSquare(page, page);
    const [ox, oy, ow, oh] = OBJECT;
    const outside = await pixelAt(page, toPage(view, [ox - 3, oy - 3]));
    assert.ok(besideSquare(outside), `beside the square: rgb(${outside})`);

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
