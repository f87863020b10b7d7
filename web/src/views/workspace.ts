// The focal point's workspace for one economy: upload a data file (checked first, stored only
// when clean), edit observations with a reason, set targets with a live preview of the status
// they would give, and submit the change set for review.
import { ApiError, economies as loadEconomies, get, request, seriesList, type Assessment, type ChangeSet, type ErrorDetail, type ImportResult, type Series } from '../api';
import { append, field, h, select, table } from '../dom';
import { dateTime, lang, LANGS, natureName, num, pct, sexName, t } from '../i18n';
import type { Ctx } from '../main';
import { describeError } from '../main';
import { economyOptions, emptyState, errorState, languageName, MEASURES, measureTitle, nationalReportLinks, reasonText, REPORT_PERIOD, STAGES, stageLabel, statusBadge } from './common';
import { changesTable, changeSetState } from './review';
import { drawSeries, projectedPath, requiredPath } from './profile';
import { disposeCharts } from '../charts';

export function signInPrompt(): HTMLElement {
  const next = window.location.pathname + window.location.search;
  return errorState(t('signin_needed_title'), t('signin_needed_body'), h('a', { class: 'button', href: `/login?next=${encodeURIComponent(next)}&lang=${lang()}` }, t('sign_in')));
}

export async function renderWorkspace(ctx: Ctx): Promise<void> {
  const l = lang();
  const user = ctx.user;
  if (!user) {
    ctx.main.replaceChildren(signInPrompt());
    return;
  }
  const [econs, series] = await Promise.all([loadEconomies(l), seriesList(l)]);
  const iso3 = (ctx.path[1] ?? (user.role === 'focal_point' ? user.economy : '')).toUpperCase();
  if (!iso3) {
    const sel = select(economyOptions(econs), 'KHM', { id: 'ws-economy' });
    const go = h('button', { type: 'button', onclick: () => ctx.navigate(`/workspace/${sel.value}`) }, t('open'));
    ctx.main.replaceChildren(h('h1', {}, t('workspace_title_any')), h('div', { class: 'filters' }, field(t('label_economy'), sel), go));
    return;
  }
  const economy = econs.find((e) => e.iso3 === iso3);
  if (!economy) {
    ctx.main.replaceChildren(errorState(t('error_title'), t('economy_unknown', { code: iso3 })));
    return;
  }
  if (user.role === 'focal_point' && user.economy !== iso3) {
    const own = econs.find((e) => e.iso3 === user.economy);
    ctx.main.replaceChildren(
      errorState(t('forbidden_title'), t('forbidden_other_economy', { economy: economy.name, own: own?.name ?? user.economy }), h('a', { href: `/workspace/${user.economy}?lang=${l}` }, t('workspace_go_own'))),
    );
    return;
  }
  let ws: { economy: string; changeset: ChangeSet | null };
  try {
    ws = await get<{ economy: string; changeset: ChangeSet | null }>(`/economies/${iso3}/workspace`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      ctx.main.replaceChildren(errorState(t('forbidden_title'), t('error_403')));
      return;
    }
    if (e instanceof ApiError && e.status === 401) {
      ctx.main.replaceChildren(signInPrompt());
      return;
    }
    throw e;
  }
  if (!ctx.isCurrent()) return;
  const cs = ws.changeset;
  const editable = !cs || cs.state === 'draft' || cs.state === 'returned' || cs.state === 'published';
  const reload = () => ctx.setParams({}, false);

  const main = ctx.main;
  main.replaceChildren(h('h1', { 'data-testid': 'workspace-title' }, t('workspace_title', { economy: economy.name })), h('p', { class: 'lead' }, t('workspace_lead')), nationalReportLinks(iso3));

  // Review state and submission.
  const stateSection = h('section', { class: 'card wide', 'aria-labelledby': 'cs-title', 'data-testid': 'changeset' }, h('h2', { id: 'cs-title' }, t('changeset_title')));
  if (!cs) stateSection.append(emptyState(t('changeset_none')));
  else {
    append(stateSection, [
      h('p', {}, changeSetState(cs.state), ' ', t('changeset_counts', { obs: cs.counts.observation, targets: cs.counts.target, narratives: cs.counts.narrative })),
      cs.events.length
        ? h(
            'ol',
            { class: 'events' },
            cs.events.map((ev) => h('li', {}, changeSetState(ev.state as ChangeSet['state']), ` ${ev.actor} · ${dateTime(ev.at)}`, ev.comment ? h('q', {}, ev.comment) : null)),
          )
        : null,
      cs.changes && cs.changes.length ? changesTable(cs.changes, series) : null,
    ]);
    const total = cs.counts.observation + cs.counts.target + cs.counts.narrative;
    if ((cs.state === 'draft' || cs.state === 'returned') && total > 0 && user.role === 'focal_point') {
      const comment = h('textarea', { rows: 2 });
      const msg = h('p', { class: 'form-message', role: 'status', 'aria-live': 'polite' });
      const btn = h('button', { type: 'button', 'data-testid': 'submit-review' }, t('submit_for_review'));
      btn.addEventListener('click', async () => {
        btn.disabled = true;
        try {
          await request('POST', `/changesets/${cs.id}/submit`, { json: { comment: comment.value } });
          reload();
        } catch (e) {
          btn.disabled = false;
          msg.textContent = describeError(e);
        }
      });
      stateSection.append(h('div', { class: 'form-row' }, field(t('label_comment'), comment), btn), msg);
    }
  }
  main.append(stateSection);
  if (!editable) {
    main.append(h('p', { class: 'notice' }, t('workspace_locked')));
    return;
  }

  main.append(uploadSection(iso3, reload), targetSection(iso3, series, reload), editSection(iso3, series, reload), narrativeSection(iso3, cs, reload));
}

// --- Upload --------------------------------------------------------------------------------

// The field a detail path names: "file.csv:3:value" -> {line: 3, field: "value"}.
export function parseDetailPath(path: string): { line: number | null; field: string } {
  const parts = path.split(':');
  if (parts.length >= 3 && /^\d+$/.test(parts[parts.length - 2])) return { line: Number(parts[parts.length - 2]), field: parts[parts.length - 1] };
  if (parts.length >= 2 && /^\d+$/.test(parts[parts.length - 1])) return { line: Number(parts[parts.length - 1]), field: '' };
  return { line: null, field: parts.length > 1 ? parts[parts.length - 1] : '' };
}

const FIELD_HELP: Record<string, Parameters<typeof t>[0]> = {
  value: 'fix_value',
  year: 'fix_year',
  series: 'fix_series',
  economy: 'fix_economy',
  sex: 'fix_sex',
  age: 'fix_age',
  quantile: 'fix_quantile',
  unit: 'fix_unit',
  nature: 'fix_nature',
};

function uploadSection(iso3: string, reload: () => void): HTMLElement {
  const file = h('input', { type: 'file', accept: '.csv,text/csv', 'data-testid': 'upload-file' });
  const format = select(
    [
      { value: 'tidy-csv', label: t('format_tidy') },
      { value: 'sdg-csv', label: t('format_sdg') },
      { value: 'ilostat-csv', label: t('format_ilostat') },
    ],
    'tidy-csv',
  );
  const reason = h('input', { type: 'text', required: true, 'data-testid': 'upload-reason' });
  const check = h('button', { type: 'button', 'data-testid': 'upload-check' }, t('upload_check'));
  const store = h('button', { type: 'button', disabled: true, 'data-testid': 'upload-store' }, t('upload_store'));
  const report = h('div', { class: 'report', 'aria-live': 'polite', 'data-testid': 'upload-report' });
  let clean: string | null = null;

  const send = async (dryRun: boolean) => {
    const f = file.files?.[0];
    if (!f) {
      report.replaceChildren(h('p', { class: 'notice warn', role: 'alert' }, t('upload_no_file')));
      return;
    }
    if (!reason.value.trim()) {
      report.replaceChildren(h('p', { class: 'notice warn', role: 'alert' }, t('reason_required')));
      reason.focus();
      return;
    }
    const text = await f.text();
    if (!dryRun && clean !== text) return;
    check.disabled = true;
    store.disabled = true;
    report.replaceChildren(h('p', { role: 'status' }, t('upload_checking')));
    try {
      const r = await sendImport(iso3, { format: format.value, dry_run: dryRun ? 'true' : 'false', reason: reason.value.trim(), file_name: f.name }, text);
      if (dryRun) {
        clean = text;
        store.disabled = false;
        report.replaceChildren(h('p', { class: 'notice ok', role: 'status', 'data-testid': 'upload-clean' }, t('upload_clean', { rows: num(r.rows), added: num(r.added), changed: num(r.changed), unchanged: num(r.unchanged) })));
      } else {
        report.replaceChildren(h('p', { class: 'notice ok', role: 'status' }, t('upload_stored', { added: num(r.added), changed: num(r.changed) })));
        setTimeout(reload, 600);
      }
    } catch (e) {
      clean = null;
      if (e instanceof ApiError && e.status === 422) report.replaceChildren(validationReport(f.name, e.details, serverSpeaks === true, csvHeader(text)));
      else report.replaceChildren(h('p', { class: 'notice warn', role: 'alert' }, describeError(e)));
    } finally {
      check.disabled = false;
    }
  };
  check.addEventListener('click', () => void send(true));
  store.addEventListener('click', () => void send(false));
  file.addEventListener('change', () => {
    clean = null;
    store.disabled = true;
    report.replaceChildren();
  });
  return h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'up-title' },
    h('h2', { id: 'up-title' }, t('upload_title')),
    h('p', { class: 'hint' }, t('upload_lead')),
    h('div', { class: 'form-grid' }, field(t('label_file'), file), field(t('label_format'), format), field(t('label_reason'), reason, t('reason_hint'))),
    h('div', { class: 'form-row' }, check, store),
    report,
  );
}

// Whether the server writes validation messages in the language asked with `lang=` (null: not
// known yet). A server that does not take `lang` refuses it with 400 on `query.lang`; the app
// then asks without it and explains each problem itself from the column it names.
let serverSpeaks: boolean | null = null;

async function sendImport(iso3: string, query: Record<string, string>, text: string): Promise<ImportResult> {
  const send = (withLang: boolean) =>
    request<ImportResult>('POST', `/economies/${iso3}/imports`, { query: withLang ? { ...query, lang: lang() } : query, body: text, contentType: 'text/csv' });
  if (serverSpeaks === false) return send(false);
  try {
    const r = await send(true);
    serverSpeaks = true;
    return r;
  } catch (e) {
    if (e instanceof ApiError && e.status === 400 && e.details.some((d) => d.path === 'query.lang')) {
      serverSpeaks = false;
      return send(false);
    }
    if (e instanceof ApiError && e.status === 422) serverSpeaks = true;
    throw e;
  }
}

// The column names of a CSV file's first line (quotes removed; [] when it is not text).
export function csvHeader(text: string): string[] {
  const first = text.slice(0, text.search(/\r?\n|$/));
  if (first.includes('\u0000')) return [];
  const names: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < first.length; i += 1) {
    const c = first[i];
    if (quoted) {
      if (c === '"' && first[i + 1] === '"') {
        cur += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      names.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  names.push(cur.trim());
  return names.map((n) => n.replace(/^\uFEFF/, ''));
}

// The problems of a refused file, one row each. When the server wrote them in the page's
// language they are shown as they are; otherwise each gets the app's explanation for its column,
// with the server's English sentence beneath.
export function validationReport(fileName: string, details: ErrorDetail[], localized: boolean, columns: string[] = []): HTMLElement {
  const rows = details.map((d) => {
    const { line, field: at } = parseDetailPath(d.path);
    // The server names a CSV column by its number (file:line:column): show the header's name.
    const fld = /^\d+$/.test(at) ? (columns[Number(at) - 1] ?? at) : at;
    const help = FIELD_HELP[fld.toLowerCase()];
    const where = line === null ? t('upload_whole_file') : t('upload_line', { line });
    if (localized) return [where, fld || '–', d.message];
    return [where, fld || '–', h('span', {}, help ? t(help) : t('fix_generic'), h('br'), h('small', { lang: 'en', class: 'hint' }, d.message))];
  });
  return h(
    'div',
    { class: 'notice error', role: 'alert', 'data-testid': 'upload-errors' },
    h('p', {}, t('upload_errors', { n: details.length, file: fileName })),
    table(t('upload_errors_caption'), [t('col_line'), t('col_field'), t('col_problem')], rows),
  );
}

// --- Targets -------------------------------------------------------------------------------

function targetSection(iso3: string, series: Series[], reload: () => void): HTMLElement {
  const s = select(series.map((x) => ({ value: x.code, label: x.name })), 'SI_COV_BENFTS', { 'data-testid': 'target-series' });
  const sex = select(['_T', 'F', 'M'].map((v) => ({ value: v, label: sexName(v) })), '_T');
  const baseYear = h('input', { type: 'number', min: 2015, max: 2030, step: 1, value: 2021, 'data-testid': 'target-baseline-year' });
  const baseValue = h('input', { type: 'number', min: 0, max: 100, step: 0.1, 'data-testid': 'target-baseline-value' });
  const interim = h('input', { type: 'number', min: 0, max: 100, step: 0.1, 'data-testid': 'target-interim' });
  const target = h('input', { type: 'number', min: 0, max: 100, step: 0.1, 'data-testid': 'target-2030' });
  const reason = h('input', { type: 'text', required: true, 'data-testid': 'target-reason' });
  const preview = h('div', { class: 'preview', 'aria-live': 'polite', 'data-testid': 'target-preview' });
  const chartEl = h('div', { class: 'chart' });
  const msg = h('p', { class: 'form-message', role: 'status', 'aria-live': 'polite' });
  const save = h('button', { type: 'button', 'data-testid': 'target-save' }, t('target_save'));
  let timer = 0;
  let seq = 0;

  const update = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(async () => {
      const id = ++seq;
      if (!baseValue.value || !target.value || !baseYear.value) {
        preview.replaceChildren(h('p', { class: 'hint' }, t('target_preview_empty')));
        return;
      }
      try {
        const a = await get<Assessment>('/progress/preview', {
          economy: iso3,
          series: s.value,
          sex: sex.value,
          age: '_T',
          baseline_year: baseYear.value,
          baseline_value: baseValue.value,
          interim_2025: interim.value,
          target_2030: target.value,
        });
        if (id !== seq) return;
        preview.replaceChildren(h('p', { 'data-testid': 'preview-status' }, statusBadge(a.status), ' ', h('span', {}, reasonText(a))), chartEl);
        disposeCharts();
        const obs = await get<{ data: { year: number; value: number }[] }>('/observations', { economy: iso3, series: s.value, sex: sex.value, age: '_T', quantile: '_T', page_size: 1000 });
        if (id !== seq) return;
        drawSeries(chartEl, [{ key: `${sex.value}|_T|_T`, label: sexName(sex.value), colour: '#0072b2', points: obs.data.map((o) => ({ year: o.year, value: o.value })) }], a, t('target_preview_title'), {
          required: requiredPath(a),
          projected: projectedPath(a),
        });
      } catch (e) {
        if (id !== seq) return;
        if (e instanceof ApiError && e.status === 400) preview.replaceChildren(h('p', { class: 'notice warn', role: 'alert' }, t('target_invalid'), h('br'), h('small', { lang: 'en' }, e.details.map((d) => d.message).join('; ') || e.message)));
        else preview.replaceChildren(h('p', { class: 'notice warn', role: 'alert' }, describeError(e)));
      }
    }, 250);
  };
  for (const el of [s, sex, baseYear, baseValue, interim, target]) el.addEventListener('input', update);

  save.addEventListener('click', async () => {
    if (!reason.value.trim()) {
      msg.textContent = t('reason_required');
      reason.focus();
      return;
    }
    save.disabled = true;
    try {
      await request('PUT', `/economies/${iso3}/targets`, {
        json: {
          series: s.value,
          sex: sex.value,
          age: '_T',
          baseline_year: Number(baseYear.value),
          baseline_value: Number(baseValue.value),
          interim_2025: interim.value === '' ? null : Number(interim.value),
          target_2030: Number(target.value),
          reason: reason.value.trim(),
        },
      });
      msg.textContent = t('target_saved');
      setTimeout(reload, 600);
    } catch (e) {
      msg.textContent = e instanceof ApiError && (e.status === 400 || e.status === 422) ? `${t('target_invalid')} ${e.details.map((d) => d.message).join('; ')}` : describeError(e);
    } finally {
      save.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'tg-title' },
    h('h2', { id: 'tg-title' }, t('target_title')),
    h('p', { class: 'hint' }, t('target_lead')),
    h(
      'div',
      { class: 'form-grid' },
      field(t('label_series'), s),
      field(t('label_sex'), sex),
      field(t('label_baseline_year'), baseYear),
      field(t('label_baseline_value'), baseValue),
      field(t('label_interim'), interim),
      field(t('label_target'), target),
      field(t('label_reason'), reason, t('reason_hint')),
    ),
    preview,
    h('div', { class: 'form-row' }, save),
    msg,
  );
}

// --- Edit one observation ------------------------------------------------------------------

function editSection(iso3: string, series: Series[], reload: () => void): HTMLElement {
  const s = select(series.map((x) => ({ value: x.code, label: x.name })), 'SI_COV_BENFTS');
  const sex = select(['_T', 'F', 'M'].map((v) => ({ value: v, label: sexName(v) })), '_T');
  const yr = h('input', { type: 'number', min: 1990, max: 2035, step: 1, value: new Date().getFullYear() - 1 });
  const value = h('input', { type: 'number', min: 0, max: 100, step: 0.1 });
  const nature = select(
    ['C', 'CA', 'E', 'M', 'G'].map((v) => ({ value: v, label: `${v}: ${natureName(v)}` })),
    'C',
  );
  const source = h('input', { type: 'text' });
  const reason = h('input', { type: 'text', required: true });
  const current = h('p', { class: 'hint', 'aria-live': 'polite' });
  const msg = h('p', { class: 'form-message', role: 'status', 'aria-live': 'polite' });
  const save = h('button', { type: 'button' }, t('edit_save'));
  const lookup = async () => {
    try {
      const r = await get<{ data: { value: number; source: string }[] }>('/observations', { economy: iso3, series: s.value, sex: sex.value, age: '_T', quantile: '_T', year_from: yr.value, year_to: yr.value });
      current.textContent = r.data.length ? t('edit_current', { value: pct(r.data[0].value), source: r.data[0].source || '–' }) : t('edit_no_current');
    } catch {
      current.textContent = '';
    }
  };
  for (const el of [s, sex, yr]) el.addEventListener('change', () => void lookup());
  void lookup();
  save.addEventListener('click', async () => {
    if (!reason.value.trim()) {
      msg.textContent = t('reason_required');
      reason.focus();
      return;
    }
    save.disabled = true;
    try {
      await request('PUT', `/economies/${iso3}/observations`, {
        json: {
          series: s.value,
          sex: sex.value,
          age: '_T',
          quantile: '_T',
          year: Number(yr.value),
          value: Number(value.value),
          attributes: { nature: nature.value, source: source.value, note: '', unit: 'PERCENT' },
          reason: reason.value.trim(),
        },
      });
      msg.textContent = t('edit_saved');
      setTimeout(reload, 600);
    } catch (e) {
      msg.textContent = e instanceof ApiError && (e.status === 400 || e.status === 422) ? `${t('edit_invalid')} ${e.details.map((d) => d.message).join('; ')}` : describeError(e);
    } finally {
      save.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'ed-title' },
    h('h2', { id: 'ed-title' }, t('edit_title')),
    h(
      'div',
      { class: 'form-grid' },
      field(t('label_series'), s),
      field(t('label_sex'), sex),
      field(t('label_year'), yr),
      field(t('label_value'), value),
      field(t('label_nature'), nature),
      field(t('label_source'), source),
      field(t('label_reason'), reason, t('reason_hint')),
    ),
    current,
    h('div', { class: 'form-row' }, save),
    msg,
  );
}


// --- Narratives of the voluntary national report -------------------------------------------

interface Narrative {
  period: string;
  measure: string;
  lang: string;
  stage: string;
  progress: string;
  challenges: string;
  next_steps: string;
}

// One editor per national measure, (a) to (l), for the chosen period. Each opens with the
// section as it stands: the draft in this change set if there is one, otherwise the published
// text in the chosen language.
function narrativeSection(iso3: string, cs: ChangeSet | null, reload: () => void): HTMLElement {
  const period = h('input', { type: 'number', min: 2015, max: 2035, step: 1, value: REPORT_PERIOD, 'data-testid': 'narrative-period' });
  const list = h('div', { class: 'narratives', 'aria-live': 'polite' });
  // A published change set's sections are in the published list; only an open one holds drafts.
  const open = cs && (cs.state === 'draft' || cs.state === 'returned');
  const drafts = open ? (cs.changes ?? []).filter((c) => c.kind === 'narrative').map((c) => c.value as unknown as Narrative) : [];
  let seq = 0;
  const draw = async () => {
    const id = ++seq;
    const p = period.value;
    let published: Narrative[] = [];
    try {
      if (/^\d{4}$/.test(p)) published = (await get<{ data: Narrative[] }>('/narratives', { economy: iso3, period: p })).data;
    } catch {
      published = [];
    }
    if (id !== seq) return;
    list.replaceChildren(...MEASURES.map((m) => measureEditor(iso3, p, m, drafts, published, reload)));
  };
  period.addEventListener('change', () => void draw());
  void draw();
  return h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'nr-title', 'data-testid': 'narratives' },
    h('h2', { id: 'nr-title' }, t('narr_title')),
    h('p', { class: 'hint' }, t('narr_lead')),
    h('div', { class: 'form-grid' }, field(t('label_period'), period)),
    list,
  );
}

function measureEditor(iso3: string, period: string, measure: string, drafts: Narrative[], published: Narrative[], reload: () => void): HTMLElement {
  const find = (l: string) => {
    const match = (n: Narrative) => n.period === period && n.measure === measure && n.lang === l;
    const d = drafts.find(match);
    if (d) return { n: d, draft: true };
    const pub = published.find(match);
    return pub ? { n: pub, draft: false } : null;
  };
  // The language first shown: the page's, unless the section exists only in another one.
  const any = (l: string) => drafts.some((n) => n.period === period && n.measure === measure && n.lang === l) || published.some((n) => n.period === period && n.measure === measure && n.lang === l);
  const startLang = any(lang()) ? lang() : (LANGS.find(any) ?? lang());
  const textLang = select(LANGS.map((l) => ({ value: l, label: languageName(l) })), startLang, { 'data-testid': `narrative-${measure}-lang` });
  const stage = select(STAGES.map((s) => ({ value: s, label: stageLabel(s) })), 'not_started', { 'data-testid': `narrative-${measure}-stage` });
  const area = (name: string) => h('textarea', { rows: 3, 'data-testid': `narrative-${measure}-${name}` });
  const progress = area('progress');
  const challenges = area('challenges');
  const nextSteps = area('next_steps');
  const reason = h('input', { type: 'text', 'data-testid': `narrative-${measure}-reason` });
  const msg = h('p', { class: 'form-message', role: 'status', 'aria-live': 'polite' });
  const save = h('button', { type: 'button', 'data-testid': `narrative-${measure}-save` }, t('narr_save'));
  const status = h('span', { class: 'hint' });
  const fill = () => {
    const found = find(textLang.value);
    stage.value = found?.n.stage ?? 'not_started';
    progress.value = found?.n.progress ?? '';
    challenges.value = found?.n.challenges ?? '';
    nextSteps.value = found?.n.next_steps ?? '';
    status.textContent = found ? t(found.draft ? 'narr_status_draft' : 'narr_status_published', { stage: stageLabel(found.n.stage) }) : t('narr_status_none');
  };
  textLang.addEventListener('change', fill);
  fill();
  // The text areas say which language they hold, for spelling and screen readers.
  const tagLang = () => {
    for (const el of [progress, challenges, nextSteps]) el.lang = textLang.value;
  };
  textLang.addEventListener('change', tagLang);
  tagLang();
  save.addEventListener('click', async () => {
    if (!reason.value.trim()) {
      msg.textContent = t('reason_required');
      reason.focus();
      return;
    }
    save.disabled = true;
    try {
      await request('PUT', `/economies/${iso3}/narratives`, {
        json: {
          period,
          measure,
          lang: textLang.value,
          stage: stage.value,
          progress: progress.value,
          challenges: challenges.value,
          next_steps: nextSteps.value,
          reason: reason.value.trim(),
        },
      });
      msg.textContent = t('narr_saved');
      setTimeout(reload, 600);
    } catch (e) {
      msg.textContent = e instanceof ApiError && (e.status === 400 || e.status === 422) ? `${t('narr_invalid')} ${e.details.map((d) => d.message).join('; ')}` : describeError(e);
    } finally {
      save.disabled = false;
    }
  });
  return h(
    'details',
    { class: 'narrative', 'data-testid': `narrative-${measure}` },
    h('summary', {}, measureTitle(measure), ' · ', status),
    h(
      'div',
      { class: 'form-grid' },
      field(t('label_text_lang'), textLang),
      field(t('label_stage'), stage),
    ),
    h(
      'div',
      { class: 'narrative-texts' },
      field(t('label_progress'), progress),
      field(t('label_challenges'), challenges),
      field(t('label_next_steps'), nextSteps),
    ),
    h('div', { class: 'form-grid' }, field(t('label_reason'), reason, t('reason_hint'))),
    h('div', { class: 'form-row' }, save),
    msg,
  );
}
