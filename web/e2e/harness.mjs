// Shared by the end-to-end tests and the benchmark: a fresh database made with `spcoop init`,
// `spcoop serve --web` on a free port, and Debian's chromium driven by playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (argv[i + 1] && !argv[i + 1].startsWith('--')) out[a.slice(2)] = argv[++i];
    else out[a.slice(2)] = true;
  }
  return out;
}

export function findChromium() {
  for (const p of [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && existsSync(p)) return p;
  }
  throw new Error('chromium not found: install Debian\'s chromium package (scripts/setup.sh does) or set CHROMIUM');
}

export function run(bin, args, env = {}) {
  const r = spawnSync(bin, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

// Starts `spcoop serve` on a free port; resolves to {url, stop()}.
// `extra`: more options of `spcoop serve`.
export function serve(bin, db, web, extra = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--db', db, 'serve', '--port', '0', '--web', web, '--no-log', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => reject(new Error(`spcoop serve did not start in 20 s:\n${err}`)), 20000);
    const onData = (d) => {
      err += d.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
      if (m) {
        clearTimeout(timer);
        child.stderr.off('data', onData);
        child.stdout.off('data', onData);
        resolve({
          url: `http://127.0.0.1:${m[1]}`,
          stop: () =>
            new Promise((res) => {
              child.once('exit', res);
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`spcoop serve exited (${code}):\n${err}`));
    });
  });
}

export async function setup({ bin, web, users = [], serveArgs = [] }) {
  if (!existsSync(join(web, 'index.html'))) throw new Error(`${web}/index.html is missing: build the web app first (scripts/build.sh, or npm ci && npm run build in web/)`);
  const dir = mkdtempSync(join(tmpdir(), 'spcoop-web-'));
  const db = join(dir, 'spcoop.db');
  run(bin, ['--db', db, '--quiet', 'init']);
  for (const u of users) {
    run(bin, ['--db', db, 'user', 'add', u.name, '--role', u.role, ...(u.economy ? ['--economy', u.economy] : []), '--display-name', u.display], { SPCOOP_PASSWORD: u.password });
  }
  const server = await serve(bin, db, web, serveArgs);
  let browser;
  try {
    browser = await chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'] });
  } catch (e) {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    dir,
    db,
    url: server.url,
    browser,
    async close() {
      await browser.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// True when the binary lists a `user` verb (the accounts).
export function hasUserCommand(bin) {
  const r = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  return r.status === 0 && /^\s+user\s/m.test(r.stdout);
}

// Runs the tests in order; prints one line each; returns the number of failures.
export async function runTests(tests, filter) {
  let failed = 0;
  for (const [name, fn] of tests) {
    if (filter && !name.includes(filter)) continue;
    const t0 = Date.now();
    try {
      await fn();
      console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name} (${Date.now() - t0} ms)\n     ${String(e && e.stack ? e.stack : e).split('\n').join('\n     ')}`);
    }
  }
  return failed;
}
