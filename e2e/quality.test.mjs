// Quality control as a volunteer meets it, in Chromium against the real server: gold tasks look like every
// other task, and a volunteer whose answers on them fall below the job's bar is told, in words, that the job
// gives them no more tasks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crowdbox, launchBrowser, openPage, REPO_ROOT, startServer } from './harness.mjs';

const DEMO = path.join(REPO_ROOT, 'demo/images');
const TASKS = ['astronaut.jpg', 'brick.jpg', 'camera.jpg', 'coffee.jpg'];
/** Gold images and the box each truly holds (category 2: hammer). */
const GOLD = [['coins.png', 384, 303, [40, 40, 200, 180]], ['rocket.jpg', 640, 427, [100, 60, 300, 300]]];

test('a volunteer who misses the gold answers is blocked and the app says so in words', async () => {
  const staging = path.join(REPO_ROOT, 'target', `e2e-quality-${process.pid}`);
  const tasks = path.join(staging, 'tasks');
  const gold = path.join(staging, 'gold');
  mkdirSync(tasks, { recursive: true });
  mkdirSync(gold, { recursive: true });
  for (const file of TASKS) copyFileSync(path.join(DEMO, file), path.join(tasks, file));
  for (const [file] of GOLD) copyFileSync(path.join(DEMO, file), path.join(gold, file));
  const goldCoco = path.join(staging, 'gold.json');
  writeFileSync(goldCoco, JSON.stringify({
    images: GOLD.map(([file_name, width, height], i) => ({ id: i + 1, file_name, width, height })),
    annotations: GOLD.map(([, , , bbox], i) => ({ id: i + 1, image_id: i + 1, category_id: 2, bbox })),
    categories: ['driller', 'hammer', 'paintbrush', 'screwdriver', 'wheelbarrow'].map((name, i) => ({ id: i + 1, name })),
  }));

  const server = await startServer({
    job: 'gold',
    images: tasks,
    jobArgs: ['--gold-rate', '0.5', '--block-below', '0.9', '--min-gold-tasks', '1', '--batch-size', '2'],
  });
  crowdbox(server.database, ['import', '--job', 'gold', '--coco', goldCoco, '--image-dir', gold, '--as', 'gold']);
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, { width: 1280, height: 800 });
    await page.goto(`${server.baseUrl}/?job=gold`);
    await page.getByText('task 1 of 2').waitFor();
    // Whichever of the two is gold, nothing on the page says so: the volunteer answers both the same way.
    await page.getByText('Loading the image').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Nothing to label' }).click();
    await page.getByText('task 2 of 2').waitFor();
    await page.getByText('Loading the image').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Nothing to label' }).click();

    await page.getByText('Your recent boxes too often disagreed with the known answers').waitFor({ timeout: 15_000 });
    // Chromium logs the refused request itself; anything else is a fault.
    const unexpected = errors.filter((e) => !/Failed to load resource: the server responded with a status of 403/.test(e));
    assert.deepEqual(unexpected, [], 'no page errors');
    assert.equal(await page.getByLabel(/Image to annotate/).count(), 0, 'no task is shown any more');
    const blocked = sql(server.database, 'SELECT worker_id FROM blocked_workers');
    assert.equal(blocked.length, 1, 'the server blocked the volunteer');
  } finally {
    await browser.close();
    await server.stop();
    rmSync(staging, { recursive: true, force: true });
  }
});

/** Rows of `query` from the server's database, through the sqlite3 shell. */
function sql(database, query) {
  const out = execFileSync('sqlite3', ['-json', database, query], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}
