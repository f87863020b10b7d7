// The simulator's part of the HTTP API (docs/http.md, docs/simulator.md): the catalogue, the
// jobs and their stored results, typed for the simulator page.
import { get, request, type Lang } from './api';

export interface SimEconomy {
  iso3: string;
  name: string;
  year?: number;
  fallback?: boolean;
  currency?: string;
  available?: boolean; // false: no synthetic population; `missing` says why
  missing?: string;
}

// A dated parameter of a scheme file: {unit, period, reference, values: {"2010-01-01": 5}}.
export interface SchemeParam {
  unit: string;
  period?: string;
  reference?: string;
  values: Record<string, number>;
}

// A scheme as in the YAML scheme files (docs/simulator.md); keys the page does not edit are
// sent back as they came.
export interface Scheme {
  id: string;
  name: string;
  type: string;
  references?: string[];
  eligibility?: { age?: { min?: number; max?: number }; [k: string]: unknown };
  targeting?: { method: string; share?: number; cutoff?: number; pmt_error_sd?: number; threshold?: SchemeParam };
  take_up?: SchemeParam;
  benefit: { unit?: string; amount: SchemeParam; [k: string]: unknown };
  admin_cost_pct?: number;
  [k: string]: unknown;
}

export interface Catalogue {
  economies: SimEconomy[];
  schemes: { file: string; scheme: Scheme }[];
  limits: { max_persons: number; default_persons: number; min_persons: number };
}

export interface SimPackage {
  name: string;
  schemes: Scheme[];
}

export interface SimRequest {
  economy: string;
  persons: number;
  seed: number;
  year: number | null;
  packages: SimPackage[];
}

export interface Cost {
  transfers: number;
  admin: number;
  total: number;
  pct_gdp: number;
  pct_revenue: number | null;
  usd: number | null;
}

export interface PovertyRow {
  line: string;
  value: number;
  headcount: number;
  gap: number;
  severity: number;
  money_gap: number;
  gap_reduction: number;
  cost_benefit_ratio: number;
}

export interface ProjectionRow {
  year: number;
  cost: number;
  pct_gdp: number;
}

export interface TargetingErrors {
  benchmark: string;
  intended: number;
  recipients: number;
  exclusion_error: number;
  inclusion_error: number;
}

export interface Scenario {
  name: string;
  baseline: boolean;
  cost: Cost;
  recipients: number;
  indirect_beneficiaries: number;
  recipient_households: number;
  poverty: PovertyRow[];
  inequality: { mean: number; median: number; gini: number; palma: number; s80s20: number; rmpg: number };
  deciles: { decile: number; persons: number; mean_baseline: number; mean_scenario: number; change: number; change_pct: number; benefit_share: number }[];
  incidence_by_quintile: number[];
  groups: { dimension: string; group: string; persons: number; poor_baseline: number; poor_scenario: number; direct: number; indirect: number; mean_benefit: number }[];
  targeting: TargetingErrors[];
  projection: ProjectionRow[];
  schemes: {
    id: string;
    name: string;
    type: string;
    targeting: string;
    amount_per_year: number;
    category: number;
    eligible: number;
    recipients: number;
    recipient_households: number;
    indirect_beneficiaries: number;
    coverage_of_category: number;
    cost: Cost;
    errors: TargetingErrors;
  }[];
}

export interface Manifest {
  engine_version: string;
  data_source: string;
  data_hash: string;
  synthetic: boolean;
  seed: number;
  year: number;
  rule_files: string[];
  rule_hashes: string[];
  threads?: number;
  chunks?: number;
  // The job's manifest: each package file and its SHA-256.
  packages?: { number: number; name: string; file: string; sha256: string }[];
}

export interface SimResult {
  synthetic: boolean;
  economy: string;
  year: number;
  currency: string;
  population: number;
  gdp_per_capita: number;
  international_line: number;
  national_line: number | null;
  assumptions: string[];
  warnings: string[];
  manifest: Manifest;
  baseline: Scenario;
  scenarios: Scenario[];
}

export interface SimJob {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: { done: number; total: number } | null;
  created: string;
  started: string | null;
  finished: string | null;
  request: SimRequest;
  manifest: Manifest | null;
  result: SimResult | null;
  error: { code: string; message: string } | null;
}

// A line of GET /simulations: the caller's runs (the secretariat and administrators: all).
export interface SimRunSummary {
  id: string;
  status: SimJob['status'];
  created: string;
  finished: string | null;
  economy: string;
  persons: number;
  packages: string[];
  error: { code: string; message: string } | null;
}

export const catalogue = (lang: Lang) => get<Catalogue>('/simulator', { lang });
export const startSimulation = (body: SimRequest, lang: Lang) =>
  request<{ id: string; status: string }>('POST', '/simulations', { query: { lang }, json: body });
export const simulation = (id: string, lang: Lang) => get<SimJob>(`/simulations/${encodeURIComponent(id)}`, { lang });
export const packageYamlUrl = (id: string, n: number) => `/api/v1/simulations/${encodeURIComponent(id)}/packages/${n}.yaml`;
export const simulationRuns = (limit: number) => get<{ data: SimRunSummary[] }>('/simulations', { limit }).then((r) => r.data);
