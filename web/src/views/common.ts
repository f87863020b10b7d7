// Pieces shared by the views: empty and error states, status badges and their plain-language
// reasons, and pickers for economies and series.
import type { Assessment, Economy, Series, Status } from '../api';
import { field, h, select } from '../dom';
import { collator, lang, pct, statusLabel, t } from '../i18n';

export function errorState(title: string, body: string, action?: HTMLElement): HTMLElement {
  return h('section', { class: 'state error', role: 'alert', 'data-testid': 'error-state' }, h('h1', {}, title), h('p', {}, body), action ?? null);
}

export function emptyState(body: string): HTMLElement {
  return h('p', { class: 'state empty', 'data-testid': 'empty-state' }, body);
}

export function statusBadge(status: Status): HTMLElement {
  return h('span', { class: `badge status-${status}`, 'data-status': status }, statusLabel(status));
}

// One sentence, in the chosen language, built from the assessment's numbers (the API's own
// `reason` is English).
export function reasonText(a: Assessment): string {
  const target = pct(a.target.target_2030);
  const suffix = a.default_target ? ` ${t('reason_default_target')}` : '';
  switch (a.status) {
    case 'target_achieved':
      return t('reason_achieved', { latest: pct(a.latest?.value), year: a.latest?.year ?? '–', target }) + suffix;
    case 'on_track':
    case 'needs_acceleration':
    case 'regressing':
      return a.projected_2030 === null
        ? t('reason_no_trend', { target }) + suffix
        : t('reason_trend', { projected: pct(a.projected_2030), target }) + suffix;
    case 'insufficient_data':
      return a.trend_observations === 0 && a.latest
        ? t('reason_insufficient_none', { year: a.latest.year })
        : t('reason_insufficient', { n: a.trend_observations });
    case 'no_data':
      return t('reason_no_data', { target });
  }
}

export function economyName(e: Economy | undefined, iso3: string): string {
  return e ? e.name : iso3;
}

export function seriesName(s: Series | undefined, code: string): string {
  return s ? s.name : code;
}

export function economyOptions(economies: Economy[]): { value: string; label: string }[] {
  const c = collator();
  return economies
    .filter((e) => e.regional)
    .slice()
    .sort((a, b) => c.compare(a.name, b.name))
    .map((e) => ({ value: e.iso3, label: e.name }));
}

export function seriesSelect(series: Series[], value: string, id: string): HTMLSelectElement {
  return select(
    series.map((s) => ({ value: s.code, label: s.name })),
    value,
    { id },
  );
}

export function pageHeading(title: string, lead?: string): HTMLElement[] {
  return [h('h1', {}, title), lead ? h('p', { class: 'lead' }, lead) : null].filter(Boolean) as HTMLElement[];
}

export const STATUS_ORDER: Status[] = ['target_achieved', 'on_track', 'needs_acceleration', 'regressing', 'insufficient_data', 'no_data'];

// --- The voluntary national report ---------------------------------------------------------

// The Action Plan's 12 national measures, (a) to (l), and the stages a section can report.
export const MEASURES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'] as const;
export const STAGES = ['not_started', 'planning', 'in_progress', 'achieved'] as const;
export const REPORT_PERIOD = 2025;

export function measureTitle(measure: string): string {
  return (MEASURES as readonly string[]).includes(measure) ? `(${measure}) ${t(`measure_${measure}` as 'measure_a')}` : measure;
}

export function stageLabel(stage: string): string {
  return (STAGES as readonly string[]).includes(stage) ? t(`stage_${stage}` as 'stage_planning') : stage;
}

// A language's name in the page's language ("Chinese", "中文", "китайский", "chinois").
export function languageName(code: string): string {
  return ['en', 'zh', 'ru', 'fr'].includes(code) ? t(`lang_${code}` as 'lang_en') : code;
}

// The reporting periods offered for reports: 2015 (the SDG baseline years) to this year.
function reportPeriods(): number[] {
  const last = Math.max(REPORT_PERIOD, new Date().getFullYear());
  const out: number[] = [];
  for (let y = last; y >= 2015; y -= 1) out.push(y);
  return out;
}

// A "Reports for [period]" selector and links that follow it. `links(period)` gives the anchors.
function reportLinks(links: (period: number) => HTMLAnchorElement[]): HTMLElement {
  const picker = h('select', { 'data-testid': 'report-period' }, reportPeriods().map((y) => h('option', { value: y, selected: y === REPORT_PERIOD }, y)));
  const anchors = links(REPORT_PERIOD);
  picker.addEventListener('change', () => {
    const fresh = links(Number(picker.value));
    anchors.forEach((a, i) => a.setAttribute('href', fresh[i].getAttribute('href') ?? ''));
  });
  return h(
    'div',
    { class: 'downloads reports', 'data-testid': 'report-links' },
    field(t('reports_for'), picker),
    anchors,
    h('span', { class: 'hint' }, t('reports_published_only')),
  );
}

// Links to the national report of one economy as PDF and HTML, in the page's language, for the
// chosen period (REPORT_PERIOD, the interim-target year, first). The server builds them from
// published content only.
export function nationalReportLinks(iso3: string): HTMLElement {
  const href = (period: number, format: string) => `/api/v1/reports/national?economy=${encodeURIComponent(iso3)}&period=${period}&lang=${lang()}&format=${format}`;
  return reportLinks((period) => [
    h('a', { href: href(period, 'pdf'), 'data-testid': 'report-national-pdf' }, t('report_national_pdf')),
    h('a', { href: href(period, 'html'), 'data-testid': 'report-national-html' }, t('report_national_html')),
  ]);
}

export function regionalReportLink(): HTMLElement {
  return reportLinks((period) => [
    h('a', { href: `/api/v1/reports/regional?period=${period}&lang=${lang()}&format=pdf`, 'data-testid': 'report-regional-pdf' }, t('report_regional_pdf')),
  ]);
}
