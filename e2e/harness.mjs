// Shared harness for the end-to-end tests: a real `crowdbox` server on a free port with a temporary SQLite
// database, and Debian's Chromium driven by playwright-core. Nothing is mocked.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CROWDBOX_BIN = process.env.CROWDBOX_BIN ?? path.join(REPO_ROOT, 'target/debug/crowdbox');
export const DEMO_LABELS = ['driller', 'hammer', 'paintbrush', 'screwdriver', 'wheelbarrow'];

/** The demo images in import order: [file name, width, height]. */
const DEMO_IMAGES = [
  ['astronaut.jpg', 512, 512], ['brick.jpg', 512, 512], ['camera.jpg', 512, 512], ['chelsea.webp', 451, 300],
  ['coffee.jpg', 600, 400], ['coins.png', 384, 303], ['hubble_deep_field.jpg', 800, 698], ['rocket.jpg', 640, 427],
];

/** A COCO file of the demo images with two given boxes on the first (astronaut.jpg, 512 × 512), for `coco:`. */
export const DEMO_WITH_GIVEN_BOXES = {
  images: DEMO_IMAGES.map(([file_name, width, height], i) => ({ id: i + 1, file_name, width, height })),
  annotations: [
    { id: 1, image_id: 1, category_id: 1, bbox: [40, 40, 120, 100] },
    { id: 2, image_id: 1, category_id: 2, bbox: [300, 300, 100, 80] },
  ],
  categories: DEMO_LABELS.map((name, i) => ({ id: i + 1, name })),
};

/** Runs the crowdbox CLI synchronously against `database` and returns its stdout. */
export function crowdbox(database, args) {
  return execFileSync(CROWDBOX_BIN, [...args, '--database', database], { cwd: REPO_ROOT, encoding: 'utf8' });
}

/**
 * A temporary database with the demo images imported as job `job`, and a server on a free port. `jobArgs`:
 * settings for `crowdbox job create` (the job is created first); `coco`: a COCO document whose boxes become the
 * images' pre-annotations (its `file_name`s are in `images`). `serveArgs`: more `crowdbox serve` flags.
 */
export async function startServer({
  job = 'e2e', images = 'demo/images', labels = DEMO_LABELS, extraImportArgs = [], jobArgs = null, coco = null, serveArgs = [],
} = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'crowdbox-e2e-'));
  const database = path.join(dir, 'crowdbox.sqlite3');
  if (jobArgs) crowdbox(database, ['job', 'create', '--name', job, '--labels', labels.join(','), ...jobArgs]);
  if (coco) {
    const file = path.join(dir, 'pre-annotations.json');
    writeFileSync(file, JSON.stringify(coco));
    crowdbox(database, ['import', '--job', job, '--coco', file, '--image-dir', images, '--as', 'pre', ...extraImportArgs]);
  } else {
    crowdbox(database, ['import', '--job', job, '--images', images, '--labels', labels.join(','), ...extraImportArgs]);
  }
  const child = spawn(CROWDBOX_BIN, ['serve', '--database', database, '--bind', '127.0.0.1:0', '--static-dir', 'dist', ...serveArgs], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const baseUrl = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s; stderr:\n${stderr}`)), 20_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}; stderr:\n${stderr}`)); });
  });
  return {
    dir, database, baseUrl, job,
    export(format = 'coco') {
      const output = path.join(dir, `export-${Date.now()}.json`);
      crowdbox(database, ['export', '--job', job, '--format', format, '--output', output]);
      return output;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian Chromium, headless, with the flags this machine needs as root. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

/** A page that records every uncaught page error and console error, so a test can fail on them. */
export async function openPage(browser, { width, height, deviceScaleFactor = 1 }) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  return { page, context, errors };
}

/** Loads a COCO file with pycocotools, runs COCOeval on it, and returns what pycocotools read. */
export function readCocoWithPycocotools(file) {
  const out = execFileSync('python3', [path.join(REPO_ROOT, 'e2e/coco_check.py'), file], { encoding: 'utf8' });
  return JSON.parse(out);
}
