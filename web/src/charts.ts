// ECharts, with only the parts the app draws: line, bar and map charts on a canvas.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, MapChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapContinuousComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, MapChart, GridComponent, LegendComponent, TooltipComponent, VisualMapContinuousComponent, CanvasRenderer]);

export { echarts };
export type EChartsOption = echarts.EChartsCoreOption;

// Fonts with Chinese and Cyrillic glyphs first among the fallbacks, so no text shows as boxes.
export const FONT = 'system-ui, "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';

// A colour-blind-safe palette (Okabe-Ito) with AA contrast against white for lines and bars.
export const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#7a6a00', '#56b4e9', '#8a5a00', '#333333'];

const live = new Set<echarts.ECharts>();
let resizeHooked = false;

export function chart(el: HTMLElement, option: EChartsOption, label: string): echarts.ECharts {
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', label);
  const c = echarts.init(el, undefined, { renderer: 'canvas' });
  c.setOption({
    color: PALETTE,
    textStyle: { fontFamily: FONT, color: '#1f2933' },
    animation: false,
    ...option,
    tooltip: { renderMode: 'richText', confine: true, ...((option.tooltip as object | undefined) ?? {}) },
  });
  live.add(c);
  if (!resizeHooked) {
    resizeHooked = true;
    window.addEventListener('resize', () => live.forEach((x) => x.resize()));
  }
  return c;
}

// Called when a view is left.
export function disposeCharts(): void {
  live.forEach((c) => c.dispose());
  live.clear();
}
