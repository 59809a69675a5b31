/**
 * The HTML report in a real browser: Debian's Chromium, headless, renders the report of the fixture
 * run (with a consensus sweep). Two checks:
 * - DOM: a copy of the page with a measuring script appended (the shipped page has no scripts and a
 *   CSP forbidding them) reports, per chart, the SVG's rendered size and how many data paths and
 *   bars have a non-zero bounding box; read back with --dump-dom.
 * - Pixels: a --screenshot of the page as shipped is not blank, and shows the architecture's and
 *   the baseline's colours (the lines and bars were painted).
 *
 * Setup: Chromium is installed with apt-get when missing (as .ci/run does); the test is skipped,
 * with the reason printed, only where that is impossible (not root, no apt-get, install failed).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../reports/html.js';
import { parseSweepConsensus } from '../../reports/sweep-consensus.js';
import { countColour, decodePng, distinctColours } from './_png.js';
import { fixtureReport, SWEEP_FIXTURE, tempDir } from './_helpers.js';

const run = promisify(execFile);
const CHARTS = [
  'throughput',
  'latency-cdf',
  'utilisation-arch',
  'utilisation-baseline',
  'phases',
  'sweep-tps',
  'sweep-latency',
];
/** Install time is not test time: apt-get may take minutes on a cold cache. */
const INSTALL_TIMEOUT_MS = 15 * 60 * 1000;

function which(name: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() !== '' ? found.stdout.trim() : null;
}

function ensureChromium(): { path: string } | { skip: string } {
  const present = which('chromium') ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null);
  if (present !== null) return { path: present };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    return { skip: 'chromium is not installed and this user cannot apt-get install it' };
  if (which('apt-get') === null) return { skip: 'chromium is not installed and there is no apt-get here' };
  const install = spawnSync(
    'sh',
    ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium'],
    { encoding: 'utf8', timeout: INSTALL_TIMEOUT_MS },
  );
  const after = which('chromium');
  if (after !== null) return { path: after };
  return {
    skip: `apt-get install chromium failed (exit ${install.status}): ${(install.stderr || install.stdout).trim().split('\n').slice(-1)[0] ?? ''}`,
  };
}

const chromium = ensureChromium();
if ('skip' in chromium) process.stderr.write(`html-chromium.test.ts: SKIPPED — ${chromium.skip}\n`);

const profiles: string[] = [];
async function headless(args: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'bpusim-chromium-'));
  profiles.push(profile);
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
  ];
  const { stdout } = await run((chromium as { path: string }).path, [...flags, ...args], {
    timeout: 90_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

const MEASURE = `<script>
const out = {};
for (const svg of document.querySelectorAll('svg[data-chart]')) {
  const box = svg.getBoundingClientRect();
  const drawn = (el) => { const b = el.getBBox(); return b.width > 0 || b.height > 0; };
  out[svg.dataset.chart] = {
    width: box.width, height: box.height,
    paths: svg.querySelectorAll('path[data-series]').length,
    drawnPaths: [...svg.querySelectorAll('path[data-series]')].filter((p) => drawn(p) && p.getTotalLength() > 0).length,
    bars: svg.querySelectorAll('rect[data-series]').length,
    drawnBars: [...svg.querySelectorAll('rect[data-series]')].filter((r) => { const b = r.getBBox(); return b.width > 0 && b.height > 0; }).length,
  };
}
const pre = document.createElement('pre'); pre.id = 'measure'; pre.textContent = JSON.stringify(out); document.body.append(pre);
</script>`;

describe.skipIf('skip' in chromium)('HTML report in headless Chromium', () => {
  const dir = tempDir();
  const sweep = {
    kind: 'consensus' as const,
    sweep: parseSweepConsensus(readFileSync(SWEEP_FIXTURE, 'utf8'), SWEEP_FIXTURE),
  };
  const html = renderHtml(fixtureReport(), { sweep, source: 'report-small.json' });
  const page = join(dir, 'report.html');
  writeFileSync(page, html);
  const measured = join(dir, 'measured.html');
  writeFileSync(
    measured,
    html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('</body>', `${MEASURE}\n</body>`),
  );
  afterAll(() => {
    for (const p of profiles) rmSync(p, { recursive: true, force: true });
  });

  it.concurrent('every chart is rendered with a size and drawn marks (DOM)', async () => {
    const dom = await headless(['--dump-dom', `file://${measured}`]);
    const json = /<pre id="measure">([^<]*)<\/pre>/.exec(dom)?.[1];
    expect(json, 'the measuring script ran').toBeDefined();
    const charts = JSON.parse((json ?? '{}').replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as Record<
      string,
      { width: number; height: number; paths: number; drawnPaths: number; bars: number; drawnBars: number }
    >;
    expect(Object.keys(charts).sort()).toEqual([...CHARTS].sort());
    for (const id of CHARTS) {
      const c = charts[id]!;
      expect(c.width, id).toBeGreaterThan(300);
      expect(c.height, id).toBeGreaterThan(200);
      if (id === 'phases') expect(c.drawnBars, id).toBe(10);
      else {
        expect(c.paths, id).toBeGreaterThan(0);
        expect(c.drawnPaths, id).toBe(c.paths);
      }
    }
  });

  it.concurrent('a screenshot of the page as shipped is not blank and shows both architectures’ colours', async () => {
    const png = join(dir, 'report.png');
    await headless([`--screenshot=${png}`, '--window-size=1400,2000', '--hide-scrollbars', `file://${page}`]);
    const image = decodePng(readFileSync(png));
    expect([image.width, image.height]).toEqual([1400, 2000]);
    expect(distinctColours(image)).toBeGreaterThan(200);
    // #2f6db5 and #d9532c are the architecture's and the baseline's colours (reports/html.ts).
    expect(countColour(image, '#2f6db5')).toBeGreaterThan(2000);
    expect(countColour(image, '#d9532c')).toBeGreaterThan(2000);
  });
});
