// Reliability end to end: a volunteer's work is kept until the server stored it, and stored exactly once, while
// the network drops requests and answers and the page is reloaded. Real server, real SQLite, real Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, launchBrowser, openPage, readCocoWithPycocotools } from './harness.mjs';

/** mulberry32: a small seeded PRNG, so a failing chaos run can be replayed with CHAOS_SEED. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sql(database, query) {
  return execFileSync('sqlite3', [database, query], { encoding: 'utf8' }).trim();
}

async function boxCount(page) {
  return page.getByRole('button', { name: /^Delete box \d/ }).count();
}

async function expectBoxCount(page, n) {
  for (let waited = 0; ; waited += 100) {
    const have = await boxCount(page);
    if (have === n) return;
    if (waited >= 5000) assert.fail(`expected ${n} boxes in the box list, found ${have}`);
    await page.waitForTimeout(100);
  }
}

/** Waits for a task on screen (returns its "task K of N") or the end of the job (returns null). */
async function nextTaskOrDone(page, timeout = 90_000) {
  const task = page.locator('#task-progress');
  const done = page.locator('#done-message');
  await task.or(done).first().waitFor({ timeout });
  if (await done.isVisible()) return null;
  await page.waitForFunction(() => document.querySelector('canvas')?.width > 0);
  await page.waitForTimeout(150);
  return task.textContent();
}

/** Drags a box with `label` in a part of the canvas that is inside the image whatever its aspect ratio. */
async function drawBox(page, label, [fx0, fy0, fx1, fy1]) {
  await page.getByRole('radio', { name: label }).check();
  const c = await page.getByLabel(/Image to annotate/).boundingBox();
  await page.mouse.move(c.x + c.width * fx0, c.y + c.height * fy0);
  await page.mouse.down();
  await page.mouse.move(c.x + c.width * fx1, c.y + c.height * fy1, { steps: 6 });
  await page.mouse.up();
}
const UPPER = [0.42, 0.30, 0.58, 0.45];
const LOWER = [0.44, 0.55, 0.56, 0.70];

test('under 30 % dropped requests and answers and two reloads every image is stored exactly once with its boxes', { timeout: 240_000 }, async () => {
  const seed = Number(process.env.CHAOS_SEED ?? 20261129);
  const random = prng(seed);
  const server = await startServer({ job: 'chaos' });
  const browser = await launchBrowser();
  const chaos = { dropped: 0, answersLost: 0, passed: 0 };
  try {
    const { page, errors } = await openPage(browser, { width: 1280, height: 800 });
    page.on('dialog', (d) => d.accept()); // reloading with unsent work asks first (beforeunload)
    await page.route('**/api/**', async (route) => {
      const r = random();
      if (r < 0.2) {
        chaos.dropped += 1;
        return route.abort('failed');
      }
      if (r < 0.3 && route.request().method() === 'POST') {
        // The server gets and stores the request, the browser never sees the answer: what idempotency is for.
        chaos.answersLost += 1;
        await route.fetch().catch(() => {});
        return route.abort('failed');
      }
      chaos.passed += 1;
      return route.continue();
    });
    await page.goto(`${server.baseUrl}/?job=chaos`);

    let submitted = 0;
    let reloadedMidDraw = false;
    let reloadedAfterSubmit = false;
    for (let guard = 0; guard < 40; guard++) {
      if ((await nextTaskOrDone(page)) === null) break;
      if ((await boxCount(page)) === 0) await drawBox(page, 'hammer', UPPER);
      await expectBoxCount(page, 1);
      if (!reloadedMidDraw && submitted === 2) {
        reloadedMidDraw = true;
        await page.reload();
        // The server hands back only the leases not yet submitted, so "task K of N" is counted afresh; the draft
        // (kept per task) shows it is the same image.
        assert.notEqual(await nextTaskOrDone(page), null, 'the reload resumes the batch');
        await expectBoxCount(page, 1);
        assert.equal(await page.getByRole('button', { name: /^Delete box 1 \(hammer\)/ }).count(), 1,
          'the box drawn before the reload is still there, with its label');
      }
      await drawBox(page, 'screwdriver', LOWER);
      await expectBoxCount(page, 2);
      await page.getByRole('button', { name: /Submit/ }).click();
      submitted += 1;
      if (!reloadedAfterSubmit && submitted === 4) {
        reloadedAfterSubmit = true;
        await page.reload();
        continue;
      }
      // The next task (with no boxes yet) is on screen at once, or the batch is being saved.
      await expectBoxCount(page, 0);
    }
    await page.locator('#done-message').waitFor({ timeout: 60_000 });
    assert.ok(reloadedMidDraw && reloadedAfterSubmit, 'both reloads happened');
    assert.equal(submitted, 8, 'each of the 8 images was boxed once (nothing came back to box again)');
    assert.ok(chaos.dropped >= 3 && chaos.answersLost >= 1, `the network misbehaved: ${JSON.stringify(chaos)}`);
    await page.locator('#sync-status').filter({ hasText: /^8 saved$|^\d+ saved$/ }).waitFor();

    const coco = readCocoWithPycocotools(server.export());
    assert.equal(coco.images.length, 8);
    const catName = Object.fromEntries(coco.categories.map((c) => [c.id, c.name]));
    for (const image of coco.images) {
      const anns = coco.annotations.filter((a) => a.image_id === image.id);
      assert.deepEqual(anns.map((a) => catName[a.category_id]).sort(), ['hammer', 'screwdriver'],
        `image ${image.id} holds its two boxes exactly once (seed ${seed}): ${JSON.stringify(anns)}`);
      const [upper, lower] = [...anns].sort((a, b) => a.bbox[1] - b.bbox[1]);
      assert.equal(catName[upper.category_id], 'hammer', 'the upper box is the hammer');
      assert.equal(catName[lower.category_id], 'screwdriver', 'the lower box is the screwdriver');
    }
    assert.equal(sql(server.database, 'SELECT count(*) FROM submissions'), '8', 'one submission per image');
    assert.equal(sql(server.database, 'SELECT count(DISTINCT image_id) FROM submissions'), '8');
    assert.equal(sql(server.database, 'SELECT count(*) FROM annotations'), '16', 'no box stored twice');
    assert.deepEqual(errors.filter((e) => e.startsWith('pageerror')), [], 'no page errors');
    console.log(`# chaos seed ${seed}: ${JSON.stringify(chaos)}`);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('a refused submission is shown and kept, and closing a tab with unsent work asks first', { timeout: 120_000 }, async () => {
  const server = await startServer({ job: 'refused' });
  const browser = await launchBrowser();
  try {
    const { page } = await openPage(browser, { width: 1280, height: 800 });
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.type()); d.accept(); });
    let mode = 'refuse-first';
    await page.route('**/api/jobs/refused/submissions', async (route) => {
      if (mode === 'refuse-first') {
        mode = 'pass';
        return route.fulfill({
          status: 422,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'invalid_field', message: 'bbox is outside the image', field: 'result.annotations[0].bbox' } }),
        });
      }
      if (mode === 'offline') return route.abort('failed');
      return route.continue();
    });
    await page.goto(`${server.baseUrl}/?job=refused`);
    assert.equal(await nextTaskOrDone(page), 'task 1 of 5');
    await drawBox(page, 'hammer', UPPER);
    await page.getByRole('button', { name: /Submit/ }).click();
    assert.equal(await nextTaskOrDone(page), 'task 2 of 5', 'the volunteer goes on while the first is refused');

    const refused = page.locator('#rejected-submissions');
    await refused.getByText('bbox is outside the image').waitFor();
    await page.locator('#sync-status').filter({ hasText: '1 not accepted' }).waitFor();

    // Only a refused submission (kept in the browser, nothing in flight): leaving does not ask.
    await page.reload();
    assert.equal(await nextTaskOrDone(page), 'task 2 of 5', 'the refused task is not boxed again after a reload');
    await refused.getByText('bbox is outside the image').waitFor();
    assert.deepEqual(dialogs, [], 'no warning while nothing is waiting to be sent');

    // Something unsent: leaving asks.
    mode = 'offline';
    await page.getByRole('button', { name: /Submit/ }).click();
    await page.locator('#sync-status').filter({ hasText: '1 waiting to send' }).waitFor();
    await page.reload();
    assert.deepEqual(dialogs, ['beforeunload'], 'the tab warns before closing with unsent work');
    mode = 'pass';
    assert.equal(await nextTaskOrDone(page), 'task 3 of 5', 'the unsent task is not boxed again');
    await page.locator('#sync-status').filter({ hasText: '1 not accepted · 1 saved' }).waitFor();

    // The refusal came from a proxy (the server never saw it): trying again stores it.
    await refused.getByRole('button', { name: 'Try again' }).click();
    await page.locator('#sync-status').filter({ hasText: /^2 saved$/ }).waitFor();
    await refused.waitFor({ state: 'detached' });
    assert.equal(sql(server.database, 'SELECT count(*) FROM submissions'), '2');
    assert.equal(sql(server.database, 'SELECT count(*) FROM annotations'), '1', 'the refused box was kept and stored');
  } finally {
    await browser.close();
    await server.stop();
  }
});
