// npm run trunks:apply [-- --dry-run] [--dir DIR]: brings the trunks kept in files into the database (and so
// into Asterisk). Every file is validated first; any problem stops the whole run before anything is written.
// Trunks created from files whose file is gone are deleted; trunks made through the API are never touched.
// Exit codes: 0 applied (or nothing to do), 1 invalid files or a conflict, 2 the database or Redis unreachable.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfigOrExit } from '../../core/config';
import { createLogger } from '../../core/logger';
import { openDatabase } from '../../db/connection';
import { ChangeNotifier } from '../notifier';
import { formatProblem, loadTrunkFiles, type FileProblem } from './files';
import { TrunkService, type TrunkPlan } from './service';

export const DEFAULT_TRUNKS_DIR = path.resolve(__dirname, '../../asterisk-config/trunks');

export interface ApplyReport {
  problems: FileProblem[];
  plans: TrunkPlan[];
  applied: boolean;
}

/** Validates every file against the schema and the database, then (unless dry) writes each changed trunk. */
export async function applyTrunkFiles(trunks: TrunkService, directory: string, options: { dryRun: boolean; env?: NodeJS.ProcessEnv }): Promise<ApplyReport> {
  const loaded = loadTrunkFiles(directory, options.env);
  const problems = [...loaded.problems];
  const existing = await trunks.list();
  for (const trunk of loaded.trunks) {
    for (const found of [...(await trunks.checkAddresses(trunk.write.definition)), ...(await trunks.check(trunk.write.name, trunk.write.definition))]) {
      problems.push({ file: trunk.file, line: trunk.lineOf(found.path), field: found.path, message: found.message });
    }
    const owner = existing.find((record) => record.name === trunk.write.name);
    if (owner?.source === 'api') problems.push({ file: trunk.file, line: 1, field: '(file name)', message: `trunk ${owner.name} was made through the API; delete it there first or rename this file` });
  }
  if (problems.length > 0) return { problems, plans: [], applied: false };
  const plans: TrunkPlan[] = [];
  for (const trunk of loaded.trunks) plans.push(options.dryRun ? await trunks.plan(trunk.write) : await trunks.put(trunk.write));
  const kept = new Set(loaded.trunks.map((trunk) => trunk.write.name));
  for (const gone of existing.filter((record) => record.source === 'file' && !kept.has(record.name))) {
    if (!options.dryRun) await trunks.remove(gone.name);
    plans.push({ name: gone.name, action: 'delete', changes: ['its file is gone'] });
  }
  return { problems, plans, applied: !options.dryRun };
}

export function formatReport(report: ApplyReport, dryRun: boolean): string {
  if (report.problems.length > 0) return `${report.problems.map(formatProblem).join('\n')}\n${report.problems.length} problem(s); nothing was applied.`;
  const lines = report.plans.flatMap((plan) => [`${dryRun && plan.action !== 'unchanged' ? 'would ' : ''}${plan.action} trunk ${plan.name}`, ...plan.changes.map((change) => `    ${change}`)]);
  const changed = report.plans.filter((plan) => plan.action !== 'unchanged').length;
  lines.push(`${report.plans.length} trunk(s), ${changed} ${dryRun ? 'to change (dry run: nothing written)' : 'changed'}.`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false }, dir: { type: 'string' } } });
  const config = loadConfigOrExit();
  const logger = createLogger('trunks-apply', config.logLevel);
  const db = openDatabase(config.db);
  const redis = new Redis({ host: config.redis.host, port: config.redis.port, maxRetriesPerRequest: 2, lazyConnect: true });
  const dryRun = values['dry-run'] === true;
  let exitCode = 0;
  try {
    if (!dryRun) await redis.connect();
    const report = await applyTrunkFiles(new TrunkService(db, new ChangeNotifier(redis, logger)), path.resolve(values.dir ?? DEFAULT_TRUNKS_DIR), { dryRun });
    process.stdout.write(`${formatReport(report, dryRun)}\n`);
    if (report.problems.length > 0) exitCode = 1;
  } catch (error) {
    process.stderr.write(`trunks:apply failed: ${(error as Error).message}\n`);
    exitCode = 2;
  } finally {
    redis.disconnect();
    await db.destroy();
  }
  process.exit(exitCode);
}

if (require.main === module) void main();
