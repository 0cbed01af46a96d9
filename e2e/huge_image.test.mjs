// A 300 Mpx image (20000 × 15000) in the worker app: imported with a tile pyramid, shown from its tiles only
// (the whole image is never fetched), zoomed deep at its far corner, boxed there, and the box found in the COCO
// export within 1 px. The small image before it in the job fetches the huge one's overview tile ahead, nothing
// more. Real server, real SQLite, Debian Chromium; the export is read by pycocotools.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, openPage, readCocoWithPycocotools, REPO_ROOT } from './harness.mjs';
import { fitView, toPage, wheelZoomTowards, drag, waitForListed, assertNear } from './editor_helpers.mjs';
import { writeHugeJpeg, pixelAt, waitForSquareAt } from './tiles_helpers.mjs';

const HUGE_WIDTH = 20_000;
const HUGE_HEIGHT = 15_000;
/** The red square drawn in the huge image's bottom-right corner, [x, y, w, h] in image pixels. */
const CORNER_OBJECT = [19_800, 14_800, 150, 150];

const near = (rgb, want, what) => assert.ok(rgb.every((v, i) => Math.abs(v - want[i]) <= 24),
  `${what}: the canvas shows rgb(${rgb}), expected about rgb(${want})`);

test('a 300 Mpx image is drawn from its tiles, boxed at its far corner at deep zoom, and the box exports within 1 px', async () => {
  const images = mkdtempSync(path.join(tmpdir(), 'crowdbox-e2e-huge-'));
  copyFileSync(path.join(REPO_ROOT, 'demo/images/astronaut.jpg'), path.join(images, '1-small.jpg'));
  writeHugeJpeg(path.join(images, '2-huge.jpg'), HUGE_WIDTH, HUGE_HEIGHT, CORNER_OBJECT);
  const server = await startServer({ job: 'huge', images, labels: ['thing', 'other'] });
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, { width: 1280, height: 800 });
    const requests = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    const batchResponse = page.waitForResponse((r) => r.url().includes('/api/jobs/huge/batches'));
    await page.goto(`${server.baseUrl}/?job=huge`);
    const batch = await (await batchResponse).json();
    assert.deepEqual(batch.tasks.map((t) => t.image.file_name), ['1-small.jpg', '2-huge.jpg']);
    const [small, huge] = batch.tasks;
    assert.equal(small.tiles, undefined, 'a small image has no pyramid');
    assert.deepEqual(huge.tiles, { tile_size: 512, levels: 7, width: HUGE_WIDTH, height: HUGE_HEIGHT, format: 'jpeg' });
    const hugeImage = `/api/images/${huge.task_id}`;

    // The small image first, exactly as before: drawn whole, boxed, submitted.
    await page.getByText('task 1 of 2').waitFor();
    await page.getByText('Loading the image').waitFor({ state: 'detached' });
    await page.waitForTimeout(300);
    const canvas = page.getByLabel(/Image to annotate/);
    const smallView = fitView(await canvas.boundingBox(), small.image.width, small.image.height);
    await drag(page, smallView, [40, 30], [140, 110]);
    await waitForListed(page, [[40, 30, 100, 80]], 'box on the small image');
    // Meanwhile the huge image's overview tile was fetched ahead, and nothing else of it.
    for (let waited = 0; !requests.includes(`${hugeImage}/tiles/0/0/0`) && waited < 5000; waited += 100) {
      await page.waitForTimeout(100);
    }
    assert.deepEqual(requests.filter((p) => p.startsWith(hugeImage)), [`${hugeImage}/tiles/0/0/0`],
      'while on the small image, the huge one is fetched ahead by its overview tile alone');
    await page.getByRole('button', { name: /Submit/ }).click();

    // The huge image: fitted, from the overview, then the level that matches the fit.
    await page.getByText('task 2 of 2').waitFor();
    await page.getByText('Loading the image').waitFor({ state: 'detached' });
    await page.waitForTimeout(500);
    const fitted = fitView(await canvas.boundingBox(), HUGE_WIDTH, HUGE_HEIGHT);
    near(await pixelAt(page, toPage(fitted, [10_000, 7_500])), [70, 110, 90], 'the fitted image\'s middle');

    // Deep zoom at the far corner: three wheel steps of 4× each (64×, about 2.9 screen pixels per image pixel)
    // that bring the red square to the canvas's middle.
    const [ox, oy, ow, oh] = CORNER_OBJECT;
    const view = await wheelZoomTowards(page, fitted, [ox + ow / 2, oy + oh / 2], 3);

    // The finest level's corner tiles arrive and show the square where the view puts it.
    const inside = toPage(view, [ox + 4, oy + oh - 4]);
    const outside = toPage(view, [ox - 4, oy - 4]);
    near(await waitForSquareAt(page, page, inside), [230, 30, 30], 'inside the red square at deep zoom');
    near(await pixelAt(page, outside), [70, 110, 90], 'beside the red square at deep zoom');
    const tilePaths = requests.filter((p) => p.startsWith(`${hugeImage}/`));
    assert.ok(tilePaths.some((p) => p.startsWith(`${hugeImage}/tiles/6/`)), 'the finest level was fetched');
    assert.ok(tilePaths.includes(`${hugeImage}/tiles/6/38/28`), `the corner's tile 6/38/28 was fetched: ${tilePaths}`);
    assert.ok(tilePaths.length < 60, `only the tiles in view are fetched, not ${tilePaths.length}`);
    assert.ok(!requests.includes(hugeImage), 'the whole 300 Mpx image is never fetched');

    await page.getByRole('radio', { name: 'other' }).check();
    await drag(page, view, [ox, oy], [ox + ow, oy + oh]);
    await waitForListed(page, [CORNER_OBJECT], 'box drawn at the far corner');
    await page.getByRole('button', { name: /Submit/ }).click();

    let boxes = [];
    for (let waited = 0; boxes.length === 0 && waited < 10_000; waited += 250) {
      await page.waitForTimeout(250);
      const coco = readCocoWithPycocotools(server.export());
      const names = Object.fromEntries(coco.categories.map((c) => [c.id, c.name]));
      boxes = coco.annotations.filter((a) => a.image_id === huge.image.id)
        .map((a) => ({ label: names[a.category_id], bbox: a.bbox }));
      const image = coco.images.find((i) => i.id === huge.image.id);
      assert.deepEqual([image.width, image.height], [HUGE_WIDTH, HUGE_HEIGHT]);
    }
    assert.equal(boxes.length, 1, JSON.stringify(boxes));
    assert.equal(boxes[0].label, 'other');
    assertNear(boxes[0].bbox, CORNER_OBJECT, 'the far corner\'s box in the COCO export');
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await server.stop();
    rmSync(images, { recursive: true, force: true });
  }
});
