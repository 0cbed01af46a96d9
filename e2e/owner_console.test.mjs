// The owner's console end to end: real server, real SQLite, real Chromium. The owner signs in, creates a job,
// uploads images (the upload's progress bar shows, the upload being slowed down to be seen), watches a
// volunteer's submission in a second browser context arrive in the progress and the class chart without a
// reload, sets a target, corrects the image in review with the volunteers' editor, and finds the correction in
// the COCO export it downloads (read back with pycocotools). Screenshots of the job page and the review screen
// at 1280×800 go to target/screenshots/, or to the README's docs/screenshots/ with UPDATE_SCREENSHOTS=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, startServer, launchBrowser, openPage, readCocoWithPycocotools } from './harness.mjs';
import { drag, fitView, assertNear } from './editor_helpers.mjs';

const OWNER_TOKEN = 'e2e-owner-token-0123456789abcdef';

/** Where a screenshot goes: a test run leaves the committed ones alone unless asked to replace them. */
function screenshotPath(name) {
  const folder = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : 'target/screenshots';
  mkdirSync(path.join(REPO_ROOT, folder), { recursive: true });
  return path.join(REPO_ROOT, folder, name);
}
const UPLOADED = ['astronaut.jpg', 'camera.jpg', 'rocket.jpg'];

async function canvasView(page, width, height) {
  const canvas = page.getByLabel(/Image to annotate/);
  await canvas.waitFor();
  await page.waitForFunction(() => document.querySelector('canvas')?.width > 0);
  await page.waitForTimeout(300);
  return fitView(await canvas.boundingBox(), width, height);
}

test('the owner creates a job, uploads images, sees a submission live, corrects it in review and exports it', async () => {
  process.env.CROWDBOX_OWNER_TOKEN = OWNER_TOKEN;
  // The harness's own job ("seed") shows in the list beside the one the owner creates.
  const server = await startServer({ job: 'seed' });
  const browser = await launchBrowser();
  try {
    const owner = await openPage(browser, { width: 1280, height: 800 });
    const page = owner.page;
    await page.goto(`${server.baseUrl}/owner/`);

    // A wrong token is refused, saying so; the right one opens the job list.
    await page.getByLabel('Owner token').fill('not-the-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That owner token is wrong' }).waitFor();
    await page.getByLabel('Owner token').fill(OWNER_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'seed' }).waitFor();
    // The refused sign-in's 401 is the one console error the browser logs on purpose.
    assert.ok(owner.errors.every((e) => /status of 401/.test(e)), owner.errors.join('\n'));
    owner.errors.length = 0;
    assert.equal(await page.getByRole('progressbar', { name: 'Progress of seed' }).getAttribute('aria-valuemax'), '8');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('crowdbox-owner-token')), OWNER_TOKEN);
    assert.ok(!page.url().includes(OWNER_TOKEN), 'the token is never in the address');

    // A new job, with its instructions previewed as volunteers will see them.
    await page.getByRole('button', { name: 'New job' }).click();
    await page.getByLabel('Name').fill('tools');
    await page.getByLabel(/^Labels/).fill('hammer\nscrewdriver');
    await page.getByLabel('Instructions (Markdown)').fill('# Box every tool\n\nDraw **tight** boxes.');
    await page.getByRole('region', { name: /Instructions preview/ }).getByRole('heading', { name: 'Box every tool' }).waitFor();
    await page.getByLabel('Batch size').fill('3');
    await page.getByRole('button', { name: 'Create the job' }).click();
    await page.getByRole('heading', { name: /Job tools/ }).waitFor();
    await page.getByText('live', { exact: true }).waitFor();

    // The upload, slowed down so that its progress bar can be seen moving.
    const cdp = await owner.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 30_000,
    });
    await page.getByLabel('Files').setInputFiles(UPLOADED.map((f) => path.join(REPO_ROOT, 'demo/images', f)));
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const bar = page.locator('progress#upload-progress');
    await bar.waitFor();
    const seen = new Set();
    for (let i = 0; i < 200 && !(await page.getByText(/Upload done/).count()); i++) {
      const label = await page.locator('.upload-status label').textContent().catch(() => null);
      if (label) seen.add(label);
      await page.waitForTimeout(50);
    }
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
    });
    const percents = [...seen].map((l) => l.match(/(\d+)%/)).filter(Boolean).map((m) => Number(m[1]));
    assert.ok(percents.some((p) => p > 0 && p < 100), `the bar showed the upload part way: ${[...seen].join(' | ')}`);
    await page.getByText('Upload done: 3 images added, 0 already there, 0 boxes stored, 0 left out.').waitFor();
    const progress = page.getByRole('progressbar', { name: 'Progress of tools' });
    await page.waitForFunction(() => document.querySelector('[aria-label="Progress of tools"]')?.getAttribute('aria-valuemax') === '3');

    // A volunteer, in a browser context of their own, boxes a hammer on their first image.
    const volunteer = await openPage(browser, { width: 1280, height: 800 });
    const batchResponse = volunteer.page.waitForResponse((r) => r.url().includes('/api/jobs/tools/batches'));
    await volunteer.page.goto(`${server.baseUrl}/?job=tools`);
    const batch = await (await batchResponse).json();
    const image = batch.tasks[0].image;
    const vview = await canvasView(volunteer.page, image.width, image.height);
    await volunteer.page.getByRole('radio', { name: 'hammer' }).check();
    await drag(volunteer.page, vview, [100, 120], [300, 260]);
    await volunteer.page.getByRole('button', { name: /Submit/ }).click();
    await volunteer.page.locator('#sync-status').filter({ hasText: /^1 saved$/ }).waitFor();

    // The owner's page follows without a reload: the progress bar, and the class chart's values.
    await page.waitForFunction(() => document.querySelector('[aria-label="Progress of tools"]')?.getAttribute('aria-valuenow') === '1', null, { timeout: 10_000 });
    assert.match(await progress.getAttribute('aria-valuetext'), /^1 of 3 done/);
    const chart = page.getByRole('img', { name: /Class balance chart/ });
    await page.locator('#balance-chart-desc').filter({ hasText: 'hammer 1 objects from 1 boxes' }).waitFor({ state: 'attached', timeout: 10_000 });
    assert.match(await chart.textContent(), /1 objects · 1 boxes/);
    await page.getByRole('cell', { name: '1', exact: true }).first().waitFor(); // the worker's one task

    // A target for screwdriver marks it short.
    await page.getByLabel('Target for screwdriver').fill('1,000');
    await page.getByRole('button', { name: 'Save targets' }).click();
    await page.getByText('Short of their targets: screwdriver needs 1,000 more.').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('owner-job-page.png') });

    // Review: the hammer image, with the worker's boxes as an overlay; the owner adds the screwdriver.
    await page.getByRole('button', { name: 'Review images' }).click();
    await page.getByLabel('Images').selectOption('label');
    await page.getByLabel('Which').fill('hammer');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('Image 1 of 1').waitFor();
    await page.getByRole('img', { name: new RegExp(`${image.file_name}: 1 consolidated boxes, 1 submissions`) }).waitFor();
    const layers = page.getByRole('group', { name: 'Boxes shown' }).getByRole('checkbox');
    assert.equal(await layers.count(), 2, 'consolidated and the one worker');
    await layers.nth(1).uncheck();
    assert.equal(await page.locator('g.layer').nth(1).getAttribute('visibility'), 'hidden');
    await layers.nth(1).check();
    await page.screenshot({ path: screenshotPath('owner-review.png') });

    await page.keyboard.press('c'); // correct: the volunteers' editor on the consolidated boxes
    const rview = await canvasView(page, image.width, image.height);
    await page.getByRole('radio', { name: 'screwdriver' }).check();
    await drag(page, rview, [330, 310], [450, 400]);
    await page.getByRole('button', { name: 'Save the correction' }).click();
    await page.getByText('Corrected: your boxes are final.').waitFor();
    await page.getByText(/· corrected$/).waitFor();

    // The COCO export the console downloads has the correction.
    await page.getByRole('button', { name: 'Back to the job' }).click();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export COCO JSON' }).click();
    const file = path.join(server.dir, 'console-export.json');
    await (await download).saveAs(file);
    const coco = readCocoWithPycocotools(file);
    const names = Object.fromEntries(coco.categories.map((c) => [c.id, c.name]));
    const exported = coco.images.find((i) => i.file_name === image.file_name);
    const boxes = coco.annotations.filter((a) => a.image_id === exported.id);
    assert.deepEqual(boxes.map((a) => names[a.category_id]).sort(), ['hammer', 'screwdriver']);
    const byLabel = Object.fromEntries(boxes.map((a) => [names[a.category_id], a.bbox]));
    assertNear(byLabel.hammer, [100, 120, 200, 140], 'the accepted hammer');
    assertNear(byLabel.screwdriver, [330, 310, 120, 90], 'the screwdriver the owner added');

    assert.deepEqual(owner.errors, [], 'no page errors in the console');
    assert.deepEqual(volunteer.errors, [], 'no page errors in the volunteer app');
  } finally {
    delete process.env.CROWDBOX_OWNER_TOKEN;
    await browser.close();
    await server.stop();
  }
});

test('the review screen walks the queue and accepts and reopens images with the keyboard', async () => {
  process.env.CROWDBOX_OWNER_TOKEN = OWNER_TOKEN;
  const server = await startServer({ job: 'e2e' });
  const browser = await launchBrowser();
  try {
    // A volunteer answers the first three images of their batch without boxes.
    const volunteer = await openPage(browser, { width: 1024, height: 700 });
    await volunteer.page.goto(`${server.baseUrl}/?job=e2e`);
    for (let k = 1; k <= 3; k++) {
      await volunteer.page.getByText(`task ${k} of 5`).waitFor();
      await volunteer.page.getByRole('button', { name: /Submit/ }).click();
    }
    await volunteer.page.locator('#sync-status').filter({ hasText: /^3 saved$/ }).waitFor();

    const owner = await openPage(browser, { width: 1280, height: 800 });
    const page = owner.page;
    await page.goto(`${server.baseUrl}/owner/#review=e2e`);
    await page.getByLabel('Owner token').fill(OWNER_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const position = page.locator('.queue-position');
    await position.filter({ hasText: 'Image 1 of 3' }).waitFor();
    const shownImage = async () => (await page.locator('svg.review-image').getAttribute('aria-label')).split(':')[0];
    await page.locator('svg.review-image').waitFor();
    const first = await shownImage();
    // Each submission is listed with its note and change record (this volunteer left neither).
    const submissions = page.getByRole('region', { name: 'Submissions' });
    await submissions.getByRole('listitem').filter({ hasText: 'No note, no change record.' }).first().waitFor();

    await page.keyboard.press('n');
    await position.filter({ hasText: 'Image 2 of 3' }).waitFor();
    await page.keyboard.press('ArrowRight');
    await position.filter({ hasText: 'Image 3 of 3' }).waitFor();
    await page.keyboard.press('n');
    await page.getByText('This is the last image.').waitFor();
    await page.keyboard.press('p');
    await page.keyboard.press('ArrowLeft');
    await position.filter({ hasText: 'Image 1 of 3' }).waitFor();
    await page.waitForFunction((name) => document.querySelector('svg.review-image')?.getAttribute('aria-label').startsWith(`${name}:`), first);

    await page.keyboard.press('a');
    await page.getByText('Accepted: the consolidated boxes are final.').waitFor();
    await page.getByText(/· accepted$/).waitFor();
    const reviewed = async () => {
      const response = await fetch(`${server.baseUrl}/api/jobs/e2e/review?reviewed=true`, {
        headers: { Authorization: `Bearer ${OWNER_TOKEN}` },
      });
      return (await response.json()).images.map((i) => i.file_name);
    };
    assert.deepEqual(await reviewed(), [first], 'the accepted image is reviewed on the server');
    await page.keyboard.press('r');
    await page.getByText('Reopened: the image goes back to more workers.').waitFor();
    await page.getByText(/· not reviewed$/).waitFor();
    assert.deepEqual(await reviewed(), [], 'reopening undoes the review');

    // Keys typed into the filter's field are text, not commands.
    await page.getByLabel('Images').selectOption('worker');
    await page.getByLabel('Which').fill('nobody-anr');
    await position.filter({ hasText: 'Image 1 of 3' }).waitFor();
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('No image matches this filter.').waitFor();
    assert.deepEqual(await reviewed(), [], 'typing a and r in the field reviewed nothing');

    assert.deepEqual(owner.errors, [], 'no page errors in the console');
    assert.deepEqual(volunteer.errors, [], 'no page errors in the volunteer app');
  } finally {
    delete process.env.CROWDBOX_OWNER_TOKEN;
    await browser.close();
    await server.stop();
  }
});

test('the job list follows the server, and the job form takes the quality settings with errors at their field', async () => {
  process.env.CROWDBOX_OWNER_TOKEN = OWNER_TOKEN;
  const server = await startServer({ job: 'e2e' });
  const browser = await launchBrowser();
  try {
    const owner = await openPage(browser, { width: 1280, height: 800 });
    const page = owner.page;
    // The console's later pages come in wasm of their own (scripts/tools.sh build_split_app).
    const fetched = [];
    page.on('request', (r) => { if (r.url().endsWith('.wasm')) fetched.push(new URL(r.url()).pathname); });
    const fetchedPage = (name) => fetched.some((p) => p.endsWith(`/split_${name}.wasm`));
    await page.goto(`${server.baseUrl}/owner/`);
    await page.getByLabel('Owner token').fill(OWNER_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const bar = '[aria-label="Progress of e2e"]';
    await page.locator(bar).waitFor();
    assert.equal(await page.locator(bar).getAttribute('aria-valuenow'), '0');

    // A volunteer's submission and a job made elsewhere show in the list without a reload.
    const volunteer = await openPage(browser, { width: 1024, height: 700 });
    await volunteer.page.goto(`${server.baseUrl}/?job=e2e`);
    await volunteer.page.getByText('task 1 of 5').waitFor();
    await volunteer.page.getByRole('button', { name: /Submit/ }).click();
    await volunteer.page.locator('#sync-status').filter({ hasText: /^1 saved$/ }).waitFor();
    const made = await fetch(`${server.baseUrl}/api/jobs`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${OWNER_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'made-elsewhere', labels: ['cat'] }),
    });
    assert.equal(made.status, 201, await made.text());
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-valuenow') === '1', bar, { timeout: 10_000 });
    await page.getByRole('link', { name: 'made-elsewhere' }).waitFor({ timeout: 10_000 });

    assert.ok(!fetchedPage('new_job_page') && !fetchedPage('review_page'), `only the job list's code so far: ${fetched}`);

    // The form's quality settings: a wrong one is named at its field, nothing is created.
    await page.getByRole('button', { name: 'New job' }).click();
    await page.getByLabel('Name').fill('checked');
    await page.getByLabel(/^Labels/).fill('cat');
    await page.getByLabel('Workers per image').fill('3');
    await page.getByLabel(/^Gold rate/).fill('0.8');
    await page.getByRole('button', { name: 'Create the job' }).click();
    const goldError = page.locator('#new-gold_rate-error');
    await goldError.filter({ hasText: 'gold_rate must be in [0, 0.5], not 0.8' }).waitFor();
    assert.equal(await page.getByLabel(/^Gold rate/).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel(/^Gold rate/).getAttribute('aria-describedby'), 'new-gold_rate-error');
    await page.getByLabel(/^Gold rate/).fill('0.2');
    await page.getByLabel(/^Block workers scoring below/).fill('0.6');
    await page.getByLabel('Gold tasks before blocking').fill('2');
    await page.getByLabel(/^Agreeing workers that finish an image/).fill('2');
    await page.getByLabel('Boxes agree at IoU').fill('0.8');
    await page.getByLabel('Order of open images').selectOption('uncertain-first');
    await page.getByLabel(/Finish images waiting for another opinion/).check();
    await page.getByRole('button', { name: 'Create the job' }).click();
    await page.getByRole('heading', { name: /Job checked/ }).waitFor();
    assert.ok(fetchedPage('new_job_page') && fetchedPage('job_page'), `the form's and the job page's code: ${fetched}`);
    assert.ok(!fetchedPage('review_page'), 'the review screen is not fetched before it is opened');
    const jobs = await (await fetch(`${server.baseUrl}/api/jobs`, { headers: { Authorization: `Bearer ${OWNER_TOKEN}` } })).json();
    const job = jobs.jobs.find((j) => j.name === 'checked');
    assert.deepEqual(job.quality, {
      gold_rate: 0.2, block_below: 0.6, min_gold_tasks: 2, min_workers_per_image: 2, agreement_iou: 0.8, finish_first: true,
    });
    assert.equal(job.order, 'uncertain-first');

    // Editing: emptying the blocking field turns blocking off (null in the patch).
    await page.getByRole('heading', { name: 'Settings' }).click();
    await page.getByLabel(/^Block workers scoring below/).fill('');
    await page.getByRole('button', { name: 'Save the settings' }).click();
    await page.getByText('Saved: quality.').waitFor();
    const listed = await (await fetch(`${server.baseUrl}/api/jobs`, { headers: { Authorization: `Bearer ${OWNER_TOKEN}` } })).json();
    const after = listed.jobs.find((j) => j.name === 'checked');
    assert.equal(after.quality.block_below ?? null, null, 'blocking is off');
    assert.equal(after.quality.gold_rate, 0.2, 'the rest kept');

    assert.deepEqual(owner.errors, [], 'no page errors in the console');
  } finally {
    delete process.env.CROWDBOX_OWNER_TOKEN;
    await browser.close();
    await server.stop();
  }
});
