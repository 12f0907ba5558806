// Timeline above the tables: rows by state (stacked), opened and closed per second, total traffic
// rate where rows carry one. Drawn by uPlot (canvas, made for streaming time series); drag across a
// span to filter the Events view to it, hover for the counts at that moment. The state chart is
// also a keyboard control (spanKeys.ts): a cursor moved one sample at a time, Shift to extend a
// span, Enter to apply it as a drag would, Escape to clear; its value is read out to screen readers.
import { useCallback, useEffect, useMemo, useRef, useState, type HTMLAttributes } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './timeline.css';
import { TIMELINE_SERIES, type TimelineSample } from '../../../shared/timeline';
import { formatRate } from '../../../shared/units';
import { clockTime, spanLabel } from './spanLabel';
import { timeTicks, tickLabels } from './timeTicks';
import { rovingFocus } from '../../components/roving';
import { REGION_ENTRY_PROPS, regionProps } from '../../app/regions';
import { bucketRange, cursorText, dragBuckets, nearestSample, spanAfterKey, type BucketSpan } from './spanKeys';
import { AXIS_FONT, formatPerSecondTick, RIGHT_AXIS_PX, RIGHT_GAP_PX, RIGHT_LABEL_PX, RIGHT_TICK_PX, TIMELINE_ZOOMS, hasRates, perSecond, rateColumns, stackedColumns, visibleSamples } from './chartData';

/** CSS custom properties of the state colours, in TIMELINE_SERIES order. */
const STATE_VARS = ['--st-estab', '--st-listen', '--st-timewait', '--st-closewait', '--st-other', '--st-udp'];

/** Resolves CSS colours (light-dark() included) to what the canvas needs, via a probe element. */
function resolveColors(host: HTMLElement, vars: readonly string[]): string[] {
  const probe = document.createElement('span');
  host.appendChild(probe);
  const out = vars.map((v) => {
    probe.style.color = `var(${v})`;
    return getComputedStyle(probe).color;
  });
  probe.remove();
  return out;
}

function withAlpha(rgb: string, a: number): string {
  const m = /rgba?\(([^)]+)\)/.exec(rgb);
  if (!m) return rgb;
  const [r, g, b] = m[1].split(',').map((p) => p.trim());
  return `rgba(${r}, ${g}, ${b}, ${a})`;
}

/** Re-renders when the colour scheme the page resolves changes (OS setting or the app's theme). */
function useSchemeKey(theme: string): string {
  const [dark, setDark] = useState(() => window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false);
  useEffect(() => {
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    if (!mq) return;
    const on = () => setDark(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return `${theme}:${dark}`;
}

function useSize(ref: React.RefObject<HTMLElement | null>): number {
  const [w, setW] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setW(Math.floor(el.clientWidth));
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setW(Math.floor(el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return w;
}

interface ChartProps {
  data: uPlot.AlignedData;
  makeOpts: (width: number, colors: string[]) => uPlot.Options;
  colorVars: readonly string[];
  scheme: string;
  height: number;
  label: string;
  /** Called with the plot once drawn, and with null when it goes. */
  onPlot?(plot: uPlot | null): void;
  /** What makes the chart a keyboard control (role, tabIndex, aria-*, handlers); absent: an image. */
  control?: HTMLAttributes<HTMLDivElement>;
}

/** One uPlot chart: created for a width and colour scheme, fed new data in place (no re-creation per poll). */
function Chart({ data, makeOpts, colorVars, scheme, height, label, onPlot, control }: ChartProps) {
  const wrap = useRef<HTMLDivElement | null>(null);
  const plot = useRef<uPlot | null>(null);
  const onPlotRef = useRef(onPlot);
  onPlotRef.current = onPlot;
  const width = useSize(wrap);
  const dataRef = useRef(data);
  dataRef.current = data;
  useEffect(() => {
    const el = wrap.current;
    if (!el || width <= 0) return;
    let p: uPlot | null = null;
    let gone = false;
    // Loaded on first draw: uPlot reads the display's pixel ratio when it loads.
    void import('uplot')
      .then(({ default: UPlot }) => {
        if (gone) return;
        p = new UPlot(makeOpts(width, resolveColors(el, colorVars)), dataRef.current, el);
        plot.current = p;
        onPlotRef.current?.(p);
      })
      .catch((e: unknown) => {
        // A chart that cannot load or draw (no matchMedia or canvas, e.g. a test DOM) leaves the
        // strip empty with the reason; it never becomes an unhandled rejection.
        if (!gone) el.dataset.chartError = e instanceof Error ? e.message : String(e);
      });
    return () => {
      gone = true;
      p?.destroy();
      plot.current = null;
      onPlotRef.current?.(null);
    };
  }, [width, scheme, makeOpts, colorVars, height]);
  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);
  return <div className="timeline-chart" ref={wrap} role="img" aria-label={label} style={{ height }} {...control} />;
}

export interface TimelineViewProps {
  samples: readonly TimelineSample[];
  /** The app's theme setting (system / light / dark): the chart's colours follow it. */
  theme: string;
  /** The span chosen by dragging (epoch ms), null for none. */
  range: [number, number] | null;
  onRange(range: [number, number] | null): void;
  /** Where the samples come from, e.g. "live" or the recording's name. */
  source: string;
}

/** Left axis width of both charts (the same, so their time axes line up): room for "1023 KiB/s". */
const Y_AXIS_PX = 72;

/** Width of an axis label as the canvas draws it (AXIS_FONT), CSS px; an estimate where no canvas is. */
let measureCtx: CanvasRenderingContext2D | null | undefined;
function axisLabelWidth(text: string): number {
  // Made on first use: the charts draw only once uPlot loads, in a page with a canvas.
  if (measureCtx === undefined) {
    measureCtx = document.createElement('canvas').getContext('2d');
    if (measureCtx) measureCtx.font = AXIS_FONT;
  }
  return measureCtx ? measureCtx.measureText(text).width : text.length * 7;
}

/** The x axis's ticks for a plot: spaced so their labels never run together (timeTicks.ts). */
const xSplits = (u: uPlot, _axis: number, min: number, max: number) => timeTicks(min, max, u.bbox.width / (window.devicePixelRatio || 1), axisLabelWidth);

export function TimelineView({ samples, theme, range, onRange, source }: TimelineViewProps) {
  const [open, setOpen] = useState(true);
  const [zoom, setZoom] = useState<number | null>(3_600_000);
  const [hover, setHover] = useState<TimelineSample | null>(null);
  const scheme = useSchemeKey(theme);
  const shown = useMemo(() => visibleSamples(samples, zoom), [samples, zoom]);
  const columns = useMemo(() => stackedColumns(shown) as uPlot.AlignedData, [shown]);
  const rates = hasRates(shown);
  const rateData = useMemo(() => rateColumns(shown) as uPlot.AlignedData, [shown]);
  const shownRef = useRef(shown);
  shownRef.current = shown;
  const onRangeRef = useRef(onRange);
  onRangeRef.current = onRange;

  const colorVars = useMemo(() => [...STATE_VARS, '--new-ink', '--closed-ink', '--dim', '--border', '--accent'], []);
  const makeOpts = useMemo(
    () =>
      (width: number, c: string[]): uPlot.Options => {
        const n = TIMELINE_SERIES.length;
        const [dim, grid] = [c[n + 2], c[n + 3]];
        const axis = { stroke: dim, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, font: AXIS_FONT };
        return {
          width,
          height: 112,
          legend: { show: false },
          cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
          select: { show: true, left: 0, top: 0, width: 0, height: 0 },
          scales: { x: { time: true }, n: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.05] }, ps: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
          axes: [
            { ...axis, size: 26, splits: xSplits, values: (_u, splits) => tickLabels(splits) },
            { ...axis, scale: 'n', size: Y_AXIS_PX },
            {
              ...axis,
              scale: 'ps',
              side: 1,
              size: RIGHT_AXIS_PX,
              ticks: { ...axis.ticks, size: RIGHT_TICK_PX },
              gap: RIGHT_GAP_PX,
              // Short values ("2k", not "2,000"): the "/s" label beyond the axis stays clear of them.
              values: (_u, splits) => splits.map(formatPerSecondTick),
              label: '/s',
              labelSize: RIGHT_LABEL_PX,
              labelFont: AXIS_FONT,
              grid: { show: false },
            },
          ],
          series: [
            {},
            // Bands from the top one down: each filled to zero, the next smaller drawn over it.
            ...Array.from({ length: n }, (_, k) => {
              const color = c[n - 1 - k];
              return { label: TIMELINE_SERIES[n - 1 - k], scale: 'n', stroke: color, fill: withAlpha(color, 0.85), width: 1, points: { show: false } } as uPlot.Series;
            }),
            { label: 'opened/s', scale: 'ps', stroke: c[n], width: 1.5, points: { show: false } },
            { label: 'closed/s', scale: 'ps', stroke: c[n + 1], width: 1.5, dash: [4, 3], points: { show: false } },
          ],
          hooks: {
            setCursor: [
              (u) => {
                const i = u.cursor.idx;
                setHover(i === null || i === undefined ? null : (shownRef.current[i] ?? null));
              },
            ],
            setSelect: [
              (u) => {
                if (u.select.width < 3) return;
                // The samples drawn nearest the drag's ends, as the keys pick them (spanKeys.ts).
                const from = u.posToVal(u.select.left, 'x') * 1000;
                const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
                const buckets = dragBuckets(shownRef.current, from, to);
                if (buckets) onRangeRef.current(bucketRange(shownRef.current, buckets[0], buckets[1]));
                u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              },
            ],
          },
        };
      },
    [],
  );
  const rateVars = useMemo(() => ['--accent', '--new-ink', '--dim', '--border'], []);
  const makeRateOpts = useMemo(
    () =>
      (width: number, c: string[]): uPlot.Options => {
        const axis = { stroke: c[2], grid: { stroke: c[3], width: 1 }, ticks: { stroke: c[3] }, font: AXIS_FONT };
        return {
          width,
          height: 56,
          legend: { show: false },
          cursor: { drag: { x: false, y: false }, points: { show: false } },
          scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
          // Two ticks, 0 and the top of the scale: at 56 px uPlot's own spacing left only "0 B/s".
          axes: [
            { ...axis, show: false },
            { ...axis, size: Y_AXIS_PX, splits: (_u, _i, min, max) => [min, max], values: (_u, vals) => vals.map((v) => formatRate(v)) },
            // An empty right axis as wide as the state chart's "/s" one: the two plots span the same x.
            { side: 1, size: RIGHT_AXIS_PX + RIGHT_LABEL_PX, stroke: 'transparent', grid: { show: false }, ticks: { show: false }, values: () => [] },
          ],
          series: [{}, { label: 'send', stroke: c[0], width: 1.5, points: { show: false } }, { label: 'receive', stroke: c[1], width: 1.5, points: { show: false } }],
        };
      },
    [],
  );

  // The keyboard's cursor and span, held as sample times so that new polls do not move them.
  const [keyTimes, setKeyTimes] = useState<{ anchor: number; cursor: number } | null>(null);
  const keySpan = useMemo<BucketSpan | null>(
    () => (keyTimes && shown.length > 0 ? { anchor: nearestSample(shown, keyTimes.anchor), cursor: nearestSample(shown, keyTimes.cursor) } : null),
    [keyTimes, shown],
  );
  const [plot, setPlot] = useState<uPlot | null>(null);
  const [said, setSaid] = useState('');
  const drawn = useRef(false);
  useEffect(() => {
    if (!plot) return;
    const h = plot.over.clientHeight;
    if (!keySpan) {
      // Cleared once when the keys let go, never on every poll: a mouse drag may be under way.
      if (drawn.current) {
        plot.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        plot.setCursor({ left: -10, top: -10 });
      }
      drawn.current = false;
      return;
    }
    const x = (i: number) => plot.valToPos(shown[i].time / 1000, 'x');
    const [a, b] = [x(Math.min(keySpan.anchor, keySpan.cursor)), x(Math.max(keySpan.anchor, keySpan.cursor))];
    plot.setCursor({ left: x(keySpan.cursor), top: h / 2 });
    plot.setSelect({ left: a, top: 0, width: b - a, height: h }, false);
    drawn.current = true;
  }, [plot, keySpan, shown]);
  const onChartKey = (e: React.KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Enter') {
      if (!keySpan) return;
      e.preventDefault();
      const r = bucketRange(shown, keySpan.anchor, keySpan.cursor);
      onRange(r);
      setSaid(`${spanLabel(r[0], r[1])}: shown`);
    } else if (e.key === 'Escape') {
      // The chart's own span first (one Escape, one thing); the window's Escape is left alone otherwise.
      if (keyTimes && keyTimes.anchor !== keyTimes.cursor) setKeyTimes({ anchor: keyTimes.cursor, cursor: keyTimes.cursor });
      else if (range) {
        onRange(null);
        setSaid('Time span cleared');
      } else return;
      e.preventDefault();
    } else {
      const next = spanAfterKey(e.key, e.shiftKey, keySpan, shown.length);
      if (!next) return;
      e.preventDefault();
      setKeyTimes({ anchor: shown[next.anchor].time, cursor: shown[next.cursor].time });
    }
  };
  const chartControl = {
    role: 'slider',
    tabIndex: 0,
    'aria-label': 'Timeline cursor: ← → move it one sample, Shift extends a span, Enter shows its events, Escape clears',
    'aria-valuemin': 0,
    'aria-valuemax': Math.max(0, shown.length - 1),
    'aria-valuenow': keySpan?.cursor ?? Math.max(0, shown.length - 1),
    'aria-valuetext': cursorText(shown, keySpan),
    'aria-keyshortcuts': 'ArrowLeft ArrowRight Shift+ArrowLeft Shift+ArrowRight Home End PageUp PageDown Enter Escape',
    ...REGION_ENTRY_PROPS,
    onKeyDown: onChartKey,
    // The mouse takes over from the keys (else the next poll would put the cursor back under the
    // keys' sample while the mouse points elsewhere); leaving the chart lets the cursor go.
    onMouseDown: () => setKeyTimes(null),
    onMouseMove: () => setKeyTimes((k) => (k === null ? k : null)),
    onBlur: () => setKeyTimes(null),
  } as HTMLAttributes<HTMLDivElement>;
  const onPlot = useCallback((p: uPlot | null) => setPlot(p), []);

  const latest = hover ?? shown[shown.length - 1] ?? null;
  return (
    <section className={`timeline${open ? '' : ' collapsed'}`} aria-label="Timeline" {...regionProps('timeline')}>
      <div className="timeline-head">
        <button type="button" className="timeline-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'} Timeline
        </button>
        <span className="timeline-source">{source}</span>
        {open && (
          // One Tab stop for the one choice (WAI-ARIA toolbar): ←/→, Home / End move between the spans.
          <span className="timeline-zoom" role="toolbar" aria-label="Time span" onKeyDown={rovingFocus}>
            {TIMELINE_ZOOMS.map((z) => (
              <button key={z.label} type="button" aria-pressed={zoom === z.ms} tabIndex={zoom === z.ms ? 0 : -1} onClick={() => setZoom(z.ms)}>
                {z.label}
              </button>
            ))}
          </span>
        )}
        {range && (
          <span className="timeline-range">
            {spanLabel(range[0], range[1])}
            <button type="button" onClick={() => onRange(null)} aria-label="Clear the time span">
              ✕
            </button>
          </span>
        )}
        <span className="sr-only" role="status" aria-live="polite">
          {said}
        </span>
        {latest && (
          <span className="timeline-readout" data-testid="timeline-readout">
            <b>{clockTime(latest.time)}</b>
            {TIMELINE_SERIES.map((name, i) => (
              <span key={name} className="timeline-key">
                <i style={{ background: `var(${STATE_VARS[i]})` }} />
                {name} {Math.round(latest.counts[i])}
              </span>
            ))}
            <span className="timeline-key">opened/s {perSecond(latest.opened, latest.spanMs).toFixed(1)}</span>
            <span className="timeline-key">closed/s {perSecond(latest.closed, latest.spanMs).toFixed(1)}</span>
            {latest.sendRate !== null && <span className="timeline-key">send {formatRate(latest.sendRate)}</span>}
            {latest.receiveRate !== null && <span className="timeline-key">recv {formatRate(latest.receiveRate)}</span>}
          </span>
        )}
      </div>
      {open &&
        (shown.length < 2 ? (
          <div className="timeline-empty">The timeline fills as polls come in.</div>
        ) : (
          <>
            <Chart data={columns} makeOpts={makeOpts} colorVars={colorVars} scheme={scheme} height={112} label="Connections by state, opened and closed per second" onPlot={onPlot} control={chartControl} />
            {rates && <Chart data={rateData} makeOpts={makeRateOpts} colorVars={rateVars} scheme={scheme} height={56} label="Total send and receive rate" />}
          </>
        ))}
    </section>
  );
}
