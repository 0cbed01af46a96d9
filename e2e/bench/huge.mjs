// Browser benchmark (not a test): huge images in the worker app — first draw, one wheel-zoom step, one pan step
// and the renderer's peak memory for 12, 108 and 300 Mpx coloured-noise JPEGs (and with --gpx a 40000 × 25000
// one, 1 Gpx, made of flat colours and a grid so it is quick to make and import, which must also take a box), in
// headless Chromium at 1280 × 800 against a real server. Prints a Markdown table with ratios to the 12 Mpx image.
//
//   CROWDBOX_BIN=$PWD/target/debug/crowdbox node e2e/bench/huge.mjs [--gpx] [--quick] [--steps N] [--dist DIR]…
//     [--images DIR] [--json FILE]
//
// Each image is made once (kept in --images, default $TMPDIR/crowdbox-bench-huge) and imported once into a
// database of its own (images above 16 Mpx get a pyramid); each --dist (default `dist`: a built worker app, e.g.
// one before and one after a change) is then served from a copy of that database. For one build every image
// is open at once, each in a browser of its own, and each step is taken on every image in turn (12 Mpx, 108 Mpx,
// 300 Mpx, 12 Mpx, …), so the ratios compare steps taken at the same moments. `--quick` leaves out 108 Mpx,
// `--json` also writes the figures to a file. The page is opened with `?bench` (see src/canvas/bench.rs):
// - first paint: navigation start → the app's first paint call with the image in it (`__crowdboxImageDrawn`;
//   the browser may still be decoding and rasterising); first draw, sharp: → the page is responsive again after a
//   paint with everything in it (an animation frame seen from outside, polled): for an image drawn whole, once
//   it is decoded and drawn; for a tiled one, once every visible tile of the matching level is in
//   (`window.__crowdboxTiles` = [0, 0, …]);
// - one zoom step: a wheel event of one mouse notch (deltaY ∓100) at the canvas's centre, handled, then one full
//   repaint finished (`window.__crowdboxRepaint`), timed inside the page; median of --steps (default 32) in
//   cycles of 8 in and 8 out, each followed by waiting until sharp again, whose median is given too;
// - one pan step: one 60 px pointer move of a middle-button drag, to and fro, handled and repainted; median of
//   --steps;
// - renderer memory: the peak resident memory (VmHWM) of the image's browser's largest renderer at the end;
// - images drawn per frame: the median `drawImage` calls of a zoom and of a pan step's frame (tiles, coarser
//   stand-ins included; 1 for an image drawn whole).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crowdbox, launchBrowser, openPage, CROWDBOX_BIN, REPO_ROOT } from '../harness.mjs';
import { writeHugeJpeg } from '../tiles_helpers.mjs';

const args = process.argv.slice(2);
const option = (name) => args.flatMap((a, i) => (a === name ? [args[i + 1]] : []));
const dists = option('--dist').length ? option('--dist') : ['dist'];
const imageRoot = option('--images')[0] ?? path.join(tmpdir(), 'crowdbox-bench-huge');
const SIZES = [[4000, 3000], ...(args.includes('--quick') ? [] : [[12_000, 9_000]]), [20_000, 15_000],
  ...(args.includes('--gpx') ? [[40_000, 25_000]] : [])];
const STEPS = Number(option('--steps')[0] ?? 32);
/** Zoom notches in a row one way before turning back: 8 notches of 2^(1/4) are 4×, two pyramid levels. */
const ZOOM_CYCLE = 8;
const jsonFile = option('--json')[0];

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
/** The median images drawn per frame; null for a build whose page does not report them. */
const drawn = (xs) => (xs.some((x) => x === null) ? null : median(xs));

/** A coloured-noise JPEG (every 4 × 4 block a random colour, quality 90), alone in a folder of its own. */
function noiseImage(width, height) {
  const folder = path.join(imageRoot, `${width}x${height}`);
  const file = path.join(folder, 'noise.jpg');
  if (!existsSync(file) && width * height > 500e6) {
    mkdirSync(folder, { recursive: true });
    writeHugeJpeg(file, width, height, [width - 400, height - 300, 200, 150]);
  } else if (!existsSync(file)) {
    mkdirSync(folder, { recursive: true });
    execFileSync('python3', ['-c', `
import os, sys
from PIL import Image
Image.MAX_IMAGE_PIXELS = None
w, h = ${width}, ${height}
blocks = Image.frombytes('RGB', (w // 4, h // 4), os.urandom((w // 4) * (h // 4) * 3))
blocks.resize((w, h), Image.NEAREST).save(sys.argv[1], quality=90)
`, file]);
  }
  return folder;
}

/** The image imported once into a database of its own; returns that database's folder. */
function importedOnce(width, height) {
  const folder = path.join(imageRoot, `${width}x${height}-db`);
  const database = path.join(folder, 'crowdbox.sqlite3');
  if (!existsSync(path.join(folder, 'imported'))) {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    const started = Date.now();
    crowdbox(database, ['import', '--job', 'huge', '--images', noiseImage(width, height), '--labels', 'thing']);
    console.error(`imported ${width}×${height} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    execFileSync('touch', [path.join(folder, 'imported')]);
  }
  return folder;
}

/** A server on a copy of the imported database (the image store hard-linked), serving the app in `dist`. */
async function serveCopy(folder, dist) {
  const dir = mkdtempSync(path.join(tmpdir(), 'crowdbox-bench-huge-db-'));
  execFileSync('cp', ['-al', path.join(folder, 'images'), path.join(dir, 'images')]);
  for (const f of readdirSync(folder).filter((f) => f.startsWith('crowdbox.sqlite3'))) {
    cpSync(path.join(folder, f), path.join(dir, f));
  }
  const child = spawn(CROWDBOX_BIN, ['serve', '--database', path.join(dir, 'crowdbox.sqlite3'), '--bind', '127.0.0.1:0',
    '--static-dir', path.resolve(REPO_ROOT, dist)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
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
    baseUrl,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The pids of this process's children (the browsers it launched are among them). */
function childPids() {
  const parent = (pid) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try { return parent(pid) === process.pid; } catch { return false; }
  });
}

/** A browser of its own and its process id (the child of this process that appeared with it). */
async function launchWithPid() {
  const before = new Set(childPids());
  const browser = await launchBrowser();
  const [pid] = childPids().filter((p) => !before.has(p));
  return { browser, pid };
}

/** Peak resident memory (VmHWM, MB) of the largest renderer process below the browser `browserPid`. */
function rendererPeakMb(browserPid) {
  const parent = (pid) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
  // The renderers are below the browser (through the zygote).
  const below = (pid) => { for (let p = parent(pid); p > 1; p = parent(p)) if (p === browserPid) return true; return false; };
  let peak = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer') || !below(pid)) continue;
      const kb = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/)[1]);
      peak = Math.max(peak, kb / 1024);
    } catch { /* the process ended meanwhile */ }
  }
  return peak;
}

/** Waits until the last paint was sharp (every visible tile in); at once for an image drawn whole. */
async function untilSharp(page) {
  await page.waitForFunction(() => !window.__crowdboxTiles
    || (window.__crowdboxTiles[0] === 0 && window.__crowdboxTiles[1] === 0), null, { polling: 'raf', timeout: 60_000 });
  return page.evaluate(() => performance.now());
}

/** Opens the image in a browser of its own: navigation → first paint, → sharp. */
async function open(folder, dist) {
  const server = await serveCopy(folder, dist);
  const { browser, pid } = await launchWithPid();
  const { page, errors } = await openPage(browser, { width: 1280, height: 800 });
  await page.goto(`${server.baseUrl}/?job=huge&bench`);
  await page.waitForFunction(() => window.__crowdboxImageDrawn, null, { polling: 'raf', timeout: 120_000 });
  const sharp = await untilSharp(page);
  const [, first] = await page.evaluate(() => window.__crowdboxImageDrawn);
  return {
    server, browser, pid, page, errors, first, sharp, zoom: [], zoomSharp: [], pan: [], zoomDrawn: [], panDrawn: [],
    async close() { await browser.close(); await server.stop(); },
  };
}

/** One wheel notch at the canvas's centre (in, or out when `out`), handled and repainted; then until sharp. */
async function zoomStep(o, out) {
  const [t, ms, drawn] = await o.page.evaluate((deltaY) => {
    const c = document.querySelector('canvas');
    const r = c.getBoundingClientRect();
    const t = performance.now();
    c.dispatchEvent(new WheelEvent('wheel', { deltaY, deltaMode: 0, clientX: r.left + r.width / 2,
      clientY: r.top + r.height / 2, bubbles: true, cancelable: true }));
    window.__crowdboxRepaint();
    return [t, performance.now() - t, (window.__crowdboxTiles ? window.__crowdboxTiles[3] ?? null : 1)];
  }, out ? 100 : -100);
  o.zoom.push(ms);
  o.zoomDrawn.push(drawn);
  o.zoomSharp.push((await untilSharp(o.page)) - t);
}

/** The middle button pressed (`buttons` 4) or released at the canvas's centre + `dx`, or one move there. */
async function panEvent(o, type, dx) {
  return o.page.evaluate(([type, dx]) => {
    const c = document.querySelector('canvas');
    const r = c.getBoundingClientRect();
    const buttons = type === 'pointerup' ? 0 : 4;
    const t = performance.now();
    c.dispatchEvent(new PointerEvent(type, { pointerId: 1, pointerType: 'mouse', isPrimary: true,
      button: type === 'pointermove' ? -1 : 1, buttons, clientX: r.left + r.width / 2 + dx, clientY: r.top + r.height / 2,
      bubbles: true, cancelable: true }));
    if (type !== 'pointermove') return [0, 0];
    window.__crowdboxRepaint();
    return [performance.now() - t, (window.__crowdboxTiles ? window.__crowdboxTiles[3] ?? null : 1)];
  }, [type, dx]);
}

/** Every image of one build open at once, each in its own browser; the steps taken in turn on each. */
async function measureBuild(dist) {
  const opened = [];
  try {
    for (const [w, h] of SIZES) {
      opened.push(await open(importedOnce(w, h), dist));
      console.error(`${dist}: ${w} × ${h} open`);
    }
    // Zoom: cycles of ZOOM_CYCLE notches in, then as many out (crossing two levels each way), each image in
    // turn for every step, so a burst of load elsewhere on the machine hits all of them alike.
    for (let i = 0; i < STEPS; i++) {
      const out = Math.floor(i / ZOOM_CYCLE) % 2 === 1;
      for (const o of opened) await zoomStep(o, out);
    }
    // Pan: one middle-button drag per image, its moves 60 px to and fro, in turn.
    for (const o of opened) await panEvent(o, 'pointerdown', 0);
    for (let i = 0; i < STEPS; i++) {
      for (const o of opened) {
        const [ms, drawn] = await panEvent(o, 'pointermove', i % 2 ? 0 : 60);
        o.pan.push(ms);
        o.panDrawn.push(drawn);
      }
    }
    for (const o of opened) await panEvent(o, 'pointerup', 0);
    const results = [];
    for (const o of opened) {
      await untilSharp(o.page);
      const tiles = await o.page.evaluate(() => window.__crowdboxTiles ?? null);
      // It can be boxed: a drag draws one box.
      const c = await o.page.getByLabel(/Image to annotate/).boundingBox();
      await o.page.mouse.move(c.x + c.width / 2 - 50, c.y + c.height / 2 - 40);
      await o.page.mouse.down();
      await o.page.mouse.move(c.x + c.width / 2 + 50, c.y + c.height / 2 + 40, { steps: 5 });
      await o.page.mouse.up();
      await o.page.locator('.box-row').first().waitFor({ timeout: 10_000 });
      const boxed = await o.page.locator('.box-row').count();
      if (o.errors.length) throw new Error(o.errors.join('\n'));
      results.push({
        first: o.first, sharp: o.sharp, zoom: median(o.zoom), zoomSharp: median(o.zoomSharp), pan: median(o.pan),
        zoomDrawn: drawn(o.zoomDrawn), panDrawn: drawn(o.panDrawn), memory: rendererPeakMb(o.pid), cachedMb: tiles ? tiles[2] / 2 ** 20 : null, boxed,
      });
    }
    return results;
  } finally {
    for (const o of opened) await o.close();
  }
}

const rows = [];
const json = [];
for (const dist of dists) {
  const results = await measureBuild(dist);
  const base = results[0];
  SIZES.forEach(([w, h], i) => {
    const r = results[i];
    json.push({ dist, width: w, height: h, ...r });
    const ratio = (k) => (i === 0 ? '' : ` (${(r[k] / base[k]).toFixed(2)}×)`);
    rows.push(`| ${dist} | ${w} × ${h} (${Math.round((w * h) / 1e6)} Mpx) | ${(r.first / 1000).toFixed(2)} s${ratio('first')} `
      + `| ${(r.sharp / 1000).toFixed(2)} s${ratio('sharp')} | ${r.zoom.toFixed(1)} ms${ratio('zoom')} `
      + `| ${r.zoomSharp.toFixed(0)} ms | ${r.pan.toFixed(1)} ms${ratio('pan')} | ${r.memory.toFixed(0)} MB${ratio('memory')} `
      + `| ${r.cachedMb === null ? '–' : `${r.cachedMb.toFixed(0)} MB`} | ${r.zoomDrawn ?? '–'} / ${r.panDrawn ?? '–'} | ${r.boxed} |`);
    console.error(rows.at(-1));
  });
}
if (jsonFile) writeFileSync(jsonFile, JSON.stringify(json, null, 1));
console.log(`${STEPS} zoom steps and ${STEPS} pan steps per image (medians), the images in turn.`);
console.log('| build | image | first paint | first draw, sharp | one zoom step | zoom step → sharp | one pan step | renderer peak memory | tiles cached | images drawn per frame, zoom / pan | boxes drawn |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
console.log(rows.join('\n'));
