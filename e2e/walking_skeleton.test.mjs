// A volunteer boxes a batch of images end to end: real server, real SQLite, real Chromium, real mouse events,
// export read back with pycocotools.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, readCocoWithPycocotools } from './harness.mjs';

// The app shows the image fitted into the canvas: as large as fits, aspect ratio kept, centred, with this many
// CSS pixels free on every side. The test maps image pixels to page pixels with its own arithmetic, so a transform
// bug in the app shows up as boxes in the wrong place.
const FIT_MARGIN_CSS_PX = 12; // crowdbox_core::editor::FIT_MARGIN_PX

function fitTransform(canvasBox, imageWidth, imageHeight) {
  const scale = Math.min(
    (canvasBox.width - 2 * FIT_MARGIN_CSS_PX) / imageWidth,
    (canvasBox.height - 2 * FIT_MARGIN_CSS_PX) / imageHeight,
  );
  const offsetX = (canvasBox.width - imageWidth * scale) / 2;
  const offsetY = (canvasBox.height - imageHeight * scale) / 2;
  return {
    toPage: ([x, y]) => [canvasBox.x + offsetX + x * scale, canvasBox.y + offsetY + y * scale],
  };
}

async function dragInImage(page, view, from, to) {
  const [x0, y0] = view.toPage(from);
  const [x1, y1] = view.toPage(to);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x1, y1, { steps: 8 });
  await page.mouse.up();
}

async function clickInImage(page, view, at) {
  const [x, y] = view.toPage(at);
  await page.mouse.click(x, y);
}

function assertBoxNear(actual, expected, what) {
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= 1,
      `${what}: bbox ${JSON.stringify(actual)} is not within 1 px of ${JSON.stringify(expected)}`);
  }
}

for (const viewport of [{ width: 1280, height: 800 }, { width: 860, height: 640 }]) {
  test(`a volunteer draws, labels, deletes and submits boxes that export within 1 px at ${viewport.width}x${viewport.height}`, async () => {
    const server = await startServer({ job: 'e2e' });
    const browser = await launchBrowser();
    try {
      const { page, errors } = await openPage(browser, viewport);
      const batchResponse = page.waitForResponse((r) => r.url().includes('/api/jobs/e2e/batches'));
      await page.goto(`${server.baseUrl}/?job=e2e`);
      const batch = await (await batchResponse).json();
      assert.equal(batch.tasks.length, 5, 'the first batch holds the job batch size of tasks');
      const firstImage = batch.tasks[0].image;

      await page.getByRole('radio', { name: 'hammer' }).waitFor();
      await page.getByText('task 1 of 5').waitFor();
      const canvas = page.getByLabel(/Image to annotate/);
      await canvas.waitFor();
      // Let the image load and the canvas settle at its final size before measuring it.
      await page.waitForFunction(() => document.querySelector('canvas')?.width > 0);
      await page.waitForTimeout(300);
      const view = fitTransform(await canvas.boundingBox(), firstImage.width, firstImage.height);

      await page.getByRole('radio', { name: 'hammer' }).check();
      await dragInImage(page, view, [100, 120], [300, 260]);
      await page.getByRole('radio', { name: 'screwdriver' }).check();
      await dragInImage(page, view, [450, 400], [330, 310]); // drawn from the bottom-right corner
      await dragInImage(page, view, [60, 60], [60.5, 60.5]); // too small: makes no box
      await page.getByRole('radio', { name: 'driller' }).check();
      await dragInImage(page, view, [20, 400], [120, 480]);
      await expectBoxCount(page, 3);

      await clickInImage(page, view, [480, 60]); // empty space: deselects
      await clickInImage(page, view, [70, 440]); // selects the driller box
      await page.keyboard.press('Delete');
      await expectBoxCount(page, 2);

      await page.getByRole('button', { name: /Submit/ }).click();
      await page.getByText('task 2 of 5').waitFor();
      // The next task comes at once; the submission is sent in the background.
      await page.locator('#sync-status').filter({ hasText: /^1 saved$/ }).waitFor();

      const coco = readCocoWithPycocotools(server.export());
      assert.equal(coco.images.length, 8, 'every image of the job is exported, also those without boxes');
      assert.deepEqual(coco.categories.map((c) => c.name), ['driller', 'hammer', 'paintbrush', 'screwdriver', 'wheelbarrow']);
      for (const c of coco.categories) assert.ok(c.id >= 1 && c.supercategory, `category ${JSON.stringify(c)}`);
      const catName = Object.fromEntries(coco.categories.map((c) => [c.id, c.name]));
      const anns = coco.annotations.filter((a) => a.image_id === firstImage.id);
      assert.equal(anns.length, 2, `two boxes stored for the first image: ${JSON.stringify(coco.annotations)}`);
      const byLabel = Object.fromEntries(anns.map((a) => [catName[a.category_id], a]));
      assertBoxNear(byLabel.hammer.bbox, [100, 120, 200, 140], 'hammer');
      assertBoxNear(byLabel.screwdriver.bbox, [330, 310, 120, 90], 'screwdriver');
      for (const a of anns) {
        assert.ok(a.id >= 1, 'annotation ids start at 1');
        assert.equal(a.iscrowd, 0);
        assert.ok(Math.abs(a.area - a.bbox[2] * a.bbox[3]) < 1e-6, 'area = w * h');
      }
      assert.ok(Math.abs(coco.ap_against_itself - 1) < 1e-9, `COCOeval of the export against itself is perfect, got ${coco.ap_against_itself}`);
      assert.deepEqual(errors, [], 'no page errors');
    } finally {
      await browser.close();
      await server.stop();
    }
  });
}

test('a volunteer who finishes a batch gets the next one, and is told when the job is done', async () => {
  const server = await startServer({ job: 'e2e' });
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, { width: 1024, height: 700 });
    await page.goto(`${server.baseUrl}/?job=e2e`);
    const submit = page.getByRole('button', { name: /Submit/ });
    for (let k = 1; k <= 5; k++) {
      await page.getByText(`task ${k} of 5`).waitFor();
      await submit.click();
    }
    for (let k = 1; k <= 3; k++) {
      await page.getByText(`task ${k} of 3`).waitFor();
      await submit.click();
    }
    await page.getByText(/job is done|no more images/i).waitFor();
    const coco = readCocoWithPycocotools(server.export());
    assert.equal(coco.images.length, 8);
    assert.equal(coco.annotations.length, 0, 'submissions without boxes store no boxes');
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await server.stop();
  }
});

async function expectBoxCount(page, n) {
  // The box list beside the canvas has one "Delete box N (label)" button per box.
  const deleteButtons = page.getByRole('button', { name: /^Delete box \d/ });
  for (let waited = 0; ; waited += 100) {
    const have = await deleteButtons.count();
    if (have === n) return;
    if (waited >= 5000) assert.fail(`expected ${n} boxes in the box list, found ${have}`);
    await page.waitForTimeout(100);
  }
}
