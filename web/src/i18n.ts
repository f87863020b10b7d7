// Message catalogues and locale-aware formatting. The language comes from the URL (`lang=`),
// else the last choice (localStorage), else the browser's language, else English.
import type { Lang, Status } from './api';
import { en, type Key } from './messages/en';
import { zh } from './messages/zh';
import { ru } from './messages/ru';
import { fr } from './messages/fr';
import type { SimKey } from './messages/sim/en';

export const LANGS: Lang[] = ['en', 'zh', 'ru', 'fr'];
const catalogues: Record<Lang, Record<Key, string>> = { en, zh, ru, fr };
// Keys of the catalogues that a view loaded on demand brings with it (the simulator's).
export type LazyKey = SimKey;
const lazy: Record<Lang, Partial<Record<LazyKey, string>>> = { en: {}, zh: {}, ru: {}, fr: {} };
export function addCatalogues(add: Record<Lang, Partial<Record<LazyKey, string>>>): void {
  for (const l of LANGS) Object.assign(lazy[l], add[l]);
}
const intlLocale: Record<Lang, string> = { en: 'en-GB', zh: 'zh-CN', ru: 'ru-RU', fr: 'fr-FR' };
const STORAGE_KEY = 'spcoop.lang';

let current: Lang = 'en';

export function isLang(x: string | null | undefined): x is Lang {
  return !!x && (LANGS as string[]).includes(x);
}

export function initialLang(): Lang {
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (isLang(fromUrl)) return fromUrl;
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    /* storage may be disabled */
  }
  const nav = (navigator.language || 'en').slice(0, 2);
  return isLang(nav) ? nav : 'en';
}

export function setLang(lang: Lang): void {
  current = lang;
  document.documentElement.lang = lang === 'zh' ? 'zh-Hans' : lang;
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* storage may be disabled */
  }
}

export function lang(): Lang {
  return current;
}

// t('key', {name: 'x'}) replaces {name} in the message.
export function t(key: Key | LazyKey, params: Record<string, string | number> = {}): string {
  // A key built from data (a state the app does not know yet) falls back to the key itself.
  const own = catalogues[current] as Record<string, string>;
  const msg = own[key] ?? lazy[current][key as LazyKey] ?? (en as Record<string, string>)[key] ?? lazy.en[key as LazyKey] ?? String(key);
  return msg.replace(/\{(\w+)\}/g, (_, p: string) => (p in params ? String(params[p]) : `{${p}}`));
}

const fmtCache = new Map<string, Intl.NumberFormat>();
function nf(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = current + JSON.stringify(options);
  let f = fmtCache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(intlLocale[current], options);
    fmtCache.set(key, f);
  }
  return f;
}

// 20.8 -> "20.8%" (en), "20,8 %" (fr). `minDigits` keeps trailing zeros (columns that align).
export function pct(value: number | null | undefined, digits = 1, minDigits = 0): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return nf({ style: 'percent', minimumFractionDigits: minDigits, maximumFractionDigits: digits }).format(value / 100);
}
// A share 0..1 -> percent.
export function share(value: number | null | undefined, digits = 1, minDigits = 0): string {
  if (value === null || value === undefined) return '–';
  return nf({ style: 'percent', minimumFractionDigits: minDigits, maximumFractionDigits: digits }).format(value);
}
export function num(value: number | null | undefined, digits = 0, minDigits = 0): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return nf({ minimumFractionDigits: minDigits, maximumFractionDigits: digits }).format(value);
}
// Whole people: 835971.107 -> "835,971".
export function people(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return nf({ maximumFractionDigits: 0 }).format(Math.round(value));
}
export function compactPeople(value: number): string {
  return nf({ notation: 'compact', maximumFractionDigits: 1 }).format(value);
}
export function year(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : String(value);
}
export function dateTime(iso: string): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale[current], { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}
export function collator(): Intl.Collator {
  return new Intl.Collator(intlLocale[current]);
}

export function statusLabel(s: Status): string {
  return t(`status_${s}` as Key);
}

const subregionKeys: Record<string, Key> = {
  'Asia and the Pacific': 'group_region',
  'East and North-East Asia': 'subregion_enea',
  'South-East Asia': 'subregion_sea',
  'South and South-West Asia': 'subregion_sswa',
  'North and Central Asia': 'subregion_nca',
  Pacific: 'subregion_pacific',
};
export function subregionName(name: string): string {
  const k = subregionKeys[name];
  return k ? t(k) : name || t('not_regional');
}
export const SUBREGIONS = Object.keys(subregionKeys).slice(1);

const incomeKeys: Record<string, Key> = {
  'High income': 'income_high',
  'Upper middle income': 'income_upper_middle',
  'Lower middle income': 'income_lower_middle',
  'Low income': 'income_low',
};
export function incomeName(name: string): string {
  const k = incomeKeys[name];
  return k ? t(k) : t('income_unknown');
}

export function sexName(code: string): string {
  return code === 'F' ? t('sex_f') : code === 'M' ? t('sex_m') : t('sex_t');
}
export function ageName(code: string): string {
  if (code === '_T') return t('age_all');
  const m = /^Y(\d+)T(\d+)$/.exec(code);
  if (m) return t('age_range', { from: m[1], to: m[2] });
  const ge = /^Y_GE(\d+)$/.exec(code);
  if (ge) return t('age_ge', { from: ge[1] });
  const lt = /^Y_LT(\d+)$/.exec(code);
  if (lt) return t('age_lt', { to: lt[1] });
  return code;
}
export function quantileName(code: string): string {
  if (code === '_T') return t('quantile_all');
  const m = /^Q(\d)$/.exec(code);
  return m ? t('quantile_q', { q: m[1] }) : code;
}
export function natureName(code: string): string {
  const k = ({ C: 'nature_c', CA: 'nature_ca', E: 'nature_e', M: 'nature_m', N: 'nature_n', G: 'nature_g' } as Record<string, Key>)[code];
  return k ? t(k) : t('nature_none');
}
