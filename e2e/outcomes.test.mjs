// What a volunteer says beyond boxes, in Chromium against the real server: typed outcomes with a note, a verify
// job's verdicts, carrying boxes forward, example images, the change record over a reload, and 200 % zoom.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, DEMO_WITH_GIVEN_BOXES, readCocoWithPycocotools } from './harness.mjs';
import { drag, fitView, listedBoxes, openJob, toPage, waitForListed, withEditor } from './editor_helpers.mjs';

/** Rows of `query` from the server's database, through the sqlite3 shell. */
function sql(server, query) {
  const out = execFileSync('sqlite3', ['-json', server.database, query], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

async function waitForSubmissions(server, count) {
  for (let waited = 0; waited < 10_000; waited += 100) {
    if (sql(server, 'SELECT COUNT(*) AS n FROM submissions')[0].n >= count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`the server did not get ${count} submissions`);
}

test('nothing to label, image unreadable and unsure with a note reach the server and the COCO export', async () => {
  await withEditor({ width: 1280, height: 800 }, async ({ server, page }) => {
    const { view } = await openJob(server, page);
    await page.getByRole('button', { name: 'Nothing to label' }).click();
    await page.getByText('task 2 of 5').waitFor();
    await page.getByRole('button', { name: 'Image unreadable' }).click();
    await page.getByText('task 3 of 5').waitFor();
    await page.waitForTimeout(300);
    const third = fitView(await page.getByLabel(/Image to annotate/).boundingBox(), 512, 512);
    await drag(page, third, [50, 60], [200, 220]);
    assert.equal(await page.getByRole('button', { name: 'Nothing to label' }).isDisabled(), true,
      'nothing to label waits until the boxes are gone');
    await page.getByLabel('I am unsure about this image').check();
    await page.getByLabel('Note for the job owner (optional)').fill('the object is half hidden');
    await page.getByRole('button', { name: 'Submit and next' }).click();
    await page.getByText('task 4 of 5').waitFor();
    assert.equal(await page.getByLabel('I am unsure about this image').isChecked(), false, 'a new task starts sure');
    await waitForSubmissions(server, 3);
    assert.deepEqual(
      sql(server, 'SELECT outcome, note FROM submissions ORDER BY image_id'),
      [{ outcome: 'nothing_to_label', note: null }, { outcome: 'image_unreadable', note: null },
        { outcome: 'unsure', note: 'the object is half hidden' }],
    );
    const coco = readCocoWithPycocotools(server.export());
    const outcomes = Object.fromEntries(coco.images.filter((i) => i.outcomes).map((i) => [i.file_name, i.outcomes]));
    assert.deepEqual(outcomes, {
      'astronaut.jpg': { nothing_to_label: 1 }, 'brick.jpg': { image_unreadable: 1 }, 'camera.jpg': { unsure: 1 },
    });
    assert.equal(coco.annotations.length, 1);
    assert.ok(view, 'the first image was shown');
  });
});

test('in a verify job each given box is accepted or rejected, by button or by A and R, before the image is sent', async () => {
  await withEditor({ width: 1280, height: 800 }, async ({ server, page }) => {
    const { view } = await openJob(server, page);
    assert.equal(await page.getByRole('radiogroup').count(), 0, 'no labels to choose when only judging');
    await page.getByText('2 boxes left to judge.').waitFor();
    await page.getByRole('button', { name: 'Submit and next' }).click();
    await page.getByText('2 boxes have no verdict yet').waitFor();
    assert.ok(await page.getByText('task 1 of 5').isVisible(), 'nothing was sent');

    await drag(page, view, [200, 200], [260, 260]); // pans; draws nothing
    await page.waitForTimeout(200);
    assert.equal(await page.locator('.verify-list .box-row').count(), 2, 'a drag draws no box in a verify job');
    await page.getByRole('button', { name: 'Accept' }).first().click();
    await page.getByText('1 box left to judge.').waitFor();
    const canvas = page.getByLabel(/Image to annotate/);
    await canvas.focus();
    await page.keyboard.press('Tab'); // the next box
    await page.keyboard.press('r');
    await page.getByText('Every box is judged.').waitFor();
    await page.getByLabel(/Why box 2 \(hammer\) is rejected/).fill('that is a screwdriver');
    await page.getByLabel(/Why box 2 \(hammer\) is rejected/).press('Tab');
    await page.getByRole('button', { name: 'Submit and next' }).click();
    await page.getByText('task 2 of 5').waitFor();
    await waitForSubmissions(server, 1);
    const [row] = sql(server, 'SELECT verdicts, changes FROM submissions');
    assert.deepEqual(JSON.parse(row.verdicts), [
      { origin: 1, accepted: true }, { origin: 2, accepted: false, reason: 'that is a screwdriver' },
    ]);
    const coco = readCocoWithPycocotools(server.export());
    assert.deepEqual(coco.annotations.map((a) => a.bbox), [[40, 40, 120, 100]], 'only the accepted box is exported');
  }, { jobArgs: ['--mode', 'verify'], coco: DEMO_WITH_GIVEN_BOXES });
});

test('carry forward copies the previous image\'s boxes as one undo step, and the example images show', async () => {
  const good = path.join(REPO_ROOT, 'demo/images/coins.png');
  const bad = path.join(REPO_ROOT, 'demo/images/brick.jpg');
  await withEditor({ width: 1280, height: 800 }, async ({ server, page }) => {
    const { view } = await openJob(server, page);
    const copy = page.getByRole('button', { name: /Copy boxes from the previous image/ });
    assert.equal(await copy.isDisabled(), true, 'nothing to copy on the first image');
    await drag(page, view, [100, 100], [300, 260]);
    await waitForListed(page, [[100, 100, 200, 160]], 'drawn box');
    await page.getByRole('button', { name: 'Submit and next' }).click();
    await page.getByText('task 2 of 5').waitFor();
    await page.getByLabel(/Image to annotate/).focus();
    await page.keyboard.press('c');
    await waitForListed(page, [[100, 100, 200, 160]], 'copied box');
    await page.keyboard.press('Control+z');
    await waitForListed(page, [], 'undone copy');
    await page.keyboard.press('Control+Shift+z');
    await waitForListed(page, [[100, 100, 200, 160]], 'redone copy');
    await page.getByRole('button', { name: 'Submit and next' }).click();
    await page.getByText('task 3 of 5').waitFor();
    await waitForSubmissions(server, 2);
    const changes = sql(server, 'SELECT changes FROM submissions ORDER BY image_id').map((r) => JSON.parse(r.changes));
    assert.deepEqual(changes[1], [{ origin: null, annotation: 1, kind: 'added' }]);

    await page.keyboard.press('i');
    const dialog = page.getByRole('dialog', { name: 'Instructions' });
    await dialog.getByRole('heading', { name: 'Good examples' }).waitFor();
    await dialog.getByRole('heading', { name: 'Bad examples' }).waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('.example-image')]
      .filter((img) => img.complete && img.naturalWidth > 0).length === 2);
  }, { jobArgs: ['--allow-carry-forward', '--good-example', good, '--bad-example', bad] });
});

test('a reload in an adjust job keeps what became of each given box in the change record', async () => {
  await withEditor({ width: 1280, height: 800 }, async ({ server, page }) => {
    const { view } = await openJob(server, page);
    await waitForListed(page, [[40, 40, 120, 100], [300, 300, 100, 80]], 'given boxes');
    await page.mouse.click(...toPage(view, [100, 90]));
    await drag(page, view, [100, 90], [130, 90]);
    await waitForListed(page, [[70, 40, 120, 100], [300, 300, 100, 80]], 'moved given box');
    await page.reload();
    await page.getByText('task 1 of 5').waitFor();
    await waitForListed(page, [[70, 40, 120, 100], [300, 300, 100, 80]], 'boxes after the reload');
    await page.getByRole('button', { name: 'Submit and next' }).click();
    await page.getByText('task 2 of 5').waitFor();
    await waitForSubmissions(server, 1);
    assert.deepEqual(JSON.parse(sql(server, 'SELECT changes FROM submissions')[0].changes), [
      { origin: 1, annotation: 1, kind: 'moved' }, { origin: 2, annotation: 2, kind: 'kept' },
    ]);
  }, { jobArgs: ['--mode', 'adjust'], coco: DEMO_WITH_GIVEN_BOXES });
});

test('at 200 % browser zoom nothing needs sideways scrolling and an image can be boxed with the keyboard alone', async () => {
  // A 1280 × 800 screen at 200 % zoom: 640 × 400 CSS pixels at devicePixelRatio 2.
  await withEditor({ width: 640, height: 400, deviceScaleFactor: 2 }, async ({ server, page }) => {
    await openJob(server, page);
    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('button, input, textarea, canvas, [role="radiogroup"]')]
        .filter((el) => el.getClientRects().length > 0)
        .filter((el) => { const r = el.getBoundingClientRect(); return r.left < -1 || r.right > width + 1; })
        .map((el) => el.id || el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30));
      return { scroll: document.documentElement.scrollWidth - width, wide };
    });
    assert.deepEqual(overflow, { scroll: 0, wide: [] }, 'everything fits the width');
    const canvas = await page.getByLabel(/Image to annotate/).boundingBox();
    assert.ok(canvas.width >= 300 && canvas.height >= 200, `the canvas is usable: ${JSON.stringify(canvas)}`);

    // Keyboard only: Tab to the canvas, N for a box, Shift+arrows to move it, then Tab on to Submit.
    await page.keyboard.press('Tab');
    for (let i = 0; i < 40 && !(await page.evaluate(() => document.activeElement?.tagName === 'CANVAS')); i++) {
      await page.keyboard.press('Tab');
    }
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'CANVAS', 'the canvas is reachable by Tab');
    await page.keyboard.press('n');
    await page.keyboard.press('Shift+ArrowRight');
    await page.waitForFunction(() => document.querySelectorAll('.box-row').length === 1);
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.id === 'submit-task')) break;
    }
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'submit-task', 'Submit is reachable by Tab');
    const focused = await page.evaluate(() => {
      const r = document.activeElement.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight && r.right <= document.documentElement.clientWidth;
    });
    assert.ok(focused, 'the focused button is scrolled into view');
    await page.keyboard.press('Enter');
    await page.getByText('task 2 of 5').waitFor();
    await waitForSubmissions(server, 1);
    assert.equal(sql(server, 'SELECT COUNT(*) AS n FROM annotations')[0].n, 1);
  });
});
