// The secretariat's review queue: submitted change sets, each shown as a diff against the
// published values, to publish or return with a comment.
import { ApiError, economies as loadEconomies, get, request, seriesList, type Change, type ChangeSet, type Series } from '../api';
import { append, field, h, table } from '../dom';
import { ageName, dateTime, lang, num, pct, quantileName, sexName, t } from '../i18n';
import { describeError, type Ctx } from '../main';
import { emptyState, errorState, languageName, measureTitle, stageLabel } from './common';
import { signInPrompt } from './workspace';

export function changeSetState(state: ChangeSet['state']): HTMLElement {
  return h('span', { class: `badge cs-${state}`, 'data-state': state }, t(`cs_${state}` as 'cs_draft'));
}

function keyText(c: Change, series: Series[]): string {
  const k = c.key as Record<string, string | number>;
  if (c.kind === 'narrative') return [String(k.period ?? ''), measureTitle(String(k.measure ?? '')), t('narr_written_in', { lang: languageName(String(k.lang ?? '')) })].join(' · ');
  const s = series.find((x) => x.code === k.series);
  const parts = [s ? s.name : String(k.series ?? '')];
  if (k.sex) parts.push(sexName(String(k.sex)));
  if (k.age && k.age !== '_T') parts.push(ageName(String(k.age)));
  if (k.quantile && k.quantile !== '_T') parts.push(quantileName(String(k.quantile)));
  if (k.year) parts.push(String(k.year));
  if (k.period) parts.push(`${k.period} ${k.measure ?? ''} ${k.lang ?? ''}`.trim());
  return parts.join(' · ');
}

// A narrative section as the reviewer reads it: the stage, then each text under its label, in
// the language it is written in.
function narrativeText(v: Record<string, unknown>, textLang: string): HTMLElement {
  const part = (label: string, text: unknown) => (text ? [h('dt', {}, label), h('dd', { lang: textLang }, String(text))] : []);
  return h(
    'dl',
    { class: 'narrative-diff' },
    h('dt', {}, t('label_stage')),
    h('dd', {}, stageLabel(String(v.stage ?? ''))),
    part(t('label_progress'), v.progress),
    part(t('label_challenges'), v.challenges),
    part(t('label_next_steps'), v.next_steps),
  );
}

function valueText(kind: Change['kind'], v: Record<string, unknown> | null): string | HTMLElement {
  if (!v) return t('diff_none');
  if (kind === 'narrative') return narrativeText(v, String(v.lang ?? ''));
  if (kind === 'observation') return v.deleted ? t('deleted') : pct(v.value as number);
  if (kind === 'target') return t('target_summary', { baseline: pct(v.baseline_value as number), baseline_year: String(v.baseline_year ?? ''), interim: pct(v.interim_2025 as number | null), target: pct(v.target_2030 as number) });
  return '';
}

export function changesTable(changes: Change[], series: Series[]): HTMLElement {
  return table(
    t('diff_caption'),
    [t('col_kind'), t('col_key'), t('col_published'), t('col_proposed'), t('col_reason'), t('col_author')],
    changes.map((c) => {
      const before = valueText(c.kind, c.published);
      const after = valueText(c.kind, c.value);
      return [t(`kind_${c.kind}` as 'kind_observation'), keyText(c, series), c.published ? h('del', {}, before) : before, h('ins', {}, after), c.reason || '–', `${c.author} · ${dateTime(c.recorded_at)}`];
    }),
    { className: 'diff' },
  );
}

export async function renderReview(ctx: Ctx): Promise<void> {
  const l = lang();
  const user = ctx.user;
  if (!user) {
    ctx.main.replaceChildren(signInPrompt());
    return;
  }
  if (user.role !== 'secretariat' && user.role !== 'administrator') {
    ctx.main.replaceChildren(errorState(t('forbidden_title'), t('review_forbidden')));
    return;
  }
  const [econs, series] = await Promise.all([loadEconomies(l), seriesList(l)]);
  const name = (iso: string) => econs.find((e) => e.iso3 === iso)?.name ?? iso;
  const id = ctx.path[1];
  if (!id) {
    const stateParam = ctx.params.get('state') ?? 'submitted';
    const r = await get<{ data: ChangeSet[] }>('/changesets', { state: stateParam });
    if (!ctx.isCurrent()) return;
    const tabs = h(
      'div',
      { class: 'peers', role: 'group', 'aria-label': t('review_filter') },
      (['submitted', 'returned', 'published', 'draft'] as const).map((s) => h('a', { class: 'button', href: `/review?state=${s}&lang=${l}`, 'aria-current': s === stateParam ? 'true' : null }, t(`cs_${s}` as 'cs_draft'))),
    );
    ctx.main.replaceChildren(
      h('h1', {}, t('review_title')),
      tabs,
      r.data.length
        ? table(
            t('review_title'),
            [t('col_economy'), t('col_state'), t('col_changes'), t('col_updated')],
            r.data.map((c) => [
              h('a', { href: `/review/${c.id}?lang=${l}`, 'data-testid': `review-${c.economy}` }, name(c.economy)),
              changeSetState(c.state),
              num(c.counts.observation + c.counts.target + c.counts.narrative),
              dateTime(c.updated_at),
            ]),
            { numeric: [2] },
          )
        : emptyState(t('review_empty')),
    );
    return;
  }
  let cs: ChangeSet;
  try {
    cs = await get<ChangeSet>(`/changesets/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      ctx.main.replaceChildren(errorState(t('not_found_title'), t('review_not_found')));
      return;
    }
    throw e;
  }
  if (!ctx.isCurrent()) return;
  const comment = h('textarea', { rows: 3, 'data-testid': 'review-comment' });
  const msg = h('p', { class: 'form-message', role: 'status', 'aria-live': 'polite' });
  const act = (action: 'publish' | 'return') => async () => {
    if (action === 'return' && !comment.value.trim()) {
      msg.textContent = t('review_comment_needed');
      comment.focus();
      return;
    }
    try {
      await request('POST', `/changesets/${cs.id}/${action}`, { json: { comment: comment.value.trim() } });
      msg.textContent = action === 'publish' ? t('review_published') : t('review_returned');
      setTimeout(() => ctx.setParams({}, false), 500);
    } catch (e) {
      msg.textContent = describeError(e);
    }
  };
  const actions =
    cs.state === 'submitted'
      ? h(
          'div',
          { class: 'card' },
          field(t('label_comment'), comment),
          h(
            'div',
            { class: 'form-row' },
            h('button', { type: 'button', onclick: act('publish'), 'data-testid': 'review-publish' }, t('review_publish')),
            h('button', { type: 'button', class: 'secondary', onclick: act('return'), 'data-testid': 'review-return' }, t('review_return')),
          ),
          msg,
        )
      : null;
  ctx.main.replaceChildren();
  append(ctx.main, [
    h('p', {}, h('a', { href: `/review?lang=${l}` }, t('review_back'))),
    h('h1', {}, t('review_item_title', { economy: name(cs.economy) })),
    h('p', { 'data-testid': 'review-state' }, changeSetState(cs.state), ' ', t('changeset_counts', { obs: cs.counts.observation, targets: cs.counts.target, narratives: cs.counts.narrative })),
    h('ol', { class: 'events' }, cs.events.map((ev) => h('li', {}, changeSetState(ev.state as ChangeSet['state']), ` ${ev.actor} · ${dateTime(ev.at)}`, ev.comment ? h('q', {}, ev.comment) : null))),
    cs.changes && cs.changes.length ? changesTable(cs.changes, series) : emptyState(t('review_no_changes')),
    actions,
  ]);
}
