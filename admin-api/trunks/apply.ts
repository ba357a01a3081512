// npm run trunks:apply [-- --dry-run] [--dir DIR]: brings the trunks kept in files into the database (and so
// into Asterisk). Every file is validated first; any problem stops the whole run before anything is written.
// Trunks created from files whose file is gone are deleted; trunks made through the API are never touched.
// Exit codes: 0 applied (or nothing to do), 1 invalid files or a conflict, 2 the database or Redis unreachable.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfigOrExit } from '../../core/config';
import { DEFAULT_TRUNKS_DIR } from '../../core/trunk-secrets';
import { createLogger } from '../../core/logger';
import { openDatabase } from '../../db/connection';
import { ChangeNotifier } from '../notifier';
import type { PublicScope } from '../scope';
import { systemScope } from '../system-scope';
import { formatProblem, loadTrunkFiles, type FileProblem, type LoadedTrunk } from './files';
import { TrunkService, type TrunkPlan } from './service';

// The worker resolves provider secrets against the same folder (core/trunk-secrets.ts).
export { DEFAULT_TRUNKS_DIR };

export interface ApplyReport {
  problems: FileProblem[];
  plans: TrunkPlan[];
  applied: boolean;
}

/** A file's problems found by the service (the rules the API applies too), by line. A problem of the whole
 *  trunk (path '': the trunk is the API's) is the file name's. */
async function serviceProblems(trunks: TrunkService, scope: PublicScope, trunk: LoadedTrunk): Promise<FileProblem[]> {
  return (await trunks.problems(scope, trunk.write)).map((found) => (found.path === ''
    ? { file: trunk.file, line: 1, field: '(file name)', message: found.message }
    : { file: trunk.file, line: trunk.lineOf(found.path), field: found.path, message: found.message }));
}

/** Validates every file against the schema and the database, then (unless dry) writes each changed trunk. */
export async function applyTrunkFiles(trunks: TrunkService, directory: string, options: { dryRun: boolean; env?: NodeJS.ProcessEnv; scope: PublicScope }): Promise<ApplyReport> {
  const { scope } = options;
  const loaded = loadTrunkFiles(directory, options.env);
  const problems = [...loaded.problems];
  const existing = await trunks.list(scope);
  for (const trunk of loaded.trunks) problems.push(...(await serviceProblems(trunks, scope, trunk)));
  if (problems.length > 0) return { problems, plans: [], applied: false };
  const plans: TrunkPlan[] = [];
  for (const trunk of loaded.trunks) plans.push(options.dryRun ? await trunks.plan(scope, trunk.write) : await trunks.put(scope, trunk.write));
  const kept = new Set(loaded.trunks.map((trunk) => trunk.write.name));
  for (const gone of existing.filter((record) => record.source === 'file' && !kept.has(record.name))) {
    if (!options.dryRun) await trunks.remove(scope, gone.name, 'file');
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
    const trunks = new TrunkService(db, new ChangeNotifier(redis, logger), config.sip.endpointMedia);
    // Audit rows of the run name no actor: ops' files and git say who changed what.
    const report = await applyTrunkFiles(trunks, path.resolve(values.dir ?? DEFAULT_TRUNKS_DIR), { dryRun, scope: systemScope('trunks:apply', logger) });
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
