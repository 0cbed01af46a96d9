// What the owner sees of a volunteer's answer beyond boxes, and what volunteers see of the owner's examples, in
// Chromium against the real server: a volunteer moves one of an adjust job's given boxes, says they are unsure
// and leaves a note, and the owner's review screen shows that note and the change record; the owner adds
// example images to an existing job in its settings (uploaded files), volunteers see them in the full
// instructions, and after one is removed they see the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { REPO_ROOT, DEMO_WITH_GIVEN_BOXES, startServer, launchBrowser, openPage } from './harness.mjs';
import { drag, openJob, toPage, waitForListed } from './editor_helpers.mjs';

const OWNER_TOKEN = 'e2e-owner-token-0123456789abcdef';

async function ownerApi(server, route, init = {}) {
  const response = await fetch(`${server.baseUrl}${route}`, {
    ...init, headers: { Authorization: `Bearer ${OWNER_TOKEN}`, ...(init.headers ?? {}) },
  });
  assert.ok(response.ok, `${route}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

async function signIn(page, server, hash) {
  await page.goto(`${server.baseUrl}/owner/${hash}`);
  await page.getByLabel('Owner token').fill(OWNER_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('the owner reviews a volunteer\'s note and change record', async () => {
  process.env.CROWDBOX_OWNER_TOKEN = OWNER_TOKEN;
  const server = await startServer({ job: 'notes', jobArgs: ['--mode', 'adjust'], coco: DEMO_WITH_GIVEN_BOXES });
  const browser = await launchBrowser();
  try {
    // The volunteer moves the first given box 30 px right, keeps the second, is unsure and says why.
    const volunteer = await openPage(browser, { width: 1280, height: 800 });
    const vpage = volunteer.page;
    const { view, image } = await openJob(server, vpage);
    assert.equal(image.file_name, 'astronaut.jpg');
    await waitForListed(vpage, [[40, 40, 120, 100], [300, 300, 100, 80]], 'given boxes');
    await vpage.mouse.click(...toPage(view, [100, 90]));
    await drag(vpage, view, [100, 90], [130, 90]);
    await waitForListed(vpage, [[70, 40, 120, 100], [300, 300, 100, 80]], 'moved given box');
    await vpage.getByLabel('I am unsure about this image').check();
    const note = 'The drill is partly behind the helmet.';
    await vpage.getByLabel('Note for the job owner (optional)').fill(note);
    await vpage.getByRole('button', { name: 'Submit and next' }).click();
    await vpage.getByText('task 2 of 5').waitFor();
    await vpage.locator('#sync-status').filter({ hasText: /^1 saved$/ }).waitFor();

    // What the server stored, as the owner API gives it.
    const queue = await ownerApi(server, '/api/jobs/notes/review');
    assert.equal(queue.images.length, 1);
    const detail = await ownerApi(server, `/api/jobs/notes/images/${queue.images[0].image_id}`);
    const [submission] = detail.submissions;
    assert.equal(submission.outcome, 'unsure');
    assert.equal(submission.note, note);
    assert.deepEqual(submission.changes, [
      { origin: 1, annotation: 1, kind: 'moved' }, { origin: 2, annotation: 2, kind: 'kept' },
    ]);
    const worker = submission.worker_id;

    // The review screen shows the note and the change record in words, under the worker and the outcome.
    const owner = await openPage(browser, { width: 1280, height: 800 });
    const page = owner.page;
    await signIn(page, server, '#review=notes');
    await page.locator('.queue-position').filter({ hasText: 'Image 1 of 1' }).waitFor();
    const submissions = page.getByRole('region', { name: 'Submissions' });
    const item = submissions.getByRole('listitem').filter({ hasText: `${worker} (unsure)` });
    await item.waitFor();
    assert.equal((await item.getByLabel(`Note from ${worker}`).textContent()).trim(), note);
    const record = item.locator('details.change-record');
    assert.equal((await record.locator('summary').textContent()).trim(), 'Changes: 1 kept, 1 moved');
    await record.locator('summary').click();
    const lines = item.getByRole('list', { name: `Changes by ${worker}` }).getByRole('listitem');
    await lines.first().waitFor();
    assert.deepEqual(await lines.allTextContents(), ['given box 1 → box 1: moved', 'given box 2 → box 2: kept']);
    assert.equal(await submissions.getByText('No note, no change record.').count(), 0);

    assert.deepEqual(owner.errors, [], 'no page errors in the console');
    assert.deepEqual(volunteer.errors, [], 'no page errors in the volunteer app');
  } finally {
    delete process.env.CROWDBOX_OWNER_TOKEN;
    await browser.close();
    await server.stop();
  }
});

test('the owner adds and removes example images of an existing job and volunteers see the change', async () => {
  process.env.CROWDBOX_OWNER_TOKEN = OWNER_TOKEN;
  const server = await startServer({ job: 'shown' });
  const browser = await launchBrowser();
  try {
    const owner = await openPage(browser, { width: 1280, height: 800 });
    const page = owner.page;
    await signIn(page, server, '#job=shown');
    await page.getByRole('heading', { name: /Job shown/ }).waitFor();
    await page.getByRole('heading', { name: 'Settings' }).click();
    const editor = page.getByRole('group', { name: 'Example images volunteers see' });
    await editor.getByText('No example images yet.').waitFor();

    // A wrong address is named at the examples and adds nothing.
    await page.getByLabel('Image address (http or https)').fill('ftp://example.org/a.jpg');
    await page.getByRole('button', { name: 'Add the address' }).click();
    await page.locator('#edit-good_examples-error').filter({ hasText: '"ftp://example.org/a.jpg" is not an http(s) address' }).waitFor();
    await page.getByLabel('Image address (http or https)').fill('');

    // A file that is no image is refused by the server, named with the file; nothing is added.
    await page.getByLabel('Add as').selectOption('bad');
    await page.getByLabel(/^Or an image file/).setInputFiles({
      name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture'),
    });
    await page.locator('#edit-bad_examples-error').filter({ hasText: /notes\.png.*not a readable JPEG, PNG or WebP image/ }).waitFor();
    assert.equal(await editor.getByRole('img').count(), 0);

    // Two files, one good and one bad, shown from their local previews before they are saved.
    await page.getByLabel('Add as').selectOption('good');
    await page.getByLabel(/^Or an image file/).setInputFiles(path.join(REPO_ROOT, 'demo/images/coins.png'));
    await editor.getByRole('img', { name: 'Good example 1' }).waitFor();
    await page.getByLabel('Add as').selectOption('bad');
    await page.getByLabel(/^Or an image file/).setInputFiles(path.join(REPO_ROOT, 'demo/images/brick.jpg'));
    await editor.getByRole('img', { name: 'Bad example 1' }).waitFor();
    let job = (await ownerApi(server, '/api/jobs')).jobs.find((j) => j.name === 'shown');
    assert.deepEqual(job.examples, [], 'nothing changes before the settings are saved');
    await page.getByRole('button', { name: 'Save the settings' }).click();
    await page.getByText('Saved: examples.').waitFor();
    job = (await ownerApi(server, '/api/jobs')).jobs.find((j) => j.name === 'shown');
    assert.deepEqual(job.examples.map((e) => [e.kind, e.url]), [
      ['good', '/api/jobs/shown/examples/0'], ['bad', '/api/jobs/shown/examples/1'],
    ]);
    assert.ok(job.examples.every((e) => /^sha256:[0-9a-f]{64}$/.test(e.src)), JSON.stringify(job.examples));
    // After the save the form shows the server's images.
    await page.waitForFunction(() => [...document.querySelectorAll('.example-thumb')]
      .filter((img) => img.getAttribute('src').startsWith('/api/jobs/shown/examples/') && img.complete && img.naturalWidth > 0).length === 2);

    // A volunteer sees both in the full instructions.
    const volunteer = await openPage(browser, { width: 1280, height: 800 });
    const vpage = volunteer.page;
    await vpage.goto(`${server.baseUrl}/?job=shown`);
    await vpage.getByText('task 1 of 5').waitFor();
    await vpage.getByRole('button', { name: 'Full instructions (I)' }).click();
    const dialog = vpage.getByRole('dialog', { name: 'Instructions' });
    await dialog.getByRole('heading', { name: 'Good examples' }).waitFor();
    await dialog.getByRole('heading', { name: 'Bad examples' }).waitFor();
    await vpage.waitForFunction(() => [...document.querySelectorAll('.example-image')]
      .filter((img) => img.complete && img.naturalWidth > 0).map((img) => img.naturalWidth).sort().join() === '384,512');

    // The owner removes the good one; a volunteer who comes next sees only the bad one.
    await page.getByRole('button', { name: 'Remove Good example 1' }).click();
    assert.equal(await editor.getByRole('img').count(), 1);
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith('/api/jobs/shown'));
    await page.getByRole('button', { name: 'Save the settings' }).click();
    assert.deepEqual((await (await saved).json()).changed, ['examples']);
    job = (await ownerApi(server, '/api/jobs')).jobs.find((j) => j.name === 'shown');
    assert.deepEqual(job.examples.map((e) => [e.kind, e.url]), [['bad', '/api/jobs/shown/examples/0']]);
    const next = await openPage(browser, { width: 1280, height: 800 });
    await next.page.goto(`${server.baseUrl}/?job=shown`);
    await next.page.getByText(/^task 1 of \d$/).waitFor(); // the first volunteer holds five of the eight
    await next.page.getByRole('button', { name: 'Full instructions (I)' }).click();
    const nextDialog = next.page.getByRole('dialog', { name: 'Instructions' });
    await nextDialog.getByRole('heading', { name: 'Bad examples' }).waitFor();
    assert.equal(await nextDialog.getByRole('heading', { name: 'Good examples' }).count(), 0);
    await next.page.waitForFunction(() => [...document.querySelectorAll('.example-image')]
      .filter((img) => img.complete && img.naturalWidth > 0).map((img) => img.naturalWidth).join() === '512');

    // The refused upload is the one console error the browser logs on purpose.
    assert.ok(owner.errors.every((e) => /status of 422/.test(e)), owner.errors.join('\n'));
    assert.deepEqual(volunteer.errors, [], 'no page errors in the volunteer app');
    assert.deepEqual(next.errors, [], 'no page errors in the next volunteer\'s app');
  } finally {
    delete process.env.CROWDBOX_OWNER_TOKEN;
    await browser.close();
    await server.stop();
  }
});
