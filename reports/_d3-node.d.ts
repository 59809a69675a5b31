/**
 * The part of d3-node (and of the d3 7 it carries) that reports/ uses. Neither package ships
 * types and @types/d3 is not a dependency, so these declarations are written against d3 7.9's
 * documented API and kept to what the charts call.
 */
declare module 'd3-node' {
  export interface Selection {
    append(name: string): Selection;
    attr(name: string, value: string | number): Selection;
    style(name: string, value: string | number): Selection;
    text(value: string): Selection;
    call(fn: (selection: Selection) => void): Selection;
    selectAll(selector: string): Selection;
    remove(): Selection;
    node(): { outerHTML: string } | null;
  }
  export interface LinearScale {
    (value: number): number;
    domain(domain: readonly number[]): LinearScale;
    range(range: readonly number[]): LinearScale;
    nice(count?: number): LinearScale;
    ticks(count?: number): number[];
    tickFormat(count?: number, specifier?: string): (value: number) => string;
  }
  export interface BandScale {
    (value: string): number | undefined;
    domain(domain: readonly string[]): BandScale;
    range(range: readonly number[]): BandScale;
    padding(padding: number): BandScale;
    paddingInner(padding: number): BandScale;
    bandwidth(): number;
  }
  export interface Axis {
    (selection: Selection): void;
    ticks(count: number): Axis;
    tickValues(values: readonly number[]): Axis;
    tickFormat(format: (value: number) => string): Axis;
    tickSize(size: number): Axis;
    tickSizeOuter(size: number): Axis;
  }
  export interface BandAxis {
    (selection: Selection): void;
    tickSizeOuter(size: number): BandAxis;
  }
  export interface LineGenerator {
    (data: readonly (readonly [number, number])[]): string | null;
    x(fn: (d: readonly [number, number]) => number): LineGenerator;
    y(fn: (d: readonly [number, number]) => number): LineGenerator;
    curve(curve: unknown): LineGenerator;
  }
  export interface AreaGenerator {
    (data: readonly (readonly [number, number])[]): string | null;
    x(fn: (d: readonly [number, number]) => number): AreaGenerator;
    y0(value: number): AreaGenerator;
    y1(fn: (d: readonly [number, number]) => number): AreaGenerator;
    curve(curve: unknown): AreaGenerator;
  }
  export interface D3 {
    scaleLinear(): LinearScale;
    scaleLog(): LinearScale;
    scaleBand(): BandScale;
    axisBottom(scale: LinearScale): Axis;
    axisLeft(scale: LinearScale): Axis;
    axisLeft(scale: BandScale): BandAxis;
    line(): LineGenerator;
    area(): AreaGenerator;
    curveStepAfter: unknown;
    curveLinear: unknown;
    curveMonotoneX: unknown;
    format(specifier: string): (value: number) => string;
    schemeTableau10: readonly string[];
  }
  export class D3Node {
    constructor(options?: { styles?: string; container?: string; selector?: string });
    d3: D3;
    createSVG(width: number, height: number, attrs?: Record<string, string | number>): Selection;
    svgString(): string;
  }
}
