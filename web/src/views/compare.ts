// Compare economies on one series, with ready-made peer groups: the same subregion, the same
// income group, or similar coverage (the closest latest values).
import { allObservations, economies as loadEconomies, get, seriesList, type Assessment, type Economy } from '../api';
import { chart, PALETTE } from '../charts';
import { chartWithTable, field, h, table } from '../dom';
import { incomeName, lang, pct, SUBREGIONS, subregionName, t } from '../i18n';
import type { Ctx } from '../main';
import { economyOptions, emptyState, reasonText, seriesSelect, statusBadge } from './common';

const MAX_ECONOMIES = 12;
const SIMILAR_COUNT = 6;

export async function renderCompare(ctx: Ctx): Promise<void> {
  const l = lang();
  const [econs, series] = await Promise.all([loadEconomies(l), seriesList(l)]);
  const byIso = new Map(econs.map((e) => [e.iso3, e]));
  const seriesCode = (ctx.params.get('series') ?? 'SI_COV_BENFTS').toUpperCase();
  const chosen = series.find((s) => s.code === seriesCode) ?? series[0];
  const picked = (ctx.params.get('economies') ?? 'KHM,LAO,THA,VNM')
    .split(',')
    .map((x) => x.trim().toUpperCase())
    .filter((x) => byIso.has(x))
    .slice(0, MAX_ECONOMIES);

  const obs = await allObservations({ series: chosen.code, sex: '_T', age: '_T', quantile: '_T' });
  const progress = picked.length ? await get<{ data: Assessment[] }>('/progress', { economy: picked.join(',') }) : { data: [] };
  if (!ctx.isCurrent()) return;

  const latest = new Map<string, { year: number; value: number }>();
  for (const o of obs) {
    const p = latest.get(o.economy);
    if (!p || o.year > p.year) latest.set(o.economy, { year: o.year, value: o.value });
  }

  const main = ctx.main;
  main.replaceChildren(h('h1', {}, t('compare_title')), h('p', { class: 'lead' }, t('compare_lead')));

  const seriesSel = seriesSelect(series, chosen.code, 'cmp-series');
  seriesSel.addEventListener('change', () => ctx.setParams({ series: seriesSel.value }));

  // Peer groups around the first picked economy.
  const focus = byIso.get(picked[0] ?? 'KHM')!;
  const regional = econs.filter((e) => e.regional);
  const peers: { label: string; list: Economy[] }[] = [
    { label: t('peer_subregion', { name: subregionName(focus.subregion) }), list: regional.filter((e) => e.subregion === focus.subregion) },
    { label: t('peer_income', { name: incomeName(focus.income_group) }), list: regional.filter((e) => e.income_group === focus.income_group && focus.income_group !== '') },
  ];
  const focusLatest = latest.get(focus.iso3);
  if (focusLatest) {
    const similar = regional
      .filter((e) => latest.has(e.iso3))
      .sort((a, b) => Math.abs(latest.get(a.iso3)!.value - focusLatest.value) - Math.abs(latest.get(b.iso3)!.value - focusLatest.value))
      .slice(0, SIMILAR_COUNT + 1);
    peers.push({ label: t('peer_similar', { value: pct(focusLatest.value) }), list: similar });
  }
  const peerButtons = h(
    'div',
    { class: 'peers', role: 'group', 'aria-label': t('peer_groups', { name: focus.name }) },
    h('span', {}, t('peer_groups', { name: focus.name })),
    peers.map((p) =>
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            const list = [focus.iso3, ...p.list.map((e) => e.iso3).filter((x) => x !== focus.iso3)].slice(0, MAX_ECONOMIES);
            ctx.setParams({ economies: list.join(',') });
          },
        },
        p.label,
      ),
    ),
  );

  // Economy checkboxes by subregion.
  const picker = h('details', { class: 'picker' }, h('summary', {}, t('pick_economies', { n: picked.length, max: MAX_ECONOMIES })));
  const options = economyOptions(econs);
  for (const sub of SUBREGIONS) {
    const fs = h('fieldset', {}, h('legend', {}, subregionName(sub)));
    for (const o of options.filter((x) => byIso.get(x.value)!.subregion === sub)) {
      const id = `cmp-${o.value}`;
      const cb = h('input', { type: 'checkbox', id, value: o.value, checked: picked.includes(o.value) });
      cb.addEventListener('change', () => {
        const next = cb.checked ? [...picked, o.value] : picked.filter((x) => x !== o.value);
        ctx.setParams({ economies: next.slice(0, MAX_ECONOMIES).join(',') || null });
      });
      fs.append(h('div', { class: 'check' }, cb, h('label', { for: id }, o.label)));
    }
    picker.append(fs);
  }
  main.append(h('div', { class: 'filters' }, field(t('label_series'), seriesSel), peerButtons), picker);

  if (!picked.length) {
    main.append(emptyState(t('compare_empty')));
    return;
  }
  const chartEl = h('div', { class: 'chart tall', 'data-testid': 'compare-chart' });
  const years = [...new Set(obs.filter((o) => picked.includes(o.economy)).map((o) => o.year))].sort((a, b) => a - b);
  const rows = picked.map((iso) => {
    const a = progress.data.find((x) => x.economy === iso && x.series === chosen.code && x.sex === '_T' && x.age === '_T' && x.quantile === '_T');
    const lv = latest.get(iso);
    return [
      h('a', { href: `/economy/${iso}?series=${chosen.code}&lang=${l}` }, byIso.get(iso)!.name),
      lv ? `${pct(lv.value)} (${lv.year})` : t('no_data'),
      a ? statusBadge(a.status) : statusBadge('no_data'),
      a ? reasonText(a) : '–',
    ];
  });
  main.append(
    h(
      'section',
      { class: 'card wide' },
      chartWithTable(
        t('compare_caption', { series: chosen.name }),
        chartEl,
        table(
          t('compare_caption', { series: chosen.name }),
          [t('col_economy'), ...years.map(String)],
          picked.map((iso) => [byIso.get(iso)!.name, ...years.map((y) => pct(obs.find((o) => o.economy === iso && o.year === y)?.value))]),
          { numeric: years.map((_, i) => i + 1) },
        ),
        t('show_table'),
      ),
      table(t('compare_status_caption'), [t('col_economy'), t('col_latest'), t('col_status'), t('col_reason')], rows, { numeric: [1] }),
    ),
  );
  requestAnimationFrame(() =>
    chart(
      chartEl,
      {
        color: PALETTE,
        legend: { top: 0, type: 'scroll' },
        grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
        xAxis: { type: 'value', min: years[0] ?? 2015, max: years[years.length - 1] ?? 2025, minInterval: 1, axisLabel: { formatter: (v: number) => String(v) } },
        yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: (v: number) => pct(v, 0) } },
        tooltip: { trigger: 'item', formatter: (p: { seriesName: string; value: [number, number] }) => `${p.seriesName}\n${p.value[0]}: ${pct(p.value[1])}` },
        series: picked.map((iso) => ({
          name: byIso.get(iso)!.name,
          type: 'line',
          symbolSize: 7,
          data: obs
            .filter((o) => o.economy === iso)
            .sort((a, b) => a.year - b.year)
            .map((o) => [o.year, o.value]),
        })),
      },
      t('compare_caption', { series: chosen.name }),
    ),
  );
}
