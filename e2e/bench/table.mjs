// Reads the outputs scripts/bench collected in one folder and prints ONE Markdown table: metric, value, target,
// peer figure (where one exists), and the machine it ran on. Not a benchmark itself.
//
//   node e2e/bench/table.mjs FOLDER
//
// Files read (each optional; a bench that did not run leaves its rows out):
// - hit_test.txt, core_export.txt: criterion's report (`NAME` and `time: [low median high]`);
// - consolidation.txt: consolidation_sim's Markdown table;
// - submit16.txt, submit64.txt: submit_load's Markdown table;
// - server_export.txt, server_import.txt: the server benches' Markdown tables (`| stage | X ms (Y ms) |`);
// - paint.json, huge.json: the browser benches' `--json` output;
// - machine.json: {cores, load_before, load_after, commit, date, skipped: [what --quick left out]}.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
const read = (name) => (existsSync(path.join(dir, name)) ? readFileSync(path.join(dir, name), 'utf8') : null);
const json = (name) => { const t = read(name); return t === null ? null : JSON.parse(t); };
const rows = [];
const row = (metric, value, target = '—', peer = '—') => rows.push(`| ${metric} | ${value} | ${target} | ${peer} |`);
const ms = (v, digits = 1) => `${v.toFixed(digits)} ms`;
const machine = json('machine.json') ?? {};
const missing = (what) => row(what, (machine.skipped ?? []).some((s) => what.includes(s))
  ? 'not run (`--quick`)' : 'not measured (see the log)');

/** Criterion's report (`NAME` then `time:   [low median high]`, on one line or two) → {name: median in ns}. */
function criterion(text) {
  const out = {};
  const unit = { ps: 1e-3, ns: 1, 'µs': 1e3, us: 1e3, ms: 1e6, s: 1e9 };
  let name = null;
  for (const line of (text ?? '').split('\n')) {
    const m = line.match(/^(.*?)\s*time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]/);
    if (m) {
      const own = m[1].trim();
      if (own || name) out[own || name] = Number(m[2]) * (unit[m[3]] ?? NaN);
      name = null;
    } else if (/^\S/.test(line)) {
      name = line.trim();
    }
  }
  return out;
}
const time = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(1)} ns`);

/** The cells of the Markdown table row whose first cell starts with `first`. */
function tableRow(text, first) {
  const line = (text ?? '').split('\n').find((l) => l.startsWith(`| ${first}`));
  return line ? line.split('|').slice(1, -1).map((c) => c.trim()) : null;
}

// Core: hit-testing and the display list.
const hit = criterion(read('hit_test.txt'));
const hitRows = [
  ['box_at among 10,000 boxes', '`hit::box_at`, 10,000 boxes', '< 1 ms'],
  ['scene with 10,000 boxes in view', '`scene::scene`, 10,000 boxes', '—'],
  ['pointer move over 10,000 boxes (handle + scene)', 'one pointer move (handle + scene), 10,000 boxes', '< 1 ms'],
];
for (const [name, metric, target] of hitRows) (name in hit ? row(metric, time(hit[name]), target) : missing(metric));

// Core: export.
const exp = criterion(read('core_export.txt'));
const coco = exp['seed-scale export/crowdbox COCO export (model → COCO → JSON)'];
const serde = exp['seed-scale export/serde_json writing the same CocoDataset'];
if (coco && serde) {
  row('COCO export, 11,669 images (core)', time(coco), '≤ 100 ms');
  row('COCO export / serde_json alone', `${(coco / serde).toFixed(2)}×`, '≤ 3×');
} else missing('COCO export, 11,669 images (core)');

// Consolidation: the default against the CVAT-style medoid, simulated the same way in the same run.
const cons = read('consolidation.txt');
const gt = tableRow(cons, 'Ground Truth style, mean, majority (default)');
const cvat = tableRow(cons, 'CVAT style, medoid, majority (default)');
if (gt && cvat) {
  row('consolidation (5 noisy workers): mean IoU to truth', gt[1], '≥ 0.95 (ceiling ≈ 0.928)', `CVAT-style medoid ${cvat[1]}`);
  row('consolidation: precision / recall', `${gt[2]} / ${gt[3]}`, '≥ 0.98', `CVAT-style medoid ${cvat[2]} / ${cvat[3]}`);
} else missing('consolidation (consolidation_sim)');

// Server: export, import, submissions under load.
const sexp = tableRow(read('server_export.txt'), 'COCO export end to end, SQLite to the bytes');
sexp ? row('COCO export end to end, SQLite → bytes, 11,669 images (median (best))', sexp[1], '≤ 100 ms')
  : missing('server COCO export');
const simp = tableRow(read('server_import.txt'), 'whole import');
simp ? row('COCO import, 11,669 images + 21,363 boxes (median (best))', simp[1], '≤ 1 s') : missing('server COCO import');
for (const clients of [16, 64]) {
  const r = tableRow(read(`submit${clients}.txt`), 'SQLite');
  if (r) {
    row(`submissions/s, ${clients} clients, ${r[2]} submissions`, r[5], '≥ 2,000/s');
    row(`submission p99 latency, ${clients} clients`, `${r[7]} ms`, '≤ 20 ms');
  } else missing(`submit_load, ${clients} clients`);
}

// Browser: painting and the next image.
const paint = json('paint.json');
if (paint) {
  row('full repaint, 1,000 boxes (median)', ms(paint.repaint1000.median, 2), '≤ 4 ms');
  row('full repaint, 10,000 boxes (median)', ms(paint.repaint10000.median, 2), '≤ 16 ms');
  row('submit → next image drawn (median)', ms(paint.submitToNext.median), '≤ 50 ms');
} else missing('paint.mjs');

// Browser: huge images, as ratios to the 12 Mpx image of the same run.
const huge = json('huge.json');
if (huge) {
  const base = huge.find((r) => r.width * r.height <= 16e6);
  for (const r of huge.filter((x) => x !== base)) {
    const name = `${r.width} × ${r.height} (${Math.round((r.width * r.height) / 1e6)} Mpx)`;
    const is300 = r.width * r.height >= 250e6 && r.width * r.height < 500e6;
    const ratio = (k) => `${(r[k] / base[k]).toFixed(2)}×`;
    row(`${name}: first draw, sharp (÷ 12 Mpx: ${(base.sharp / 1000).toFixed(2)} s)`,
      `${(r.sharp / 1000).toFixed(2)} s, ${ratio('sharp')}`, is300 ? '≤ 2×' : '—',
      is300 ? 'Ground Truth refuses images over 100 Mpx' : '—');
    row(`${name}: one zoom step (÷ 12 Mpx: ${ms(base.zoom)})`, `${ms(r.zoom)}, ${ratio('zoom')}`, is300 ? '≤ 1.5×' : '—');
    row(`${name}: one pan step (÷ 12 Mpx: ${ms(base.pan)})`, `${ms(r.pan)}, ${ratio('pan')}`, is300 ? '≤ 1.5×' : '—');
    row(`${name}: renderer peak memory (÷ 12 Mpx: ${base.memory.toFixed(0)} MB)`,
      `${r.memory.toFixed(0)} MB, ${ratio('memory')}`, is300 ? '≤ 1.5×' : '—');
  }
} else missing('huge.mjs');

console.log('| metric | value | target | peer figure |');
console.log('|---|---:|---|---|');
console.log(rows.join('\n'));
console.log(`\nMachine: ${machine.cores ?? '?'} cores, load average ${machine.load_before ?? '?'} before and `
  + `${machine.load_after ?? '?'} after; ${machine.date ?? ''}, commit ${machine.commit ?? '?'}.`);
