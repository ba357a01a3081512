// What a domain of the admin API is given to build itself, and what it gives back: its routes. Each domain's
// plugin.ts is the one place that wires it (wazo-calld's plugin.py): it builds the service from these
// dependencies and returns the routes that call it. No domain keeps a module-level knex, Redis or queue.
import type { Redis } from 'ioredis';
import type { Config } from '../core/config';
import type { JobQueue } from '../core/job-queue';
import type { Logger } from '../core/logger';
import type { Database } from '../db/connection';
import type { AccessCache } from './auth/access-cache';
import type { RouteSpec } from './http/routes';
import type { ChangeNotifier } from './notifier';

export interface DomainDependencies {
  config: Config;
  db: Database;
  redis: Redis;
  logger: Logger;
  notifier: ChangeNotifier;
  access: AccessCache;
  jobs: JobQueue;
}

export type DomainPlugin = (deps: DomainDependencies) => RouteSpec[];
