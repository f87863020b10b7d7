// The spcoop HTTP API (docs/http.md), typed for the views. Every call goes through `request`,
// which turns transport failures and error bodies into an ApiError the views can explain.

export type Lang = 'en' | 'zh' | 'ru' | 'fr';

export interface Economy {
  iso3: string;
  iso2: string;
  m49: string;
  name: string;
  names: Record<Lang, string>;
  subregion: string;
  regional: boolean;
  membership: string;
  income_group: string;
  ldc: boolean;
  lldc: boolean;
  sids: boolean;
}

export interface Series {
  code: string;
  custodian: string;
  name: string;
  names: Record<Lang, string>;
  relevant_population: { countable: boolean; proxy: boolean; min_age: number | null; max_age: number | null };
}

export interface Observation {
  series: string;
  economy: string;
  sex: string;
  age: string;
  quantile: string;
  year: number;
  value: number;
  unit: string;
  nature: string;
  source: string;
  note: string;
  revision: number;
  state: string;
}

export interface Target {
  economy: string;
  series: string;
  sex: string;
  age: string;
  baseline_year: number;
  baseline_value: number;
  interim_2025: number | null;
  target_2030: number;
  revision: number | null;
  author: string;
  origin: string;
  reason: string;
  recorded_at: string;
}

export type Status =
  | 'target_achieved'
  | 'on_track'
  | 'needs_acceleration'
  | 'regressing'
  | 'insufficient_data'
  | 'no_data';

export interface YearValue {
  year: number;
  value: number;
}

export interface Assessment {
  series: string;
  economy: string;
  sex: string;
  age: string;
  quantile: string;
  status: Status;
  reason: string;
  target: Target;
  default_target: boolean;
  target_note: string;
  baseline: YearValue | null;
  latest: YearValue | null;
  observations: number;
  trend_observations: number;
  current_status_index: number | null;
  anticipated_progress_index: number | null;
  projected_2025: number | null;
  projected_2030: number | null;
  gap_to_interim: number | null;
  people_not_covered_latest: number | null;
  people_not_covered_latest_year: number | null;
  people_not_covered_2030: number | null;
  population_proxy: boolean;
  population_note: string;
}

export interface Aggregate {
  group: string;
  series: string;
  sex: string;
  year: number;
  population_weighted: number | null;
  simple_average: number | null;
  economies_with_data: number;
  economies_in_group: number;
  economies_carried_forward: number;
  carried_forward: string[];
  population_share_with_data: number;
}

export interface Revision {
  revision: number;
  year: number;
  value: number | null;
  deleted: boolean;
  nature: string;
  source: string;
  note: string;
  state: string;
  author: string;
  origin: string;
  reason: string;
  recorded_at: string;
}

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: 'administrator' | 'secretariat' | 'focal_point' | 'partner' | 'analyst';
  economy: string;
  organisation: string;
  disabled: boolean;
}

export interface ChangeEvent {
  state: string;
  actor: string;
  comment: string;
  at: string;
}

export interface Change {
  id: number;
  kind: 'observation' | 'target' | 'narrative';
  key: Record<string, unknown>;
  value: Record<string, unknown>;
  published: Record<string, unknown> | null;
  reason: string;
  author: string;
  recorded_at: string;
}

export interface ChangeSet {
  id: number;
  economy: string;
  state: 'draft' | 'submitted' | 'returned' | 'publishing' | 'published';
  created_by: string;
  created_at: string;
  updated_at: string;
  counts: { observation: number; target: number; narrative: number };
  events: ChangeEvent[];
  changes?: Change[];
}

export interface ImportResult {
  rows: number;
  added: number;
  changed: number;
  unchanged: number;
  changeset_id: number | null;
  dry_run: boolean;
}

export interface ErrorDetail {
  path: string;
  message: string;
}

// kind: 'network' = the server did not answer; otherwise the HTTP status decides.
export class ApiError extends Error {
  constructor(
    readonly kind: 'network' | 'http',
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
export function onSessionExpired(handler: () => void): void {
  onUnauthenticated = handler;
}

export async function request<T>(
  method: string,
  path: string,
  options: { query?: Record<string, string | number | undefined>; json?: unknown; body?: string; contentType?: string } = {},
): Promise<T> {
  const url = new URL('/api/v1' + path, window.location.origin);
  for (const [k, v] of Object.entries(options.query ?? {})) {
    if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  }
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.body !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'text/plain';
    body = options.body;
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError('network', 0, 'unavailable', String(e));
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = (data ?? {}) as { code?: string; message?: string; details?: ErrorDetail[] };
    const error = new ApiError('http', res.status, err.code ?? 'internal', err.message ?? res.statusText, err.details ?? []);
    if (res.status === 401 && path !== '/session' && onUnauthenticated) onUnauthenticated();
    throw error;
  }
  return data as T;
}

export const get = <T>(path: string, query?: Record<string, string | number | undefined>) =>
  request<T>('GET', path, { query });

// Every page of /observations for the filters.
export async function allObservations(query: Record<string, string | number | undefined>): Promise<Observation[]> {
  const out: Observation[] = [];
  for (let page = 1; ; page++) {
    const r = await get<{ data: Observation[]; total: number }>('/observations', { ...query, page, page_size: 1000 });
    out.push(...r.data);
    if (out.length >= r.total || r.data.length === 0) return out;
  }
}

// Reference lists change only on import: fetched once per language.
const cache = new Map<string, Promise<unknown>>();
export function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  let p = cache.get(key) as Promise<T> | undefined;
  if (!p) {
    p = load();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}
export function clearCache(): void {
  cache.clear();
}

export const economies = (lang: Lang) =>
  cached(`economies:${lang}`, () => get<{ data: Economy[] }>('/economies', { lang }).then((r) => r.data));
export const seriesList = (lang: Lang) =>
  cached(`series:${lang}`, () => get<{ data: Series[] }>('/series', { lang }).then((r) => r.data));
