// Static-site mode: the release build and the example folder served by a plain static file server under a
// sub-path, with no crowdbox server. A volunteer boxes the manifest's images, downloads COCO (read back with
// pycocotools) and a Ground Truth output manifest, reloads (progress kept), then opens image files of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, launchBrowser, openPage, readCocoWithPycocotools } from './harness.mjs';

const PREFIX = '/tools/annotate/';
const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.json': 'application/json', '.jpg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp',
};

/** A plain static file server: `/tools/annotate/example/…` is the example folder, the rest of the sub-path is
 * `dist/`. POSTs to `/collect` are recorded (the job's `submit_url` in the second job file). */
async function startStaticServer() {
  const dist = path.join(REPO_ROOT, 'dist');
  const example = path.join(REPO_ROOT, 'examples/static-site');
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'build dist/ first (trunk build --release)');
  const posted = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'POST' && url.pathname === '/collect') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        const s = JSON.parse(body);
        posted.push(s);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ submission_id: s.submission_id, task_id: s.task_id, annotations_stored: s.result.annotations.length, stored_at: Date.now() }));
      });
      return;
    }
    if (url.pathname === `${PREFIX}example/job-post.json`) {
      const job = JSON.parse(fs.readFileSync(path.join(example, 'job.json'), 'utf8'));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ...job, name: 'static-post', submit_url: '/collect' }));
      return;
    }
    if (url.pathname === `${PREFIX}with-meta.html`) {
      // The host names the job in the page instead of the address.
      const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8')
        .replace('<head>', '<head><meta name="crowdbox-job" content="example/job.json">');
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(html);
      return;
    }
    if (url.pathname === `${PREFIX}example/job-s3.json`) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ name: 'static-s3', labels: ['cat'], tasks: 's3.manifest' }));
      return;
    }
    if (url.pathname === `${PREFIX}example/s3.manifest`) {
      res.writeHead(200, { 'Content-Type': 'application/jsonl' });
      res.end('{"source-ref": "images/brick.jpg"}\n{"source-ref": "s3://bucket/a.jpg", "x": [1, {"y": 2}]}\n');
      return;
    }
    if (url.pathname === `${PREFIX}example/job-own.json`) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ name: 'static-own', labels: ['cup'] }));
      return;
    }
    if (url.pathname === `${PREFIX}example/job-batch.json`) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ name: 'static-batch', labels: ['cat', 'brick'], tasks: 'batch/tasks.json' }));
      return;
    }
    if (url.pathname === `${PREFIX}example/batch/tasks.json`) {
      const image = { id: 41, file_name: 'brick.jpg', width: 512, height: 512 };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({
        job: 'static-batch', instructions: 'Box the **bricks**.', categories: [], lease_expires_at: 0,
        job_done: false, images_total: 1, images_done: 0,
        tasks: [{ task_id: 40, image, image_url: '../images/brick.jpg' }],
      }));
      return;
    }
    if (!url.pathname.startsWith(PREFIX)) { res.writeHead(404); res.end('not found'); return; }
    let rest = decodeURIComponent(url.pathname.slice(PREFIX.length));
    let root = dist;
    if (rest.startsWith('example/')) { root = example; rest = rest.slice('example/'.length); }
    if (rest === '') rest = 'index.html';
    const file = path.join(root, rest);
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404); res.end('not found'); return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${server.address().port}`, posted, close: () => server.close() };
}

/** Draws a box over the middle of the canvas (inside the fitted image) with `label`, then submits. */
async function boxAndSubmit(page, label) {
  await page.getByRole('radio', { name: label }).check();
  const canvas = page.getByLabel(/Image to annotate/);
  const b = await canvas.boundingBox();
  await page.mouse.move(b.x + b.width * 0.4, b.y + b.height * 0.4);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width * 0.6, b.y + b.height * 0.6, { steps: 8 });
  await page.mouse.up();
  await page.getByRole('button', { name: /^Delete box \d/ }).first().waitFor();
  await page.getByRole('button', { name: /Submit/ }).click();
}

async function download(page, buttonName) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: buttonName }).click(),
  ]);
  return { name: file.suggestedFilename(), path: await file.path() };
}

test('the static build boxes a manifest job under a sub-path and downloads COCO and a Ground Truth manifest', async () => {
  const server = await startStaticServer();
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, { width: 1280, height: 800 });
    await page.goto(`${server.base}${PREFIX}?static=example/job.json`);
    const labels = ['cat', 'brick', 'rocket'];
    for (let k = 1; k <= 3; k++) {
      await page.getByText(`task ${k} of 3`).waitFor();
      await boxAndSubmit(page, labels[k - 1]);
    }
    await page.locator('#done-message').waitFor();
    await page.getByText('3 done').waitFor();

    const coco = await download(page, 'Download COCO');
    assert.equal(coco.name, 'static-example.coco.json');
    const read = readCocoWithPycocotools(coco.path);
    assert.deepEqual(read.images.map((i) => [i.file_name, i.width, i.height]),
      [['images/chelsea.webp', 451, 300], ['images/brick.jpg', 512, 512], ['images/rocket.jpg', 640, 427]]);
    assert.deepEqual(read.categories.map((c) => c.name), labels);
    assert.equal(read.annotations.length, 3);
    for (const [i, a] of read.annotations.entries()) {
      assert.equal(a.image_id, read.images[i].id);
      assert.equal(a.category_id, i + 1, 'each box carries the label chosen for it');
      const img = read.images[i];
      assert.ok(a.bbox[0] >= 0 && a.bbox[1] >= 0 && a.bbox[0] + a.bbox[2] <= img.width
        && a.bbox[1] + a.bbox[3] <= img.height && a.bbox[2] > 10 && a.bbox[3] > 10, JSON.stringify(a));
    }
    assert.ok(Math.abs(read.ap_against_itself - 1) < 1e-9, `AP against itself is ${read.ap_against_itself}`);

    const gt = await download(page, 'Download Ground Truth manifest');
    assert.equal(gt.name, 'static-example.output.manifest');
    const lines = fs.readFileSync(gt.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l['source-ref']), ['images/chelsea.webp', 'images/brick.jpg', 'images/rocket.jpg']);
    for (const [i, l] of lines.entries()) {
      assert.deepEqual(l.objects.image_size, [{ width: read.images[i].width, height: read.images[i].height, depth: 3 }]);
      assert.equal(l.objects.annotations.length, 1);
      assert.equal(l.objects.annotations[0].class_id, i);
      assert.equal(l['objects-metadata']['class-map'][String(i)], labels[i]);
    }

    // Progress is kept in the browser: a reload has nothing left to box and still downloads all three.
    await page.reload();
    await page.locator('#done-message').waitFor();
    await page.getByText('3 done').waitFor();

    // Image files of the volunteer's own become tasks, with sizes from the decoded images.
    await page.locator('input[type=file]').setInputFiles([
      path.join(REPO_ROOT, 'demo/images/coins.png'), path.join(REPO_ROOT, 'demo/images/coffee.jpg')]);
    await page.getByText('task 1 of 2').waitFor();
    await boxAndSubmit(page, 'brick');
    await page.getByText('task 2 of 2').waitFor();
    await page.getByRole('button', { name: 'Nothing to label' }).click();
    await page.getByText('5 done').waitFor();
    const all = readCocoWithPycocotools((await download(page, 'Download COCO')).path);
    assert.deepEqual(all.images.slice(3).map((i) => [i.file_name, i.width, i.height]),
      [['coins.png', 384, 303], ['coffee.jpg', 600, 400]]);
    assert.deepEqual(all.images.map((i) => i.outcomes ?? null), [null, null, null, null, { nothing_to_label: 1 }],
      'the downloads say which image had nothing to label');
    assert.equal(all.annotations.length, 4);
    assert.equal(new Set(all.annotations.map((a) => a.id)).size, 4, 'annotation ids are unique');
    await page.getByText('Every image is done').waitFor();

    // Start over asks first; declining keeps everything, accepting clears this job's progress in the browser.
    page.once('dialog', (d) => d.dismiss());
    await page.getByRole('button', { name: 'Start over…' }).click();
    await page.getByText('5 done').waitFor();
    let question = '';
    page.once('dialog', (d) => { question = d.message(); d.accept(); });
    await page.getByRole('button', { name: 'Start over…' }).click();
    await page.getByText('task 1 of 3').waitFor();
    await page.getByText('0 done').waitFor();
    assert.match(question, /boxes of 5 finished images/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('a static job with a submit_url POSTs each task through the outbox', async () => {
  const server = await startStaticServer();
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, { width: 1280, height: 800 });
    await page.goto(`${server.base}${PREFIX}?static=example/job-post.json`);
    for (let k = 1; k <= 3; k++) {
      await page.getByText(`task ${k} of 3`).waitFor();
      await boxAndSubmit(page, 'rocket');
    }
    await page.locator('#done-message').waitFor();
    assert.deepEqual(server.posted.map((s) => s.task_id).sort(), [1, 2, 3]);
    for (const s of server.posted) {
      assert.equal(s.result.annotations.length, 1);
      assert.equal(s.result.annotations[0].category_id, 3);
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('a static job takes its tasks from a task-batch JSON, takes dropped image files, and says when a job file is missing', async () => {
  const server = await startStaticServer();
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, { width: 1280, height: 800 });
    await page.goto(`${server.base}${PREFIX}?static=example/job-batch.json`);
    await page.getByText('task 1 of 1').waitFor();
    await boxAndSubmit(page, 'brick');
    await page.locator('#done-message').waitFor();

    // A file dropped anywhere on the page becomes a task.
    const png = fs.readFileSync(path.join(REPO_ROOT, 'demo/images/coins.png')).toString('base64');
    const dropped = await page.evaluateHandle((b64) => {
      const data = new DataTransfer();
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      data.items.add(new File([bytes], 'dropped-coins.png', { type: 'image/png' }));
      return data;
    }, png);
    await page.dispatchEvent('main', 'drop', { dataTransfer: dropped });
    await page.getByText('task 1 of 1').waitFor();
    await boxAndSubmit(page, 'cat');
    await page.getByText('2 done').waitFor();
    const read = readCocoWithPycocotools((await download(page, 'Download COCO')).path);
    assert.deepEqual(read.images.map((i) => [i.id, i.file_name, i.width, i.height]).slice(0, 1), [[41, 'brick.jpg', 512, 512]]);
    assert.deepEqual(read.images.slice(1).map((i) => [i.file_name, i.width, i.height]), [['dropped-coins.png', 384, 303]]);
    assert.deepEqual(read.annotations.map((a) => a.category_id), [2, 1]);
    assert.deepEqual(errors, []);

    // A job without a task list asks for the volunteer's own images.
    const own = await openPage(browser, { width: 1280, height: 800 });
    await own.page.goto(`${server.base}${PREFIX}?static=example/job-own.json`);
    await own.page.getByText('Open images (or drop them on the page) to start boxing.').waitFor();
    await own.page.locator('input[type=file]').setInputFiles(path.join(REPO_ROOT, 'demo/images/coffee.jpg'));
    await own.page.getByText('task 1 of 1').waitFor();
    assert.deepEqual(own.errors, []);

    // The job named by <meta name="crowdbox-job"> in the page, with no query parameter.
    const meta = await openPage(browser, { width: 1280, height: 800 });
    await meta.page.goto(`${server.base}${PREFIX}with-meta.html`);
    await meta.page.getByText('task 1 of 3').waitFor();
    await meta.page.getByText('Job: static-example').waitFor();
    assert.deepEqual(meta.errors, []);

    const missing = await openPage(browser, { width: 1280, height: 800 });
    await missing.page.goto(`${server.base}${PREFIX}?static=example/no-such-job.json`);
    await missing.page.getByText('This job could not be loaded').waitFor();
    const alert = await missing.page.getByRole('alert').textContent();
    assert.match(alert, /no-such-job\.json.*404/);

    await missing.page.goto(`${server.base}${PREFIX}?static=example/job-s3.json`);
    await missing.page.getByText('This job could not be loaded').waitFor();
    const s3 = await missing.page.getByRole('alert').textContent();
    assert.match(s3, /s3:\/\/bucket\/a\.jpg.*line 2 of .*s3\.manifest.*S3/);
  } finally {
    await browser.close();
    server.close();
  }
});
