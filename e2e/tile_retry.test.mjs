// A tile whose first requests fail is asked for again after a wait and drawn once it arrives: a 24 Mpx image
// (tiled) zoomed deep at a red square, the server's answer for the square's tile replaced by 503 twice (Playwright
// route interception in front of the real server), the third request passed through. Meanwhile the coarser level
// stands in; afterwards the square shows sharp. The overview tile, failing the same way, keeps the image
// "Loading" until it arrives. Real server, real SQLite, Debian Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, openPage } from './harness.mjs';
import { fitView, toPage, zoomedAbout } from './editor_helpers.mjs';
import { writeHugeJpeg, pixelAt } from './tiles_helpers.mjs';

const WIDTH = 6000;
const HEIGHT = 4000; // 24 Mpx: above the 16 Mpx threshold, quick to tile (5 levels of 512 px tiles)
/** The red square, inside the finest level's tile 5/3 (x 2560–3071, y 1536–2047). */
const OBJECT = [2700, 1700, 150, 150];
const FAILING_TILE = '/tiles/4/5/3';
const FAILURES = 2;

const near = (rgb, want) => rgb.every((v, i) => Math.abs(v - want[i]) <= 24);

test('a tile whose first two requests fail is asked for again after a wait and then drawn sharp', async () => {
  const images = mkdtempSync(path.join(tmpdir(), 'crowdbox-e2e-retry-'));
  writeHugeJpeg(path.join(images, 'field.jpg'), WIDTH, HEIGHT, OBJECT);
  const server = await startServer({ job: 'retry', images, labels: ['thing'] });
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, { width: 1280, height: 800 });
    const answers = []; // [time, status] of each request for the failing tile
    await page.route(`**/api/images/*${FAILING_TILE}`, async (route) => {
      if (answers.length < FAILURES) {
        answers.push([Date.now(), 503]);
        await route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"unavailable"}' });
      } else {
        answers.push([Date.now(), 200]);
        await route.continue();
      }
    });
    const batchResponse = page.waitForResponse((r) => r.url().includes('/api/jobs/retry/batches'));
    await page.goto(`${server.baseUrl}/?job=retry&bench`);
    const [task] = (await (await batchResponse).json()).tasks;
    assert.deepEqual(task.tiles, { tile_size: 512, levels: 5, width: WIDTH, height: HEIGHT, format: 'jpeg' });
    await page.getByText('task 1 of 1').waitFor();
    await page.getByText('Loading the image').waitFor({ state: 'detached' });
    await page.waitForTimeout(300);

    // Two wheel steps of 4× about the square's middle: about 2.3 screen pixels per image pixel, the finest level.
    const canvas = page.getByLabel(/Image to annotate/);
    let view = fitView(await canvas.boundingBox(), WIDTH, HEIGHT);
    const [ox, oy, ow, oh] = OBJECT;
    const anchor = toPage(view, [ox + ow / 2, oy + oh / 2]).map(Math.round);
    await page.mouse.move(...anchor);
    for (let i = 0; i < 2; i++) {
      await page.mouse.wheel(0, -800);
      view = zoomedAbout(view, anchor, 4);
      await page.waitForTimeout(150);
    }
    await page.mouse.move(view.canvasBox.x + 5, view.canvasBox.y + 5); // the crosshair out of the way

    // The first request fails; the frame after it still misses the tile (a coarser one stands in).
    for (let waited = 0; answers.length === 0 && waited < 10_000; waited += 50) await page.waitForTimeout(50);
    assert.equal(answers.length, 1, 'the square\'s tile was asked for once zoomed in');
    await page.waitForTimeout(100);
    const [missing] = await page.evaluate(() => window.__crowdboxTiles);
    assert.ok(missing >= 1, `the failed tile is still missing from the frame (${missing} missing)`);

    // Asked again after a wait, twice, and drawn: the square sharp where the view puts it.
    const inside = toPage(view, [ox + 4, oy + oh - 4]);
    const outside = toPage(view, [ox - 4, oy - 4]);
    let sharp = false;
    for (let waited = 0; !sharp && waited < 15_000; waited += 100) {
      await page.waitForTimeout(100);
      const tiles = await page.evaluate(() => window.__crowdboxTiles);
      sharp = tiles[0] === 0 && tiles[1] === 0 && near(await pixelAt(page, inside), [230, 30, 30]);
    }
    assert.deepEqual(answers.map(([, status]) => status), [503, 503, 200],
      'the tile was asked for again after each failure, and not again once it arrived');
    assert.ok(sharp, `the tile is drawn after its retries: inside the square rgb(${await pixelAt(page, inside)})`);
    assert.ok(near(await pixelAt(page, outside), [70, 110, 90]), 'beside the square the field shows');
    const waits = answers.slice(1).map(([t], i) => t - answers[i][0]);
    assert.ok(waits[0] >= 400, `the first retry waits about 0.5 s, not ${waits[0]} ms`);
    assert.ok(waits[1] > waits[0], `the wait grows after a second failure: ${waits}`);
    // The browser reports each 503 as a failed resource load; nothing else may go wrong.
    assert.deepEqual(errors.filter((e) => !/status of 503/.test(e)), [], 'no page errors');
  } finally {
    await browser.close();
    await server.stop();
    rmSync(images, { recursive: true, force: true });
  }
});

test('an overview tile whose first two requests fail keeps "Loading" and then shows the image', async () => {
  const images = mkdtempSync(path.join(tmpdir(), 'crowdbox-e2e-retry-overview-'));
  writeHugeJpeg(path.join(images, 'field.jpg'), WIDTH, HEIGHT, OBJECT);
  const server = await startServer({ job: 'retry-overview', images, labels: ['thing'] });
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, { width: 1280, height: 800 });
    const answers = [];
    await page.route('**/api/images/*/tiles/0/0/0', async (route) => {
      answers.push(answers.length < FAILURES ? 503 : 200);
      if (answers.at(-1) === 503) {
        await route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"unavailable"}' });
      } else {
        await route.continue();
      }
    });
    await page.goto(`${server.baseUrl}/?job=retry-overview`);
    await page.getByText('task 1 of 1').waitFor();
    for (let waited = 0; answers.length < 1 && waited < 10_000; waited += 50) await page.waitForTimeout(50);
    await page.waitForTimeout(200);
    assert.equal(await page.getByText('Loading the image').count(), 1, 'still loading after the first failure');
    await page.getByText('Loading the image').waitFor({ state: 'detached', timeout: 15_000 });
    assert.deepEqual(answers, [503, 503, 200], 'the overview was asked for again after each failure');
    assert.equal(await page.getByText('could not be loaded').count(), 0, 'no failure shown');
    await page.waitForTimeout(300);
    const view = fitView(await page.getByLabel(/Image to annotate/).boundingBox(), WIDTH, HEIGHT);
    const rgb = await pixelAt(page, toPage(view, [OBJECT[0] + 75, OBJECT[1] + 75]));
    assert.ok(near(rgb, [230, 30, 30]), `the image shows: the red square's middle is rgb(${rgb})`);
    assert.deepEqual(errors.filter((e) => !/status of 503/.test(e)), [], 'no page errors');
  } finally {
    await browser.close();
    await server.stop();
    rmSync(images, { recursive: true, force: true });
  }
});
