// bench:calls' printed lines and the summary of the ARI app's CPU profile (node --cpu-prof).
import fs from 'node:fs';
import path from 'node:path';
import type { CallStepResult } from './sipp';

export interface MeasuredStep extends CallStepResult {
  /** CPU seconds per answered call: Asterisk, and the ARI app. */
  asteriskCpuPerCall: number;
  ariAppCpuPerCall: number;
  leftChannels: number;
  leftBridges: number;
}

export interface RampResult {
  path: string;
  steps: MeasuredStep[];
  /** The highest rate carried cleanly (every call answered, p95 post-dial delay under the bound). */
  best: MeasuredStep | undefined;
}

const fixed = (value: number, digits = 2): string => value.toFixed(digits);

export function stepLine(name: string, step: MeasuredStep): string {
  const refused = Object.entries(step.refused).map(([status, count]) => `${count}x${status}`).join(' ') || 'none refused';
  return `${name.padEnd(9)} ${String(step.rate).padStart(4)} calls/s: ${step.answered}/${step.attempted} answered, ${refused}, ${step.sippFailed} SIPp failures; ` +
    `PDD p50 ${step.pddP50Ms} ms p95 ${step.pddP95Ms} ms max ${step.pddMaxMs} ms; CPU/call Asterisk ${fixed(step.asteriskCpuPerCall, 4)} s + ari-app ${fixed(step.ariAppCpuPerCall, 4)} s; ` +
    `left ${step.leftChannels} channels ${step.leftBridges} bridges`;
}

export function summary(ari: RampResult, dialplan: RampResult): string[] {
  const lines: string[] = [];
  const best = (ramp: RampResult): string => ramp.best
    ? `${ramp.best.rate} calls/s, PDD p50 ${ramp.best.pddP50Ms} ms p95 ${ramp.best.pddP95Ms} ms`
    : 'no clean rate';
  lines.push(`ARI (Stasis) path: highest clean rate ${best(ari)}`);
  lines.push(`dialplan Dial():   highest clean rate ${best(dialplan)}`);
  if (ari.best && dialplan.best) lines.push(`ratio ARI/dialplan = ${fixed(ari.best.rate / dialplan.best.rate)}`);
  const common = Math.min(ari.best?.rate ?? 0, dialplan.best?.rate ?? 0);
  const at = (ramp: RampResult): MeasuredStep | undefined => ramp.steps.find((step) => step.rate === common);
  const [a, d] = [at(ari), at(dialplan)];
  if (a && d) {
    const cpu = (step: MeasuredStep): number => step.asteriskCpuPerCall + step.ariAppCpuPerCall;
    lines.push(`at ${common} calls/s: CPU per call ARI ${fixed(cpu(a), 4)} s (Asterisk ${fixed(a.asteriskCpuPerCall, 4)} + ari-app ${fixed(a.ariAppCpuPerCall, 4)}), ` +
      `dialplan ${fixed(cpu(d), 4)} s (Asterisk ${fixed(d.asteriskCpuPerCall, 4)} + ari-app ${fixed(d.ariAppCpuPerCall, 4)})`);
    lines.push(`cpu ratio ARI/dialplan = ${fixed(cpu(a) / cpu(d))}`);
    lines.push(`p95 INVITE-to-200 at ${common} calls/s: ARI ${a.pddP95Ms} ms, dialplan ${d.pddP95Ms} ms (difference ${a.pddP95Ms - d.pddP95Ms} ms; target within 10 ms)`);
  }
  return lines;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** The functions the ARI app spent its own CPU time in (self time), from its main thread's .cpuprofile in `dir`. */
export function topSelfTime(dir: string, count = 15): string[] {
  // The main thread's profile is the largest (tsx's loader thread writes a small one too).
  const size = (name: string): number => fs.statSync(path.join(dir, name)).size;
  const file = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')).sort((a, b) => size(b) - size(a))[0] : undefined;
  if (!file) return [`no CPU profile in ${dir}`];
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  for (const id of profile.samples) {
    const frame = byNode.get(id)?.callFrame;
    if (!frame) continue;
    const where = frame.url ? `${frame.url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '')}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    totals.set(key, (totals.get(key) ?? 0) + 1);
  }
  const all = profile.samples.length;
  const idle = [...totals].filter(([key]) => key.startsWith('(idle)')).reduce((sum, [, n]) => sum + n, 0);
  return [...totals].filter(([key]) => !key.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, count)
    .map(([key, n]) => `${fixed((100 * n) / Math.max(1, all - idle), 1).padStart(5)}% ${key}`)
    .concat(`(${path.join(dir, file)}; ${all} samples, ${fixed((100 * idle) / Math.max(1, all), 0)}% idle)`);
}
