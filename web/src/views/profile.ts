// An economy's profile: every series' status with a plain reason and the people not covered,
// the chosen series over time by sex with its targets and projected path, and every observation
// with its source, nature and revision history.
import { allObservations, economies as loadEconomies, get, seriesList, type Assessment, type Observation, type Revision } from '../api';
import { chart } from '../charts';
import { append, chartWithTable, field, h, select, table } from '../dom';
import { ageName, dateTime, incomeName, lang, natureName, pct, people, quantileName, sexName, subregionName, t } from '../i18n';
import type { Ctx } from '../main';
import { economyOptions, emptyState, errorState, nationalReportLinks, reasonText, seriesSelect, statusBadge } from './common';

const SEX_COLOURS: Record<string, string> = { _T: '#0072b2', F: '#d55e00', M: '#009e73' };

export async function renderProfile(ctx: Ctx): Promise<void> {
  const l = lang();
  const iso3 = (ctx.path[1] ?? 'KHM').toUpperCase();
  const [econs, series] = await Promise.all([loadEconomies(l), seriesList(l)]);
  const economy = econs.find((e) => e.iso3 === iso3);
  if (!economy) {
    ctx.main.replaceChildren(errorState(t('error_title'), t('economy_unknown', { code: iso3 }), h('a', { href: `/economy/KHM?lang=${l}` }, t('nav_profiles'))));
    return;
  }
  const [progress, obs] = await Promise.all([get<{ data: Assessment[] }>('/progress', { economy: iso3 }), allObservations({ economy: iso3 })]);
  if (!ctx.isCurrent()) return;

  const withData = series.filter((s) => obs.some((o) => o.series === s.code));
  const requested = (ctx.params.get('series') ?? '').toUpperCase();
  const chosen = series.find((s) => s.code === requested) ?? withData[0] ?? series[0];

  const main = ctx.main;
  main.replaceChildren();

  const econSel = select(economyOptions(econs), iso3, { id: 'pf-economy' });
  econSel.addEventListener('change', () => ctx.navigate(`/economy/${econSel.value}?series=${chosen.code}`));
  const seriesSel = seriesSelect(series, chosen.code, 'pf-series');
  seriesSel.addEventListener('change', () => ctx.setParams({ series: seriesSel.value }));

  const facts = [subregionName(economy.subregion), incomeName(economy.income_group), economy.ldc ? t('ldc') : null, economy.lldc ? t('lldc') : null, economy.sids ? t('sids') : null].filter(Boolean);
  main.append(
    h('h1', { 'data-testid': 'economy-name' }, economy.name),
    h('p', { class: 'lead' }, facts.join(' · ')),
    h(
      'div',
      { class: 'filters' },
      field(t('label_economy'), econSel),
      h(
        'div',
        { class: 'downloads' },
        h('span', {}, t('download')),
        h('a', { href: `/api/v1/export/observations?economy=${iso3}&format=csv&lang=${l}`, download: `${iso3}.csv`, 'data-testid': 'download-csv' }, 'CSV'),
        h('a', { href: `/api/v1/export/observations?economy=${iso3}&format=xlsx&lang=${l}`, download: `${iso3}.xlsx`, 'data-testid': 'download-xlsx' }, 'XLSX'),
      ),
    ),
    nationalReportLinks(iso3),
  );

  // Every series: status, reason, people not covered.
  const totals = progress.data.filter((a) => a.sex === '_T' && a.age === '_T' && a.quantile === '_T');
  const headline = progress.data.filter((a) => a.age === '_T' && a.quantile === '_T' && (a.sex === '_T' || !totals.some((x) => x.series === a.series)));
  const summaryRows = series
    .map((s) => headline.find((a) => a.series === s.code))
    .filter((a): a is Assessment => !!a)
    .map((a) => {
      const s = series.find((x) => x.code === a.series)!;
      return [
        h('a', { href: `/economy/${iso3}?series=${s.code}&lang=${l}`, 'data-series': s.code }, s.name, a.sex !== '_T' ? ` (${sexName(a.sex)})` : ''),
        a.latest ? `${pct(a.latest.value)} (${a.latest.year})` : '–',
        statusBadge(a.status),
        reasonText(a),
        a.people_not_covered_latest === null
          ? h('span', { class: 'hint' }, s.relevant_population.countable ? '–' : t('pnc_cannot_count'))
          : h('span', { 'data-testid': `pnc-${s.code}` }, `${people(a.people_not_covered_latest)} (${a.people_not_covered_latest_year})`),
      ];
    });
  main.append(
    h(
      'section',
      { class: 'card wide', 'aria-labelledby': 'summary-title' },
      h('h2', { id: 'summary-title' }, t('profile_summary_title')),
      summaryRows.length
        ? table(t('profile_summary_title'), [t('col_series'), t('col_latest'), t('col_status'), t('col_reason'), t('col_people_not_covered')], summaryRows, {
            numeric: [1, 4],
            className: 'summary',
            hideCaption: true,
          })
        : emptyState(t('profile_no_data')),
    ),
  );

  // Every series with data over time (both sexes, all ages), on one chart.
  const totalsObs = obs.filter((o) => o.sex === '_T' && o.age === '_T' && o.quantile === '_T');
  if (withData.length > 1 && totalsObs.length) {
    const allEl = h('div', { class: 'chart tall', 'data-testid': 'all-series-chart' });
    const allYears = [...new Set(totalsObs.map((o) => o.year))].sort((a, b) => a - b);
    const shown = withData.filter((s) => totalsObs.some((o) => o.series === s.code));
    main.append(
      h(
        'section',
        { class: 'card wide', 'aria-labelledby': 'all-title' },
        h('h2', { id: 'all-title' }, t('all_series_title')),
        chartWithTable(
          t('all_series_caption'),
          allEl,
          table(
            t('all_series_caption'),
            [t('col_series'), ...allYears.map(String)],
            shown.map((s) => [s.name, ...allYears.map((y) => pct(totalsObs.find((o) => o.series === s.code && o.year === y)?.value))]),
            { numeric: allYears.map((_, i) => i + 1) },
          ),
          t('show_table'),
        ),
      ),
    );
    requestAnimationFrame(() =>
      chart(
        allEl,
        {
          legend: { top: 0, type: 'scroll' },
          grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
          xAxis: { type: 'value', min: allYears[0], max: allYears[allYears.length - 1], minInterval: 1, axisLabel: { formatter: (v: number) => String(v) } },
          yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: (v: number) => pct(v, 0) } },
          tooltip: { trigger: 'item', formatter: (p: { seriesName: string; value: [number, number] }) => `${p.seriesName}\n${p.value[0]}: ${pct(p.value[1])}` },
          series: shown.map((s) => ({
            name: s.name,
            type: 'line',
            symbolSize: 6,
            data: totalsObs.filter((o) => o.series === s.code).sort((a, b) => a.year - b.year).map((o) => [o.year, o.value]),
          })),
        },
        t('all_series_caption'),
      ),
    );
  }

  // The chosen series.
  const sObs = obs.filter((o) => o.series === chosen.code);
  const main_a = progress.data.find((a) => a.series === chosen.code && a.sex === '_T' && a.age === '_T' && a.quantile === '_T') ?? progress.data.find((a) => a.series === chosen.code && a.age === '_T' && a.quantile === '_T');
  const section = h('section', { class: 'card wide', 'aria-labelledby': 'series-title', 'data-testid': 'series-section' });
  section.append(h('h2', { id: 'series-title' }, chosen.name), h('div', { class: 'filters' }, field(t('label_series'), seriesSel)));
  if (main_a) {
    append(section, [
      h(
        'div',
        { class: 'status-line', 'data-testid': 'status-line' },
        statusBadge(main_a.status),
        h('span', { class: 'reason' }, reasonText(main_a)),
      ),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('col_people_not_covered')),
        h('dd', { 'data-testid': 'pnc-latest' }, main_a.people_not_covered_latest === null ? (chosen.relevant_population.countable ? '–' : t('pnc_cannot_count')) : t('pnc_in_year', { n: people(main_a.people_not_covered_latest), year: main_a.people_not_covered_latest_year ?? '' })),
        h('dt', {}, t('pnc_2030')),
        h('dd', {}, people(main_a.people_not_covered_2030)),
        h('dt', {}, t('col_target')),
        h(
          'dd',
          {},
          t('target_summary', {
            baseline: pct(main_a.target.baseline_value),
            baseline_year: main_a.target.baseline_year,
            interim: pct(main_a.target.interim_2025),
            target: pct(main_a.target.target_2030),
          }),
          main_a.default_target ? h('span', { class: 'hint' }, ` ${t('reason_default_target')}`) : null,
        ),
      ),
      main_a.population_proxy ? h('p', { class: 'hint' }, t('population_proxy')) : null,
    ]);
  }
  if (sObs.length === 0) {
    section.append(emptyState(t('series_no_data')));
  } else {
    const chartEl = h('div', { class: 'chart tall', 'data-testid': 'series-chart' });
    const lines = groupLines(sObs);
    const years = [...new Set(sObs.map((o) => o.year))].sort((a, b) => a - b);
    const tableRows = years.map((y) => [String(y), ...lines.map((ln) => pct(ln.points.find((p) => p.year === y)?.value))]);
    section.append(
      chartWithTable(
        t('series_chart_caption', { series: chosen.name }),
        chartEl,
        h(
          'div',
          {},
          table(t('series_chart_caption', { series: chosen.name }), [t('col_year'), ...lines.map((ln) => ln.label)], tableRows, { numeric: lines.map((_, i) => i + 1) }),
          main_a ? targetTable(main_a) : null,
        ),
        t('show_table'),
      ),
    );
    requestAnimationFrame(() => drawSeries(chartEl, lines, main_a ?? null, chosen.name));
  }
  main.append(section);

  // Observations with source, nature and history.
  const historyBox = h('div', { class: 'history', 'aria-live': 'polite' });
  const obsRows = sObs
    .slice()
    .sort((a, b) => a.sex.localeCompare(b.sex) || a.age.localeCompare(b.age) || a.quantile.localeCompare(b.quantile) || a.year - b.year)
    .map((o) => [
      String(o.year),
      breakdownLabel(o),
      pct(o.value),
      o.source || '–',
      natureName(o.nature),
      t(`state_${o.state}` as 'state_published'),
      h('button', { type: 'button', class: 'link', onclick: () => void showHistory(historyBox, o) }, t('history_button', { rev: o.revision })),
    ]);
  main.append(
    h(
      'section',
      { class: 'card wide', 'aria-labelledby': 'obs-title' },
      h('h2', { id: 'obs-title' }, t('observations_title')),
      obsRows.length
        ? table(t('observations_title'), [t('col_year'), t('col_breakdown'), t('col_value'), t('col_source'), t('col_nature'), t('col_state'), t('col_revisions')], obsRows, { numeric: [2], hideCaption: true })
        : emptyState(t('series_no_data')),
      historyBox,
    ),
  );
}

function breakdownLabel(o: { sex: string; age: string; quantile: string }): string {
  return [sexName(o.sex), o.age !== '_T' ? ageName(o.age) : null, o.quantile !== '_T' ? quantileName(o.quantile) : null].filter(Boolean).join(', ');
}

interface Line {
  key: string;
  label: string;
  colour: string;
  points: { year: number; value: number }[];
}

function groupLines(obs: Observation[]): Line[] {
  const map = new Map<string, Line>();
  for (const o of obs) {
    const key = `${o.sex}|${o.age}|${o.quantile}`;
    let ln = map.get(key);
    if (!ln) {
      ln = { key, label: breakdownLabel(o), colour: o.age === '_T' && o.quantile === '_T' ? SEX_COLOURS[o.sex] ?? '#cc79a7' : '#7a6a00', points: [] };
      map.set(key, ln);
    }
    ln.points.push({ year: o.year, value: o.value });
  }
  const order = (k: string) => (k.startsWith('_T|_T|_T') ? 0 : k.startsWith('F|') ? 1 : k.startsWith('M|') ? 2 : 3);
  return [...map.values()].sort((a, b) => order(a.key) - order(b.key) || a.key.localeCompare(b.key)).map((ln) => ({ ...ln, points: ln.points.sort((a, b) => a.year - b.year) }));
}

function targetTable(a: Assessment): HTMLElement {
  const rows: (string | HTMLElement)[][] = [
    [t('baseline'), String(a.target.baseline_year), pct(a.target.baseline_value)],
    [t('interim_2025'), '2025', pct(a.target.interim_2025)],
    [t('target_2030'), '2030', pct(a.target.target_2030)],
    [t('projected'), '2025', pct(a.projected_2025)],
    [t('projected'), '2030', pct(a.projected_2030)],
  ];
  return table(t('targets_table_caption'), ['', t('col_year'), t('col_value')], rows, { numeric: [1, 2] });
}

export function requiredPath(a: Assessment): [number, number][] {
  const pts: [number, number][] = [[a.target.baseline_year, a.target.baseline_value]];
  if (a.target.interim_2025 !== null && a.target.baseline_year < 2025) pts.push([2025, a.target.interim_2025]);
  pts.push([2030, a.target.target_2030]);
  return pts;
}

export function projectedPath(a: Assessment): [number, number][] {
  if (!a.latest || a.projected_2030 === null) return [];
  const pts: [number, number][] = [[a.latest.year, a.latest.value]];
  if (a.projected_2025 !== null && a.latest.year < 2025) pts.push([2025, a.projected_2025]);
  pts.push([2030, a.projected_2030]);
  return pts;
}

export function drawSeries(el: HTMLElement, lines: Line[], a: Assessment | null, title: string, extra: { required?: [number, number][]; projected?: [number, number][] } = {}): void {
  const minYear = Math.min(...lines.flatMap((ln) => ln.points.map((p) => p.year)), a ? a.target.baseline_year : 9999);
  const required = extra.required ?? (a ? requiredPath(a) : []);
  const projected = extra.projected ?? (a ? projectedPath(a) : []);
  const series: object[] = lines.map((ln) => ({
    name: ln.label,
    type: 'line',
    data: ln.points.map((p) => [p.year, p.value]),
    symbolSize: 7,
    lineStyle: { width: ln.key.startsWith('_T|_T|_T') ? 3 : 2, color: ln.colour },
    itemStyle: { color: ln.colour },
  }));
  if (required.length) {
    series.push({
      name: t('required_path'),
      type: 'line',
      data: required,
      symbol: 'diamond',
      symbolSize: 11,
      lineStyle: { type: 'dashed', color: '#333333', width: 2 },
      itemStyle: { color: '#333333' },
      label: { show: true, position: 'top', formatter: (p: { value: [number, number] }) => pct(p.value[1], 0) },
    });
  }
  if (projected.length) {
    series.push({
      name: t('projected_path'),
      type: 'line',
      data: projected,
      symbol: 'circle',
      symbolSize: 6,
      lineStyle: { type: 'dotted', color: '#cc79a7', width: 2 },
      itemStyle: { color: '#cc79a7' },
    });
  }
  chart(
    el,
    {
      legend: { top: 0, type: 'scroll' },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'value', min: Math.min(minYear, 2015), max: 2030, interval: 5, axisLabel: { formatter: (v: number) => String(v) } },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: (v: number) => pct(v, 0) } },
      tooltip: { trigger: 'item', formatter: (p: { seriesName: string; value: [number, number] }) => `${p.seriesName}\n${p.value[0]}: ${pct(p.value[1])}` },
      series,
    },
    title,
  );
}

async function showHistory(box: HTMLElement, o: Observation): Promise<void> {
  box.replaceChildren(h('p', { role: 'status' }, t('loading')));
  try {
    const r = await get<{ data: Revision[] }>('/history', { series: o.series, economy: o.economy, sex: o.sex, age: o.age, quantile: o.quantile, year: o.year });
    box.replaceChildren(
      h('h3', { tabindex: -1, id: 'history-title' }, t('history_title', { year: o.year, breakdown: breakdownLabel(o) })),
      table(
        t('history_title', { year: o.year, breakdown: breakdownLabel(o) }),
        [t('col_revision'), t('col_value'), t('col_source'), t('col_nature'), t('col_author'), t('col_reason'), t('col_recorded')],
        r.data.map((v) => [String(v.revision), v.deleted ? t('deleted') : pct(v.value), v.source || '–', natureName(v.nature), v.author, v.reason || '–', dateTime(v.recorded_at)]),
        { numeric: [1] },
      ),
    );
    (box.querySelector('#history-title') as HTMLElement).focus();
  } catch {
    box.replaceChildren(h('p', { class: 'notice warn', role: 'alert' }, t('error_network')));
  }
}
