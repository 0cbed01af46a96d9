// The editor's dialogs in Chromium: the key help (?) with remappable shortcuts kept in the browser, and the full
// instructions (I) rendered from Markdown without letting the author's text run or link to scripts. A server
// job's bundle loads their code after the first image is shown (scripts/tools.sh build_split_app).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, startServer } from './harness.mjs';
import { listedBoxes, openJob, waitForListed, withEditor } from './editor_helpers.mjs';

const insideDialog = () => !!document.activeElement?.closest('dialog[open]');

test('? opens the key help with focus kept inside, Escape returns focus, and a remapped key works after a reload', async () => {
  await withEditor({ width: 1200, height: 800 }, async ({ server, page }) => {
    await openJob(server, page);
    const canvas = page.getByLabel(/Image to annotate/);
    await canvas.focus();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keys' });
    await dialog.waitFor();
    await dialog.getByText('Tab / Shift+Tab').waitFor();
    await dialog.getByText('Hide or show all boxes').first().waitFor();
    assert.ok(await page.evaluate(insideDialog), 'focus moved into the dialog');
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      assert.ok(await page.evaluate(insideDialog), `focus stays in the dialog after ${i + 1} Tabs`);
    }

    const change = dialog.getByRole('button', { name: /Change the key for New box/ });
    await change.click();
    await page.keyboard.press('h');
    await dialog.getByText('h is already taken: Hide or show all boxes.').waitFor();
    assert.match(await change.getAttribute('aria-label'), /now N\)/, 'a refused key changes nothing');
    await change.click();
    await page.keyboard.press('b');
    await dialog.getByText('New box in the middle of the view: now B.').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'CANVAS', 'focus went back to the canvas');

    await page.keyboard.press('n');
    await page.waitForTimeout(200);
    assert.deepEqual(await listedBoxes(page), [], 'N no longer draws');
    await page.keyboard.press('b');
    await page.waitForFunction(() => document.querySelectorAll('.box-row').length === 1);

    await page.reload();
    await page.getByText('task 1 of 5').waitFor();
    await page.getByLabel(/Image to annotate/).focus();
    const before = (await listedBoxes(page)).length;
    await page.keyboard.press('b');
    await page.waitForFunction((n) => document.querySelectorAll('.box-row').length === n + 1, before);
  });
});

const HOSTILE = '# Boxing tools\n\nDraw **tight** boxes, see [the guide](https://example.org/guide).\n\n'
  + '- [do not click](javascript:window.pwned=1)\n- <img src=x onerror="window.pwned=2">\n\n'
  + '<script>window.pwned = 3</script>';

test('I opens the full instructions rendered from Markdown, where script, HTML and javascript: links are inert', async () => {
  await withEditor({ width: 1200, height: 800 }, async ({ server, page }) => {
    await openJob(server, page);
    await page.keyboard.press('i');
    const dialog = page.getByRole('dialog', { name: 'Instructions' });
    await dialog.waitFor();
    await dialog.getByRole('heading', { name: 'Boxing tools' }).waitFor();
    assert.equal(await dialog.locator('strong').textContent(), 'tight');
    const links = dialog.getByRole('link');
    assert.equal(await links.count(), 1, 'only the https link is a link');
    assert.equal(await links.first().getAttribute('href'), 'https://example.org/guide');
    assert.match(await links.first().getAttribute('rel'), /noopener/);
    await dialog.getByText('do not click').waitFor();
    await dialog.getByText('<script>window.pwned = 3</script>').waitFor();
    assert.equal(await dialog.locator('script, img, [onerror]').count(), 0, 'no live HTML from the text');
    assert.equal(await page.evaluate(() => window.pwned), undefined, 'nothing ran');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Full instructions (I)' }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForListed(page, [], 'no box was drawn by any of this');
  }, { extraImportArgs: ['--instructions', HOSTILE] });
});

test('the dialogs come in their own wasm after the first image is shown, and a box job never loads the verify list', async () => {
  await withEditor({ width: 1200, height: 800 }, async ({ server, page }) => {
    const events = [];
    page.on('request', (r) => events.push(['asked', new URL(r.url()).pathname]));
    page.on('requestfinished', (r) => events.push(['got', new URL(r.url()).pathname]));
    const batchResponse = page.waitForResponse((r) => r.url().includes(`/api/jobs/${server.job}/batches`));
    await openJob(server, page);
    const firstImage = new URL((await (await batchResponse).json()).tasks[0].image_url, server.baseUrl).pathname;
    const isPart = (name) => ([kind, path]) => kind === 'asked' && path.endsWith('.wasm') && path.includes(name);
    await page.waitForFunction(() => performance.getEntriesByType('resource')
      .filter((e) => /split_(shortcut_help|full_instructions)\.wasm$/.test(e.name) && e.responseEnd > 0).length === 2);

    const shown = events.findIndex(([kind, path]) => kind === 'got' && path === firstImage);
    assert.ok(shown >= 0, `the first image ${firstImage} was fetched`);
    for (const name of ['split_shortcut_help.wasm', 'split_full_instructions.wasm']) {
      const asked = events.findIndex(isPart(name));
      assert.ok(asked > shown, `${name} is fetched after the first image, not before (${JSON.stringify(events)})`);
    }
    const first = events.findIndex(isPart('_bg.wasm'));
    assert.ok(first >= 0 && first < shown, 'the app itself came before the image');
    assert.equal(events.filter(isPart('split_verify_panel.wasm')).length, 0, 'a box job does not fetch the verify list');

    await page.getByLabel(/Image to annotate/).focus();
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keys' }).waitFor();
  });
});

test('when the key help cannot be fetched, an alert says so, the keys still work, and opening it again fetches it', async () => {
  const server = await startServer({ job: 'editor' });
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, { width: 1200, height: 800 });
    const unreachable = '**/split_shortcut_help.wasm';
    await page.route(unreachable, (route) => route.abort('internetdisconnected'));
    await openJob(server, page);
    await page.getByLabel(/Image to annotate/).focus();
    await page.keyboard.press('?');
    const alert = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
    await alert.waitFor();
    assert.equal(await page.getByRole('dialog', { name: 'Keys' }).count(), 0, 'no dialog without its code');

    await page.getByLabel(/Image to annotate/).focus();
    await page.keyboard.press('n');
    await page.waitForFunction(() => document.querySelectorAll('.box-row').length === 1);

    await page.unroute(unreachable);
    await page.getByLabel(/Image to annotate/).focus();
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keys' }).waitFor();
    await alert.waitFor({ state: 'detached' });
    assert.ok(errors.length > 0, 'the failed fetch was reported on the console');
    const unexpected = errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(e));
    assert.deepEqual(unexpected, [], 'nothing failed but the fetch');
  } finally {
    await browser.close();
    await server.stop();
  }
});
