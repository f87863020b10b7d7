// The policy simulator: build up to two packages of benefit schemes from the bundled scheme
// files (sliders and selectors), run them as a job on an economy's synthetic population, follow
// its progress, and read the results of both packages side by side against the baseline. A run
// has its own address (/simulator?run=ID), which reloads the stored result and its settings.
// Loaded on demand (main.ts), so the other pages do not carry it.
import { ApiError, type ErrorDetail } from '../api';
import { PALETTE, chart } from '../charts';
import { chartWithTable, field, h, select, table, uid } from '../dom';
import { addCatalogues, compactPeople, dateTime, lang, num, pct, people, share, t, type LazyKey } from '../i18n';
import { simEn } from '../messages/sim/en';
import { simFr } from '../messages/sim/fr';
import { simRu } from '../messages/sim/ru';
import { simZh } from '../messages/sim/zh';
import type { Ctx } from '../main';
import { describeError } from '../main';
import { errorState, pageHeading } from './common';
import {
  catalogue as loadCatalogue,
  packageYamlUrl,
  simulation,
  simulationRuns,
  startSimulation,
  type Catalogue,
  type Scenario,
  type Scheme,
  type SchemeParam,
  type SimEconomy,
  type SimJob,
  type SimRequest,
  type SimResult,
} from '../simapi';

addCatalogues({ en: simEn, zh: simZh, ru: simRu, fr: simFr });

const POLL_MS = 300;
// The page makes two packages; a run made through the API may have up to four.
const PACKAGE_LETTERS = ['A', 'B', 'C', 'D'];
const UNITS = ['pct_gdp_per_capita', 'pct_poverty_line', 'currency'] as const;
const METHODS = ['universal', 'means_test', 'pmt', 'quantile'] as const;
const TYPE_ORDER = ['child', 'disability', 'old_age', 'maternity', 'unemployment', 'household'];
// The schemes each package starts with: a child benefit alone, and SPOT's three core schemes.
const DEFAULT_PACKAGES = [['universal_child_benefit'], ['universal_child_benefit', 'disability_benefit', 'social_pension']];

// --- The form's state ------------------------------------------------------------------------

interface SchemeState {
  base: Scheme;
  include: boolean;
  ageMin: number;
  ageMax: number;
  unit: string;
  amount: number;
  method: string;
  share: number; // quantile, or PMT cut-off as a population share
  threshold: number; // means test, % of the poverty line
  takeUp: number; // 0..1
  admin: number; // % of transfers
}

interface PackageState {
  name: string;
  schemes: SchemeState[];
}

interface FormState {
  economy: string;
  persons: number;
  seed: number;
  packages: PackageState[];
  runId: string | null; // the run these settings came from
}

// Kept across renders (a language switch re-renders the page) until a run's settings replace it.
let form: FormState | null = null;
// The run this page has just started: its results take the focus when they arrive.
let justStarted: string | null = null;

// The value in force on 1 January of the year (else the first), as the engine takes it.
function valueAt(p: SchemeParam | undefined, year: number | undefined, fallback: number): number {
  if (!p || !p.values) return fallback;
  const dates = Object.keys(p.values).sort();
  if (!dates.length) return fallback;
  const day = `${year ?? 9999}-01-01`;
  const inForce = dates.filter((d) => d <= day);
  return p.values[inForce.length ? inForce[inForce.length - 1] : dates[0]];
}

function schemeState(s: Scheme, include: boolean, year: number | undefined): SchemeState {
  const tg = s.targeting ?? { method: 'universal' };
  return {
    base: s,
    include,
    ageMin: s.eligibility?.age?.min ?? 0,
    ageMax: s.eligibility?.age?.max ?? 120,
    unit: s.benefit.amount.unit,
    amount: valueAt(s.benefit.amount, year, 0),
    method: tg.method,
    share: tg.share ?? 0.2,
    threshold: tg.threshold?.unit === 'pct_poverty_line' ? valueAt(tg.threshold, year, 100) : 100,
    takeUp: valueAt(s.take_up, year, 1),
    admin: s.admin_cost_pct ?? 0,
  };
}

function defaultForm(cat: Catalogue, economy: SimEconomy | undefined): FormState {
  return {
    economy: economy?.iso3 ?? '',
    persons: cat.limits.default_persons,
    seed: 1,
    packages: DEFAULT_PACKAGES.map((ids, i) => ({
      name: t('sim_package_name', { letter: PACKAGE_LETTERS[i] }),
      schemes: cat.schemes.map((f) => schemeState(f.scheme, ids.includes(f.scheme.id), economy?.year)),
    })),
    runId: null,
  };
}

// The settings of a stored run: the bundled schemes in the catalogue's order, then any other.
function formFromRequest(cat: Catalogue, req: SimRequest, runId: string): FormState {
  const year = cat.economies.find((e) => e.iso3 === req.economy)?.year;
  return {
    economy: req.economy,
    persons: req.persons,
    seed: req.seed,
    packages: req.packages.map((p) => {
      const bundled = cat.schemes.map((f) => {
        const sent = p.schemes.find((s) => s.id === f.scheme.id);
        return sent ? { ...schemeState(sent, true, year), base: f.scheme } : schemeState(f.scheme, false, year);
      });
      const others = p.schemes.filter((s) => !cat.schemes.some((f) => f.scheme.id === s.id)).map((s) => schemeState(s, true, year));
      return { name: p.name, schemes: [...bundled, ...others] };
    }),
    runId,
  };
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const earliest = (p: SchemeParam | undefined) => (p ? Object.keys(p.values).sort()[0] : undefined) ?? '2010-01-01';

// A parameter with one value from its earliest date on; its source reference is dropped when
// the value was changed (it no longer describes it).
function param(base: SchemeParam | undefined, unit: string, value: number, year: number | undefined, period?: string): SchemeParam {
  if (base && base.unit === unit && valueAt(base, year, NaN) === value) return clone(base);
  const p: SchemeParam = { unit, values: { [earliest(base)]: value } };
  const per = period ?? base?.period;
  if (per) p.period = per;
  return p;
}

// The scheme object sent to the API: the bundled scheme with the page's settings.
function schemeObject(s: SchemeState, year: number | undefined): Scheme {
  const out = clone(s.base);
  out.eligibility = { ...(out.eligibility ?? {}), age: { min: s.ageMin, max: s.ageMax } };
  const tg: NonNullable<Scheme['targeting']> = { method: s.method };
  const baseTg = s.base.targeting;
  if (s.method === 'quantile' || s.method === 'pmt') tg.share = s.share;
  if (s.method === 'pmt') {
    tg.pmt_error_sd = baseTg?.pmt_error_sd ?? 0.5;
    if (baseTg?.method === 'pmt' && baseTg.cutoff !== undefined && baseTg.share === undefined) {
      delete tg.share;
      tg.cutoff = baseTg.cutoff;
    }
  }
  if (s.method === 'means_test') tg.threshold = param(baseTg?.threshold, 'pct_poverty_line', s.threshold, year, 'year');
  out.targeting = tg;
  out.take_up = param(s.base.take_up, 'share', s.takeUp, year);
  out.benefit = { ...out.benefit, amount: param(s.base.benefit.amount, s.unit, s.amount, year, s.base.benefit.amount.period ?? 'year') };
  out.admin_cost_pct = s.admin;
  return out;
}

// --- Errors next to the field they name ------------------------------------------------------

// Error paths of the API ("packages[1].schemes[0].benefit.amount") -> the element showing them.
class FieldErrors {
  private readonly slots = new Map<string, HTMLElement>();
  constructor(private readonly general: HTMLElement) {}
  slot(path: string): HTMLElement {
    let el = this.slots.get(path);
    if (!el) {
      el = h('p', { class: 'field-error', id: uid('err'), 'data-error-for': path });
      this.slots.set(path, el);
    }
    return el;
  }
  // Ties a control to its error slot so a screen reader reads the error with the field.
  tie(path: string, control: HTMLElement): HTMLElement {
    const slot = this.slot(path);
    const described = control.getAttribute('aria-describedby');
    control.setAttribute('aria-describedby', described ? `${described} ${slot.id}` : slot.id);
    return slot;
  }
  // Registers an existing element as the slot of a path (a scheme's path is known when sent).
  adopt(path: string, el: HTMLElement): void {
    this.slots.set(path, el);
  }
  clear(): void {
    this.slots.forEach((el) => {
      el.textContent = '';
      el.removeAttribute('role');
    });
    this.general.replaceChildren();
  }
  // Shows each message at the longest registered path its own path starts with, the rest above
  // the Run button, and scrolls to the first.
  show(messages: { path: string; message: string }[]): void {
    let first: HTMLElement | null = null;
    for (const m of messages) {
      let best = '';
      for (const key of this.slots.keys()) {
        if ((m.path === key || m.path.startsWith(key + '.') || m.path.startsWith(key + '[')) && key.length > best.length) best = key;
      }
      const el = best ? this.slots.get(best)! : null;
      const text = m.path && !best ? `${m.path}: ${m.message}` : m.message;
      if (el) {
        el.textContent = el.textContent ? `${el.textContent} ${text}` : text;
        el.setAttribute('role', 'alert');
        // A field inside the closed advanced settings is opened to show its error.
        const closed = el.closest('details:not([open])');
        if (closed) (closed as HTMLDetailsElement).open = true;
        first ??= el;
      } else {
        this.general.append(h('p', { class: 'notice warn', role: 'alert' }, text));
        first ??= this.general;
      }
    }
    first?.scrollIntoView({ block: 'center' });
  }
}

// "packages[1].schemes[0].benefit.amount: unknown unit ..." -> path and message.
export function splitApiMessage(message: string): { path: string; message: string } {
  const m = /^([A-Za-z_][\w]*(?:\[\d+\]|\.[A-Za-z_]\w*)*):\s+(.*)$/s.exec(message);
  return m ? { path: m[1], message: m[2] } : { path: '', message };
}

// Each detail names its place in the body ("body.packages[0].name") and repeats it at the start
// of its message; the page shows the message without it, next to the field.
function apiMessages(e: ApiError): { path: string; message: string }[] {
  if (!e.details.length) return [splitApiMessage(e.message)];
  return e.details.map((d: ErrorDetail) => {
    const path = d.path.replace(/^body\./, '');
    const m = splitApiMessage(d.message);
    return { path, message: m.path === path ? m.message : d.message };
  });
}

// --- Labels --------------------------------------------------------------------------------

function known(prefix: string, code: string): string {
  const key = `${prefix}${code.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '').toLowerCase()}` as LazyKey;
  const s = t(key);
  return s === key ? code : s;
}
const lineName = (line: string) => known('sim_line_', line);
// The synthetic populations' currency, which the engine names in English; survey currencies
// (a code such as KHR) are shown as they are.
const currencyName = (c: string) => (c.startsWith('PPP$ 2011') ? t('sim_currency_ppp2011') : c);
const groupName = (g: string) => known('sim_group_', g);
const benchmarkName = (b: string) => known('sim_bench_', b);
const unitName = (u: string) => known('sim_unit_', u);
const methodName = (m: string) => known('sim_method_', m);
const typeName = (ty: string) => known('sim_type_', ty);

// Costs come in per cent of GDP or revenue (two decimals); poverty and coverage as shares (one);
// indices with a fixed number of decimals, so that a column's figures align.
const pctOf = (v: number | null | undefined, digits = 2) => pct(v, digits, digits);
const rate = (v: number | null | undefined) => share(v, 1, 1);
const fixed = (v: number | null | undefined, digits: number) => num(v, digits, digits);
// A change in a share, in percentage points.
const points = (d: number) => `${d > 0 ? '+' : d < 0 ? '−' : '±'}${fixed(Math.abs(d * 100), 1)}`;

// --- The page --------------------------------------------------------------------------------

export async function renderSimulator(ctx: Ctx): Promise<void> {
  const l = lang();
  const runId = ctx.params.get('run');
  const [cat, job] = await Promise.all([loadCatalogue(l), runId ? simulation(runId, l).catch((e: unknown) => e) : Promise.resolve(null)]);
  if (!ctx.isCurrent()) return;
  // SPOT's order: child, disability, old age, then the others.
  const rank = (sc: Scheme) => (TYPE_ORDER.includes(sc.type) ? TYPE_ORDER.indexOf(sc.type) : TYPE_ORDER.length);
  cat.schemes.sort((a, b) => rank(a.scheme) - rank(b.scheme) || a.scheme.name.localeCompare(b.scheme.name));
  const available = cat.economies.filter((e) => e.available !== false);
  if (job instanceof ApiError && job.status === 404) {
    ctx.main.replaceChildren(errorState(t('error_title'), t('sim_run_unknown', { id: runId ?? '' }), h('a', { href: `/simulator?lang=${l}` }, t('sim_new_run'))));
    return;
  }
  if (job instanceof Error) throw job;
  if (!cat.schemes.length) {
    ctx.main.replaceChildren(errorState(t('sim_title'), t('sim_no_schemes')));
    return;
  }
  const run = job as SimJob | null;
  if (run && (!form || form.runId !== run.id)) form = formFromRequest(cat, run.request, run.id);
  if (!form || !cat.economies.some((e) => e.iso3 === form!.economy)) form = defaultForm(cat, available.find((e) => e.iso3 === 'KHM') ?? available[0]);
  const state = form;

  const main = ctx.main;
  main.replaceChildren(...pageHeading(t('sim_title'), t('sim_lead')));
  const general = h('div', { class: 'sim-errors', 'data-testid': 'sim-errors' });
  const errors = new FieldErrors(general);
  const results = h('div', { class: 'sim-results', 'data-testid': 'sim-results' });
  main.append(
    h('p', { class: 'notice synthetic', 'data-testid': 'sim-synthetic-note' }, h('strong', {}, t('sim_synthetic_banner')), ' ', t('sim_synthetic_note')),
    setupSection(cat, state, errors),
    h('div', { class: 'grid sim-packages' }, state.packages.map((p, i) => packageSection(p, i, errors))),
    runSection(ctx, cat, state, errors, general),
    results,
  );
  if (ctx.user) void recentRuns(cat, runId).then((el) => el && ctx.isCurrent() && main.append(el));
  // Registers the schemes' error slots under their paths in the request as last sent.
  const register = () => void buildRequest(cat, state, errors);
  if (run) void followRun(ctx, run, results, errors, register).catch((e: unknown) => results.replaceChildren(h('p', { class: 'notice warn', role: 'alert' }, describeError(e))));
}

function economyYear(cat: Catalogue, state: FormState): number | undefined {
  return cat.economies.find((e) => e.iso3 === state.economy)?.year;
}

function setupSection(cat: Catalogue, state: FormState, errors: FieldErrors): HTMLElement {
  const c = new Intl.Collator(lang());
  const econs = cat.economies.slice().sort((a, b) => (a.available === false ? 1 : 0) - (b.available === false ? 1 : 0) || c.compare(a.name, b.name));
  const econ = select(
    econs.map((e) => ({ value: e.iso3, label: e.available === false ? t('sim_economy_unavailable', { name: e.name, missing: e.missing ?? '' }) : e.name })),
    state.economy,
    { id: 'sim-economy', 'data-testid': 'sim-economy' },
  );
  econs.forEach((e, i) => {
    if (e.available === false) (econ.options[i] as HTMLOptionElement).disabled = true;
  });
  const about = h('p', { class: 'hint', id: 'sim-economy-about', 'data-testid': 'sim-economy-about' });
  const describe = () => {
    const e = cat.economies.find((x) => x.iso3 === econ.value);
    about.replaceChildren(
      e && e.year ? t('sim_economy_about', { year: e.year, currency: currencyName(e.currency ?? '') }) : '',
      e?.fallback ? h('span', { class: 'badge fallback' }, t('sim_fallback')) : '',
    );
  };
  describe();
  econ.addEventListener('change', () => {
    state.economy = econ.value;
    describe();
  });
  const econField = field(t('sim_label_economy'), econ);
  econField.append(about, errors.tie('economy', econ));
  econ.setAttribute('aria-describedby', `sim-economy-about ${econ.getAttribute('aria-describedby')}`);
  const unavailable = cat.economies.filter((e) => e.available === false).length;

  const persons = h('input', { type: 'number', id: 'sim-persons', min: cat.limits.min_persons, max: cat.limits.max_persons, step: 1000, value: state.persons, 'data-testid': 'sim-persons' });
  persons.addEventListener('input', () => (state.persons = Number(persons.value)));
  const personsField = field(t('sim_label_persons'), persons, t('sim_persons_hint', { min: people(cat.limits.min_persons), max: people(cat.limits.max_persons) }));
  personsField.append(errors.tie('persons', persons));
  const seed = h('input', { type: 'number', id: 'sim-seed', min: 0, step: 1, value: state.seed, 'data-testid': 'sim-seed' });
  seed.addEventListener('input', () => (state.seed = Number(seed.value)));
  const seedField = field(t('sim_label_seed'), seed, t('sim_seed_hint'));
  seedField.append(errors.tie('seed', seed));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'sim-setup-title' },
    h('h2', { id: 'sim-setup-title' }, t('sim_setup_title')),
    h('div', { class: 'form-grid' }, econField),
    unavailable ? h('p', { class: 'hint' }, t('sim_unavailable_count', { n: unavailable })) : null,
    h('details', { class: 'advanced' }, h('summary', {}, t('sim_advanced')), h('div', { class: 'form-grid' }, personsField, seedField)),
  );
}

// A slider with a number box beside it (for exact values), both labelled and kept in step.
function slider(label: string, o: { min: number; max: number; step: number; value: number; testid: string; suffix?: string }, onChange: (v: number) => void): { el: HTMLElement; range: HTMLInputElement; setRange(min: number, max: number, step: number): void } {
  const id = uid('sl');
  const range = h('input', { type: 'range', id, min: o.min, max: o.max, step: o.step, value: o.value, 'data-testid': o.testid });
  const box = h('input', { type: 'number', min: o.min, step: 'any', value: o.value, 'aria-label': label, class: 'slider-box', 'data-testid': `${o.testid}-value` });
  range.addEventListener('input', () => {
    box.value = range.value;
    onChange(Number(range.value));
  });
  box.addEventListener('input', () => {
    if (box.value === '' || Number.isNaN(Number(box.value))) return;
    range.value = box.value;
    onChange(Number(box.value));
  });
  const el = h('div', { class: 'field slider' }, h('label', { for: id }, label), h('div', { class: 'slider-row' }, range, box, o.suffix ? h('span', { class: 'hint' }, o.suffix) : null));
  return {
    el,
    range,
    setRange(min, max, step) {
      range.min = String(min);
      range.max = String(max);
      range.step = String(step);
      box.min = String(min);
    },
  };
}

function amountRange(unit: string, value: number): [number, number, number] {
  if (unit === 'pct_gdp_per_capita') return [0, Math.max(50, value), 0.5];
  if (unit === 'pct_poverty_line') return [0, Math.max(300, value), 1];
  return [0, Math.max(1000, Math.ceil(value * 4)), 1];
}

function packageSection(p: PackageState, pi: number, errors: FieldErrors): HTMLElement {
  const letter = PACKAGE_LETTERS[pi];
  const name = h('input', { type: 'text', id: `sim-p${pi}-name`, value: p.name, maxlength: 80, 'data-testid': `sim-p${pi}-name` });
  name.addEventListener('input', () => (p.name = name.value));
  const nameField = field(t('sim_label_package_name'), name);
  nameField.append(errors.tie(`packages[${pi}].name`, name));
  const list = h('div', { class: 'scheme-list' });
  p.schemes.forEach((s) => list.append(schemeBlock(s, pi)));
  return h(
    'section',
    { class: 'card sim-package', 'aria-labelledby': `sim-p${pi}-title`, 'data-testid': `sim-package-${pi}` },
    h('h2', { id: `sim-p${pi}-title` }, t('sim_package_title', { letter })),
    nameField,
    h('p', { class: 'hint' }, t('sim_package_hint')),
    errors.slot(`packages[${pi}]`),
    list,
  );
}

// The variables a scheme needs that synthetic populations do not have (docs/simulator.md): a
// run with it stops with an error naming them.
function missingFromSynthetic(sc: Scheme): string[] {
  const el = sc.eligibility ?? {};
  const out: string[] = [];
  if (sc.type === 'unemployment') out.push('labour_status');
  if (el.pension_test === true) out.push('contributory_pension');
  if (sc.targeting?.method === 'pmt' && sc.targeting.cutoff !== undefined) out.push('pmt_score');
  if (el.area !== undefined && el.area !== 'any') out.push('area');
  if (Array.isArray(el.regions) && el.regions.length) out.push('region');
  return out;
}

function schemeBlock(s: SchemeState, pi: number): HTMLElement {
  const key = `p${pi}-${s.base.id}`;
  const missing = missingFromSynthetic(s.base);
  const note = missing.length ? h('p', { class: 'hint warn', id: `sim-${key}-note`, 'data-testid': `sim-${key}-note` }, t('sim_needs_survey', { vars: missing.join(', ') })) : null;
  const include = h('input', { type: 'checkbox', id: `sim-${key}-include`, checked: s.include, 'data-testid': `sim-${key}-include`, 'aria-describedby': note ? note.id : null });
  const body = h('div', { class: 'scheme-body', hidden: !s.include });
  include.addEventListener('change', () => {
    s.include = include.checked;
    body.hidden = !s.include;
  });

  const ageMin = h('input', { type: 'number', min: 0, max: 120, value: s.ageMin, 'data-testid': `sim-${key}-age-min` });
  const ageMax = h('input', { type: 'number', min: 0, max: 120, value: s.ageMax, 'data-testid': `sim-${key}-age-max` });
  ageMin.addEventListener('input', () => (s.ageMin = Number(ageMin.value)));
  ageMax.addEventListener('input', () => (s.ageMax = Number(ageMax.value)));

  const unit = select(
    UNITS.map((u) => ({ value: u, label: unitName(u) })),
    s.unit,
    { 'data-testid': `sim-${key}-unit` },
  );
  const period = s.base.benefit.amount.period === 'month' ? t('sim_per_month') : t('sim_per_year');
  const [lo, hi, step] = amountRange(s.unit, s.amount);
  const amount = slider(t('sim_label_amount'), { min: lo, max: hi, step, value: s.amount, testid: `sim-${key}-amount`, suffix: period }, (v) => (s.amount = v));
  unit.addEventListener('change', () => {
    s.unit = unit.value;
    amount.setRange(...amountRange(s.unit, s.amount));
  });

  const method = select(
    METHODS.map((m) => ({ value: m, label: methodName(m) })),
    s.method,
    { 'data-testid': `sim-${key}-method` },
  );
  const shareS = slider(t('sim_label_share'), { min: 0.05, max: 1, step: 0.05, value: s.share, testid: `sim-${key}-share` }, (v) => (s.share = v));
  const thresholdS = slider(t('sim_label_threshold'), { min: 0, max: 400, step: 5, value: s.threshold, testid: `sim-${key}-threshold`, suffix: t('sim_unit_pct_poverty_line') }, (v) => (s.threshold = v));
  const showTargeting = () => {
    shareS.el.hidden = !(s.method === 'quantile' || s.method === 'pmt');
    thresholdS.el.hidden = s.method !== 'means_test';
  };
  method.addEventListener('change', () => {
    s.method = method.value;
    showTargeting();
  });
  showTargeting();
  const takeUp = slider(t('sim_label_take_up'), { min: 0, max: 1, step: 0.05, value: s.takeUp, testid: `sim-${key}-take-up` }, (v) => (s.takeUp = v));
  const admin = slider(t('sim_label_admin'), { min: 0, max: 30, step: 0.5, value: s.admin, testid: `sim-${key}-admin` }, (v) => (s.admin = v));

  // Error slots: the path of this scheme in the request is fixed when it is sent (see `send`).
  const slot = h('p', { class: 'field-error', 'data-scheme-error': key });
  const fieldSlots: Record<string, HTMLElement> = {};
  for (const [sub, ctl] of [
    ['eligibility', ageMin],
    ['benefit', amount.range],
    ['targeting', method],
    ['take_up', takeUp.range],
    ['admin_cost_pct', admin.range],
  ] as const) {
    fieldSlots[sub] = h('p', { class: 'field-error', id: uid('err') });
    ctl.setAttribute('aria-describedby', fieldSlots[sub].id);
  }
  schemeSlots.set(s, { slot, fields: fieldSlots });

  body.append(
    h('p', { class: 'hint' }, typeName(s.base.type), s.base.references?.length ? ` · ${s.base.references[0]}` : ''),
    h('div', { class: 'form-grid' }, field(t('sim_label_age_min'), ageMin), field(t('sim_label_age_max'), ageMax)),
    fieldSlots.eligibility,
    h('div', { class: 'form-grid' }, field(t('sim_label_unit'), unit), amount.el),
    fieldSlots.benefit,
    h('div', { class: 'form-grid' }, field(t('sim_label_method'), method), shareS.el, thresholdS.el),
    fieldSlots.targeting,
    h('div', { class: 'form-grid' }, takeUp.el, admin.el),
    fieldSlots.take_up,
    fieldSlots.admin_cost_pct,
  );
  return h(
    'div',
    { class: 'scheme', 'data-testid': `sim-${key}` },
    h('div', { class: 'check scheme-head' }, include, h('label', { for: include.id }, s.base.name)),
    note,
    slot,
    body,
  );
}

// The error elements of each scheme block, registered under the scheme's path when sent.
const schemeSlots = new WeakMap<SchemeState, { slot: HTMLElement; fields: Record<string, HTMLElement> }>();

function buildRequest(cat: Catalogue, state: FormState, errors: FieldErrors): SimRequest {
  const year = economyYear(cat, state);
  return {
    economy: state.economy,
    persons: state.persons,
    seed: state.seed,
    year: null,
    packages: state.packages.map((p, pi) => {
      const included = p.schemes.filter((s) => s.include);
      included.forEach((s, j) => {
        const slots = schemeSlots.get(s);
        if (!slots) return;
        errors.adopt(`packages[${pi}].schemes[${j}]`, slots.slot);
        for (const [sub, el] of Object.entries(slots.fields)) errors.adopt(`packages[${pi}].schemes[${j}].${sub}`, el);
      });
      return { name: p.name.trim() || t('sim_package_name', { letter: PACKAGE_LETTERS[pi] }), schemes: included.map((s) => schemeObject(s, year)) };
    }),
  };
}

function runSection(ctx: Ctx, cat: Catalogue, state: FormState, errors: FieldErrors, general: HTMLElement): HTMLElement {
  const btn = h('button', { type: 'button', class: 'run', 'data-testid': 'sim-run' }, t('sim_run'));
  const msg = h('p', { class: 'form-message', role: 'status', 'aria-live': 'polite' });
  btn.addEventListener('click', async () => {
    errors.clear();
    msg.textContent = '';
    const body = buildRequest(cat, state, errors);
    const empty = body.packages.findIndex((p) => p.schemes.length === 0);
    if (empty >= 0) {
      errors.show([{ path: `packages[${empty}]`, message: t('sim_package_empty') }]);
      return;
    }
    btn.disabled = true;
    msg.textContent = t('sim_starting');
    try {
      const r = await startSimulation(body, lang());
      state.runId = r.id;
      justStarted = r.id;
      ctx.setParams({ run: r.id });
    } catch (e) {
      btn.disabled = false;
      msg.textContent = '';
      if (e instanceof ApiError && e.status === 503) errors.show([{ path: '', message: t('sim_busy') }]);
      else if (e instanceof ApiError && [400, 403, 413, 422, 429].includes(e.status)) errors.show(apiMessages(e));
      else errors.show([{ path: '', message: describeError(e) }]);
    }
  });
  return h('div', { class: 'sim-run' }, general, h('div', { class: 'form-row' }, btn, msg));
}

// The signed-in user's last runs, each a link to its results.
const RECENT_RUNS = 10;
async function recentRuns(cat: Catalogue, current: string | null): Promise<HTMLElement | null> {
  let runs;
  try {
    runs = await simulationRuns(RECENT_RUNS);
  } catch {
    return null; // the list is a convenience: the page works without it
  }
  if (!runs.length) return null;
  const name = (iso3: string) => cat.economies.find((e) => e.iso3 === iso3)?.name ?? iso3;
  return h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'sim-runs-title', 'data-testid': 'sim-runs' },
    h('h2', { id: 'sim-runs-title' }, t('sim_runs_title')),
    table(
      t('sim_runs_title'),
      [t('sim_col_started'), t('sim_label_economy'), t('sim_col_packages'), t('sim_col_status')],
      runs.map((r) => [
        r.id === current ? h('span', { 'aria-current': 'true' }, dateTime(r.created)) : h('a', { href: `/simulator?run=${encodeURIComponent(r.id)}&lang=${lang()}` }, dateTime(r.created)),
        `${name(r.economy)} · ${people(r.persons)}`,
        r.packages.join(' · '),
        t(`sim_status_${r.status}`),
      ]),
      { hideCaption: true },
    ),
  );
}

// --- Progress and results ----------------------------------------------------------------------

async function followRun(ctx: Ctx, first: SimJob, box: HTMLElement, errors: FieldErrors, register: () => void): Promise<void> {
  const bar = h('progress', { max: 1, value: 0, 'data-testid': 'sim-progress', 'aria-labelledby': 'sim-progress-label' });
  const label = h('span', { id: 'sim-progress-label' });
  const progressBox = h('div', { class: 'card wide sim-progress', role: 'status' }, label, bar);
  let job = first;
  for (;;) {
    if (!ctx.isCurrent()) return;
    if (job.status === 'done' && job.result) {
      box.replaceChildren(results(job, job.result));
      drawPendingCharts();
      if (justStarted === job.id) {
        justStarted = null;
        box.querySelector<HTMLElement>('#sim-summary-title')?.focus();
      }
      return;
    }
    if (job.status === 'failed') {
      const m = job.error ? splitApiMessage(job.error.message) : { path: '', message: t('sim_failed_unknown') };
      box.replaceChildren(h('div', { class: 'notice warn', role: 'alert', 'data-testid': 'sim-failed' }, h('strong', {}, t('sim_failed')), ' ', job.error?.message ?? m.message));
      if (m.path) {
        register();
        errors.show([m]);
      }
      return;
    }
    const p = job.progress;
    bar.max = p && p.total > 0 ? p.total : 1;
    bar.value = p ? p.done : 0;
    label.textContent = job.status === 'queued' ? t('sim_queued') : t('sim_running', { done: p?.done ?? 0, total: p?.total ?? '…' });
    if (!box.contains(progressBox)) box.replaceChildren(progressBox);
    await new Promise((r) => setTimeout(r, POLL_MS));
    if (!ctx.isCurrent()) return;
    job = await simulation(job.id, lang());
  }
}

// Baseline and each package: one column each.
function results(job: SimJob, r: SimResult): HTMLElement {
  const cols = [r.baseline, ...r.scenarios];
  const colNames = [t('sim_baseline'), ...r.scenarios.map((s, i) => `${PACKAGE_LETTERS[i] ?? i + 1}: ${s.name}`)];
  const head = [t('sim_col_indicator'), ...colNames];
  const numeric = cols.map((_, i) => i + 1);
  const lines = r.baseline.poverty.map((p) => p.line);
  const cell = (k: number, testid: string, text: string, delta?: string) => h('span', {}, h('span', { 'data-testid': `${testid}-${k}` }, text), delta ? h('span', { class: 'delta' }, ` (${delta})`) : null);
  const row = (label: string, testid: string, value: (s: Scenario, k: number) => string, delta?: (s: Scenario) => string | undefined) => [label, ...cols.map((s, k) => cell(k, testid, value(s, k), k > 0 && delta ? delta(s) : undefined))];
  const pov = (s: Scenario, line: string) => s.poverty.find((p) => p.line === line);
  const currency = currencyName(r.currency);
  const lastYear = (s: Scenario) => s.projection[s.projection.length - 1];
  const rows = [
    ...lines.map((line) =>
      row(
        t('sim_row_headcount', { line: lineName(line) }),
        `sim-headcount-${line}`,
        (s) => rate(pov(s, line)?.headcount),
        (s) => t('sim_points', { d: points((pov(s, line)?.headcount ?? 0) - (pov(r.baseline, line)?.headcount ?? 0)) }),
      ),
    ),
    ...lines.map((line) => row(t('sim_row_gap', { line: lineName(line) }), `sim-gap-${line}`, (s) => rate(pov(s, line)?.gap))),
    row(t('sim_row_cost_gdp'), 'sim-cost-gdp', (s, k) => (k ? pctOf(s.cost.pct_gdp) : '–')),
    row(t('sim_row_cost_revenue'), 'sim-cost-revenue', (s, k) => (k ? pctOf(s.cost.pct_revenue) : '–')),
    row(t('sim_row_cost_total', { currency }), 'sim-cost-total', (s, k) => (k ? num(s.cost.total) : '–')),
    row(t('sim_row_cost_usd'), 'sim-cost-usd', (s, k) => (k && s.cost.usd !== null ? num(s.cost.usd) : '–')),
    row(t('sim_row_cost_2030'), 'sim-cost-2030', (s, k) => (k && lastYear(s) ? `${pctOf(lastYear(s).pct_gdp)} (${lastYear(s).year})` : '–')),
    row(t('sim_row_recipients'), 'sim-recipients', (s, k) => (k ? people(s.recipients) : '–')),
    row(t('sim_row_indirect'), 'sim-indirect', (s, k) => (k ? people(s.indirect_beneficiaries) : '–')),
    row(t('sim_row_mean'), 'sim-mean', (s) => fixed(s.inequality.mean, 1)),
    row(t('sim_row_gini'), 'sim-gini', (s) => fixed(s.inequality.gini, 4)),
    row(t('sim_row_palma'), 'sim-palma', (s) => fixed(s.inequality.palma, 3)),
    row(t('sim_row_s80s20'), 'sim-s80s20', (s) => fixed(s.inequality.s80s20, 3)),
    row(t('sim_row_rmpg'), 'sim-rmpg', (s) => rate(s.inequality.rmpg)),
    row(t('sim_row_cbr', { line: lineName(lines[0] ?? '') }), 'sim-cbr', (s, k) => (k ? fixed(pov(s, lines[0])?.cost_benefit_ratio, 3) : '–')),
  ];

  const out = h('div', { 'data-testid': 'sim-done', 'data-run': job.id });
  if (r.synthetic) {
    out.append(
      h(
        'section',
        { class: 'notice synthetic', 'data-testid': 'sim-synthetic' },
        h('strong', {}, t('sim_synthetic_banner')),
        ' ',
        t('sim_synthetic_result', { economy: r.economy, year: r.year, persons: people(job.request.persons), population: compactPeople(r.population), currency }),
        h('details', {}, h('summary', {}, t('sim_assumptions', { n: r.assumptions.length })), h('ul', { 'data-testid': 'sim-assumptions' }, r.assumptions.map((a) => h('li', {}, a)))),
      ),
    );
  }
  if (r.warnings.length) out.append(h('div', { class: 'notice warn' }, h('strong', {}, t('sim_warnings')), h('ul', {}, r.warnings.map((w) => h('li', {}, w)))));
  out.append(
    h(
      'section',
      { class: 'card wide', 'aria-labelledby': 'sim-summary-title' },
      h('h2', { id: 'sim-summary-title', tabindex: -1 }, t('sim_results_title')),
      h('p', { class: 'hint' }, t('sim_results_lead', { line: num(r.international_line, 1), national: r.national_line === null ? '–' : num(r.national_line, 1), currency })),
      table(t('sim_results_title'), head, rows, { numeric, className: 'sim-summary', hideCaption: true }),
    ),
  );
  out.append(h('div', { class: 'grid' }, povertyChart(r, colNames), projectionChart(r), decileChart(r, 'change_pct'), decileChart(r, 'benefit_share'), coverageChart(r)));
  out.append(schemesSection(r), reproduceSection(job, r));
  return out;
}

// A chart of the packages (and the baseline) in a card, with its table: categories along one
// axis, one series a column of `cols`; `fmt` formats a plotted value for the axis, the tooltip
// and the table.
interface ChartSpec {
  title: string;
  testid: string;
  kind: 'bar' | 'line';
  catHead: string; // the table's first column: what the categories are
  categories: string[];
  series: { name: string; data: (number | null)[] }[];
  fmt: (v: number) => string;
  horizontal?: boolean;
  wide?: boolean;
  table?: { head: string[]; rows: string[][] }; // else one column per series
  colors?: string[]; // else the palette: package A, B... keep their colours from chart to chart
}

// Charts are drawn once their element is in the page (ECharts takes the size it has then).
const pendingCharts: (() => void)[] = [];
function drawPendingCharts(): void {
  pendingCharts.splice(0).forEach((draw) => draw());
}

function chartCard(c: ChartSpec): HTMLElement {
  const el = h('div', { class: c.horizontal ? 'chart tall' : 'chart', 'data-testid': c.testid });
  // Every bar's category named, long names broken over lines (a line's years are thinned).
  const cats = { type: 'category', data: c.categories, inverse: !!c.horizontal, axisLabel: { interval: c.kind === 'bar' ? 0 : 'auto', width: c.horizontal ? 160 : 110, overflow: 'break' } };
  const values = { type: 'value', axisLabel: { formatter: (v: number) => c.fmt(v) } };
  pendingCharts.push(() => chart(
    el,
    {
      legend: { top: 0, type: 'scroll' },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: c.horizontal ? values : cats,
      yAxis: c.horizontal ? cats : values,
      tooltip: { trigger: 'item', formatter: (p: { seriesName: string; name: string; value: number }) => `${p.seriesName}\n${p.name}: ${c.fmt(p.value)}` },
      series: c.series.map((x) => ({ name: x.name, type: c.kind, symbolSize: 6, data: x.data })),
      ...(c.colors ? { color: c.colors } : {}),
    },
    c.title,
  ));
  const tbl = c.table ?? { head: [c.catHead, ...c.series.map((x) => x.name)], rows: c.categories.map((cat, i) => [cat, ...c.series.map((x) => (x.data[i] === null ? '–' : c.fmt(x.data[i]!)))]) };
  return h(
    'section',
    { class: c.wide ? 'card wide' : 'card' },
    chartWithTable(c.title, el, table(c.title, tbl.head, tbl.rows, { numeric: tbl.head.slice(1).map((_, i) => i + 1) }), t('show_table')),
  );
}

function packageNames(r: SimResult): string[] {
  return r.scenarios.map((s, i) => `${PACKAGE_LETTERS[i] ?? i + 1}: ${s.name}`);
}

function povertyChart(r: SimResult, colNames: string[]): HTMLElement {
  const lines = r.baseline.poverty.filter((p) => p.line !== 'relative_anchored').map((p) => p.line);
  const value = (s: Scenario, line: string) => s.poverty.find((p) => p.line === line)?.headcount ?? null;
  return chartCard({
    title: t('sim_chart_poverty'),
    testid: 'sim-poverty-chart',
    kind: 'bar',
    catHead: t('sim_col_line'),
    categories: lines.map(lineName),
    series: [r.baseline, ...r.scenarios].map((s, k) => ({ name: colNames[k], data: lines.map((line) => value(s, line)) })),
    fmt: (v) => rate(v),
    // The baseline in dark grey; the packages in the colours the other charts give them.
    colors: [PALETTE[PALETTE.length - 1], ...PALETTE],
  });
}

function projectionChart(r: SimResult): HTMLElement {
  const names = packageNames(r);
  const years = [...new Set(r.scenarios.flatMap((s) => s.projection.map((p) => p.year)))].sort((a, b) => a - b);
  const at = (s: Scenario, y: number) => s.projection.find((p) => p.year === y);
  return chartCard({
    title: t('sim_chart_projection'),
    testid: 'sim-projection-chart',
    kind: 'line',
    catHead: t('col_year'),
    categories: years.map(String),
    series: r.scenarios.map((s, i) => ({ name: names[i], data: years.map((y) => at(s, y)?.pct_gdp ?? null) })),
    fmt: (v) => pctOf(v),
    table: {
      head: [t('col_year'), ...names.flatMap((n) => [`${n} · ${t('sim_pct_gdp')}`, `${n} · ${currencyName(r.currency)}`])],
      rows: years.map((y) => [String(y), ...r.scenarios.flatMap((s) => [pctOf(at(s, y)?.pct_gdp), at(s, y) ? num(at(s, y)!.cost) : '–'])]),
    },
  });
}

function decileChart(r: SimResult, what: 'change_pct' | 'benefit_share'): HTMLElement {
  const deciles = r.baseline.deciles.map((d) => d.decile);
  return chartCard({
    title: what === 'change_pct' ? t('sim_chart_deciles') : t('sim_chart_incidence'),
    testid: `sim-${what}-chart`,
    kind: 'bar',
    catHead: t('sim_col_decile'),
    categories: deciles.map((d) => t('sim_decile', { d })),
    series: r.scenarios.map((s, i) => ({ name: packageNames(r)[i], data: deciles.map((_, k) => s.deciles[k]?.[what] ?? null) })),
    fmt: what === 'change_pct' ? (v) => pctOf(v, 1) : (v) => rate(v),
  });
}

function coverageChart(r: SimResult): HTMLElement {
  const names = packageNames(r);
  const groups = r.baseline.groups.filter((g) => g.dimension === 'target_group').map((g) => g.group);
  const find = (s: Scenario, g: string) => s.groups.find((x) => x.dimension === 'target_group' && x.group === g);
  return chartCard({
    title: t('sim_chart_coverage'),
    testid: 'sim-coverage-chart',
    kind: 'bar',
    horizontal: true,
    wide: true,
    catHead: t('sim_col_group'),
    categories: groups.map(groupName),
    series: r.scenarios.map((s, i) => ({ name: names[i], data: groups.map((g) => find(s, g)?.direct ?? null) })),
    fmt: (v) => rate(v),
    table: {
      head: [t('sim_col_group'), ...names.flatMap((n) => [`${n} · ${t('sim_direct')}`, `${n} · ${t('sim_indirect')}`])],
      rows: groups.map((g) => [groupName(g), ...r.scenarios.flatMap((s) => [rate(find(s, g)?.direct), rate(find(s, g)?.indirect)])]),
    },
  });
}

function schemesSection(r: SimResult): HTMLElement {
  const names = packageNames(r);
  return h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'sim-schemes-title' },
    h('h2', { id: 'sim-schemes-title' }, t('sim_schemes_title')),
    r.scenarios.map((s, i) =>
      h(
        'div',
        { class: 'sim-scheme-results', 'data-testid': `sim-schemes-${i}` },
        table(
          names[i],
          [t('sim_col_scheme'), t('sim_col_amount', { currency: currencyName(r.currency) }), t('sim_col_recipients'), t('sim_col_coverage'), t('sim_pct_gdp'), t('sim_col_exclusion'), t('sim_col_inclusion')],
          s.schemes.map((sc) => [
            `${sc.name} (${methodName(sc.targeting)})`,
            num(sc.amount_per_year, 1),
            people(sc.recipients),
            rate(sc.coverage_of_category),
            pctOf(sc.cost.pct_gdp),
            rate(sc.errors.exclusion_error),
            rate(sc.errors.inclusion_error),
          ]),
          { numeric: [1, 2, 3, 4, 5, 6] },
        ),
        table(
          t('sim_targeting_caption', { name: names[i] }),
          [t('sim_col_benchmark'), t('sim_col_exclusion'), t('sim_col_inclusion')],
          s.targeting.map((e) => [benchmarkName(e.benchmark), rate(e.exclusion_error), rate(e.inclusion_error)]),
          { numeric: [1, 2] },
        ),
      ),
    ),
  );
}

function reproduceSection(job: SimJob, r: SimResult): HTMLElement {
  const m = r.manifest;
  const files = job.request.packages.map((_, i) => `package-${i + 1}.yaml`);
  const command = `spcoop simulate --synthetic ${job.request.economy} --persons ${job.request.persons} --seed ${job.request.seed} ${files.join(' ')} --json`;
  const facts: [string, string, string][] = [
    ['engine', t('sim_manifest_engine'), m.engine_version],
    ['source', t('sim_manifest_source'), m.data_source],
    ['hash', t('sim_manifest_hash'), m.data_hash],
    ['seed', t('sim_manifest_seed'), String(m.seed)],
    ['year', t('sim_manifest_year'), String(m.year)],
    ['persons', t('sim_manifest_persons'), people(job.request.persons)],
  ];
  // Each package file with its SHA-256, as the job's manifest names them.
  const hashOf = (i: number) => job.manifest?.packages?.[i]?.sha256;
  const packages = h(
    'ul',
    { class: 'plain' },
    files.map((f, i) =>
      h(
        'li',
        {},
        h('a', { href: packageYamlUrl(job.id, i + 1), download: f, 'data-testid': `sim-yaml-${i + 1}` }, t('sim_download_package', { letter: PACKAGE_LETTERS[i] ?? i + 1, file: f })),
        hashOf(i) ? [' ', h('code', { 'data-testid': `sim-yaml-${i + 1}-sha256` }, hashOf(i)!)] : null,
      ),
    ),
  );
  return h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'sim-repro-title', 'data-testid': 'sim-reproduce' },
    h('h2', { id: 'sim-repro-title' }, t('sim_reproduce_title')),
    h('p', { class: 'hint' }, t('sim_reproduce_lead')),
    h('dl', { class: 'facts' }, facts.map(([id, k, v]) => [h('dt', {}, k), h('dd', { 'data-testid': `sim-manifest-${id}` }, v)]), h('dt', {}, t('sim_manifest_rules')), h('dd', {}, packages)),
    h('p', {}, t('sim_reproduce_command')),
    h('pre', { class: 'command', tabindex: 0, 'data-testid': 'sim-command' }, h('code', {}, command)),
    h('p', { class: 'hint' }, t('sim_run_link'), ' ', h('a', { href: `/simulator?run=${encodeURIComponent(job.id)}&lang=${lang()}`, 'data-testid': 'sim-run-link' }, job.id)),
  );
}
