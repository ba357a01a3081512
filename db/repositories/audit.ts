import { parseJson, type Queryable } from '../connection';

export interface AuditEntry {
  accountId: number | null;
  actorUserId: number | null;
  action: string;
  entity: string;
  entityId: string | number | null;
  before?: unknown;
  after?: unknown;
  requestId?: string;
}

export async function insertAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db('audit_log').insert({
    account_id: entry.accountId,
    actor_user_id: entry.actorUserId,
    action: entry.action,
    entity: entry.entity,
    entity_id: entry.entityId === null ? null : String(entry.entityId),
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
    request_id: entry.requestId ?? null,
  });
}

/** An audit row as the API shows it (the account is the one asked about). */
export type AuditRecord = Omit<AuditEntry, 'accountId' | 'entityId' | 'requestId'> & {
  id: number;
  entityId: string | null;
  requestId: string | null;
  createdAt: string;
};

/** One page of an account's audit log, newest first: `limit` rows older than `beforeId` (if given). */
export interface AuditPage {
  beforeId?: number;
  limit: number;
}

interface AuditRow {
  id: number | string;
  actor_user_id: number | string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
  created_at: Date | string;
}


export async function listAudit(db: Queryable, accountId: number, options: AuditPage): Promise<AuditRecord[]> {
  const query = db('audit_log').where({ account_id: accountId }).orderBy('id', 'desc').limit(options.limit);
  if (options.beforeId) query.andWhere('id', '<', options.beforeId);
  const rows = (await query.select('id', 'actor_user_id', 'action', 'entity', 'entity_id', 'before', 'after', 'request_id', 'created_at')) as AuditRow[];
  return rows.map((row) => ({
    id: Number(row.id),
    actorUserId: row.actor_user_id === null ? null : Number(row.actor_user_id),
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    before: parseJson<unknown>(row.before),
    after: parseJson<unknown>(row.after),
    requestId: row.request_id,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}
