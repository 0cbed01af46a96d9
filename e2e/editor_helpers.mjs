// Helpers shared by the editor's end-to-end tests: the app's view arithmetic (fit and zoom rules) done
// independently, mouse drags in image pixels, the box list read back, and a job opened in a fresh server.
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, readCocoWithPycocotools } from './harness.mjs';

export const FIT_MARGIN_CSS_PX = 12; // crowdbox_core::editor::FIT_MARGIN_PX
export const WHEEL_PX_PER_DOUBLING = 400; // crowdbox_core::editor::view

/** The view as the app keeps it: page = canvas origin + offset + image * scale. */
export function fitView(canvasBox, imageWidth, imageHeight) {
  const scale = Math.min(
    (canvasBox.width - 2 * FIT_MARGIN_CSS_PX) / imageWidth,
    (canvasBox.height - 2 * FIT_MARGIN_CSS_PX) / imageHeight,
  );
  return {
    canvasBox, scale,
    offsetX: (canvasBox.width - imageWidth * scale) / 2,
    offsetY: (canvasBox.height - imageHeight * scale) / 2,
  };
}

export function toPage(view, [x, y]) {
  return [view.canvasBox.x + view.offsetX + x * view.scale, view.canvasBox.y + view.offsetY + y * view.scale];
}

/** The view after zooming by `factor` about the page point `anchor`: the image point under it stays put. */
export function zoomedAbout(view, [px, py], factor) {
  const ax = px - view.canvasBox.x;
  const ay = py - view.canvasBox.y;
  const fixedX = (ax - view.offsetX) / view.scale;
  const fixedY = (ay - view.offsetY) / view.scale;
  const scale = view.scale * factor;
  return { canvasBox: view.canvasBox, scale, offsetX: ax - fixedX * scale, offsetY: ay - fixedY * scale };
}

/**
 * Zooms in `steps` wheel steps of 4× each (one wheel event zooms at most 4×) about the page point that brings the
 * image point `target` to the canvas's middle, then moves the mouse to the canvas's corner so the crosshair is
 * away from the pixels a test looks at. Returns the view after the zoom. Zooming by k about a fixes a and sends p
 * to a + k(p - a), so the anchor for p to land on the middle m is p + (p - m) / (k - 1).
 */
export async function wheelZoomTowards(page, fitted, target, steps) {
  const box = fitted.canvasBox;
  const middle = [box.x + box.width / 2, box.y + box.height / 2];
  const point = toPage(fitted, target);
  const factor = 4 ** steps;
  const anchor = [0, 1].map((i) => Math.round(point[i] + (point[i] - middle[i]) / (factor - 1)));
  await page.mouse.move(...anchor);
  let view = fitted;
  for (let i = 0; i < steps; i++) {
    await page.mouse.wheel(0, -800);
    view = zoomedAbout(view, anchor, 4);
    await page.waitForTimeout(150);
  }
  await page.mouse.move(box.x + 5, box.y + 5);
  return view;
}

export async function drag(page, view, from, to) {
  const [x0, y0] = toPage(view, from);
  const [x1, y1] = toPage(view, to);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x1, y1, { steps: 8 });
  await page.mouse.up();
}

export function assertNear(actual, expected, what, tolerance = 1) {
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance,
      `${what}: ${JSON.stringify(actual)} is not within ${tolerance} px of ${JSON.stringify(expected)}`);
  }
}

/** Each box of the box list beside the canvas as [x, y, w, h] in image pixels, in list order. */
export async function listedBoxes(page) {
  return page.locator('.box-list .box-row').evaluateAll((rows) => rows.map((row) => {
    const inputs = row.querySelectorAll('input.box-field');
    if (inputs.length === 4) return [...inputs].map((i) => Number(i.value));
    const m = row.querySelector('.box-coords').textContent.match(/x (-?\d+), y (-?\d+), w (\d+), h (\d+)/);
    return m.slice(1).map(Number);
  }));
}

export async function waitForListed(page, expected, what) {
  let have;
  for (let waited = 0; waited <= 5000; waited += 100) {
    have = await listedBoxes(page);
    if (have.length === expected.length
      && have.every((b, i) => b.every((v, k) => Math.abs(v - expected[i][k]) <= 1))) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`${what}: the box list shows ${JSON.stringify(have)}, expected ${JSON.stringify(expected)}`);
}

/** Opens the job, waits for the first task's image to be drawn, and returns the fitted view. */
export async function openJob(server, page) {
  const batchResponse = page.waitForResponse((r) => r.url().includes(`/api/jobs/${server.job}/batches`));
  await page.goto(`${server.baseUrl}/?job=${server.job}`);
  const batch = await (await batchResponse).json();
  const image = batch.tasks[0].image;
  await page.getByText('task 1 of 5').waitFor();
  const canvas = page.getByLabel(/Image to annotate/);
  await canvas.waitFor();
  await page.waitForFunction(() => document.querySelector('canvas')?.width > 0);
  await page.getByText('Loading the image').waitFor({ state: 'detached' });
  await page.waitForTimeout(300);
  return { image, canvas, view: fitView(await canvas.boundingBox(), image.width, image.height) };
}

/** Submits and returns the first image's boxes as pycocotools read them from the export, by label name. */
export async function submitAndExport(page, server, imageId) {
  await page.getByRole('button', { name: /Submit/ }).click();
  await page.getByText('task 2 of 5').waitFor();
  const coco = readCocoWithPycocotools(server.export());
  const names = Object.fromEntries(coco.categories.map((c) => [c.id, c.name]));
  return coco.annotations.filter((a) => a.image_id === imageId).map((a) => ({ label: names[a.category_id], bbox: a.bbox }));
}

export async function withEditor(options, body, serverOptions = {}) {
  const server = await startServer({ job: 'editor', ...serverOptions });
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, options);
    await body({ server, page });
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await server.stop();
  }
}

