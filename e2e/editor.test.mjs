// The canvas editor in a real browser: draw, move, resize by a handle, undo/redo, zoom then draw, a 2× screen, and
// one image boxed with the keyboard alone. Real server, real SQLite, Debian Chromium; exports read by pycocotools.
// The test computes where image pixels land on the page with its own arithmetic (the app's documented fit and
// zoom rules), so a transform bug in the app shows up as boxes in the wrong place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCocoWithPycocotools } from './harness.mjs';
import {
  WHEEL_PX_PER_DOUBLING, toPage, zoomedAbout, drag, assertNear, waitForListed, openJob, submitAndExport, withEditor,
} from './editor_helpers.mjs';

test('a box is moved by dragging it and resized by its corner handle, and undo and redo walk those changes', async () => {
  await withEditor({ width: 1200, height: 800 }, async ({ server, page }) => {
    const { image, view } = await openJob(server, page);
    await page.getByRole('radio', { name: 'hammer' }).check();
    await drag(page, view, [100, 120], [300, 260]);
    await waitForListed(page, [[100, 120, 200, 140]], 'after drawing');
    await drag(page, view, [200, 190], [250, 230]); // inside the selected box: moves it by (50, 40)
    await waitForListed(page, [[150, 160, 200, 140]], 'after moving');
    await drag(page, view, [350, 300], [400, 330]); // the bottom-right handle
    await waitForListed(page, [[150, 160, 250, 170]], 'after resizing');
    await drag(page, view, [150, 160], [130, 150]); // the top-left handle: the opposite corner stays
    await waitForListed(page, [[130, 150, 270, 180]], 'after resizing from the top-left');

    await page.keyboard.press('Control+z');
    await waitForListed(page, [[150, 160, 250, 170]], 'after one undo');
    await page.getByRole('button', { name: 'Undo' }).click();
    await waitForListed(page, [[150, 160, 200, 140]], 'after two undos');
    await page.getByLabel(/Image to annotate/).focus();
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await waitForListed(page, [], 'after undoing the drawing too');
    await page.keyboard.press('Control+Shift+z');
    await page.keyboard.press('Control+y');
    await waitForListed(page, [[150, 160, 200, 140]], 'after two redos');

    const boxes = await submitAndExport(page, server, image.id);
    assert.equal(boxes.length, 1, JSON.stringify(boxes));
    assert.equal(boxes[0].label, 'hammer');
    assertNear(boxes[0].bbox, [150, 160, 200, 140], 'exported box');
  });
});

test('after zooming with the wheel about the pointer, a drawn box still exports in image pixels', async () => {
  await withEditor({ width: 1100, height: 760 }, async ({ server, page }) => {
    const { image, view } = await openJob(server, page);
    await page.getByRole('radio', { name: 'driller' }).check();
    const anchor = toPage(view, [200, 150]);
    await page.mouse.move(...anchor);
    await page.mouse.wheel(0, -WHEEL_PX_PER_DOUBLING); // one doubling in
    const zoomed = zoomedAbout(view, anchor, 2);
    await page.waitForTimeout(200);
    await drag(page, zoomed, [180, 130], [260, 190]);
    await waitForListed(page, [[180, 130, 80, 60]], 'box drawn after zooming');
    // Back to the fitted view (key 0): the same image point is where the fit rule puts it.
    await page.keyboard.press('0');
    await drag(page, view, [20, 20], [60, 90]);
    await waitForListed(page, [[180, 130, 80, 60], [20, 20, 40, 70]], 'box drawn after fitting again');

    const boxes = await submitAndExport(page, server, image.id);
    assert.equal(boxes.length, 2, JSON.stringify(boxes));
    assertNear(boxes[0].bbox, [180, 130, 80, 60], 'box drawn zoomed in');
    assertNear(boxes[1].bbox, [20, 20, 40, 70], 'box drawn fitted');
  });
});

test('on a screen with devicePixelRatio 2 the canvas backing store is twice its CSS size and boxes export right', async () => {
  await withEditor({ width: 1000, height: 700, deviceScaleFactor: 2 }, async ({ server, page }) => {
    const { image, view } = await openJob(server, page);
    const sizes = await page.evaluate(() => {
      const c = document.querySelector('canvas');
      const r = c.getBoundingClientRect();
      return { width: c.width, height: c.height, cssWidth: r.width, cssHeight: r.height, ratio: devicePixelRatio };
    });
    assert.equal(sizes.ratio, 2);
    assert.equal(sizes.width, Math.round(sizes.cssWidth * 2), JSON.stringify(sizes));
    assert.equal(sizes.height, Math.round(sizes.cssHeight * 2), JSON.stringify(sizes));
    await page.getByRole('radio', { name: 'paintbrush' }).check();
    await drag(page, view, [40, 50], [240, 210]);
    await waitForListed(page, [[40, 50, 200, 160]], 'box on a 2× screen');
    const boxes = await submitAndExport(page, server, image.id);
    assert.equal(boxes.length, 1);
    assert.equal(boxes[0].label, 'paintbrush');
    assertNear(boxes[0].bbox, [40, 50, 200, 160], 'box on a 2× screen');
  });
});

async function tabUntil(page, predicate, what) {
  for (let i = 0; i < 40; i++) {
    if (await page.evaluate(predicate)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${what}`);
}

test('a volunteer boxes an image and submits it with the keyboard only', async () => {
  await withEditor({ width: 1200, height: 800 }, async ({ server, page }) => {
    const { image } = await openJob(server, page);
    await tabUntil(page, () => document.activeElement?.tagName === 'CANVAS', 'the canvas');
    await page.keyboard.press('2'); // hammer
    assert.ok(await page.getByRole('radio', { name: 'hammer' }).isChecked(), 'key 2 chose the second label');
    await page.keyboard.press('n');
    // N draws a box a quarter of the (fitted, so whole) image in its middle.
    const [w0, h0] = [image.width / 4, image.height / 4];
    const [x0, y0] = [image.width / 2 - w0 / 2, image.height / 2 - h0 / 2];
    await waitForListed(page, [[x0, y0, w0, h0]], 'after N');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Alt+ArrowRight');
    await page.keyboard.press('Alt+ArrowRight');
    await page.keyboard.press('Alt+Shift+ArrowDown');
    const expected = [x0 + 3, y0 + 10, w0 + 2, h0 + 10];
    await waitForListed(page, [expected], 'after arrow keys');
    await tabUntil(page, () => /Submit/.test(document.activeElement?.textContent ?? ''), 'the Submit button');
    await page.keyboard.press('Enter');
    await page.getByText('task 2 of 5').waitFor();
    const coco = readCocoWithPycocotools(server.export());
    const anns = coco.annotations.filter((a) => a.image_id === image.id);
    assert.equal(anns.length, 1, JSON.stringify(anns));
    assert.equal(coco.categories.find((c) => c.id === anns[0].category_id).name, 'hammer');
    assertNear(anns[0].bbox, expected, 'keyboard-drawn box', 0.01);
  });
});

test('the box list is walked with arrow keys, selects with Enter, and its typed numbers change the box or say why not', async () => {
  await withEditor({ width: 1200, height: 800 }, async ({ server, page }) => {
    const { image, view } = await openJob(server, page);
    await page.getByRole('radio', { name: 'hammer' }).check();
    await drag(page, view, [100, 120], [300, 260]);
    await page.getByRole('radio', { name: 'screwdriver' }).check();
    await drag(page, view, [330, 310], [450, 400]);
    assert.ok(await page.getByRole('radio', { name: 'screwdriver' }).isChecked());
    await waitForListed(page, [[100, 120, 200, 140], [330, 310, 120, 90]], 'two boxes, each with its own label');
    assert.match(await page.locator('.box-row').first().textContent(), /hammer/, 'choosing a label did not relabel the box just drawn');

    // The selected (second) row is the list's one Tab stop; ArrowUp moves to the first, Enter selects it.
    await page.locator('.box-select[tabindex="0"]').focus();
    assert.match(await page.evaluate(() => document.activeElement.textContent), /screwdriver/);
    await page.keyboard.press('ArrowUp');
    assert.match(await page.evaluate(() => document.activeElement.textContent), /hammer/);
    await page.keyboard.press('Enter');
    await page.locator('.box-select[aria-pressed="true"]', { hasText: 'hammer' }).waitFor();

    const x = page.getByLabel('x of box 1 (hammer)');
    await x.fill('40');
    await x.press('Enter');
    await waitForListed(page, [[40, 120, 200, 140], [330, 310, 120, 90]], 'after typing x');
    const w = page.getByLabel('w of box 1 (hammer)');
    await w.fill('wide');
    await w.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'w must be a number' }).waitFor();
    assert.equal(await w.getAttribute('aria-invalid'), 'true');
    await waitForListed(page, [[40, 120, 200, 140], [330, 310, 120, 90]], 'text that is no number changes nothing');
    await w.fill('99999');
    await w.press('Enter');
    await waitForListed(page, [[40, 120, image.width - 40, 140], [330, 310, 120, 90]], 'a width past the image is clamped');
    assert.equal(await w.getAttribute('aria-invalid'), 'false');
    assert.equal(await w.inputValue(), String(image.width - 40));
    await page.getByRole('button', { name: 'Undo' }).click();
    await waitForListed(page, [[40, 120, 200, 140], [330, 310, 120, 90]], 'a typed number is undone in one step');

    await page.locator('.box-select', { hasText: 'screwdriver' }).focus();
    await page.keyboard.press('Delete');
    await waitForListed(page, [[40, 120, 200, 140]], 'Delete on a row deletes its box');
    const boxes = await submitAndExport(page, server, image.id);
    assert.deepEqual(boxes.map((b) => b.label), ['hammer']);
    assertNear(boxes[0].bbox, [40, 120, 200, 140], 'box with typed x');
  });
});

/** The canvas pixel [r, g, b] at the image point `at` (device pixels = CSS pixels here). */
async function pixelAt(page, view, at) {
  const [px, py] = toPage(view, at);
  return page.evaluate(([x, y]) => {
    const c = document.querySelector('canvas');
    const r = c.getBoundingClientRect();
    return [...c.getContext('2d').getImageData(Math.round(x - r.left), Math.round(y - r.top), 1, 1).data].slice(0, 3);
  }, [px, py]);
}

test('the view buttons zoom about the canvas centre and fit, hide boxes, and brightness changes the image but not the boxes', async () => {
  await withEditor({ width: 1200, height: 800 }, async ({ server, page }) => {
    const { image, view, canvas } = await openJob(server, page);
    await page.getByRole('radio', { name: 'driller' }).check();
    await drag(page, view, [100, 100], [200, 200]);
    await page.keyboard.press('Escape'); // deselect: an unselected box is drawn in its plain label colour
    await page.waitForTimeout(200);
    const boxEdge = await pixelAt(page, view, [150, 100]);
    const imageSpot = await pixelAt(page, view, [image.width - 30, image.height - 30]);
    const brightness = page.getByLabel('Brightness');
    await brightness.fill('50');
    await page.getByText('50%').waitFor();
    await page.waitForTimeout(200);
    assert.deepEqual(await pixelAt(page, view, [150, 100]), boxEdge, 'the box keeps its colour');
    const darker = await pixelAt(page, view, [image.width - 30, image.height - 30]);
    assert.ok(darker.reduce((a, b) => a + b) < imageSpot.reduce((a, b) => a + b),
      `the image is darker: ${imageSpot} → ${darker}`);
    await page.getByRole('button', { name: 'Reset brightness and contrast' }).click();

    const hide = page.getByRole('button', { name: 'Hide boxes' });
    await hide.click();
    assert.equal(await hide.getAttribute('aria-pressed'), 'true');
    await canvas.focus();
    await page.keyboard.press('h');
    await page.waitForFunction(() => document.querySelector('.view-buttons [aria-pressed]').getAttribute('aria-pressed') === 'false');

    await page.getByRole('button', { name: 'Zoom in' }).click(); // about the canvas centre, by 1.25
    const box = view.canvasBox;
    const zoomed = zoomedAbout(view, [box.x + box.width / 2, box.y + box.height / 2], 1.25);
    await drag(page, zoomed, [image.width / 2, image.height / 2], [image.width / 2 + 40, image.height / 2 + 30]);
    await page.getByRole('button', { name: 'Fit' }).click();
    await drag(page, view, [10, 10], [50, 40]);
    const expected = [[100, 100, 100, 100], [image.width / 2, image.height / 2, 40, 30], [10, 10, 40, 30]];
    await waitForListed(page, expected, 'boxes drawn fitted, zoomed by the button, and fitted again');
    const boxes = await submitAndExport(page, server, image.id);
    boxes.forEach((b, i) => assertNear(b.bbox, expected[i], `box ${i + 1}`));
  });
});

test('hovering the image shows crosshair guide lines and a pixel readout beside the pointer', async () => {
  await withEditor({ width: 1200, height: 800 }, async ({ server, page }) => {
    const { view } = await openJob(server, page);
    const [px, py] = toPage(view, [150, 120]);
    const strips = () => page.evaluate(([x, y]) => {
      const c = document.querySelector('canvas');
      const r = c.getBoundingClientRect();
      const ctx = c.getContext('2d');
      const read = (sx, sy, w, h) => [...ctx.getImageData(Math.round(sx - r.left), Math.round(sy - r.top), w, h).data];
      return { guide: read(x, y + 60, 1, 40), readout: read(x + 18, y + 18, 50, 14) };
    }, [px, py]);
    await page.mouse.move(5, 5); // off the canvas
    await page.waitForTimeout(200);
    const before = await strips();
    await page.mouse.move(px, py);
    await page.waitForTimeout(200);
    const after = await strips();
    assert.notDeepEqual(after.guide, before.guide, 'a vertical guide line runs through the pointer');
    assert.notDeepEqual(after.readout, before.readout, 'the pixel readout is drawn below right of the pointer');
    await page.mouse.move(5, 5);
    await page.waitForTimeout(200);
    assert.deepEqual(await strips(), before, 'both go away when the pointer leaves');
  });
});
