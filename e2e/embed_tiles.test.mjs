// Embedding with a published pyramid: a host page gives the app (in its iframe) one task whose `src` is a pyramid
// folder the server made at import, copied as it is, with the pyramid's `tiles`. The app fetches only
// `<folder><level>/<x>/<y>.jpg` files, draws them at deep zoom, and the box drawn there reaches the host in the
// `submitted` message in natural image pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, launchBrowser, openPage } from './harness.mjs';
import { drag, waitForListed, assertNear } from './editor_helpers.mjs';
import { FIELD, publishedPyramid, sendFile, zoomIntoSquare } from './tiles_helpers.mjs';

const { width: WIDTH, height: HEIGHT, object: OBJECT } = FIELD;

/** One origin: `/host.html` embeds `/app/` (dist/) and hands it the pyramid at `/pyramids/field/`. */
async function startHost(pyramid) {
  const description = JSON.parse(fs.readFileSync(path.join(pyramid, 'pyramid.json'), 'utf8'));
  const requested = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    requested.push(url.pathname);
    if (url.pathname === '/host.html') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<!doctype html><link rel="icon" href="data:,">
        <body style="margin:0"><iframe id="f" style="display:block;width:1200px;height:760px;border:0"></iframe>
        <script>
          window.crowdboxMessages = [];
          const f = document.getElementById('f');
          f.src = '/app/?embed=' + encodeURIComponent(location.origin);
          addEventListener('message', (e) => {
            if (e.source !== f.contentWindow) return;
            window.crowdboxMessages.push(e.data);
            if (e.data.type === 'ready') {
              f.contentWindow.postMessage({ type: 'init', labels: ['thing'], header: 'Box the red square.',
                tasks: [{ id: 7, src: '/pyramids/field/', tiles: ${JSON.stringify(description)} }] }, location.origin);
            }
          });
        </script></body>`);
      return;
    }
    let file = null;
    if (url.pathname.startsWith('/pyramids/field/')) {
      file = path.join(pyramid, url.pathname.slice('/pyramids/field/'.length));
    } else if (url.pathname.startsWith('/app/')) {
      file = path.join(REPO_ROOT, 'dist', url.pathname.slice('/app/'.length) || 'index.html');
    }
    sendFile(res, file);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${server.address().port}`, requested, stop: () => new Promise((r) => server.close(r)) };
}

test('an embedding host can hand the app a published pyramid, and the box drawn at deep zoom comes back in image pixels', async () => {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'crowdbox-e2e-embed-tiles-'));
  const server = await startHost(publishedPyramid(dir));
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, { width: 1280, height: 800 });
    await page.goto(`${server.base}/host.html`);
    // The frame sits at the page's top-left corner, so its coordinates are the page's.
    let frame;
    for (let waited = 0; !frame && waited < 10_000; waited += 100) {
      frame = page.frames().find((f) => f.url().includes('/app/'));
      if (!frame) await page.waitForTimeout(100);
    }
    assert.ok(frame, 'the app frame');
    await frame.getByText('task 1 of 1').waitFor();
    await frame.getByText('Loading the image').waitFor({ state: 'detached' });
    await page.waitForTimeout(300);
    const view = await zoomIntoSquare(page, frame);
    const [ox, oy, ow, oh] = OBJECT;

    const pyramidFiles = server.requested.filter((p) => p.startsWith('/pyramids/'));
    assert.ok(pyramidFiles.length > 1 && pyramidFiles.every((p) => /^\/pyramids\/field\/\d+\/\d+\/\d+\.jpg$/.test(p)),
      `only tile files are fetched: ${pyramidFiles}`);
    assert.ok(pyramidFiles.includes('/pyramids/field/0/0/0.jpg'), 'the overview tile');
    assert.ok(pyramidFiles.some((p) => p.startsWith('/pyramids/field/4/')), `the finest level: ${pyramidFiles}`);

    await drag(page, view, [ox, oy], [ox + ow, oy + oh]);
    await waitForListed(frame, [OBJECT], 'the box at the square');
    await frame.getByRole('button', { name: /Submit/ }).click();
    await frame.locator('#done-message').waitFor();
    const submitted = await page.waitForFunction(
      () => window.crowdboxMessages.find((m) => m.type === 'submitted'), null, { timeout: 10_000 });
    const message = await submitted.jsonValue();
    assert.equal(message.task_id, 7);
    assert.deepEqual(message.answer.boundingBox.inputImageProperties, { width: WIDTH, height: HEIGHT });
    const [answered] = message.answer.boundingBox.boundingBoxes;
    assertNear([answered.left, answered.top, answered.width, answered.height], OBJECT, 'the answer box');
    assertNear(message.submission.result.annotations[0].bbox, OBJECT, 'the submission box');
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
