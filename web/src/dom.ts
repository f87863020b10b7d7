// A small DOM builder: h('p', {class: 'x'}, 'text', child). Text is always set as text, never
// parsed as HTML, so names and messages from the data cannot inject markup.
type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

let idCounter = 0;
export function uid(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// A labelled form field: the label is tied to the control by id.
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || uid('f');
  control.id = id;
  const hintEl = hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

export function select(options: { value: string; label: string }[], value: string, attrs: Attrs = {}): HTMLSelectElement {
  const s = h('select', attrs);
  for (const o of options) {
    const opt = h('option', { value: o.value }, o.label);
    if (o.value === value) opt.selected = true;
    s.append(opt);
  }
  return s;
}

// A data table: the alternative to every chart, and the plain view of lists.
// hideCaption: the caption repeats a visible heading, so only screen readers get it.
export function table(caption: string, head: string[], rows: Child[][], opts: { numeric?: number[]; className?: string; hideCaption?: boolean } = {}): HTMLElement {
  const numeric = new Set(opts.numeric ?? []);
  return h(
    'div',
    { class: `table-wrap ${opts.className ?? ''}`, tabindex: 0, role: 'region', 'aria-label': caption },
    h(
      'table',
      {},
      h('caption', { class: opts.hideCaption ? 'sr-only' : null }, caption),
      h('thead', {}, h('tr', {}, head.map((c, i) => h('th', { scope: 'col', class: numeric.has(i) ? 'num' : null }, c)))),
      h(
        'tbody',
        {},
        rows.map((r) => h('tr', {}, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', { class: numeric.has(i) ? 'num' : null }, c))))),
      ),
    ),
  );
}

// A chart with its table alternative, in a <details> the keyboard can open.
export function chartWithTable(title: string, chartEl: HTMLElement, tableEl: HTMLElement, showTable: string): HTMLElement {
  return h('figure', { class: 'chart-figure' }, h('figcaption', {}, title), chartEl, h('details', { class: 'table-alt' }, h('summary', {}, showTable), tableEl));
}
