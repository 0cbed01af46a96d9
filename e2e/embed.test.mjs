// Embedding: the example portal (examples/portal) on one origin embeds the app served by a real crowdbox server
// on another origin, both as a raw iframe speaking the postMessage protocol and as <crowdbox-bounding-box>. A
// volunteer draws boxes with the mouse inside the frames; the portal must receive the right answers, messages
// from a third origin must be refused, and the portal's CSS must not reach the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, startServer, launchBrowser, openPage, crowdbox, readCocoWithPycocotools } from './harness.mjs';
import { fitView, drag } from './editor_helpers.mjs';

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.jpg': 'image/jpeg', '.webp': 'image/webp',
  '.wasm': 'application/wasm',
};

/** A plain static server for examples/ (the portal and its images), and for the built app (dist/) under /app/ as a
 * static host would serve it (no CSP). Reached as http://localhost:PORT (the portal's origin) and as
 * http://127.0.0.1:PORT, a third origin, whose /evil.html posts to the portal's app frame. */
async function startPortal() {
  const root = path.join(REPO_ROOT, 'examples');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/server-host.html') {
      // A host that hands the app a crowdbox server job and an invite instead of tasks.
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<!doctype html><link rel="icon" href="data:,"><iframe id="f" style="width:1100px;height:700px;border:0"></iframe>
        <script>
          const p = new URLSearchParams(location.search);
          const app = new URL(p.get('app'));
          window.crowdboxMessages = [];
          const f = document.getElementById('f');
          f.src = app.href + '?embed=' + encodeURIComponent(location.origin);
          addEventListener('message', (e) => {
            if (e.source !== f.contentWindow || e.origin !== app.origin) return;
            window.crowdboxMessages.push(e.data);
            if (e.data.type === 'ready') {
              const init = { type: 'init', job: p.get('job'), token: p.get('token') };
              if (p.get('api_base')) init.api_base = p.get('api_base');
              f.contentWindow.postMessage(init, app.origin);
            }
          });
        </script>`);
      return;
    }
    if (url.pathname === '/evil-parent.html') {
      // A third origin pretending to be the app, towards the host page.
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<script>parent.postMessage({ crowdbox: 1, type: 'submitted', task_id: 1, remaining: 0,
        answer: { boundingBox: { boundingBoxes: [{ label: 'fake', left: 1, top: 1, width: 1, height: 1 }],
        inputImageProperties: { width: 1, height: 1 } } } }, '*');</script>`);
      return;
    }
    if (url.pathname === '/evil.html') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<script>parent.frames[0].postMessage({ type: 'init', labels: ['x'],
        tasks: [{ src: 'https://evil.example/x.jpg', width: 9, height: 9 }] }, '*');</script>`);
      return;
    }
    let rest = decodeURIComponent(url.pathname);
    if (rest.endsWith('/')) rest += 'index.html';
    const [folder, relative] = rest.startsWith('/app/')
      ? [path.join(REPO_ROOT, 'dist'), rest.slice('/app'.length)]
      : [root, rest];
    const file = path.join(folder, relative);
    if (!file.startsWith(folder) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404); res.end('not found'); return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return { base: `http://localhost:${port}`, thirdOrigin: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** The first message the portal received from its raw frame that matches `predicate`. */
async function messageFrom(page, predicate, what) {
  const source = predicate.toString();
  const handle = await page.waitForFunction((src) => {
    // eslint-disable-next-line no-new-func
    const p = new Function(`return (${src})`)();
    return window.crowdboxMessages.find(p) ?? null;
  }, source, { timeout: 10_000 }).catch(async () => {
    const all = await page.evaluate(() => window.crowdboxMessages);
    assert.fail(`no ${what} message; the portal received ${JSON.stringify(all)}`);
  });
  return handle.jsonValue();
}

/** Waits until the frame's image is drawn and returns the view (image pixels → page pixels). */
async function fittedView(frame, width, height) {
  const canvas = frame.getByLabel(/Image to annotate/);
  await canvas.waitFor();
  await frame.getByText('Loading the image').waitFor({ state: 'detached' });
  await new Promise((r) => setTimeout(r, 300));
  return fitView(await canvas.boundingBox(), width, height);
}

function assertBoxNear(actual, [left, top, width, height], what, tolerance = 1) {
  for (const [key, want] of Object.entries({ left, top, width, height })) {
    assert.ok(Math.abs(actual[key] - want) <= tolerance, `${what}: ${key} is ${actual[key]}, expected ${want} (±${tolerance} px)`);
  }
}

/** Draws a box from image point [w, h] to [2w, 2h] in the frame, submits it, and returns the `submitted` message
 * the host received. */
async function boxAndSubmit(page, frame, view, [w, h]) {
  await drag(page, view, [w, h], [2 * w, 2 * h]);
  await frame.getByRole('button', { name: /^Delete box \d/ }).first().waitFor();
  await frame.getByRole('button', { name: /Submit/ }).click();
  return messageFrom(page, (m) => m.type === 'submitted', 'submitted');
}

/** Waits (up to 10 s: the outbox sends on its own) until the server's COCO export, read by pycocotools, holds
 * the one box of `submission` for image `imageId`. */
async function assertExportHoldsTheBox(page, server, imageId, submission) {
  let boxes = [];
  for (let waited = 0; waited < 10_000 && boxes.length === 0; waited += 200) {
    const coco = readCocoWithPycocotools(server.export());
    boxes = coco.annotations.filter((a) => a.image_id === imageId);
    if (boxes.length === 0) await page.waitForTimeout(200);
  }
  assert.equal(boxes.length, 1, 'the export holds the box');
  const rounded = (bbox) => bbox.map((v) => Math.round(v * 1000) / 1000);
  assert.deepEqual(rounded(boxes[0].bbox), rounded(submission.result.annotations[0].bbox));
}

test('a portal on another origin embeds crowdbox as an iframe and as <crowdbox-bounding-box>', async () => {
  assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist/embed/crowdbox-element.js')), 'build dist/ first (trunk build --release)');
  const portal = await startPortal();
  const server = await startServer({ job: 'embed', serveArgs: ['--frame-ancestors', portal.base] });
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, { width: 1280, height: 900 });
    await page.goto(`${portal.base}/portal/?app=${server.baseUrl}/`);

    // 1. The raw iframe: two tasks from the portal, the first with its size given, the second decoded.
    const raw = page.frameLocator('#raw-frame');
    await raw.getByText('task 1 of 2').waitFor();
    await raw.getByText('Box the bricks and rockets').first().waitFor();
    await raw.getByText('Batch: portal-example').waitFor(); // the host's word for "Job:"
    await raw.getByRole('button', { name: 'No objects here' }).waitFor(); // and for "Nothing to label"
    let view = await fittedView(raw, 512, 512);
    await drag(page, view, [100, 120], [300, 400]);
    await raw.getByRole('button', { name: /^Delete box \d/ }).first().waitFor();
    const changed = await messageFrom(page, (m) => m.type === 'changed' && m.task_id === 101, 'changed');
    assertBoxNear(changed.answer.boundingBox.boundingBoxes[0], [100, 120, 200, 280], 'changed');
    await raw.getByRole('button', { name: /Submit/ }).click();
    const first = await messageFrom(page, (m) => m.type === 'submitted' && m.task_id === 101, 'submitted');
    assert.deepEqual(first.answer.boundingBox.inputImageProperties, { width: 512, height: 512 });
    assert.equal(first.answer.boundingBox.boundingBoxes.length, 1);
    const [brick] = first.answer.boundingBox.boundingBoxes;
    assert.equal(brick.label, 'brick');
    assertBoxNear(brick, [100, 120, 200, 280], 'the brick box');
    for (const key of ['left', 'top', 'width', 'height']) assert.ok(Number.isInteger(brick[key]), 'whole pixels, like Ground Truth');
    const [x, y, w, h] = first.submission.result.annotations[0].bbox;
    assertBoxNear({ left: x, top: y, width: w, height: h }, [100, 120, 200, 280], 'the COCO box');
    assert.equal(first.submission.result.images[0].id, 101);
    assert.equal(first.submission.task_id, 101);
    assert.equal(first.submission.outcome ?? 'boxed', 'boxed');
    assert.deepEqual(first.submission.changes, [{ origin: null, annotation: 1, kind: 'added' }]);
    assert.equal(first.remaining, 1);

    await raw.getByText('task 2 of 2').waitFor();
    // Choosing the label may scroll the frame: the view is taken after it.
    await raw.getByRole('radio', { name: 'rocket' }).check();
    view = await fittedView(raw, 640, 427);
    await drag(page, view, [40, 60], [200, 160]);
    await raw.getByRole('button', { name: 'Delete box 2' }).waitFor();
    await raw.getByRole('button', { name: /Submit/ }).click();
    const second = await messageFrom(page, (m) => m.type === 'submitted' && m.task_id === 102, 'second submitted');
    assert.deepEqual(second.answer.boundingBox.inputImageProperties, { width: 640, height: 427 });
    const boxes = second.answer.boundingBox.boundingBoxes;
    assert.deepEqual(boxes[0], { label: 'rocket', left: 300, top: 50, width: 60, height: 300 }, 'the initial box, kept');
    assert.equal(boxes[1].label, 'rocket');
    assertBoxNear(boxes[1], [40, 60, 160, 100], 'the drawn rocket box');
    assert.deepEqual(second.submission.changes, [
      { origin: 1, annotation: 1, kind: 'kept' }, { origin: null, annotation: 2, kind: 'added' }]);
    assert.equal(second.remaining, 0);
    await raw.locator('#done-message').waitFor();

    // The portal's theme reached the app through the protocol; the portal's CSS did not.
    const rawFrame = await (await page.locator('#raw-frame').elementHandle()).contentFrame();
    const looks = await rawFrame.evaluate(() => ({
      accent: getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),
      bodyFont: getComputedStyle(document.body).fontFamily,
    }));
    assert.equal(looks.accent, '#00695c');
    assert.ok(!/Georgia/.test(looks.bodyFont), `the portal's font leaked in: ${looks.bodyFont}`);

    // A bad message gets an error naming the field; a message from a third origin is refused, not obeyed.
    await page.evaluate((origin) => document.getElementById('raw-frame').contentWindow.postMessage(
      { type: 'set_theme', theme: { '--cb-accent': 'url(x.png)' } }, origin), server.baseUrl);
    const bad = await messageFrom(page, (m) => m.type === 'error' && m.code === 'bad_message', 'error');
    assert.equal(bad.field, 'theme.--cb-accent');
    await page.evaluate((src) => {
      const f = document.createElement('iframe');
      f.src = src;
      document.body.appendChild(f);
    }, `${portal.thirdOrigin}/evil.html`);
    const refused = await messageFrom(page, (m) => m.type === 'error' && m.code === 'wrong_origin', 'wrong_origin');
    assert.match(refused.message, new RegExp(`from ${portal.thirdOrigin.replace(/[.]/g, '\\.')} was ignored`));
    assert.equal(await rawFrame.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()), '#00695c');
    await raw.locator('#done-message').waitFor();

    // 2. The element, written like a Ground Truth template, inside a form.
    const element = page.frameLocator('crowdbox-bounding-box iframe');
    await element.getByText('task 1 of 1').waitFor();
    await element.getByText('Box the cat').first().waitFor();
    assert.equal(await element.locator('.job-name').count(), 0, 'work the host did not name shows no made-up job name');
    await element.getByRole('radio', { name: 'cat' }).check();
    await page.locator('crowdbox-bounding-box').scrollIntoViewIfNeeded();
    view = await fittedView(element, 451, 300);
    await drag(page, view, [150, 40], [350, 260]);
    await element.getByRole('button', { name: 'Delete box 2' }).waitFor();
    const buttonFont = await element.getByRole('button', { name: /Submit/ }).evaluate((b) => getComputedStyle(b).fontSize);
    assert.notEqual(buttonFont, '30px', "the portal's button style leaked into the element");
    await element.getByRole('button', { name: /Submit/ }).click();
    await page.locator('#element-answer').getByText('boundingBoxes').waitFor();
    const form = await page.evaluate(() => Object.fromEntries(new FormData(document.getElementById('gt-form'))));
    const answer = JSON.parse(form.boundingBox);
    assert.deepEqual(answer.inputImageProperties, { width: 451, height: 300 });
    assert.deepEqual(answer.boundingBoxes[0], { label: 'brick', left: 5, top: 5, width: 40, height: 30 });
    assert.equal(answer.boundingBoxes[1].label, 'cat');
    assertBoxNear(answer.boundingBoxes[1], [150, 40, 200, 220], 'the cat box');
    assert.deepEqual(JSON.parse(form['boundingBox-changes']), [
      { origin: 1, annotation: 1, kind: 'kept' }, { origin: null, annotation: 2, kind: 'added' }]);
    assert.deepEqual(await page.evaluate(() => document.getElementById('element').value), answer);
    const elementFrame = await (await page.locator('crowdbox-bounding-box iframe').elementHandle()).contentFrame();
    assert.equal(await elementFrame.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()), '#7b1fa2');
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await server.stop();
    portal.close();
  }
});

test('without --frame-ancestors the server keeps the app out of other sites\' frames', async () => {
  const portal = await startPortal();
  const server = await startServer({ job: 'embed' });
  const browser = await launchBrowser();
  try {
    const { page } = await openPage(browser, { width: 1000, height: 700 });
    await page.goto(`${portal.base}/portal/?app=${server.baseUrl}/`);
    await page.waitForTimeout(1500);
    assert.deepEqual(await page.evaluate(() => window.crowdboxMessages), [], 'the framed app never ran');
  } finally {
    await browser.close();
    await server.stop();
    portal.close();
  }
});

test('an embedded app leases a crowdbox server job with the host\'s invite and submits through the outbox', async () => {
  const portal = await startPortal();
  const server = await startServer({ job: 'embedjob', serveArgs: ['--frame-ancestors', portal.base] });
  const browser = await launchBrowser();
  try {
    const token = crowdbox(server.database, ['invite', 'create', '--job', 'embedjob', '--count', '1']).trim();
    const { page, errors } = await openPage(browser, { width: 1200, height: 800 });
    const batch = page.waitForResponse((r) => r.url().includes('/api/jobs/embedjob/batches'));
    await page.goto(`${portal.base}/server-host.html?app=${server.baseUrl}/&job=embedjob&token=${token}`);
    const leased = await (await batch).json();
    const frame = page.frameLocator('#f');
    await frame.getByText('task 1 of 5').waitFor();
    await frame.getByText('Job: embedjob').waitFor();
    const image = leased.tasks[0].image;
    const view = await fittedView(frame, image.width, image.height);
    const [w, h] = [Math.round(image.width / 4), Math.round(image.height / 4)];
    const sent = await boxAndSubmit(page, frame, view, [w, h]);
    assert.equal(sent.task_id, leased.tasks[0].task_id);
    assert.equal(sent.remaining, 4);
    // The image is shown smaller than life here: one screen pixel is 1 / scale image pixels.
    const [x, y, bw, bh] = sent.submission.result.annotations[0].bbox;
    assertBoxNear({ left: x, top: y, width: bw, height: bh }, [w, h, w, h], 'the COCO box', Math.max(1, 1 / view.scale));
    assertBoxNear(sent.answer.boundingBox.boundingBoxes[0], [x, y, bw, bh], 'the answer against the COCO box');
    await frame.getByText('task 2 of 5').waitFor();
    // The outbox delivers it to the server (with the invite): the export holds the same box.
    await assertExportHoldsTheBox(page, server, image.id, sent.submission);
    assert.ok(sent.submission.submission_id, 'the host gets the submission id (an idempotency key)');
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await server.stop();
    portal.close();
  }
});

test('an app on a static host leases from the crowdbox server at the host\'s api_base and submits there', async () => {
  const portal = await startPortal();
  // Three origins: the portal (localhost), the app on a static host (127.0.0.1, the portal's port), the crowdbox
  // server (127.0.0.1, its own port), which lets the app's origin call it.
  const appOrigin = portal.thirdOrigin;
  const server = await startServer({ job: 'apibase', serveArgs: ['--cors-origin', appOrigin] });
  const browser = await launchBrowser();
  try {
    const token = crowdbox(server.database, ['invite', 'create', '--job', 'apibase', '--count', '1']).trim();
    const { page, errors } = await openPage(browser, { width: 1200, height: 800 });
    const batch = page.waitForResponse((r) => r.url().startsWith(`${server.baseUrl}/api/jobs/apibase/batches`));
    const submitted = page.waitForResponse((r) => r.url().startsWith(`${server.baseUrl}/api/jobs/apibase/submissions`)
      && r.request().method() === 'POST');
    // The task's image comes from the crowdbox server too, not from the static host.
    const imageSent = page.waitForResponse((r) => r.url().startsWith(`${server.baseUrl}/api/images/`));
    await page.goto(`${portal.base}/server-host.html?app=${appOrigin}/app/&job=apibase&token=${token}`
      + `&api_base=${encodeURIComponent(server.baseUrl)}`);
    const leased = await (await batch).json();
    const frame = page.frameLocator('#f');
    await frame.getByText('task 1 of 5').waitFor();
    const image = leased.tasks[0].image;
    const view = await fittedView(frame, image.width, image.height);
    assert.equal((await imageSent).status(), 200, 'the image came from the crowdbox server');
    const sent = await boxAndSubmit(page, frame, view, [Math.round(image.width / 4), Math.round(image.height / 4)]);
    assert.equal((await submitted).status(), 201, 'the server at api_base stored the submission');
    await assertExportHoldsTheBox(page, server, image.id, sent.submission);
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await server.stop();
    portal.close();
  }
});

test('the element fits a small container and reports bad attributes as crowdbox-error', async () => {
  const portal = await startPortal();
  const server = await startServer({ job: 'embed', serveArgs: ['--frame-ancestors', portal.base] });
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, { width: 1000, height: 800 });
    await page.goto(`${portal.base}/portal/?app=${server.baseUrl}/`);
    await page.waitForFunction(() => customElements.get('crowdbox-bounding-box'));
    // Labels that are not JSON: the element says so instead of starting the app with nothing.
    const failure = page.evaluate(() => new Promise((resolve) => {
      const bad = document.createElement('crowdbox-bounding-box');
      bad.setAttribute('src', '../static-site/images/brick.jpg');
      bad.setAttribute('labels', 'cat, dog');
      bad.addEventListener('crowdbox-error', (e) => resolve(e.detail));
      document.body.appendChild(bad);
    }));
    const detail = await failure;
    assert.equal(detail.code, 'bad_attribute');
    assert.match(detail.message, /`labels` attribute is not JSON/);

    // A phone-sized box: the app fits it, with nothing to scroll sideways, and can still be used.
    await page.evaluate(() => {
      const small = document.createElement('crowdbox-bounding-box');
      small.id = 'small';
      small.style.cssText = 'width: 360px; height: 480px';
      small.setAttribute('src', '../static-site/images/brick.jpg');
      small.setAttribute('labels', '["brick"]');
      document.body.prepend(small);
    });
    const frame = page.frameLocator('#small iframe');
    await frame.getByText('task 1 of 1').waitFor();
    const handle = await page.locator('#small iframe').elementHandle();
    const inner = await handle.contentFrame();
    const size = await inner.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
      innerWidth, innerHeight,
    }));
    assert.equal(size.innerWidth, 360);
    assert.equal(size.innerHeight, 480);
    assert.ok(size.scrollWidth <= size.clientWidth, `the app is ${size.scrollWidth} px wide in a ${size.clientWidth} px box`);
    await frame.getByRole('button', { name: /Submit/ }).click();
    await frame.locator('#done-message').waitFor();
    const answer = { boundingBoxes: [], inputImageProperties: { width: 512, height: 512 } };
    assert.deepEqual(await page.evaluate(() => document.getElementById('small').value), answer);

    // The element listens to its own frame and the app's origin only: a look-alike message is ignored.
    await page.evaluate((src) => {
      window.fakeSubmits = 0;
      document.getElementById('small').addEventListener('crowdbox-submit', () => { window.fakeSubmits += 1; });
      const f = document.createElement('iframe');
      f.src = src;
      document.body.appendChild(f);
      return new Promise((resolve) => { f.onload = resolve; });
    }, `${portal.thirdOrigin}/evil-parent.html`);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.fakeSubmits), 0);
    assert.deepEqual(await page.evaluate(() => document.getElementById('small').value), answer);
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await server.stop();
    portal.close();
  }
});

test("Ground Truth's sample templates move over unchanged, and an unreadable attribute is told in the element", async () => {
  const portal = await startPortal();
  const server = await startServer({ job: 'embed', serveArgs: ['--frame-ancestors', portal.base] });
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, { width: 1100, height: 800 });
    await page.goto(`${portal.base}/portal/?app=${server.baseUrl}/`);
    await page.waitForFunction(() => customElements.get('crowdbox-bounding-box'));
    // AWS's bounding-box sample: single-quoted labels; the adjustment sample's Liquid loop: bare keys, `to_json`
    // labels and a trailing comma; a header that went through Liquid's `escape` once more than needed.
    await page.evaluate(() => {
      document.querySelectorAll('crowdbox-bounding-box').forEach((e) => e.remove());
      const holder = document.createElement('div');
      holder.innerHTML = `<crowd-form-like>
        <crowdbox-bounding-box id="sample" name="boundingBox" src="../static-site/images/chelsea.webp"
          header="Draw a box around each cat &amp;amp; dog"
          labels="['Cat', 'Dog']"
          initial-value='[{ label: "Cat", left: 20, top: 30, width: 100, height: 80, },{ label: "Dog", left: 200, top: 100, width: 60, height: 50, },]'
          style="width: 1000px; height: 600px">
        </crowdbox-bounding-box></crowd-form-like>`;
      document.body.prepend(holder);
    });
    const frame = page.frameLocator('#sample iframe');
    await frame.getByText('task 1 of 1').waitFor();
    await frame.getByText('Draw a box around each cat & dog').first().waitFor();
    await frame.getByRole('radio', { name: 'Cat' }).waitFor();
    await frame.getByRole('radio', { name: 'Dog' }).waitFor();
    await frame.getByRole('button', { name: 'Delete box 2' }).waitFor();
    await frame.getByRole('button', { name: /Submit/ }).click();
    await page.waitForFunction(() => document.getElementById('sample').value);
    const answer = await page.evaluate(() => document.getElementById('sample').value);
    assert.deepEqual(answer.boundingBoxes, [
      { label: 'Cat', left: 20, top: 30, width: 100, height: 80 },
      { label: 'Dog', left: 200, top: 100, width: 60, height: 50 },
    ]);

    // Really malformed: refused, named to the host, and told to the volunteer where the app would be.
    const failure = page.evaluate(() => new Promise((resolve) => {
      const bad = document.createElement('crowdbox-bounding-box');
      bad.id = 'broken';
      bad.setAttribute('src', '../static-site/images/brick.jpg');
      bad.setAttribute('labels', "['Cat', ");
      bad.addEventListener('crowdbox-error', (e) => resolve(e.detail));
      document.body.appendChild(bad);
    }));
    const detail = await failure;
    assert.equal(detail.code, 'bad_attribute');
    assert.equal(detail.field, 'labels');
    assert.match(detail.message, /`labels` attribute is not JSON/);
    const alert = page.locator('#broken').getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /This task cannot start: .*"labels" setting.*Please tell whoever published the task/);
    assert.equal(await page.locator('#broken iframe').isVisible(), false, 'no endless waiting screen');
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await server.stop();
    portal.close();
  }
});
