// The editor's dialogs in Chromium: the key help (?) with remappable shortcuts kept in the browser, and the full
// instructions (I) rendered from Markdown without letting the author's text run or link to scripts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
