// End-to-end tests of the web app: Debian's chromium, driven by playwright-core, against
// `spcoop serve --web` on a fresh database. Expected numbers come from the API itself (asked
// directly, not through the page), so the tests check that the page shows what the data say.
//
//   node e2e/run.mjs --bin build/src/cli/spcoop --web web/dist --artifacts build/web-artifacts \
//                    [--suite public|workspace|simulator] [--filter NAME]
//
// Exit status: 0 all passed, 1 a test failed, 77 skipped (the workspace suite with a binary that
// has no `spcoop user` command to create its users; the simulator suite with a server that has
// no simulation routes).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasUserCommand, parseArgs, runTests, setup } from './harness.mjs';

const args = parseArgs(process.argv.slice(2));
const bin = resolve(args.bin ?? 'build/src/cli/spcoop');
const web = resolve(args.web ?? 'web/dist');
const artifacts = resolve(args.artifacts ?? 'build/web-artifacts');
const suite = args.suite ?? 'public';
mkdirSync(artifacts, { recursive: true });

const FP = { name: 'fp_khm', role: 'focal_point', economy: 'KHM', display: 'Sokha (Cambodia)', password: 'focal-point-password-1' };
const SEC = { name: 'sec_escap', role: 'secretariat', display: 'ESCAP secretariat', password: 'secretariat-password-1' };
const ANALYST = { name: 'analyst_mof', role: 'analyst', display: 'Ministry of Finance analyst', password: 'analyst-password-1' };

if (suite === 'workspace' && !hasUserCommand(bin)) {
  console.log('skip: this spcoop has no accounts (`spcoop user` is missing), so the workspace suite cannot run');
  process.exit(77);
}

const accounts = hasUserCommand(bin);
// The simulator's example schemes are the repository's rules/examples, wherever the test runs.
const rules = resolve(dirname(fileURLToPath(import.meta.url)), '../../rules');
const env = await setup({
  bin,
  web,
  users: suite === 'workspace' ? [FP, SEC] : suite === 'simulator' && accounts ? [ANALYST] : [],
  serveArgs: suite === 'simulator' ? ['--rules', rules] : [],
});
const base = env.url;
if (suite === 'simulator' && (await fetch(base + '/api/v1/simulator')).status === 404) {
  console.log('skip: this server has no simulation routes (/api/v1/simulator answers 404)');
  await env.close();
  process.exit(77);
}
const consoleErrors = [];
// Answers of 400 and over that a test provokes on purpose ([method, path pattern, status]).
// The browser logs every such answer as a console error ("Failed to load resource"); those are
// checked here instead: any other one fails the run.
const expectedHttpErrors = [
  ['POST', /^\/api\/v1\/economies\/KHM\/imports$/, 422], // the file with a bad row
  ['POST', /^\/api\/v1\/economies\/KHM\/imports$/, 400], // a server that does not take lang=
  ['GET', /^\/api\/v1\/economies\/THA\/workspace$/, 403], // another economy's workspace
  ['POST', /^\/api\/v1\/simulations$/, 400], // a simulation with too many persons
  ['POST', /^\/api\/v1\/simulations$/, 403],
];
// A binary without accounts answers 404 on /session, which the app asks once per page load.
if (!hasUserCommand(bin)) expectedHttpErrors.push(['GET', /^\/api\/v1\/session$/, 404]);
const httpErrors = [];

async function api(path) {
  const r = await fetch(base + '/api/v1' + path);
  assert.equal(r.status, 200, `GET ${path}: ${r.status}`);
  return r.json();
}

// A page that records every console error and uncaught exception.
async function newPage(options = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', ...options });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource: the server responded with a status of')) consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() < 400) return;
    const u = new URL(r.url());
    const method = r.request().method();
    if (expectedHttpErrors.some(([m, re, st]) => m === method && re.test(u.pathname) && st === r.status())) return;
    httpErrors.push(`${page.url()}: ${method} ${u.pathname}${u.search} ${r.status()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

// What the page should show, formatted as Intl does for each language the app supports.
const LOCALE = { en: 'en-GB', zh: 'zh-CN', ru: 'ru-RU', fr: 'fr-FR' };
const pct = (v, lang = 'en') => new Intl.NumberFormat(LOCALE[lang], { style: 'percent', maximumFractionDigits: 1 }).format(v / 100);
const whole = (v, lang = 'en') => new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: 0 }).format(Math.round(v));
const hasCjk = (s) => /[\u4e00-\u9fff]/.test(s);

async function waitForOverview(page) {
  await page.waitForSelector('[data-testid=headline-value]');
  await page.waitForSelector('[data-testid=map] canvas');
  await page.waitForSelector('[data-testid=status-counts] [data-count]');
  await page.waitForSelector('#sub-title ~ figure canvas');
  await page.waitForSelector('#pnc-title ~ figure canvas');
}

const publicTests = [
  [
    'overview shows the headline from the API and the map',
    async () => {
      const page = await newPage();
      await page.goto(base + '/');
      await waitForOverview(page);
      // The headline: the latest year whose economies with data hold >= 90% of the region's
      // people, carrying values forward up to 3 years.
      const agg = await api('/aggregates?series=SI_COV_BENFTS&sex=_T&group=Asia+and+the+Pacific&carry_forward=3');
      const rows = agg.data.filter((r) => r.population_weighted !== null && r.population_share_with_data >= 0.9).sort((a, b) => b.year - a.year);
      assert.ok(rows.length > 0, 'the bundled data have a year with 90% of the population');
      assert.equal((await page.textContent('[data-testid=headline-value]')).trim(), pct(rows[0].population_weighted));
      assert.match(await page.textContent('[data-testid=headline]'), new RegExp(`\\b${rows[0].year}\\b`));
      // The map: a canvas with pixels, the UN disclaimer, and a table row per regional economy.
      const painted = await page.$eval('[data-testid=map] canvas', (c) => {
        const ctx = c.getContext('2d');
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n / (c.width * c.height);
      });
      assert.ok(painted > 0.05, `the map canvas is mostly empty (${painted})`);
      assert.match(await page.textContent('[data-testid=map-disclaimer]'), /do not imply official endorsement or acceptance/);
      const economies = (await api('/economies')).data.filter((e) => e.regional);
      const tableRows = await page.$$eval('[data-testid=map] ~ details table tbody tr', (trs) => trs.length);
      assert.equal(tableRows, economies.length);
      // Status counts add up to the number of regional economies.
      const counts = await page.$$eval('[data-testid=status-counts] [data-count]', (els) => els.map((e) => Number(e.getAttribute('data-count'))));
      assert.equal(counts.reduce((a, b) => a + b, 0), economies.length);
      await shot(page, 'overview-en');
      await page.context().close();
    },
  ],
  [
    'economy profile numbers match the API (Cambodia, pensions)',
    async () => {
      const page = await newPage();
      await page.goto(base + '/economy/KHM?series=SI_COV_PENSN');
      await page.waitForSelector('[data-testid=series-chart] canvas');
      const progress = (await api('/progress?economy=KHM')).data;
      const a = progress.find((x) => x.series === 'SI_COV_PENSN' && x.sex === '_T' && x.age === '_T' && x.quantile === '_T');
      assert.ok(a && a.people_not_covered_latest > 0);
      assert.equal((await page.textContent('[data-testid=pnc-SI_COV_PENSN]')).trim(), `${whole(a.people_not_covered_latest)} (${a.people_not_covered_latest_year})`);
      assert.equal(await page.getAttribute('[data-testid=status-line] .badge', 'data-status'), a.status);
      assert.match(await page.textContent('[data-testid=status-line]'), new RegExp(pct(a.projected_2030).replace('.', '\\.')));
      // Every observation of the series is listed, with its source.
      const obs = (await api('/observations?economy=KHM&series=SI_COV_PENSN&page_size=1000')).data;
      const listed = await page.$$eval('#obs-title ~ .table-wrap tbody tr', (trs) => trs.map((tr) => tr.textContent));
      assert.equal(listed.length, obs.length);
      for (const o of obs) assert.ok(listed.some((l) => l.includes(String(o.year)) && l.includes(o.source)), `observation ${o.year} ${o.sex} missing`);
      // The revision history of one observation.
      await page.click('#obs-title ~ .table-wrap tbody tr:first-child button');
      await page.waitForSelector('#history-title');
      // Downloads point at the export route with the page's language.
      assert.equal(await page.getAttribute('[data-testid=download-csv]', 'href'), '/api/v1/export/observations?economy=KHM&format=csv&lang=en');
      await shot(page, 'profile-khm-en');
      await page.context().close();
    },
  ],
  [
    'switching to Chinese shows Chinese labels and names, and is remembered',
    async () => {
      const page = await newPage();
      await page.goto(base + '/economy/KHM?series=SI_COV_PENSN');
      await page.waitForSelector('[data-testid=economy-name]');
      const english = await page.textContent('nav');
      await page.selectOption('[data-testid=lang-select]', 'zh');
      await page.waitForFunction(() => document.documentElement.lang === 'zh-Hans');
      await page.waitForSelector('[data-testid=series-chart] canvas');
      const zhName = (await api('/economies/KHM?lang=zh')).name;
      const zhSeries = (await api('/series/SI_COV_PENSN?lang=zh')).name;
      assert.equal((await page.textContent('[data-testid=economy-name]')).trim(), zhName);
      assert.match(await page.textContent('#series-title'), new RegExp(zhSeries));
      const nav = await page.textContent('nav');
      assert.notEqual(nav, english);
      assert.ok(hasCjk(nav), `the menu is not in Chinese: ${nav}`);
      assert.ok(!/[A-Za-z]{3,}/.test(nav), `the menu has Latin words left: ${nav}`);
      assert.ok(new URL(page.url()).searchParams.get('lang') === 'zh');
      await shot(page, 'profile-khm-zh');
      // Remembered: a fresh visit without ?lang= stays in Chinese.
      await page.goto(base + '/');
      await waitForOverview(page);
      assert.ok(hasCjk(await page.textContent('h1')));
      const table = await page.$$eval('[data-testid=map] ~ details table tbody th', (ths) => ths.map((t) => t.textContent));
      assert.ok(table.includes(zhName), 'the map table lists Chinese economy names');
      await shot(page, 'overview-zh');
      await page.context().close();
    },
  ],
  [
    'every language translates the menu and formats numbers with Intl',
    async () => {
      const page = await newPage();
      const a = (await api('/progress?economy=KHM')).data.find((x) => x.series === 'SI_COV_PENSN' && x.sex === '_T' && x.age === '_T' && x.quantile === '_T');
      const navs = new Set();
      for (const lang of ['en', 'zh', 'ru', 'fr']) {
        await page.goto(`${base}/economy/KHM?series=SI_COV_PENSN&lang=${lang}`);
        await page.waitForSelector('[data-testid=series-chart] canvas');
        navs.add(await page.textContent('nav'));
        assert.equal((await page.textContent('[data-testid=pnc-SI_COV_PENSN]')).trim(), `${whole(a.people_not_covered_latest, lang)} (${a.people_not_covered_latest_year})`);
        assert.equal((await page.textContent('[data-testid=economy-name]')).trim(), (await api(`/economies/KHM?lang=${lang}`)).name);
      }
      assert.equal(navs.size, 4);
      await page.context().close();
    },
  ],
  [
    'deep links restore the view and its filters',
    async () => {
      const page = await newPage();
      await page.goto(base + '/?series=SI_COV_PENSN&year=2020');
      await waitForOverview(page);
      assert.equal(await page.inputValue('#ov-series'), 'SI_COV_PENSN');
      assert.equal(await page.inputValue('#ov-year'), '2020');
      // Changing a filter changes the URL.
      await page.selectOption('#ov-series', 'SI_COV_CHLD');
      await page.waitForURL(/series=SI_COV_CHLD/);
      await page.goto(base + '/compare?series=SI_COV_PENSN&economies=KHM,THA');
      await page.waitForSelector('[data-testid=compare-chart] canvas');
      assert.equal(await page.inputValue('#cmp-series'), 'SI_COV_PENSN');
      assert.ok(await page.isChecked('#cmp-KHM'));
      assert.ok(await page.isChecked('#cmp-THA'));
      assert.ok(!(await page.isChecked('#cmp-VNM')));
      // A peer group: same subregion as Cambodia.
      const sea = (await api('/economies?subregion=South-East+Asia')).data.map((e) => e.iso3);
      await page.click('.peers button:first-of-type');
      await page.waitForURL(/economies=KHM%2C|economies=KHM,/);
      const picked = new URL(page.url()).searchParams.get('economies').split(',');
      assert.deepEqual([...picked].sort(), [...sea].sort());
      await page.waitForSelector('[data-testid=compare-chart] canvas');
      for (const iso of sea) assert.ok(await page.isChecked(`#cmp-${iso}`), `${iso} is not ticked`);
      await shot(page, 'compare-en');
      await page.context().close();
    },
  ],
  [
    'keyboard: skip link, then the language switcher, without a mouse',
    async () => {
      const page = await newPage();
      await page.goto(base + '/');
      await waitForOverview(page);
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'skip-link');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
      await page.focus('#lang-select');
      await page.keyboard.press('ArrowDown'); // en -> zh
      await page.waitForFunction(() => document.documentElement.lang === 'zh-Hans');
      // The page is drawn in Chinese, and the keyboard stays on the selector: the next arrow
      // goes on to Russian.
      // (The header is drawn again once the view is: wait for the new selector.)
      const focusedOn = (l) => page.waitForFunction((v) => document.activeElement?.id === 'lang-select' && document.activeElement.value === v && document.querySelector('nav')?.textContent !== '', l, { timeout: 10000 });
      await focusedOn('zh');
      await page.keyboard.press('ArrowDown'); // zh -> ru
      await page.waitForFunction(() => document.documentElement.lang === 'ru');
      await focusedOn('ru');
      // Every form control has a label.
      const unlabelled = await page.$$eval('select, input, textarea', (els) => els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.outerHTML));
      assert.deepEqual(unlabelled, []);
      await page.context().close();
    },
  ],
  [
    'phone layout has no horizontal scrolling',
    async () => {
      const page = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      for (const path of ['/', '/economy/KHM?series=SI_COV_PENSN', '/compare']) {
        await page.goto(base + path);
        await page.waitForSelector('canvas');
        // A mobile browser widens the layout viewport to fit wide content: both must stay at
        // the phone's 390 px.
        const widths = await page.evaluate(() => [window.innerWidth, document.documentElement.scrollWidth]);
        assert.deepEqual(widths, [390, 390], `${path}: the page is wider than the phone`);
      }
      await page.goto(base + '/economy/KHM?series=SI_COV_PENSN');
      await page.waitForSelector('canvas');
      await shot(page, 'profile-khm-phone');
      await page.context().close();
    },
  ],
  [
    'clear states: unknown economy, unknown page, server down',
    async () => {
      const page = await newPage();
      await page.goto(base + '/economy/XYZ');
      await page.waitForSelector('[data-testid=error-state]');
      assert.match(await page.textContent('[data-testid=error-state]'), /XYZ/);
      await page.goto(base + '/no-such-page');
      await page.waitForSelector('[data-testid=error-state]');
      await page.context().close();
      // Server down: the API does not answer. This page's console is not checked (the browser
      // logs the failed requests).
      const context = await env.browser.newContext();
      const down = await context.newPage();
      await down.route('**/api/v1/**', (r) => r.abort('connectionrefused'));
      await down.goto(base + '/');
      await down.waitForSelector('[data-testid=error-state]');
      assert.match(await down.textContent('[data-testid=error-state]'), /server cannot be reached/);
      await context.close();
    },
  ],
];

const workspaceTests = [];
// The two sections of the national report the focal point writes in Chinese: measure, stage
// and the progress text.
const NARRATIVES = [
  ['a', 'in_progress', '社会保护法草案已提交国会审议。'],
  ['g', 'planning', '正在设计面向非正规就业者的自愿缴费计划。'],
];
let fpPage = null;

async function login(page, user) {
  await page.goto(base + '/login');
  await page.fill('input[name=username]', user.name);
  await page.fill('input[name=password]', user.password);
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-testid=who]');
}

workspaceTests.push(
  [
    'a focal point uploads a file with a bad row: the error is shown and nothing changes',
    async () => {
      fpPage = await newPage();
      await login(fpPage, FP);
      await fpPage.waitForSelector('[data-testid=workspace-title]');
      const before = await api('/observations?economy=KHM&page_size=1000');
      const csv = 'series,economy,sex,age,quantile,year,value,unit,nature,source,note\n' + 'SI_COV_BENFTS,KHM,_T,_T,_T,2024,31.5,PERCENT,C,Ministry of Economy and Finance,\n' + 'SI_COV_PENSN,KHM,_T,_T,_T,2024,140,PERCENT,C,National Social Security Fund,\n';
      const file = join(env.dir, 'khm_update.csv');
      writeFileSync(file, csv);
      await fpPage.setInputFiles('[data-testid=upload-file]', file);
      await fpPage.fill('[data-testid=upload-reason]', '2024 administrative data');
      await fpPage.click('[data-testid=upload-check]');
      await fpPage.waitForSelector('[data-testid=upload-errors]');
      const report = await fpPage.textContent('[data-testid=upload-errors]');
      assert.match(report, /Line 3/);
      // The row of line 3 names the column by its header, not by its number.
      const cells = await fpPage.$$eval('[data-testid=upload-errors] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent.trim())));
      const line3 = cells.find((c) => /\b3\b/.test(c[0]));
      assert.ok(line3, `no row for line 3 in ${JSON.stringify(cells)}`);
      assert.equal(line3[1], 'value');
      assert.ok(await fpPage.isDisabled('[data-testid=upload-store]'));
      const after = await api('/observations?economy=KHM&page_size=1000');
      assert.deepEqual(after, before);
      const ws = await fpPage.evaluate(async () => (await fetch('/api/v1/economies/KHM/workspace')).json());
      assert.ok(!ws.changeset || ws.changeset.counts.observation === 0, 'a bad file left a change behind');
      await shot(fpPage, 'workspace-upload-errors');
    },
  ],
  [
    'a focal point sets a target and sees the status update',
    async () => {
      const page = fpPage;
      await page.selectOption('[data-testid=target-series]', 'SI_COV_PENSN');
      await page.fill('[data-testid=target-baseline-year]', '2020');
      await page.fill('[data-testid=target-baseline-value]', '8.1');
      await page.fill('[data-testid=target-interim]', '12');
      await page.fill('[data-testid=target-2030]', '20');
      const q = (t) => `/progress/preview?economy=KHM&series=SI_COV_PENSN&sex=_T&age=_T&baseline_year=2020&baseline_value=8.1&interim_2025=${t.interim}&target_2030=${t.target}`;
      const low = await api(q({ interim: 12, target: 20 }));
      await page.waitForSelector(`[data-testid=preview-status] [data-status=${low.status}]`);
      const high = await api(q({ interim: 60, target: 100 }));
      assert.notEqual(low.status, high.status, 'the two targets should give different statuses');
      await page.fill('[data-testid=target-interim]', '60');
      await page.fill('[data-testid=target-2030]', '100');
      await page.waitForSelector(`[data-testid=preview-status] [data-status=${high.status}]`);
      await page.fill('[data-testid=target-interim]', '30');
      await page.fill('[data-testid=target-2030]', '50');
      await page.fill('[data-testid=target-reason]', 'National Social Protection Policy Framework 2016-2025');
      const chosen = await api(q({ interim: 30, target: 50 }));
      await page.waitForFunction((target) => document.querySelector('[data-testid=preview-status]')?.textContent.includes(target), pct(50));
      assert.equal(await page.getAttribute('[data-testid=preview-status] .badge', 'data-status'), chosen.status);
      await shot(page, 'workspace-target-preview');
      await page.click('[data-testid=target-save]');
      await page.waitForSelector('[data-testid=changeset] [data-state=draft]');
      const ws = await page.evaluate(async () => (await fetch('/api/v1/economies/KHM/workspace')).json());
      assert.equal(ws.changeset.counts.target, 1);
      // Not public until published.
      const published = (await api('/targets?economy=KHM&series=SI_COV_PENSN')).data;
      assert.ok(!published.some((t) => t.target_2030 === 50));
    },
  ],
  [
    'a focal point writes two narrative sections in Chinese and submits',
    async () => {
      const page = fpPage;
      await page.waitForSelector('[data-testid=report-links] [data-testid=report-national-pdf]');
      for (const [measure, stage, text] of NARRATIVES) {
        const section = `[data-testid=narrative-${measure}]`;
        await page.waitForSelector(section);
        // Keyboard: the section opens from its summary with Enter.
        await page.focus(`${section} summary`);
        await page.keyboard.press('Enter');
        await page.waitForSelector(`${section}[open]`);
        await page.selectOption(`[data-testid=narrative-${measure}-lang]`, 'zh');
        await page.selectOption(`[data-testid=narrative-${measure}-stage]`, stage);
        await page.fill(`[data-testid=narrative-${measure}-progress]`, text);
        await page.fill(`[data-testid=narrative-${measure}-next_steps]`, '继续推进。');
        await page.fill(`[data-testid=narrative-${measure}-reason]`, 'National report 2025');
        // Every field of the section has a label.
        const unlabelled = await page.$$eval(`${section} input, ${section} select, ${section} textarea`, (els) => els.filter((el) => !el.labels || el.labels.length === 0).length);
        assert.equal(unlabelled, 0, `unlabelled fields in ${section}`);
        await page.click(`[data-testid=narrative-${measure}-save]`);
        await page.waitForFunction((sel) => /Draft/.test(document.querySelector(`${sel} summary`)?.textContent ?? ''), section);
      }
      const ws = await page.evaluate(async () => (await fetch('/api/v1/economies/KHM/workspace')).json());
      assert.equal(ws.changeset.counts.narrative, 2);
      const drafted = ws.changeset.changes.filter((c) => c.kind === 'narrative');
      assert.deepEqual(drafted.map((c) => [c.key.measure, c.key.lang, c.key.period]).sort(), [['a', 'zh', '2025'], ['g', 'zh', '2025']]);
      // The change set shows the sections readably: measure, language and text.
      const diff = await page.textContent('[data-testid=changeset] table');
      assert.ok(diff.includes(NARRATIVES[0][2]) && diff.includes(NARRATIVES[1][2]));
      assert.match(diff, /\(g\) Extending coverage/);
      // Not public until published.
      assert.deepEqual((await api('/narratives?economy=KHM&period=2025')).data, []);
      await shot(page, 'workspace-narratives');
      await page.click('[data-testid=submit-review]');
      await page.waitForSelector('[data-testid=changeset] [data-state=submitted]');
    },
  ],
  [
    'a focal point cannot reach another economy\'s workspace',
    async () => {
      const page = fpPage;
      await page.goto(base + '/workspace/THA');
      await page.waitForSelector('[data-testid=error-state]');
      assert.ok(!(await page.$('[data-testid=upload-file]')));
      const status = await page.evaluate(async () => (await fetch('/api/v1/economies/THA/workspace')).status);
      assert.equal(status, 403);
      // The session gone (expired, or the cookie cleared): the workspace asks to sign in again.
      await page.context().clearCookies();
      await page.goto(base + '/workspace/KHM');
      await page.waitForSelector('[data-testid=error-state] a[href^="/login?next="]');
      assert.ok(!(await page.$('[data-testid=who]')));
      await page.context().close();
    },
  ],
  [
    'the secretariat publishes the submission',
    async () => {
      const page = await newPage();
      await login(page, SEC);
      await page.goto(base + '/review');
      await page.click('[data-testid=review-KHM]');
      await page.waitForSelector('[data-testid=review-state] [data-state=submitted]');
      const diff = await page.textContent('table.diff, .diff table');
      assert.match(diff, /50/);
      for (const [, , text] of NARRATIVES) assert.ok(diff.includes(text), `the review does not show ${text}`);
      await shot(page, 'review-diff');
      await page.fill('[data-testid=review-comment]', 'Checked against the policy framework');
      await page.click('[data-testid=review-publish]');
      await page.waitForSelector('[data-testid=review-state] [data-state=published]');
      const published = (await api('/targets?economy=KHM&series=SI_COV_PENSN')).data;
      assert.ok(published.some((t) => t.target_2030 === 50 && t.interim_2025 === 30));
      // The public profile now measures against the published target.
      await page.goto(base + '/economy/KHM?series=SI_COV_PENSN');
      await page.waitForSelector('[data-testid=status-line]');
      const a = (await api('/progress?economy=KHM')).data.find((x) => x.series === 'SI_COV_PENSN' && x.sex === '_T' && x.age === '_T' && x.quantile === '_T');
      assert.equal(a.target.target_2030, 50);
      assert.equal(await page.getAttribute('[data-testid=status-line] .badge', 'data-status'), a.status);
      await page.context().close();
    },
  ],
  [
    'the national report in Chinese carries the published narratives',
    async () => {
      const page = await newPage({ locale: 'zh-CN' });
      await page.goto(base + '/economy/KHM?lang=zh');
      await page.waitForSelector('[data-testid=report-national-pdf]');
      const pdfHref = await page.getAttribute('[data-testid=report-national-pdf]', 'href');
      const htmlHref = await page.getAttribute('[data-testid=report-national-html]', 'href');
      assert.equal(pdfHref, '/api/v1/reports/national?economy=KHM&period=2025&lang=zh&format=pdf');
      assert.equal(htmlHref, '/api/v1/reports/national?economy=KHM&period=2025&lang=zh&format=html');
      const r = await fetch(base + pdfHref);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/pdf');
      const pdf = join(artifacts, 'national-KHM-2025-zh.pdf');
      writeFileSync(pdf, Buffer.from(await r.arrayBuffer()));
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
      for (const [, , narrative] of NARRATIVES) assert.ok(text.includes(narrative.replace(/\s+/g, '')), `the PDF lacks ${narrative}`);
      const html = await fetch(base + htmlHref);
      assert.equal(html.status, 200);
      // Another period: the links follow the selector; 2021 has no narrative, so its report
      // says so instead of showing 2025's texts.
      await page.selectOption('[data-testid=report-period]', '2021');
      const older = await page.getAttribute('[data-testid=report-national-html]', 'href');
      assert.equal(older, '/api/v1/reports/national?economy=KHM&period=2021&lang=zh&format=html');
      const olderHtml = await (await fetch(base + older)).text();
      assert.ok(olderHtml.includes('2021'), 'the 2021 report names its period');
      for (const [, , narrative] of NARRATIVES) assert.ok(!olderHtml.includes(narrative), `the 2021 report shows 2025's ${narrative}`);
      await page.context().close();
      // The overview links to the regional report in the page's language.
      const overview = await newPage();
      await overview.goto(base + '/?lang=fr');
      await overview.waitForSelector('[data-testid=headline-value]');
      assert.equal(await overview.getAttribute('[data-testid=report-regional-pdf]', 'href'), '/api/v1/reports/regional?period=2025&lang=fr&format=pdf');
      await overview.context().close();
    },
  ],
);

// --- The simulator -------------------------------------------------------------------------

const simulatorTests = [];
let simRun = null; // the id of the run made by the first test
const LEVEL = 7; // % of GDP per capita: the child benefit of package A, set with the slider

// The simulator's figures as the page formats them: shares 0..1 with one decimal, costs in per
// cent with two, indices with a fixed number of decimals.
const shareFmt = (v, lang = 'en') => new Intl.NumberFormat(LOCALE[lang], { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);
const pct2 = (v, lang = 'en') => new Intl.NumberFormat(LOCALE[lang], { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v / 100);
const fixed = (v, digits, lang = 'en') => new Intl.NumberFormat(LOCALE[lang], { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
// Numbers equal to 1e-9 of their size, in the same structure (floating-point summation order may
// differ between runs on different numbers of threads).
function assertClose(actual, expected, what) {
  if (typeof expected === 'number') {
    assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);
  } else if (expected && typeof expected === 'object') {
    for (const k of Object.keys(expected)) assertClose(actual?.[k], expected[k], `${what}.${k}`);
  } else assert.equal(actual, expected, what);
}
const text = async (page, testid) => (await page.textContent(`[data-testid="${testid}"]`)).trim();

// The figures of the results table against the stored result: every poverty line for the
// baseline and each package, the cost, the recipients and the inequality indices.
async function checkFigures(page, result, lang = 'en') {
  const cols = [result.baseline, ...result.scenarios];
  for (const [k, s] of cols.entries()) {
    for (const p of s.poverty) assert.equal(await text(page, `sim-headcount-${p.line}-${k}`), shareFmt(p.headcount, lang), `headcount ${p.line} column ${k}`);
    assert.equal(await text(page, `sim-gini-${k}`), fixed(s.inequality.gini, 4, lang), `Gini column ${k}`);
    if (k === 0) continue;
    assert.equal(await text(page, `sim-cost-gdp-${k}`), pct2(s.cost.pct_gdp, lang), `cost column ${k}`);
    assert.equal(await text(page, `sim-recipients-${k}`), whole(s.recipients, lang), `recipients column ${k}`);
    const last = s.projection[s.projection.length - 1];
    assert.equal(await text(page, `sim-cost-2030-${k}`), `${pct2(last.pct_gdp, lang)} (${last.year})`);
  }
}

simulatorTests.push(
  [
    'a child benefit set with the slider runs, and the page shows the stored figures for both packages',
    async () => {
      const page = await newPage();
      await page.goto(base + '/');
      await page.click('nav a[href^="/simulator"]');
      await page.waitForSelector('[data-testid=sim-economy]');
      const cat = await api('/simulator');
      const khm = cat.economies.find((e) => e.iso3 === 'KHM');
      assert.ok(khm && khm.available !== false, 'Cambodia has a synthetic population');
      // Economies without one are listed but cannot be chosen.
      const disabled = await page.$$eval('[data-testid=sim-economy] option[disabled]', (os) => os.map((o) => o.value));
      assert.deepEqual(disabled.sort(), cat.economies.filter((e) => e.available === false).map((e) => e.iso3).sort());
      await page.selectOption('[data-testid=sim-economy]', 'KHM');
      await page.click('details.advanced summary');
      await page.fill('[data-testid=sim-persons]', String(cat.limits.min_persons));
      await page.fill('[data-testid=sim-seed]', '7');
      // Package A: the child benefit from 5% to 7% of GDP per capita with the keyboard.
      const amount = 'sim-p0-universal_child_benefit-amount';
      const slider = `[data-testid=${amount}]`;
      assert.ok(await page.isChecked('[data-testid=sim-p0-universal_child_benefit-include]'));
      assert.equal(await page.inputValue(slider), '5');
      await page.focus(slider);
      for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
      assert.equal(await page.inputValue(slider), String(LEVEL));
      assert.equal(await page.inputValue(`[data-testid=${amount}-value]`), String(LEVEL));
      // Package B: add the PMT household transfer to SPOT's three core schemes.
      await page.check('[data-testid=sim-p1-pmt_household_transfer-include]');
      const unlabelled = await page.$$eval('main select, main input', (els) => els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.outerHTML));
      assert.deepEqual(unlabelled, []);
      // The progress bar: seen whenever the job answered as queued or running.
      const states = [];
      page.on('response', async (res) => {
        if (!/\/api\/v1\/simulations\/[0-9a-f]+(\?|$)/.test(res.url())) return;
        try {
          states.push((await res.json()).status);
        } catch {
          /* the page went on before the body was read */
        }
      });
      await page.evaluate(() => {
        window.sawProgress = false;
        new MutationObserver(() => {
          if (document.querySelector('[data-testid=sim-progress]')) window.sawProgress = true;
        }).observe(document.body, { childList: true, subtree: true });
      });
      await page.click('[data-testid=sim-run]');
      await page.waitForURL(/[?&]run=[0-9a-f]+/);
      simRun = new URL(page.url()).searchParams.get('run');
      await page.waitForSelector('[data-testid=sim-done]', { timeout: 120000 });
      if (states.some((x) => x === 'queued' || x === 'running')) assert.ok(await page.evaluate(() => window.sawProgress), 'no progress bar while the job ran');
      const job = await api(`/simulations/${simRun}`);
      assert.equal(job.status, 'done');
      // What was sent: the slider's level, the other settings, the packages' schemes.
      assert.equal(job.request.economy, 'KHM');
      assert.equal(job.request.persons, cat.limits.min_persons);
      assert.equal(job.request.seed, 7);
      const a = job.request.packages[0].schemes;
      assert.deepEqual(a.map((s) => s.id), ['universal_child_benefit']);
      assert.equal(a[0].benefit.amount.unit, 'pct_gdp_per_capita');
      assert.deepEqual(Object.values(a[0].benefit.amount.values), [LEVEL]);
      assert.deepEqual(job.request.packages[1].schemes.map((s) => s.id).sort(), ['disability_benefit', 'pmt_household_transfer', 'social_pension', 'universal_child_benefit']);
      const r = job.result;
      assert.equal(r.scenarios.length, 2);
      // Independent of the page: a child benefit of 7% of GDP per capita per child costs 7% of
      // GDP per capita times the children reached.
      const ucb = r.scenarios[0].schemes[0];
      assert.ok(Math.abs(ucb.amount_per_year - (LEVEL / 100) * r.gdp_per_capita) < 1e-6 * r.gdp_per_capita, 'the benefit is 7% of GDP per capita');
      assert.ok(Math.abs(ucb.cost.transfers - ucb.amount_per_year * ucb.recipients) < 1e-6 * ucb.cost.transfers, 'transfers = amount x recipients');
      await checkFigures(page, r);
      // Both packages side by side, with their names, and the synthetic marking with its list.
      const summary = await page.textContent('.sim-summary thead');
      assert.ok(summary.includes(r.scenarios[0].name) && summary.includes(r.scenarios[1].name));
      assert.match(await page.textContent('[data-testid=sim-synthetic]'), /SYNTHETIC POPULATION/);
      assert.equal(await page.$$eval('[data-testid=sim-assumptions] li', (li) => li.length), r.assumptions.length);
      for (const id of ['sim-poverty-chart', 'sim-projection-chart', 'sim-change_pct-chart', 'sim-benefit_share-chart', 'sim-coverage-chart']) await page.waitForSelector(`[data-testid=${id}] canvas`);
      // Reproduce: the manifest, and the package files run by the CLI give the same figures.
      assert.equal(await text(page, 'sim-manifest-hash'), r.manifest.data_hash);
      assert.equal(await text(page, 'sim-manifest-seed'), '7');
      const files = [];
      for (const n of [1, 2]) {
        const href = await page.getAttribute(`[data-testid=sim-yaml-${n}]`, 'href');
        const y = await fetch(base + href);
        assert.equal(y.status, 200, href);
        const yaml = await y.text();
        files.push(join(env.dir, `package-${n}.yaml`));
        writeFileSync(files[n - 1], yaml);
        // The hash shown is the file's.
        assert.equal(await text(page, `sim-yaml-${n}-sha256`), createHash('sha256').update(yaml).digest('hex'), `package ${n}'s SHA-256`);
      }
      const command = await text(page, 'sim-command');
      assert.equal(command, `spcoop simulate --synthetic KHM --persons ${cat.limits.min_persons} --seed 7 package-1.yaml package-2.yaml --json`);
      const cli = JSON.parse(execFileSync(bin, ['--db', env.db, '--quiet', 'simulate', '--synthetic', 'KHM', '--persons', String(cat.limits.min_persons), '--seed', '7', ...files, '--json'], { encoding: 'utf8' }));
      for (const [i, s] of r.scenarios.entries()) {
        assertClose(cli.scenarios[i].poverty, s.poverty, `package ${i + 1} poverty (CLI vs stored)`);
        assertClose(cli.scenarios[i].cost, s.cost, `package ${i + 1} cost (CLI vs stored)`);
      }
      await shot(page, 'simulator-en');
      await page.$eval('#sim-summary-title', (e) => e.scrollIntoView());
      await page.screenshot({ path: join(artifacts, 'simulator-results-en.png') });
      await page.$eval('[data-testid=sim-poverty-chart]', (e) => e.closest('section').scrollIntoView());
      await page.screenshot({ path: join(artifacts, 'simulator-charts-en.png') });
      await page.context().close();
    },
  ],
  [
    'a run\'s link reloads the stored result and its settings; Chinese translates the page',
    async () => {
      assert.ok(simRun, 'the first test made a run');
      const page = await newPage();
      await page.goto(`${base}/simulator?run=${simRun}`);
      await page.waitForSelector('[data-testid=sim-done]');
      const job = await api(`/simulations/${simRun}`);
      await checkFigures(page, job.result);
      assert.equal(await page.inputValue('[data-testid=sim-p0-universal_child_benefit-amount]'), String(LEVEL));
      assert.ok(await page.isChecked('[data-testid=sim-p1-pmt_household_transfer-include]'));
      assert.equal(await page.inputValue('[data-testid=sim-economy]'), 'KHM');
      const english = await page.textContent('main');
      await page.selectOption('[data-testid=lang-select]', 'zh');
      await page.waitForFunction(() => document.documentElement.lang === 'zh-Hans');
      await page.waitForSelector('[data-testid=sim-done]');
      assert.ok(hasCjk(await page.textContent('h1')), 'the title is not in Chinese');
      const labels = await page.$$eval('.sim-summary tbody th', (ths) => ths.map((x) => x.textContent));
      for (const l of labels) assert.ok(hasCjk(l), `a row is not in Chinese: ${l}`);
      const nav = await page.textContent('nav');
      assert.ok(!/[A-Za-z]{3,}/.test(nav), `the menu has Latin words left: ${nav}`);
      assert.notEqual(await page.textContent('main'), english);
      await checkFigures(page, job.result, 'zh');
      await shot(page, 'simulator-zh');
      await page.$eval('#sim-summary-title', (e) => e.scrollIntoView());
      await page.screenshot({ path: join(artifacts, 'simulator-results-zh.png') });
      // French formats the same figures its own way (a space before %).
      await page.selectOption('[data-testid=lang-select]', 'fr');
      await page.waitForFunction(() => document.documentElement.lang === 'fr');
      await page.waitForSelector('[data-testid=sim-done]');
      await checkFigures(page, job.result, 'fr');
      await page.context().close();
    },
  ],
  [
    'errors: too many persons is shown next to the field; a scheme the data cannot serve is refused before it runs',
    async () => {
      const cat = await api('/simulator');
      const page = await newPage();
      await page.goto(base + '/simulator');
      await page.waitForSelector('[data-testid=sim-economy]');
      await page.selectOption('[data-testid=sim-economy]', 'KHM');
      await page.click('details.advanced summary');
      await page.fill('[data-testid=sim-persons]', String(cat.limits.max_persons + 1));
      await page.click('[data-testid=sim-run]');
      await page.waitForSelector('[data-error-for=persons][role=alert]');
      assert.match(await page.textContent('[data-error-for=persons]'), new RegExp(String(cat.limits.max_persons).replace(/\B(?=(\d{3})+$)/g, '[ ,.\u00a0\u202f]?')));
      assert.equal(new URL(page.url()).searchParams.get('run'), null, 'no run was started');
      // The synthetic populations have no labour status: an unemployment benefit cannot run.
      await page.fill('[data-testid=sim-persons]', String(cat.limits.min_persons));
      // The builder says so before the run.
      assert.match(await page.textContent('[data-testid=sim-p0-unemployment_benefit-note]'), /labour_status/);
      await page.check('[data-testid=sim-p0-unemployment_benefit-include]');
      await page.click('[data-testid=sim-run]');
      // The server refuses it before queueing, naming the missing variable next to the scheme.
      await page.waitForFunction(() => [...document.querySelectorAll('main [role=alert]')].some((e) => /labour_status/.test(e.textContent)), null, { timeout: 30000 });
      assert.equal(new URL(page.url()).searchParams.get('run'), null, 'no run was started');
      await page.context().close();
    },
  ],
  [
    'a signed-in analyst finds their runs listed, each a link to its results',
    async () => {
      if (!accounts) return; // a binary without accounts: nobody signs in
      const page = await newPage();
      await login(page, ANALYST);
      await page.goto(base + '/simulator');
      await page.waitForSelector('[data-testid=sim-economy]');
      await page.selectOption('[data-testid=sim-economy]', 'KHM');
      await page.click('details.advanced summary');
      await page.fill('[data-testid=sim-persons]', String((await api('/simulator')).limits.min_persons));
      await page.click('[data-testid=sim-run]');
      await page.waitForURL(/[?&]run=[0-9a-f]+/);
      const own = new URL(page.url()).searchParams.get('run');
      await page.waitForSelector('[data-testid=sim-done]', { timeout: 120000 });
      await page.waitForSelector('[data-testid=sim-runs]');
      const listed = await page.evaluate(async () => (await (await fetch('/api/v1/simulations?limit=10')).json()).data);
      assert.deepEqual(listed.map((r) => r.id), [own], 'the analyst sees their one run, not the anonymous ones');
      assert.equal(await page.$$eval('[data-testid=sim-runs] tbody tr', (trs) => trs.length), 1);
      assert.ok(await page.$('[data-testid=sim-runs] tbody [aria-current=true]'), 'the run shown is marked as the current one');
      // From another page, the list links to the run.
      await page.goto(base + '/simulator');
      await page.click(`[data-testid=sim-runs] a[href^="/simulator?run=${own}"]`);
      await page.waitForSelector(`[data-testid=sim-done][data-run="${own}"]`);
      await page.context().close();
    },
  ],
  [
    'the simulator on a phone: one column, no horizontal scrolling',
    async () => {
      assert.ok(simRun, 'the first test made a run');
      const page = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      await page.goto(`${base}/simulator?run=${simRun}`);
      await page.waitForSelector('[data-testid=sim-done]');
      await page.waitForSelector('[data-testid=sim-poverty-chart] canvas');
      const widths = await page.evaluate(() => [window.innerWidth, document.documentElement.scrollWidth]);
      assert.deepEqual(widths, [390, 390], 'the simulator is wider than the phone');
      await shot(page, 'simulator-phone');
      await page.context().close();
    },
  ],
);

let failed = 0;
try {
  failed = await runTests(suite === 'workspace' ? workspaceTests : suite === 'simulator' ? simulatorTests : publicTests, args.filter);
  const check = [
    ['no console errors on any page', async () => assert.deepEqual(consoleErrors, [])],
    ['no failed request on any page but those provoked', async () => assert.deepEqual(httpErrors, [])],
  ];
  failed += await runTests(check);
} finally {
  await env.close();
}
console.log(failed ? `${failed} failed` : 'all passed');
console.log(`screenshots: ${artifacts}`);
process.exit(failed ? 1 : 0);
