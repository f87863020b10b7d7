// The regional overview: the headline coverage, people without coverage by contingency, a
// choropleth map, subregions side by side, and economies by progress status.
import { allObservations, economies as loadEconomies, get, seriesList, type Aggregate, type Assessment, type Economy, type Observation, type Series } from '../api';
import { chart, echarts, FONT } from '../charts';
import { append, chartWithTable, field, h, select, table } from '../dom';
import { compactPeople, lang, num, pct, people, share, subregionName, t } from '../i18n';
import { describeError, type Ctx } from '../main';
import { emptyState, regionalReportLink, STATUS_ORDER, seriesSelect, statusBadge } from './common';

const HEADLINE_SERIES = 'SI_COV_BENFTS';
const REGION = 'Asia and the Pacific';
const DEFAULT_CARRY_FORWARD = 3;
// The headline year is the latest whose economies with data (or carried forward) hold at least
// this share of the region's people, so the figure speaks for nearly all of the region.
const HEADLINE_MIN_SHARE = 0.9;

let mapLoaded: Promise<void> | null = null;
function loadMap(): Promise<void> {
  if (!mapLoaded) {
    mapLoaded = fetch('/asia-pacific.geo.json')
      .then((r) => {
        if (!r.ok) throw new Error(`map: HTTP ${r.status}`);
        return r.json();
      })
      .then((geo) => echarts.registerMap('asia-pacific', geo));
    mapLoaded.catch(() => (mapLoaded = null));
  }
  return mapLoaded;
}

// Each economy's latest observation, or its value in `year`.
export function valuesFor(obs: Observation[], year: number | null): Map<string, Observation> {
  const out = new Map<string, Observation>();
  for (const o of obs) {
    if (year !== null && o.year !== year) continue;
    const prev = out.get(o.economy);
    if (!prev || o.year > prev.year) out.set(o.economy, o);
  }
  return out;
}

export function headlineRow(rows: Aggregate[]): Aggregate | null {
  const ok = rows.filter((r) => r.group === REGION && r.population_weighted !== null && r.population_share_with_data >= HEADLINE_MIN_SHARE);
  ok.sort((a, b) => b.year - a.year);
  return ok[0] ?? null;
}

export async function renderOverview(ctx: Ctx): Promise<void> {
  const l = lang();
  const seriesCode = (ctx.params.get('series') ?? HEADLINE_SERIES).toUpperCase();
  const yearParam = ctx.params.get('year');
  const mapYear = yearParam && /^\d{4}$/.test(yearParam) ? Number(yearParam) : null;
  const cfParam = Number(ctx.params.get('carry_forward') ?? DEFAULT_CARRY_FORWARD);
  const carryForward = Number.isInteger(cfParam) && cfParam >= 0 && cfParam <= 10 ? cfParam : DEFAULT_CARRY_FORWARD;

  const [econs, series] = await Promise.all([loadEconomies(l), seriesList(l)]);
  const regional = econs.filter((e) => e.regional);
  const byIso = new Map(econs.map((e) => [e.iso3, e]));
  const seriesByCode = new Map(series.map((s) => [s.code, s]));
  const chosen = seriesByCode.get(seriesCode) ?? seriesByCode.get(HEADLINE_SERIES)!;

  // Every request starts now; each section is drawn as soon as its own data arrive, so the
  // headline and the map do not wait for the slower progress assessments.
  const headP = get<{ data: Aggregate[] }>('/aggregates', { series: HEADLINE_SERIES, sex: '_T', group: REGION, carry_forward: carryForward });
  // The assessments of every economy are the heaviest answer: asked once the headline is in, so
  // they do not compete with it for the server's cores.
  const progressP = headP.catch(() => undefined).then(() => get<{ data: Assessment[] }>('/progress', { economy: regional.map((e) => e.iso3).join(',') }));
  const obsP = allObservations({ series: chosen.code, sex: '_T', age: '_T', quantile: '_T' });
  const subP = get<{ data: Aggregate[] }>('/aggregates', { series: chosen.code, sex: '_T', carry_forward: carryForward });
  const mapP = loadMap();
  for (const p of [headP, progressP, obsP, subP, mapP]) p.catch(() => undefined);
  if (!ctx.isCurrent()) return;

  const main = ctx.main;
  main.replaceChildren();
  main.append(h('h1', {}, t('overview_title')), h('p', { class: 'lead' }, t('overview_lead')), regionalReportLink());

  const loading = () => h('p', { class: 'loading', role: 'status' }, t('loading'));
  const headline = h('section', { class: 'headline card', 'aria-labelledby': 'headline-title', 'data-testid': 'headline' }, h('h2', { id: 'headline-title' }, t('headline_title')), loading());
  const statusSection = h('section', { class: 'card', 'aria-labelledby': 'status-title', 'data-testid': 'status-counts' }, h('h2', { id: 'status-title' }, t('status_counts_title')), loading());
  const mapSection = h('section', { class: 'card wide', 'aria-labelledby': 'map-title' }, h('h2', { id: 'map-title' }, t('map_title')), loading());
  const pncSection = h('section', { class: 'card', 'aria-labelledby': 'pnc-title' }, h('h2', { id: 'pnc-title' }, t('pnc_title')), loading());
  const subSection = h('section', { class: 'card', 'aria-labelledby': 'sub-title' }, h('h2', { id: 'sub-title' }, t('subregions_title')), loading());
  main.append(h('div', { class: 'grid' }, headline, statusSection, mapSection, pncSection, subSection));

  // Fills one section when its data arrive; a failed request leaves an error in that section.
  const fill = async <T,>(section: HTMLElement, data: Promise<T>, draw: (d: T) => void) => {
    try {
      const d = await data;
      if (!ctx.isCurrent()) return;
      section.replaceChildren(section.firstElementChild!);
      draw(d);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      section.replaceChildren(section.firstElementChild!, h('p', { class: 'notice warn', role: 'alert', 'data-testid': 'error-state' }, describeError(e)));
    }
  };

  // 1. Headline.
  const headDone = fill(headline, headP, (headAgg) => {
    const head = headlineRow(headAgg.data);
    if (!head) {
      headline.append(emptyState(t('headline_none')));
      return;
    }
    append(headline, [
      h('p', { class: 'big', 'data-testid': 'headline-value' }, pct(head.population_weighted)),
      h('p', {}, t('headline_detail', { year: head.year, n: head.economies_with_data, total: head.economies_in_group, share: share(head.population_share_with_data) })),
      head.economies_carried_forward > 0 ? h('p', { class: 'hint' }, t('headline_carried', { n: head.economies_carried_forward, years: carryForward })) : null,
      h('p', { class: 'hint' }, t('headline_method')),
    ]);
  });

  // 2. The map, with the series and year filters (in the URL).
  const mapDone = fill(mapSection, Promise.all([obsP, mapP]), ([obs]) => {
    const seriesSel = seriesSelect(series, chosen.code, 'ov-series');
    seriesSel.addEventListener('change', () => ctx.setParams({ series: seriesSel.value, year: null }));
    const years = [...new Set(obs.map((o) => o.year))].sort((a, b) => b - a);
    const yearSel = select([{ value: '', label: t('latest_available') }, ...years.map((y) => ({ value: String(y), label: String(y) }))], mapYear ? String(mapYear) : '', { id: 'ov-year' });
    yearSel.addEventListener('change', () => ctx.setParams({ year: yearSel.value || null }));
    const values = valuesFor(obs, mapYear);
    const mapChart = h('div', { class: 'chart map', 'data-testid': 'map' });
    const mapRows = regional
      .slice()
      .sort((a, b) => a.name.localeCompare(b.name, l))
      .map((e) => {
        const o = values.get(e.iso3);
        return [h('a', { href: `/economy/${e.iso3}?series=${chosen.code}&lang=${l}` }, e.name), subregionName(e.subregion), o ? pct(o.value) : t('no_data'), o ? String(o.year) : '–'];
      });
    append(mapSection, [
      h('div', { class: 'filters' }, field(t('label_series'), seriesSel), field(t('label_year'), yearSel)),
      chartWithTable(
        mapYear ? t('map_caption_year', { series: chosen.name, year: mapYear }) : t('map_caption_latest', { series: chosen.name }),
        mapChart,
        table(t('map_title'), [t('col_economy'), t('col_subregion'), t('col_value'), t('col_year')], mapRows, { numeric: [2, 3] }),
        t('show_table'),
      ),
      h('p', { class: 'disclaimer', 'data-testid': 'map-disclaimer' }, t('map_disclaimer')),
      h('p', { class: 'hint' }, t('map_tuvalu')),
    ]);
    drawMap(mapChart, regional, values, chosen, byIso, ctx);
  });

  // 3. Economies by status, and 4. people without coverage: both from the assessments.
  const progressDone = fill(statusSection, progressP, (progress) => {
    const statusCounts = new Map<string, Economy[]>();
    for (const e of regional) {
      const a = progress.data.find((x) => x.economy === e.iso3 && x.series === chosen.code && x.sex === '_T' && x.age === '_T' && x.quantile === '_T');
      const st = a ? a.status : 'no_data';
      statusCounts.set(st, [...(statusCounts.get(st) ?? []), e]);
    }
    append(statusSection, [
      h('p', { class: 'hint' }, t('status_counts_lead', { series: chosen.name })),
      h(
        'ul',
        { class: 'status-list' },
        STATUS_ORDER.map((st) => {
          const list = statusCounts.get(st) ?? [];
          return h(
            'li',
            {},
            h(
              'details',
              {},
              h('summary', {}, statusBadge(st), ' ', h('strong', { 'data-count': list.length }, num(list.length))),
              list.length ? h('ul', { class: 'inline-list' }, list.map((e) => h('li', {}, h('a', { href: `/economy/${e.iso3}?series=${chosen.code}&lang=${l}` }, e.name)))) : null,
            ),
          );
        }),
      ),
    ]);
  });
  const pncDone = fill(pncSection, progressP, (progress) => {
    const totals = series.map((s) => {
      let sum = 0;
      let n = 0;
      for (const a of progress.data) {
        if (a.series !== s.code || a.sex !== '_T' || a.age !== '_T' || a.quantile !== '_T') continue;
        if (a.people_not_covered_latest === null) continue;
        sum += a.people_not_covered_latest;
        n += 1;
      }
      return { s, sum, n };
    });
    const countable = totals.filter((x) => x.s.relevant_population.countable && x.n > 0);
    const notCountable = totals.filter((x) => !x.s.relevant_population.countable);
    const pncChart = h('div', { class: 'chart' });
    pncChart.style.height = `${Math.max(240, countable.length * 56)}px`;
    append(pncSection, [
      h('p', { class: 'hint' }, t('pnc_lead')),
      chartWithTable(
        t('pnc_chart_caption'),
        pncChart,
        table(t('pnc_title'), [t('col_contingency'), t('col_people_not_covered'), t('col_economies_counted')], countable.map((x) => [x.s.name, people(x.sum), num(x.n)]), { numeric: [1, 2] }),
        t('show_table'),
      ),
      notCountable.length ? h('p', { class: 'hint' }, t('pnc_not_countable', { list: notCountable.map((x) => x.s.name).join('; ') })) : null,
    ]);
    chart(
      pncChart,
      {
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: 'value', axisLabel: { formatter: (v: number) => compactPeople(v) } },
        yAxis: { type: 'category', inverse: true, data: countable.map((x) => x.s.name), axisLabel: { fontSize: 11, width: 190, overflow: 'break', lineHeight: 13 } },
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => people(v) },
        series: [{ type: 'bar', data: countable.map((x) => Math.round(x.sum)), itemStyle: { color: '#0072b2' } }],
      },
      t('pnc_chart_caption'),
    );
  });

  // 5. Subregions.
  const subDone = fill(subSection, subP, (subAgg) => {
    const cfSel = select(
      [0, 1, 2, 3, 5].map((n) => ({ value: String(n), label: n === 0 ? t('carry_forward_none') : t('carry_forward_years', { n }) })),
      String(carryForward),
      { id: 'ov-cf' },
    );
    cfSel.addEventListener('change', () => ctx.setParams({ carry_forward: cfSel.value }));
    const subYear = mapYear ?? latestCommonYear(subAgg.data);
    const subRows = subAgg.data.filter((r) => r.year === subYear);
    const subChart = h('div', { class: 'chart' });
    append(subSection, [
      h('div', { class: 'filters' }, field(t('label_carry_forward'), cfSel)),
      subRows.length
        ? chartWithTable(
            t('subregions_caption', { series: chosen.name, year: subYear ?? '–' }),
            subChart,
            table(
              t('subregions_title'),
              [t('col_group'), t('col_population_weighted'), t('col_simple_average'), t('col_economies_with_data'), t('col_population_share')],
              subRows.map((r) => [subregionName(r.group), pct(r.population_weighted), pct(r.simple_average), `${r.economies_with_data} / ${r.economies_in_group}`, share(r.population_share_with_data)]),
              { numeric: [1, 2, 3, 4] },
            ),
            t('show_table'),
          )
        : emptyState(t('no_data_year')),
    ]);
    if (!subRows.length) return;
    chart(
      subChart,
      {
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: (v: number) => pct(v, 0) } },
        yAxis: { type: 'category', inverse: true, data: subRows.map((r) => subregionName(r.group)), axisLabel: { width: 150, overflow: 'break' } },
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => pct(v) },
        series: [{ type: 'bar', data: subRows.map((r) => ({ value: r.population_weighted, itemStyle: { color: r.group === REGION ? '#d55e00' : '#0072b2' } })) }],
      },
      t('subregions_caption', { series: chosen.name, year: subYear ?? '–' }),
    );
  });
  await Promise.all([headDone, mapDone, progressDone, pncDone, subDone]);
}

function latestCommonYear(rows: Aggregate[]): number | null {
  const region = rows.filter((r) => r.group === REGION && r.population_share_with_data >= HEADLINE_MIN_SHARE).sort((a, b) => b.year - a.year);
  if (region.length) return region[0].year;
  const any = rows.map((r) => r.year).sort((a, b) => b - a);
  return any[0] ?? null;
}

function drawMap(el: HTMLElement, regional: Economy[], values: Map<string, Observation>, s: Series, byIso: Map<string, Economy>, ctx: Ctx): void {
  const l = lang();
  const c = chart(
    el,
    {
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string }) => {
          const e = byIso.get(p.name);
          const o = values.get(p.name);
          return `${e ? e.name : p.name}\n${o ? `${pct(o.value)} (${o.year})` : t('no_data')}`;
        },
      },
      visualMap: {
        type: 'continuous',
        min: 0,
        max: 100,
        left: 8,
        bottom: 8,
        text: [pct(100, 0), pct(0, 0)],
        calculable: false,
        inRange: { color: ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'] },
        textStyle: { fontFamily: FONT },
      },
      series: [
        {
          type: 'map',
          map: 'asia-pacific',
          roam: true,
          nameProperty: 'name',
          itemStyle: { areaColor: '#d9d9d9', borderColor: '#7f7f7f', borderWidth: 0.4 },
          emphasis: { label: { show: false }, itemStyle: { areaColor: '#ffb000' } },
          select: { disabled: true },
          data: regional.filter((e) => values.has(e.iso3)).map((e) => ({ name: e.iso3, value: values.get(e.iso3)!.value })),
        },
      ],
    },
    t('map_aria', { series: s.name }),
  );
  c.on('click', (p: { name?: string }) => {
    if (p.name && byIso.has(p.name)) ctx.navigate(`/economy/${p.name}?series=${s.code}&lang=${l}`);
  });
}
