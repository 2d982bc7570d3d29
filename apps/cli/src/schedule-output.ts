import type { SavingsDto, ScheduleActionDto, ScheduleEvaluationDto, ScheduleLintFindingDto, ScheduleOverrideDto, ScheduleSettingsDto, ScheduleStatusDto } from '@envmgr/api-contract';
import { shortTime, table } from './output.js';

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

export function overrideLine(o: ScheduleOverrideDto | undefined): string {
  if (!o) return '(none)';
  const why = o.reason ? `: ${o.reason}` : '';
  return `${o.state} until ${shortTime(o.until)} by ${o.setBy}${why}${o.active ? '' : ' (ended)'}`;
}

export function settingsLines(s: ScheduleSettingsDto): string[] {
  return table(['ENVIRONMENT', s.environment], [
    ['manual schedule up', yesNo(s.manualScheduleUp)],
    ['schedule automatically', yesNo(s.scheduleAutomatically)],
    ['default schedule', s.defaultSchedule ?? '(none)'],
    ['override', overrideLine(s.override)],
  ]);
}

export function statusLines(s: ScheduleStatusDto): string[] {
  return [`${s.environment} is ${s.Status} at ${shortTime(s.at)} (${s.source}: ${s.schedule || '(blank)'})`, `  ${s.reason}`];
}

/** The schedule with a caret line under the offending part. */
function pointAt(text: string, offset: number, length: number): string[] {
  return [`  ${text}`, `  ${' '.repeat(offset)}${'^'.repeat(Math.max(1, length))}`];
}

export function evaluationLines(e: ScheduleEvaluationDto, texts: Record<string, string | undefined>): string[] {
  const d = e.decision;
  const lines = [`${d.action}${d.source ? ` (${d.source})` : ''}: ${d.reason}`, `status at ${shortTime(e.at)}: ${e.status}`];
  for (const p of e.problems) {
    lines.push(`invalid ${p.path}: ${p.message} (${p.code})`, ...pointAt(texts[p.path] ?? '', p.offset, p.length), `  fix: ${p.fix}`);
  }
  for (const diff of e.emDifferences) lines.push(`EM reads ${diff.path} differently (${diff.code}): ${diff.message}`, ...pointAt(texts[diff.path] ?? '', diff.offset, diff.length));
  return lines;
}

export function lintLines(findings: readonly ScheduleLintFindingDto[]): string[] {
  if (findings.length === 0) return ["no schedule in use is read differently by trainline's EM"];
  return findings.flatMap((f) => [
    `${f.kind} ${f.name}${f.environment ? ` (${f.environment})` : ''}: ${f.schedule}`,
    ...f.differences.map((d) => `  ${d.code}: ${d.message}`),
  ]);
}

export function actionRows(actions: readonly ScheduleActionDto[]): string[] {
  return table(
    ['INSTANCE', 'ENVIRONMENT', 'GROUP', 'ACTION', 'SOURCE', 'REASON'],
    actions.map((a) => [a.instance.id, a.instance.environment, a.instance.asg ?? '', a.action.action, a.action.source ?? '', a.action.reason]),
  );
}

export function savingsLines(s: SavingsDto): string[] {
  const head = `${s.instanceHoursSaved} instance-hours saved from ${shortTime(s.since)} to ${shortTime(s.until)} (${s.actions} scheduler actions)`;
  if (s.environments.length === 0) return [head];
  return [head, '', ...table(['ENVIRONMENT', 'CLUSTER', 'INSTANCE-HOURS', 'SWITCHED OFF'], s.environments.map((l) => [l.environment, l.cluster ?? '', String(l.instanceHoursSaved), String(l.subjects)]))];
}
