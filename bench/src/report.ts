import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The benchmark itself could not run (a server did not start, a request failed); not a missed target. */
export class BenchFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BenchFailure';
  }
}

/** The middle value (the lower middle for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/** Nearest-rank percentile of sorted samples; NaN for none. */
export function percentile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

export type Unit = 'ms' | 's' | 'req/s' | 'MB' | '';

/** One measured figure, with the targets it is judged by (none: informational). */
export interface Metric {
  name: string;
  unit: Unit;
  measured: number;
  /** Target: measured must be at most this. */
  max?: number;
  /** Target: measured must be at least this. */
  min?: number;
  /** Same figure for the baseline, measured in the same run. */
  baseline?: number;
  /** Target: measured / baseline must be at most this. */
  maxRatio?: number;
}

export interface BenchTable {
  /** Stable name for comparing results.json files. */
  id: string;
  title: string;
  notes: string[];
  metrics: Metric[];
}

export interface Judged extends Metric {
  ratio: number | undefined;
  verdict: 'meets target' | 'misses target' | 'info';
  /** The targets missed, e.g. "p99 latency 12.3 ms > 10 ms". */
  misses: string[];
}

export function judge(m: Metric): Judged {
  const ratio = m.baseline !== undefined && m.baseline > 0 ? m.measured / m.baseline : undefined;
  const checks: { ok: boolean; miss: string }[] = [];
  const shown = `${fmt(m.measured, m.unit)}${m.unit ? ` ${m.unit}` : ''}`;
  if (m.max !== undefined) checks.push({ ok: m.measured <= m.max, miss: `${m.name} ${shown} > ${fmt(m.max, m.unit)} ${m.unit}`.trim() });
  if (m.min !== undefined) checks.push({ ok: m.measured >= m.min, miss: `${m.name} ${shown} < ${fmt(m.min, m.unit)} ${m.unit}`.trim() });
  if (m.maxRatio !== undefined) {
    const r = ratio ?? Number.NaN;
    checks.push({ ok: r <= m.maxRatio, miss: `${m.name} ratio ${fmtRatio(ratio)} > ${m.maxRatio}×` });
  }
  const misses = checks.filter((c) => !c.ok).map((c) => c.miss);
  const verdict = !checks.length ? 'info' : misses.length ? 'misses target' : 'meets target';
  return { ...m, ratio, verdict, misses };
}

/** The table of one benchmark: metric | measured | target | baseline | ratio | verdict. */
export function renderTable(table: BenchTable): string {
  const judged = table.metrics.map(judge);
  const rows = [
    ['metric', 'measured', 'target', 'baseline', 'ratio', 'verdict'],
    ...judged.map((m) => [
      m.name,
      withUnit(m.measured, m.unit),
      targetText(m),
      m.baseline === undefined ? '' : withUnit(m.baseline, m.unit),
      m.ratio === undefined ? '' : fmtRatio(m.ratio),
      m.verdict === 'info' ? '' : m.verdict === 'meets target' ? 'meets target' : `MISSES target`,
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: string[]): string => `| ${r.map((cell, i) => (i === 1 || i === 3 || i === 4 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const [head, ...body] = rows;
  return [`## ${table.title}`, '', line(head ?? []), rule, ...body.map(line), '', ...table.notes.map((n) => `- ${n}`)].join('\n');
}

/** One line per missed target, or a line saying all were met. */
export function summary(tables: readonly BenchTable[]): string {
  const judged = tables.flatMap((t) => t.metrics.map(judge)).filter((m) => m.verdict !== 'info');
  const misses = judged.flatMap((m) => m.misses);
  if (!misses.length) return `All ${judged.length} targets met.`;
  return [`MISSES: ${misses.length} target(s) of ${judged.length} missed:`, ...misses.map((m) => `  MISSES  ${m}`)].join('\n');
}

export interface RunInfo {
  startedAt: string;
  finishedAt: string;
  node: string;
  platform: string;
  cpus: { count: number; model: string };
}

/** Writes the run and every judged metric as JSON, for comparing runs later. */
export async function writeResults(path: string, info: RunInfo, tables: readonly BenchTable[]): Promise<void> {
  const doc = { ...info, benchmarks: tables.map((t) => ({ ...t, metrics: t.metrics.map(judge) })) };
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(doc, null, 2)}\n`);
}

function targetText(m: Metric): string {
  const parts = [
    ...(m.max !== undefined ? [`≤ ${withUnit(m.max, m.unit)}`] : []),
    ...(m.min !== undefined ? [`≥ ${withUnit(m.min, m.unit)}`] : []),
    ...(m.maxRatio !== undefined ? [`ratio ≤ ${m.maxRatio}×`] : []),
  ];
  return parts.join(', ');
}

function withUnit(v: number, unit: Unit): string {
  return unit ? `${fmt(v, unit)} ${unit}` : fmt(v, unit);
}

function fmt(v: number, unit: Unit): string {
  if (!Number.isFinite(v)) return String(v);
  switch (unit) {
    case 'ms':
      return v.toFixed(v < 100 ? 2 : 0);
    case 's':
      return v.toFixed(2);
    case 'MB':
      return v.toFixed(1);
    case 'req/s':
      return v.toFixed(0);
    case '':
      return Number.isInteger(v) ? v.toLocaleString('en') : v.toFixed(2);
  }
}

function fmtRatio(r: number | undefined): string {
  return r === undefined || !Number.isFinite(r) ? 'n/a' : `${r.toFixed(2)}×`;
}
