// Touch on the canvas, in Chromium with touch emulation and real touch events (CDP `Input.dispatchTouchEvent`):
// two fingers spreading zoom about their midpoint, two fingers moving together pan, one finger draws a box, and
// lifting the fingers of a pinch one after the other draws nothing. The test computes where image pixels land
// with its own arithmetic, so a wrong pinch centre or pan shows up as boxes in the wrong place in the export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser } from './harness.mjs';
import { fitView, toPage, zoomedAbout, waitForListed, assertNear, submitAndExport } from './editor_helpers.mjs';

/** Fingers on the page through CDP; `points` is [[x, y], …] for finger ids 0, 1, …; end lifts all fingers. */
function fingers(cdp) {
  const send = (type, points, ids = points.map((_, i) => i)) => cdp.send('Input.dispatchTouchEvent', {
    type, touchPoints: points.map(([x, y], i) => ({ x: Math.round(x), y: Math.round(y), id: ids[i] })),
  });
  return {
    start: (points) => send('touchStart', points),
    /** Moves every finger from `from` to `to` in `steps` events. */
    async move(from, to, steps = 8) {
      for (let s = 1; s <= steps; s++) {
        await send('touchMove', from.map(([x, y], i) => [x + ((to[i][0] - x) * s) / steps, y + ((to[i][1] - y) * s) / steps]));
      }
    },
    end: () => send('touchEnd', []),
    /** Lifts finger `id` alone, at `at` (a touchEnd names the points that end). */
    lift: (id, at) => send('touchEnd', [at], [id]),
    /** Moves finger `id` alone from `from` to `to`. */
    async moveOne(id, from, to, steps = 4) {
      for (let s = 1; s <= steps; s++) {
        await send('touchMove', [[from[0] + ((to[0] - from[0]) * s) / steps, from[1] + ((to[1] - from[1]) * s) / steps]], [id]);
      }
    },
  };
}

const plus = ([x, y], [dx, dy]) => [x + dx, y + dy];

test('touch: a pinch zooms about the midpoint, two fingers pan, one finger draws, lifting a pinch draws nothing', async () => {
  const server = await startServer({ job: 'touch' });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, hasTouch: true });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    const cdp = await context.newCDPSession(page);
    const touch = fingers(cdp);

    const batchResponse = page.waitForResponse((r) => r.url().includes(`/api/jobs/${server.job}/batches`));
    await page.goto(`${server.baseUrl}/?job=${server.job}`);
    const image = (await (await batchResponse).json()).tasks[0].image;
    await page.getByText('task 1 of 5').waitFor();
    await page.getByText('Loading the image').waitFor({ state: 'detached' });
    await page.waitForTimeout(300);
    const canvas = page.getByLabel(/Image to annotate/);
    const fitted = fitView(await canvas.boundingBox(), image.width, image.height);
    await page.getByRole('radio', { name: 'hammer' }).check();

    // Pinch: the fingers spread from 100 px to 200 px apart about a point off the canvas's centre: 2× about it.
    const mid = toPage(fitted, [image.width * 0.3, image.height * 0.4]).map(Math.round);
    await touch.start([plus(mid, [-50, 0]), plus(mid, [50, 0])]);
    await touch.move([plus(mid, [-50, 0]), plus(mid, [50, 0])], [plus(mid, [-100, 0]), plus(mid, [100, 0])]);
    await touch.end();
    let view = zoomedAbout(fitted, mid, 2);
    await page.waitForTimeout(200);
    await waitForListed(page, [], 'a pinch draws no box');

    // One finger draws, in the zoomed view.
    const a0 = [image.width * 0.25, image.height * 0.35];
    const a1 = [a0[0] + 40, a0[1] + 30];
    await touch.start([toPage(view, a0)]);
    await touch.move([toPage(view, a0)], [toPage(view, a1)]);
    await touch.end();
    const first = [a0[0], a0[1], 40, 30];
    await waitForListed(page, [first], 'the box one finger drew after the pinch');

    // Two fingers moving together by (-120, -90) pan the view by that much and do not zoom.
    const p = [plus(mid, [-80, 60]), plus(mid, [80, 60])];
    await touch.start(p);
    await touch.move(p, p.map((q) => plus(q, [-120, -90])));
    // Lift them one after the other: the finger left down must not start a box, nor pan.
    await touch.lift(1, plus(p[1], [-120, -90]));
    await touch.moveOne(0, plus(p[0], [-120, -90]), plus(p[0], [-60, -40]));
    await touch.end();
    view = { ...view, offsetX: view.offsetX - 120, offsetY: view.offsetY - 90 };
    await page.waitForTimeout(200);
    await waitForListed(page, [first], 'panning and lifting the fingers one by one draw nothing');

    const b0 = [image.width * 0.35, image.height * 0.5];
    const b1 = [b0[0] + 50, b0[1] + 20];
    await touch.start([toPage(view, b0)]);
    await touch.move([toPage(view, b0)], [toPage(view, b1)]);
    await touch.end();
    const second = [b0[0], b0[1], 50, 20];
    await waitForListed(page, [first, second], 'the box drawn after the two-finger pan');

    const boxes = await submitAndExport(page, server, image.id);
    assert.equal(boxes.length, 2, JSON.stringify(boxes));
    assertNear(boxes[0].bbox, first, 'the box drawn after the pinch, exported');
    assertNear(boxes[1].bbox, second, 'the box drawn after the pan, exported');
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await server.stop();
  }
});
