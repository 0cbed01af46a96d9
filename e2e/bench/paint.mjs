// Browser benchmark (not a test): full-repaint time with 1,000 and 10,000 boxes on a 4000×3000 image, and
// submit → next image drawn, in headless Chromium against a real server. Prints a Markdown table.
//
//   CROWDBOX_BIN=$PWD/target/debug/crowdbox node e2e/bench/paint.mjs [--submits N] [--json FILE]
//
// `--submits` sets how many submits the submit → next image figure takes its median of (default 4; the batch is
// one image larger, so every submit has a next image). `--json` also writes the figures to a file (scripts/bench
// reads it).
//
// The page is opened with `?bench`, which gives it `window.__crowdboxRepaint()` (display list + paint + the
// browser finishing the drawing, timed inside the page) and `window.__crowdboxImageDrawn` ([url, time] of the
// first paint of each task's image). The boxes arrive as pre-annotations (imported with `--as pre`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { crowdbox, launchBrowser, openPage, startServer, CROWDBOX_BIN, REPO_ROOT } from '../harness.mjs';

const WIDTH = 4000;
const HEIGHT = 3000;
const FRAMES = 50;
const submitsAt = process.argv.indexOf('--submits');
const SUBMITS = submitsAt > 0 ? Number(process.argv[submitsAt + 1]) : 4;
if (!Number.isInteger(SUBMITS) || SUBMITS < 1) throw new Error('--submits needs a whole number of at least 1');
const LABELS = ['driller', 'hammer', 'paintbrush', 'screwdriver', 'wheelbarrow'];

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** `count` images of 4000×3000 (a gradient with shapes, so the decoder has real work) in a temporary folder. */
function makeImages(dir, count) {
  execFileSync('python3', ['-c', `
import sys
from PIL import Image, ImageDraw
for i in range(${count}):
    im = Image.linear_gradient('L').resize((${WIDTH}, ${HEIGHT})).convert('RGB')
    d = ImageDraw.Draw(im)
    for k in range(200):
        x, y = (k * 7919 + i * 131) % ${WIDTH}, (k * 104729 + i * 17) % ${HEIGHT}
        d.rectangle([x, y, x + 150, y + 90], fill=((k * 37) % 256, (k * 91 + i) % 256, (k * 53) % 256))
    im.save(sys.argv[1] + '/img-%02d.jpg' % i, quality=85)
`, dir]);
}

/** A COCO file whose first image has `boxes` boxes of 10–400 px, seeded so every run draws the same. */
function cocoWithBoxes(dir, fileNames, boxes) {
  let seed = 20240501;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const annotations = [];
  for (let i = 0; i < boxes; i++) {
    const w = 10 + rand() * 390; const h = 10 + rand() * 390;
    annotations.push({ id: i + 1, image_id: 1, category_id: 1 + (i % LABELS.length), iscrowd: 0,
      bbox: [rand() * (WIDTH - w), rand() * (HEIGHT - h), w, h], area: w * h });
  }
  const coco = {
    images: fileNames.map((f, i) => ({ id: i + 1, file_name: f, width: WIDTH, height: HEIGHT })),
    annotations,
    categories: LABELS.map((name, i) => ({ id: i + 1, name, supercategory: 'tool' })),
  };
  const file = path.join(dir, `coco-${boxes}.json`);
  writeFileSync(file, JSON.stringify(coco));
  return file;
}

/** A server whose job `job` is made from a COCO file with its boxes as pre-annotations. */
async function startCocoServer(job, coco, images) {
  const dir = mkdtempSync(path.join(tmpdir(), 'crowdbox-bench-db-'));
  const database = path.join(dir, 'crowdbox.sqlite3');
  crowdbox(database, ['import', '--job', job, '--coco', coco, '--image-dir', images, '--as', 'pre']);
  const child = spawn(CROWDBOX_BIN, ['serve', '--database', database, '--bind', '127.0.0.1:0', '--static-dir', 'dist'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  const baseUrl = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    job, baseUrl,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openBench(browser, server) {
  const { page, errors } = await openPage(browser, { width: 1280, height: 800 });
  await page.goto(`${server.baseUrl}/?job=${server.job}&bench`);
  await page.getByText('task 1 of').waitFor();
  await page.waitForFunction(() => typeof window.__crowdboxRepaint === 'function' && window.__crowdboxImageDrawn,
    null, { timeout: 60_000 });
  return { page, errors };
}

async function repaintMs(browser, images, boxes) {
  const coco = cocoWithBoxes(images, ['img-00.jpg'], boxes);
  const server = await startCocoServer(`bench${boxes}`, coco, images);
  try {
    const { page } = await openBench(browser, server);
    await page.waitForFunction((n) => document.querySelectorAll('.box-row').length === n, boxes, { timeout: 60_000 });
    const listed = await page.locator('.box-row').count();
    if (listed !== boxes) throw new Error(`expected ${boxes} boxes on the page, found ${listed}`);
    for (let i = 0; i < 5; i++) await page.evaluate(() => window.__crowdboxRepaint()); // warm up
    const times = [];
    for (let i = 0; i < FRAMES; i++) times.push(await page.evaluate(() => window.__crowdboxRepaint()));
    return { median: median(times), max: Math.max(...times) };
  } finally {
    await server.stop();
  }
}

async function submitToNextMs(browser, images) {
  const server = await startServer({
    job: 'benchnext', images, extraImportArgs: ['--batch-size', String(SUBMITS + 1)],
  });
  try {
    const { page } = await openBench(browser, server);
    const times = [];
    for (let k = 1; k <= SUBMITS; k++) {
      await page.getByText(`task ${k} of ${SUBMITS + 1}`).waitFor();
      await page.waitForTimeout(1500); // the volunteer works; the next images arrive meanwhile
      const [before] = await page.evaluate(() => window.__crowdboxImageDrawn);
      const start = await page.evaluate(() => {
        const t = performance.now();
        [...document.querySelectorAll('button')].find((b) => /Submit/.test(b.textContent)).click();
        return t;
      });
      await page.waitForFunction((url) => window.__crowdboxImageDrawn[0] !== url, before);
      const [, drawnAt] = await page.evaluate(() => window.__crowdboxImageDrawn);
      times.push(drawnAt - start);
    }
    return { median: median(times), max: Math.max(...times), n: times.length };
  } finally {
    await server.stop();
  }
}

const images = mkdtempSync(path.join(tmpdir(), 'crowdbox-bench-images-'));
const browser = await launchBrowser();
try {
  makeImages(images, SUBMITS + 1);
  const rows = [];
  const json = {};
  for (const boxes of [1000, 10000]) {
    const r = await repaintMs(browser, images, boxes);
    json[`repaint${boxes}`] = r;
    rows.push(`| full repaint, ${boxes.toLocaleString('en')} boxes, ${WIDTH}×${HEIGHT} image | ${r.median.toFixed(2)} ms | ${r.max.toFixed(2)} ms | ${boxes === 1000 ? '≤ 4 ms' : '≤ 16 ms'} |`);
  }
  const next = await submitToNextMs(browser, images);
  json.submitToNext = next;
  const jsonAt = process.argv.indexOf('--json');
  if (jsonAt > 0) writeFileSync(process.argv[jsonAt + 1], JSON.stringify(json, null, 1));
  rows.push(`| submit → next image drawn (${next.n} submits, images fetched ahead) | ${next.median.toFixed(1)} ms | ${next.max.toFixed(1)} ms | ≤ 50 ms |`);
  console.log(`| what | median | max | target |\n|---|---:|---:|---|\n${rows.join('\n')}`);
} finally {
  await browser.close();
  rmSync(images, { recursive: true, force: true });
}
