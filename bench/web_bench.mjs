// The web app's weight and speed: the gzip size of the JavaScript every page loads (and of the
// parts loaded on demand), and the time from navigation to the first render of the overview (its
// headline and its painted map), in Debian's chromium on loopback. A program, not a test.
//
//   node bench/web_bench.mjs [--bin build/src/cli/spcoop] [--web web/dist] [--runs 7]
//
// Needs the web app built (scripts/build.sh). Each run opens a fresh browser context (empty
// cache: every file is fetched); the warm runs reload in the same context.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseArgs, setup } from '../web/e2e/harness.mjs';

const args = parseArgs(process.argv.slice(2));
const bin = resolve(args.bin ?? 'build/src/cli/spcoop');
const web = resolve(args.web ?? 'web/dist');
const runs = Number(args.runs ?? 7);

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

// Sizes of the files in dist.
const assets = readdirSync(join(web, 'assets')).filter((f) => !f.endsWith('.gz')).map((f) => join(web, 'assets', f));
const files = [...assets, join(web, 'asia-pacific.geo.json'), join(web, 'index.html')];
console.log('file                                raw        gzip -9');
for (const f of files) {
  const raw = readFileSync(f);
  console.log(`${f.slice(web.length + 1).padEnd(34)} ${kib(statSync(f).size).padStart(10)} ${kib(gzipSync(raw, { level: 9 }).length).padStart(10)}`);
}
// The entry script (named in index.html) is what every page loads; the others (the simulator)
// are loaded on demand.
const entryName = /<script[^>]+src="\/assets\/([^"]+\.js)"/.exec(readFileSync(join(web, 'index.html'), 'utf8'))[1];
const js = assets.filter((f) => f.endsWith('.js')).sort((a, b) => Number(b.endsWith(entryName)) - Number(a.endsWith(entryName)));
const sizes = (fs) => `${kib(fs.reduce((n, f) => n + statSync(f).size, 0))} raw, ${kib(fs.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0))} gzip -9`;
console.log(`JavaScript every page loads (${entryName}): ${sizes(js.slice(0, 1))}`);
if (js.length > 1) console.log(`JavaScript loaded on demand (${js.slice(1).map((f) => f.split('/').pop()).join(', ')}): ${sizes(js.slice(1))}`);

const env = await setup({ bin, web });
try {
  // What the server sends (it compresses when the browser accepts gzip).
  const r = await fetch(`${env.url}/assets/${js[0].split('/').pop()}`, { headers: { 'Accept-Encoding': 'gzip' } });
  const wire = (await r.arrayBuffer()).byteLength;
  console.log(`served with Content-Encoding: ${r.headers.get('content-encoding') ?? 'none'}`);
  void wire;

  const cold = [];
  const warm = [];
  const headline = [];
  const marks = [];
  for (let i = 0; i < runs; i++) {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    for (const bucket of [cold, warm]) {
      const t0 = Date.now();
      await page.goto(env.url + '/');
      await page.waitForSelector('[data-testid=headline-value]');
      if (bucket === cold) headline.push(Date.now() - t0);
      await page.waitForSelector('[data-testid=map] canvas');
      bucket.push(Date.now() - t0);
      if (bucket === cold) {
        marks.push(
          await page.evaluate(() => {
            const nav = performance.getEntriesByType('navigation')[0];
            const fcp = performance.getEntriesByName('first-contentful-paint')[0];
            return { domContentLoaded: nav.domContentLoadedEventEnd, firstContentfulPaint: fcp ? fcp.startTime : null };
          }),
        );
      }
    }
    await context.close();
  }
  console.log(`overview, headline shown (median of ${runs}, cold cache): ${median(headline)} ms [${headline.join(', ')}]`);
  console.log(`overview, headline and map drawn (median of ${runs}): cold cache ${median(cold)} ms [${cold.join(', ')}], warm cache ${median(warm)} ms [${warm.join(', ')}]`);
  console.log(`cold: DOMContentLoaded ${median(marks.map((m) => m.domContentLoaded)).toFixed(0)} ms, first contentful paint ${median(marks.map((m) => m.firstContentfulPaint ?? 0)).toFixed(0)} ms`);
} finally {
  await env.close();
}
