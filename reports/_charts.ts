/**
 * SVG chart primitives drawn with d3-node (d3 on a jsdom document, no browser): a line chart and a
 * horizontal grouped bar chart. Each returns a self-contained `<svg>` string with explicit
 * fills/strokes (no external CSS needed), a `<title>` for screen readers and `data-chart` so
 * tests and scripts can find it.
 *
 * One jsdom document is shared by every chart of a page: creating a JSDOM costs ≈150 ms (measured
 * here), drawing a chart into an existing one a few ms.
 */
import { D3Node, type D3, type LinearScale, type Selection } from 'd3-node';

export interface Series {
  name: string;
  color: string;
  points: readonly (readonly [number, number])[];
  /** Thin, translucent step line (raw per-window values behind a smoothed line). */
  faint?: boolean;
  dashed?: boolean;
  step?: boolean;
  /** Draw a dot at each point (sweep curves with few points). */
  markers?: boolean;
  /** Leave out of the legend (a faint raw series whose smoothed twin is listed). */
  hideInLegend?: boolean;
}

export interface LineChartSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  width: number;
  height: number;
  series: readonly Series[];
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  xTickValues?: readonly number[];
  xLog?: boolean;
  yFormat?: string;
  xFormat?: string;
  /** Where the legend goes: inside the plot's top-right (default) or bottom-right corner, or in a column to the right of the plot (long names). */
  legend?: 'top-right' | 'bottom-right' | 'right';
  /** Draw the series in reverse so the first (the architecture under test) lies on top where lines coincide. */
  firstOnTop?: boolean;
  /** Width of the right-hand legend column; give panels meant to share axes the same width. */
  legendWidth?: number;
}

export interface BarChartSpec {
  id: string;
  title: string;
  xLabel: string;
  width: number;
  categories: readonly string[];
  series: readonly { name: string; color: string; values: readonly number[]; markers?: readonly number[] }[];
  /** Legend text for the markers (e.g. "p99"), when any series has them. */
  markerLabel?: string;
  xFormat?: string;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
const AXIS_COLOR = '#555';
const GRID_COLOR = '#e6e6e6';
/** Width of one legend character in px at 11 px type, for laying out legends without measuring text. */
const LEGEND_CHAR_PX = 7;

/** Width of a right-hand legend column for these names (swatch, gap, text), capped at 320 px. */
export function legendColumnWidth(names: readonly string[]): number {
  return Math.min(320, 34 + LEGEND_CHAR_PX * Math.max(0, ...names.map((n) => n.length)));
}

interface LegendEntry {
  name: string;
  color: string;
  dashed: boolean;
  /** A line (default), a filled bar swatch, or a vertical tick (a marker drawn across bars). */
  glyph?: 'line' | 'bar' | 'tick';
}

export class ChartCanvas {
  private readonly node = new D3Node();
  readonly d3: D3 = this.node.d3;

  /** Draws into a fresh `<svg>`, serialises it and removes it from the shared document. */
  private render(width: number, height: number, id: string, title: string, draw: (svg: Selection) => void): string {
    const svg = this.node.createSVG(width, height, {
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'data-chart': id,
      'font-family': FONT,
    });
    svg.append('title').text(title);
    svg.append('rect').attr('x', 0).attr('y', 0).attr('width', width).attr('height', height).attr('fill', '#ffffff');
    draw(svg);
    const markup = svg.node()?.outerHTML ?? '';
    svg.remove();
    return markup;
  }

  lineChart(spec: LineChartSpec): string {
    const d3 = this.d3;
    const legendWidth =
      spec.legend === 'right'
        ? (spec.legendWidth ?? legendColumnWidth(spec.series.filter((s) => s.hideInLegend !== true).map((s) => s.name)))
        : 0;
    const margin = { top: 34, right: 16 + legendWidth, bottom: 44, left: 64 };
    const plotW = spec.width - margin.left - margin.right;
    const plotH = spec.height - margin.top - margin.bottom;
    const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
    const ys = spec.series.flatMap((s) => s.points.map((p) => p[1]));
    const xDomain = spec.xDomain ?? [Math.min(...xs, 0), Math.max(...xs, 1)];
    const yDomain = spec.yDomain ?? [Math.min(0, ...ys), Math.max(...ys, 0) > 0 ? Math.max(...ys) : 1];
    const x: LinearScale = (spec.xLog === true ? d3.scaleLog() : d3.scaleLinear()).domain(xDomain).range([0, plotW]);
    if (spec.xLog !== true && spec.xDomain === undefined) x.nice();
    const y: LinearScale = d3.scaleLinear().domain(yDomain).range([plotH, 0]);
    if (spec.yDomain === undefined) y.nice();
    const yFmt = d3.format(spec.yFormat ?? '~s');
    const xFmt = d3.format(spec.xFormat ?? '~g');
    return this.render(spec.width, spec.height, spec.id, spec.title, (svg) => {
      this.heading(svg, spec.title);
      const plot = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
      for (const t of y.ticks(5)) {
        plot
          .append('line')
          .attr('x1', 0)
          .attr('x2', plotW)
          .attr('y1', y(t))
          .attr('y2', y(t))
          .attr('stroke', GRID_COLOR);
      }
      // A log axis labels only its 1-2-5 ticks (d3's log tickFormat blanks the rest).
      const xAxis = d3
        .axisBottom(x)
        .tickFormat(spec.xLog === true && spec.xTickValues === undefined ? x.tickFormat(6, spec.xFormat ?? '~g') : xFmt)
        .tickSizeOuter(0);
      if (spec.xTickValues !== undefined) xAxis.tickValues(spec.xTickValues);
      else xAxis.ticks(6);
      plot.append('g').attr('transform', `translate(0,${plotH})`).attr('color', AXIS_COLOR).call(xAxis);
      plot.append('g').attr('color', AXIS_COLOR).call(d3.axisLeft(y).ticks(5).tickFormat(yFmt).tickSizeOuter(0));
      this.axisLabels(svg, margin, plotW, plotH, spec.xLabel, spec.yLabel);
      const clampX = (v: number): number => Math.max(0, Math.min(plotW, x(v)));
      const clampY = (v: number): number => Math.max(0, Math.min(plotH, y(v)));
      for (const s of spec.firstOnTop === true ? [...spec.series].reverse() : spec.series) {
        if (s.points.length === 0) continue;
        const line = d3
          .line()
          .x((d) => clampX(d[0]))
          .y((d) => clampY(d[1]))
          .curve(s.step === true ? d3.curveStepAfter : d3.curveLinear);
        const path = plot
          .append('path')
          .attr('d', line(s.points) ?? '')
          .attr('fill', 'none')
          .attr('stroke', s.color)
          .attr('stroke-width', s.faint === true ? 1 : 2)
          .attr('stroke-linejoin', 'round')
          .attr('data-series', s.name);
        if (s.faint === true) path.attr('stroke-opacity', 0.3);
        if (s.dashed === true) path.attr('stroke-dasharray', '6 4');
        if (s.markers === true) {
          for (const p of s.points)
            plot
              .append('circle')
              .attr('cx', clampX(p[0]))
              .attr('cy', clampY(p[1]))
              .attr('r', 3.5)
              .attr('fill', s.color);
        }
      }
      this.legend(
        svg,
        spec.series
          .filter((s) => s.hideInLegend !== true)
          .map((s) => ({ name: s.name, color: s.color, dashed: s.dashed === true })),
        spec.legend === 'right'
          ? { x: margin.left + plotW + 16, y: margin.top + 4 }
          : spec.legend === 'bottom-right'
            ? {
                x: margin.left + plotW - 8,
                y: margin.top + plotH - 10 - 16 * spec.series.filter((s) => s.hideInLegend !== true).length,
                alignRight: true,
              }
            : { x: margin.left + plotW - 8, y: margin.top + 6, alignRight: true },
      );
    });
  }

  barChart(spec: BarChartSpec): string {
    const d3 = this.d3;
    const groupH = 14 * spec.series.length + 14;
    // Category labels sit left of the axis at 10 px type (≈ 6 px a character): room for the longest.
    const labelPx = Math.max(0, ...spec.categories.map((c) => c.length)) * 6 + 16;
    const margin = { top: 52, right: 24, bottom: 44, left: Math.max(96, Math.min(spec.width / 2, labelPx)) };
    const plotW = spec.width - margin.left - margin.right;
    const plotH = groupH * spec.categories.length;
    const height = plotH + margin.top + margin.bottom;
    const maxValue = Math.max(0, ...spec.series.flatMap((s) => [...s.values, ...(s.markers ?? [])]));
    const x = d3
      .scaleLinear()
      .domain([0, maxValue > 0 ? maxValue : 1])
      .range([0, plotW])
      .nice();
    const band = d3.scaleBand().domain(spec.categories).range([0, plotH]).paddingInner(0.2);
    const barH = band.bandwidth() / spec.series.length;
    const xFmt = d3.format(spec.xFormat ?? '~s');
    return this.render(spec.width, height, spec.id, spec.title, (svg) => {
      this.heading(svg, spec.title);
      const plot = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
      for (const t of x.ticks(6))
        plot
          .append('line')
          .attr('x1', x(t))
          .attr('x2', x(t))
          .attr('y1', 0)
          .attr('y2', plotH)
          .attr('stroke', GRID_COLOR);
      plot
        .append('g')
        .attr('transform', `translate(0,${plotH})`)
        .attr('color', AXIS_COLOR)
        .call(d3.axisBottom(x).ticks(6).tickFormat(xFmt).tickSizeOuter(0));
      plot.append('g').attr('color', AXIS_COLOR).call(d3.axisLeft(band).tickSizeOuter(0));
      this.axisLabels(svg, margin, plotW, plotH, spec.xLabel, '');
      spec.categories.forEach((category, ci) => {
        const top = band(category) ?? 0;
        spec.series.forEach((s, si) => {
          const value = s.values[ci] ?? 0;
          const yTop = top + si * barH;
          // A zero value still gets a hairline so the bar's place is visible.
          plot
            .append('rect')
            .attr('x', 0)
            .attr('y', yTop + 1)
            .attr('width', Math.max(1, x(value)))
            .attr('height', Math.max(1, barH - 2))
            .attr('fill', s.color)
            .attr('data-series', s.name);
          plot
            .append('text')
            .attr('x', Math.max(1, x(value)) + 4)
            .attr('y', yTop + barH / 2 + 4)
            .attr('font-size', 10)
            .attr('fill', '#333')
            .text(d3.format('.3~r')(value));
          const marker = s.markers?.[ci];
          if (marker !== undefined)
            plot
              .append('line')
              .attr('x1', x(marker))
              .attr('x2', x(marker))
              .attr('y1', yTop)
              .attr('y2', yTop + barH)
              .attr('stroke', '#222')
              .attr('stroke-width', 2);
        });
      });
      const entries: LegendEntry[] = spec.series.map((s) => ({
        name: s.name,
        color: s.color,
        dashed: false,
        glyph: 'bar',
      }));
      if (spec.markerLabel !== undefined)
        entries.push({ name: spec.markerLabel, color: '#222', dashed: false, glyph: 'tick' });
      this.legend(svg, entries, { x: margin.left, y: 34, horizontal: true });
    });
  }

  private heading(svg: Selection, title: string): void {
    svg
      .append('text')
      .attr('x', 12)
      .attr('y', 20)
      .attr('font-size', 14)
      .attr('font-weight', 600)
      .attr('fill', '#222')
      .text(title);
  }

  private axisLabels(
    svg: Selection,
    margin: { top: number; left: number },
    plotW: number,
    plotH: number,
    xLabel: string,
    yLabel: string,
  ): void {
    svg
      .append('text')
      .attr('x', margin.left + plotW / 2)
      .attr('y', margin.top + plotH + 36)
      .attr('text-anchor', 'middle')
      .attr('font-size', 11)
      .attr('fill', '#333')
      .text(xLabel);
    if (yLabel !== '') {
      svg
        .append('text')
        .attr('transform', `translate(14,${margin.top + plotH / 2}) rotate(-90)`)
        .attr('text-anchor', 'middle')
        .attr('font-size', 11)
        .attr('fill', '#333')
        .text(yLabel);
    }
  }

  private legend(
    svg: Selection,
    entries: readonly LegendEntry[],
    at: { x: number; y: number; alignRight?: boolean; horizontal?: boolean },
  ): void {
    if (entries.length === 0) return;
    const rowH = 16;
    const widest = Math.max(...entries.map((e) => e.name.length)) * LEGEND_CHAR_PX + 30;
    const g = svg.append('g').attr('font-size', 11);
    let cursor = 0;
    entries.forEach((e, i) => {
      const ex = at.horizontal === true ? at.x + cursor : at.alignRight === true ? at.x - widest : at.x;
      const ey = at.horizontal === true ? at.y : at.y + i * rowH;
      cursor += e.name.length * LEGEND_CHAR_PX + 40;
      if (at.alignRight === true && i === 0) {
        g.append('rect')
          .attr('x', ex - 6)
          .attr('y', ey - 4)
          .attr('width', widest + 6)
          .attr('height', entries.length * rowH + 4)
          .attr('fill', '#ffffff')
          .attr('fill-opacity', 0.85);
      }
      if (e.glyph === 'bar')
        g.append('rect')
          .attr('x', ex)
          .attr('y', ey + 2)
          .attr('width', 18)
          .attr('height', 9)
          .attr('fill', e.color);
      else if (e.glyph === 'tick')
        g.append('line')
          .attr('x1', ex + 9)
          .attr('x2', ex + 9)
          .attr('y1', ey)
          .attr('y2', ey + 13)
          .attr('stroke', e.color)
          .attr('stroke-width', 2);
      else {
        const line = g
          .append('line')
          .attr('x1', ex)
          .attr('x2', ex + 18)
          .attr('y1', ey + 6)
          .attr('y2', ey + 6)
          .attr('stroke', e.color)
          .attr('stroke-width', 2.5);
        if (e.dashed) line.attr('stroke-dasharray', '5 3');
      }
      g.append('text')
        .attr('x', ex + 24)
        .attr('y', ey + 10)
        .attr('fill', '#222')
        .text(e.name);
    });
  }
}
