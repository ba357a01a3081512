import type { Queryable } from '../connection';

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

export async function listAudit(db: Queryable, accountId: number, options: { beforeId?: number; limit: number }): Promise<Record<string, unknown>[]> {
  const query = db('audit_log').where({ account_id: accountId }).orderBy('id', 'desc').limit(options.limit);
  if (options.beforeId) query.andWhere('id', '<', options.beforeId);
  const rows = await query.select('id', 'actor_user_id', 'action', 'entity', 'entity_id', 'before', 'after', 'request_id', 'created_at');
  return rows.map((row: Record<string, unknown>) => ({
    id: Number(row.id),
    actorUserId: row.actor_user_id === null ? null : Number(row.actor_user_id),
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    before: typeof row.before === 'string' ? JSON.parse(row.before) : row.before,
    after: typeof row.after === 'string' ? JSON.parse(row.after) : row.after,
    requestId: row.request_id,
    createdAt: new Date(row.created_at as string).toISOString(),
  }));
}
