// The window's frame budget, measured in Chromium (issue 9 §4, issue 11): `netmon serve --source
// demo` holding ~50,000 connections with ~1,000 events a second, the real renderer in Debian's
// Chromium at 1920×1080 driven by Playwright. While it streams: every task of the page's main
// thread from a Chromium trace (the scheduler's "ThreadControllerImpl::RunTask" events, so tasks
// under 50 ms are seen too, which the 'longtask' observer never reports), plus requestAnimationFrame gaps and the
// observers' long tasks / long animation frames. Then sort and filter changes, timed in the page
// from the input event to the commit of the rows that follow them, and to the next frame after it.
import os from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import { spawnServe, type NetmonServer } from '../e2e/serve';
import { DEMO_EVENTS_PER_CHURN } from '../main/source/scripted';
import { table } from './decode-diff';
import { batchJsonOf } from '../shared/ws-protocol';

/** The budgets the figures are printed beside (docs: design.md "Performance budgets"). */
export const FRAME_BUDGET_MS = 16;
export const CHANGE_BUDGET_MS = 100;

export interface UiFramesOptions {
  connections?: number;
  eventsPerSecond?: number;
  /** Streaming measured per configuration, ms. */
  streamMs?: number;
  /** Streaming measured again right after a sort by remote address, ms (its sort keys are built as batches merge). */
  afterSortMs?: number;
  /** Repetitions of each sort and filter change (medians). */
  repeats?: number;
  /** Whole bench bound, ms: past it the run is abandoned with an error. */
  deadlineMs?: number;
  /** Share of established connections moving data each poll in the Traffic-columns run (the demo's counters). */
  trafficShare?: number;
}

/** One trace event as Chromium writes it (Trace Event Format: ts and dur in µs). */
export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of the event, µs, where the trace records it. */
  tdur?: number;
  args?: { name?: string };
}

export interface TaskSummary {
  /** Top-level tasks of the busiest renderer main thread (nested tasks are part of their parent). */
  tasks: number;
  /** Wall time: what the user waits, including time the thread was not scheduled on a busy machine. */
  longestMs: number;
  overBudget: number;
  /** Thread (CPU) time, where the trace has it (NaN / 0 otherwise): the page's own work. */
  longestCpuMs: number;
  overBudgetCpu: number;
  /**
   * The same (CPU time where the trace has it, else wall) less the garbage collector's pauses inside
   * each task: the page's code alone. What is over budget here is netmon's; the rest is V8's collector.
   */
  longestNoGcMs: number;
  overBudgetNoGc: number;
}

/**
 * The collectors' pauses on the main thread: V8's (MinorGC: a scavenge; MajorGC and V8.GC*:
 * mark-compact steps) and Blink's (BlinkGC.*, CppGC.*: the DOM's heap).
 */
function isGcEvent(name: string): boolean {
  return name === 'MinorGC' || name === 'MajorGC' || name.startsWith('V8.GC') || name.startsWith('BlinkGC.') || name.startsWith('CppGC.');
}

/** A pause: wall span [start, end] µs and its thread (CPU) time, µs (its wall time where the trace has none). */
type Pause = [start: number, end: number, cpu: number];

/** The outermost of `pauses` (sorted by start, longest first at one start): nested phases are inside their collection. */
function outermost(pauses: Pause[]): Pause[] {
  const out: Pause[] = [];
  for (const p of pauses) {
    const last = out[out.length - 1];
    if (last && p[0] < last[1]) {
      // Overlapping without being inside: the union's wall span, the CPU time of both.
      if (p[1] > last[1]) {
        last[2] += p[2] * ((p[1] - last[1]) / Math.max(1, p[1] - p[0]));
        last[1] = p[1];
      }
    } else out.push([...p]);
  }
  return out;
}

const TASK_NAMES = new Set(['ThreadControllerImpl::RunTask']);

/**
 * The main-thread tasks of a Chromium trace: among threads named CrRendererMain, the one with the
 * most task time (the page under test; spare renderers idle), its top-level task events, the
 * longest (ms) and how many exceed `budgetMs`. Events that are not complete ('X') tasks are ignored.
 */
export function summarizeTasks(events: readonly TraceEvent[], budgetMs = FRAME_BUDGET_MS): TaskSummary {
  const mains = new Set<string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') mains.add(`${e.pid}:${e.tid}`);
  const byThread = new Map<string, TraceEvent[]>();
  const gcByThread = new Map<string, Pause[]>();
  for (const e of events) {
    if (e.ph !== 'X' || typeof e.dur !== 'number') continue;
    const key = `${e.pid}:${e.tid}`;
    if (!mains.has(key)) continue;
    if (isGcEvent(e.name)) {
      let gc = gcByThread.get(key);
      if (!gc) gcByThread.set(key, (gc = []));
      gc.push([e.ts, e.ts + e.dur, typeof e.tdur === 'number' ? e.tdur : e.dur]);
      continue;
    }
    if (!TASK_NAMES.has(e.name)) continue;
    let list = byThread.get(key);
    if (!list) byThread.set(key, (list = []));
    list.push(e);
  }
  let best: TraceEvent[] = [];
  let bestKey = '';
  let bestTime = -1;
  for (const [key, list] of byThread) {
    const total = list.reduce((s, e) => s + (e.dur ?? 0), 0);
    if (total > bestTime) {
      bestTime = total;
      best = list;
      bestKey = key;
    }
  }
  const gc = outermost((gcByThread.get(bestKey) ?? []).sort((a, b) => a[0] - b[0] || b[1] - a[1]));
  /**
   * The pauses inside [from, to] µs, ms: their CPU time when `cpu` (a task measured by its thread
   * time: a pause's wall time also counts waiting for a core), else their wall time; a pause that
   * straddles the task's edge by its share inside.
   */
  const gcWithin = (from: number, to: number, cpu: boolean): number => {
    let us = 0;
    for (const [a, b, c] of gc) {
      if (b <= from || a >= to) continue;
      const inside = Math.min(b, to) - Math.max(a, from);
      us += cpu ? c * (inside / Math.max(1, b - a)) : inside;
    }
    return us / 1000;
  };
  best.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  let tasks = 0;
  let longest = 0;
  let over = 0;
  let longestCpu = 0;
  let overCpu = 0;
  let longestNoGc = 0;
  let overNoGc = 0;
  let anyCpu = false;
  let end = -Infinity;
  for (const e of best) {
    if (e.ts < end) continue; // inside the previous top-level task
    const dur = e.dur ?? 0;
    end = e.ts + dur;
    tasks++;
    longest = Math.max(longest, dur / 1000);
    if (dur / 1000 > budgetMs) over++;
    if (typeof e.tdur === 'number') {
      anyCpu = true;
      longestCpu = Math.max(longestCpu, e.tdur / 1000);
      if (e.tdur / 1000 > budgetMs) overCpu++;
    }
    const cpu = typeof e.tdur === 'number';
    const own = Math.max(0, (cpu ? (e.tdur as number) : dur) / 1000 - gcWithin(e.ts, e.ts + dur, cpu));
    longestNoGc = Math.max(longestNoGc, own);
    if (own > budgetMs) overNoGc++;
  }
  return { tasks, longestMs: longest, overBudget: over, longestCpuMs: anyCpu ? longestCpu : NaN, overBudgetCpu: overCpu, longestNoGcMs: longestNoGc, overBudgetNoGc: overNoGc };
}

/** Median of the finite values (NaN when none). */
export function median(xs: readonly number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// ---- in the page -----------------------------------------------------------------------------

interface PageProbe {
  measuring: boolean;
  rafGaps: number[];
  longtasks: number[];
  loaf: number[];
  loafSupported: boolean;
  inputAt: number;
  commitAt: number;
  frameAt: number;
  expect: { attr: string; value: string } | null;
}

/**
 * Installed before the app loads: rAF gaps and observer entries while `measuring`; the time of
 * the last click / input event; and, once `expect` is set, the time the app root's attribute
 * (data-table-sort / data-table-filter, written in the commit that shows the rows) takes the
 * expected value, and of the next frame after it (rAF, then a task: the frame has been produced).
 */
function installProbe(): void {
  const w = window as unknown as { __probe: PageProbe };
  const p: PageProbe = { measuring: false, rafGaps: [], longtasks: [], loaf: [], loafSupported: false, inputAt: NaN, commitAt: NaN, frameAt: NaN, expect: null };
  w.__probe = p;
  let last = 0;
  const loop = (t: number) => {
    if (p.measuring && last > 0) p.rafGaps.push(t - last);
    last = t;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  const observe = (type: string, into: number[]): boolean => {
    if (!PerformanceObserver.supportedEntryTypes.includes(type)) return false;
    new PerformanceObserver((l) => {
      if (p.measuring) for (const e of l.getEntries()) into.push(e.duration);
    }).observe({ type });
    return true;
  };
  observe('longtask', p.longtasks);
  p.loafSupported = observe('long-animation-frame', p.loaf);
  const onInput = (e: Event) => {
    p.inputAt = e.timeStamp;
  };
  addEventListener('click', onInput, true);
  addEventListener('input', onInput, true);
  new MutationObserver((records) => {
    const want = p.expect;
    if (!want || !Number.isNaN(p.commitAt)) return;
    for (const r of records) {
      const el = r.target as Element;
      if (r.attributeName === want.attr && el.getAttribute(want.attr) === want.value) {
        p.commitAt = performance.now();
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => (p.frameAt = performance.now());
          ch.port2.postMessage(0);
        });
        return;
      }
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-table-sort', 'data-table-filter'] });
}

// ---- driver ----------------------------------------------------------------------------------

interface RunFigures {
  label: string;
  rows: number;
  eventsPerSecond: number;
  streamedMs: number;
  stream: { events: number; counters: number; batches: number; full: number; closed: number };
  trace: TaskSummary;
  rafLongestMs: number;
  rafOver: number;
  frames: number;
  longtasks: number;
  longtaskMaxMs: number;
  loaf: number | null;
  sorts: { key: string; commit: number[]; frame: number[] }[];
  filter: { commit: number[]; frame: number[] };
  /** Streaming tasks in the `afterSortMs` after a sort by remote address. */
  afterSort: TaskSummary;
}

async function statusTotal(page: Page): Promise<number> {
  return Number(((await page.getByTestId('count-total').textContent()) ?? '0').replace(/[^\d]/g, ''));
}

/** Does `action`, then waits until the app root's `attr` is `value`; returns [input→commit, input→frame] ms. */
async function timedChange(page: Page, attr: string, value: string, action: () => Promise<void>): Promise<[number, number]> {
  await page.evaluate(([a, v]) => {
    const p = (window as unknown as { __probe: PageProbe }).__probe;
    p.inputAt = NaN;
    p.commitAt = NaN;
    p.frameAt = NaN;
    p.expect = { attr: a, value: v };
  }, [attr, value] as const);
  await action();
  await page.waitForFunction(() => !Number.isNaN((window as unknown as { __probe: PageProbe }).__probe.frameAt), undefined, { timeout: 15_000 });
  return page.evaluate(() => {
    const p = (window as unknown as { __probe: PageProbe }).__probe;
    p.expect = null;
    return [p.commitAt - p.inputAt, p.frameAt - p.inputAt] as [number, number];
  });
}

async function measureRun(browser: Browser, srv: NetmonServer, label: string, traffic: boolean, opts: Required<UiFramesOptions>): Promise<RunFigures> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(installProbe);
    // Count what the server streams to this page (events and counter updates a second).
    const stream = { events: 0, counters: 0, batches: 0, full: 0, closed: 0 };
    let counting = false;
    // Events in the newest batch, counted or not: the demo's churn takes ~10 polls to reach its rate.
    let lastEvents = 0;
    page.on('websocket', (ws) => {
      ws.on('close', () => counting && stream.closed++);
      ws.on('framereceived', ({ payload }) => {
        if (typeof payload !== 'string') return;
        try {
          const json = batchJsonOf(payload);
          if (json === null) return;
          const b = JSON.parse(json) as { events?: unknown[]; counters?: { ids?: unknown[] }; full?: boolean };
          if (!b.full && (b.events?.length ?? 0) > 0) lastEvents = b.events?.length ?? 0;
          if (!counting) return;
          stream.batches++;
          if (b.full) stream.full++;
          stream.events += b.events?.length ?? 0;
          stream.counters += b.counters?.ids?.length ?? 0;
        } catch {
          // not a batch: nothing to count
        }
      });
    });
    await page.goto(srv.url);
    const want = Math.floor(opts.connections * 0.9);
    const fillBy = Date.now() + 60_000;
    while ((await statusTotal(page)) < want) {
      if (Date.now() > fillBy) throw new Error(`the table did not fill: ${await statusTotal(page)} of ${want} rows after 60 s`);
      await page.waitForTimeout(250);
    }
    if (traffic) {
      await page.getByRole('checkbox', { name: 'Traffic columns' }).check();
      await page.getByRole('columnheader', { name: /^Send\/s/ }).waitFor();
    }
    await page.waitForTimeout(1500); // let the first batches after the snapshot settle
    // Stream at the rate asked for (a 1 s poll): wait out the demo's ramp (bounded).
    const rampBy = Date.now() + 30_000;
    while (lastEvents < opts.eventsPerSecond * 0.9 && Date.now() < rampBy) await page.waitForTimeout(250);

    // Tasks as the scheduler runs them ('toplevel': ThreadControllerImpl::RunTask, with thread time).
    // Not 'disabled-by-default-devtools.timeline': with it, Chromium counts the page's nodes,
    // listeners and heap after tasks (UpdateCounters, for the Performance panel's memory graph),
    // ~10 ms of the traced thread's time that a page without tracing never spends.
    await browser.startTracing(page, { categories: ['toplevel', 'v8'] });
    await page.evaluate(() => ((window as unknown as { __probe: PageProbe }).__probe.measuring = true));
    counting = true;
    const t0 = Date.now();
    await page.waitForTimeout(opts.streamMs);
    counting = false;
    const elapsed = Date.now() - t0;
    const probe = await page.evaluate(() => {
      const p = (window as unknown as { __probe: PageProbe }).__probe;
      p.measuring = false;
      return { rafGaps: p.rafGaps, longtasks: p.longtasks, loaf: p.loafSupported ? p.loaf : null };
    });
    const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
    const rows = await statusTotal(page);

    // Sort changes: header clicks, each from the previous sort (asc ↔ desc, then the other column).
    const sorts: RunFigures['sorts'] = [];
    for (const [key, name] of [['remoteAddress', 'Remote Address'], ['process', 'Process']] as const) {
      const s = { key, commit: [] as number[], frame: [] as number[] };
      const header = page.getByRole('columnheader', { name: new RegExp(`^${name}`) }).first();
      for (let i = 0; i < opts.repeats; i++) {
        const current = await page.locator('.app').getAttribute('data-table-sort');
        const dir = current === `${key} asc` ? 'desc' : 'asc';
        const [c, f] = await timedChange(page, 'data-table-sort', `${key} ${dir}`, () => header.click({ position: { x: 20, y: 10 } }));
        s.commit.push(c);
        s.frame.push(f);
        await page.waitForTimeout(200);
      }
      sorts.push(s);
    }
    // Filter changes: one input event each (a paste), alternating a filter and none.
    const box = page.getByRole('textbox', { name: 'Filter' });
    const texts = ['port:443', '', 'proc:chrome.exe', '', 'state:time-wait', ''];
    const filter = { commit: [] as number[], frame: [] as number[] };
    for (let i = 0; i < Math.max(opts.repeats, texts.length); i++) {
      const text = texts[i % texts.length];
      const [c, f] = await timedChange(page, 'data-table-filter', text, () => box.fill(text));
      filter.commit.push(c);
      filter.frame.push(f);
      await page.waitForTimeout(200);
    }
    // Streaming again right after a sort by remote address: a view sorted by a connection field
    // builds its rows' sort keys only as merges read them (view.ts keyOf), so the first batches
    // after such a sort do work the streaming above never shows.
    const byAddress = page.getByRole('columnheader', { name: /^Remote Address/ }).first();
    const sortedNow = await page.locator('.app').getAttribute('data-table-sort');
    await timedChange(page, 'data-table-sort', `remoteAddress ${sortedNow === 'remoteAddress asc' ? 'desc' : 'asc'}`, () => byAddress.click({ position: { x: 20, y: 10 } }));
    await browser.startTracing(page, { categories: ['toplevel', 'v8'] });
    await page.waitForTimeout(opts.afterSortMs);
    const afterSort = summarizeTasks((JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents);
    const frameMs = 1000 / 60;
    return {
      label,
      rows,
      eventsPerSecond: (stream.events * 1000) / elapsed,
      streamedMs: elapsed,
      stream,
      trace: summarizeTasks(trace.traceEvents),
      rafLongestMs: Math.max(0, ...probe.rafGaps),
      // A gap over 1.5 frames is a frame that was not produced in time.
      rafOver: probe.rafGaps.filter((g) => g > frameMs * 1.5).length,
      frames: probe.rafGaps.length,
      longtasks: probe.longtasks.length,
      longtaskMaxMs: Math.max(0, ...probe.longtasks),
      loaf: probe.loaf ? probe.loaf.length : null,
      sorts,
      filter,
      afterSort,
    };
  } finally {
    await context.close();
  }
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');

function formatRuns(runs: RunFigures[]): string {
  const out: string[][] = [];
  for (const r of runs) {
    const ok = (x: number, budget: number) => `${f1(x)} ${x <= budget ? '≤' : '>'} ${budget}`;
    const perS = (n: number) => ((n * 1000) / r.streamedMs).toFixed(0);
    out.push([`${r.label}: rows, events/s, counter updates/s streamed`, `${r.rows.toLocaleString('en-US')}, ${r.eventsPerSecond.toFixed(0)}, ${perS(r.stream.counters)}`, '']);
    out.push([`${r.label}: batches (full snapshots), socket closes`, `${r.stream.batches} (${r.stream.full}), ${r.stream.closed}`, '']);
    out.push([`${r.label}: longest main-thread task (trace)`, ok(r.trace.longestMs, FRAME_BUDGET_MS), `${FRAME_BUDGET_MS} ms`]);
    out.push([`${r.label}: tasks > ${FRAME_BUDGET_MS} ms (of ${r.trace.tasks.toLocaleString('en-US')})`, String(r.trace.overBudget), '0']);
    out.push([`${r.label}: same, by the thread's CPU time: longest; count`, `${f1(r.trace.longestCpuMs)}; ${r.trace.overBudgetCpu}`, `${FRAME_BUDGET_MS} ms; 0`]);
    out.push([`${r.label}: same, less garbage-collection pauses (netmon's code alone): longest; count`, `${f1(r.trace.longestNoGcMs)}; ${r.trace.overBudgetNoGc}`, '']);
    out.push([`${r.label}: longest frame gap (rAF); gaps > 25 ms (of ${r.frames})`, `${f1(r.rafLongestMs)}; ${r.rafOver}`, '']);
    out.push([`${r.label}: long tasks ≥ 50 ms (observer), longest; long animation frames`, `${r.longtasks}, ${f1(r.longtaskMaxMs)}; ${r.loaf ?? 'unsupported'}`, '0']);
    for (const s of r.sorts) {
      out.push([`${r.label}: sort by ${s.key} (input → rows; → frame), median`, `${f1(median(s.commit))}; ${f1(median(s.frame))}`, `${CHANGE_BUDGET_MS} ms`]);
    }
    out.push([`${r.label}: filter change (input → rows; → frame), median`, `${f1(median(r.filter.commit))}; ${f1(median(r.filter.frame))}`, `${CHANGE_BUDGET_MS} ms`]);
    const a = r.afterSort;
    out.push([`${r.label}: streaming just after a sort by remote address: longest task by CPU; count > ${FRAME_BUDGET_MS} ms (of ${a.tasks.toLocaleString('en-US')})`, `${f1(a.longestCpuMs)}; ${a.overBudgetCpu}`, `${FRAME_BUDGET_MS} ms; 0`]);
    out.push([`${r.label}: same, less garbage-collection pauses: longest; count`, `${f1(a.longestNoGcMs)}; ${a.overBudgetNoGc}`, '']);
  }
  // Wall times on a shared machine include waiting for a core: say how busy it was.
  const load = os.loadavg()[0].toFixed(1);
  return `${table(['Chromium 1920×1080, streaming 10 s, then sort / filter changes', 'ms (median)', 'budget'], out)}\nload average ${load} on ${os.cpus().length} cores during the run`;
}

/** Rejects after `ms` with what was being waited for. */
function deadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`ui-frames bench took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/**
 * Runs the Chromium frame bench: launches Debian's Chromium (CHROMIUM_PATH) and, per run, starts
 * `netmon serve` (the built CLI; run `npm run build` first) with the demo source sized to
 * `connections` and churned for `eventsPerSecond` at a 1 s poll: once without traffic counters,
 * once with `trafficShare` of the connections moving data and the Traffic columns shown. Returns the
 * printed table. Ends the servers it started (each by its PID) and the browser. Throws when
 * Chromium is missing, the table does not fill, or the run exceeds `deadlineMs`.
 */
export async function benchUiFrames(options: UiFramesOptions = {}): Promise<string> {
  const opts: Required<UiFramesOptions> = { connections: 50_000, eventsPerSecond: 1000, streamMs: 10_000, afterSortMs: 5_000, repeats: 5, deadlineMs: 130_000, trafficShare: 0.1, ...options };
  const churn = opts.eventsPerSecond / (DEMO_EVENTS_PER_CHURN * opts.connections);
  const { chromium } = await import('playwright-core');
  let srv: NetmonServer | null = null;
  let browser: Browser | null = null;
  const serve = (traffic: number) =>
    spawnServe(['--port', '0', '--interval', '1000', '--source', 'demo', '--demo-connections', String(opts.connections), '--demo-churn', churn.toFixed(6), '--demo-traffic', String(traffic)]);
  try {
    return await deadline(
      (async () => {
        browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
        const runs: RunFigures[] = [];
        // Without counters, then with the Traffic columns shown and a share of the rows moving data
        // (a counter update per moving row and poll, issue 11).
        for (const [label, traffic] of [['plain', 0], ['traffic cols', opts.trafficShare]] as const) {
          srv = await serve(traffic);
          runs.push(await measureRun(browser, srv, label, traffic > 0, opts));
          await stopServer(srv);
          srv = null;
        }
        return formatRuns(runs);
      })(),
      opts.deadlineMs,
    );
  } finally {
    await (browser as Browser | null)?.close().catch(() => undefined);
    if (srv) await stopServer(srv);
  }
}

/** Ends the server this bench started, by its PID (SIGTERM; waits up to 5 s for it to exit). */
async function stopServer(srv: NetmonServer): Promise<void> {
  const child = srv.process;
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid, 'SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
}
