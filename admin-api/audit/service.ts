// The audit log of an account: every write, who made it, before and after. Written by each domain's service
// through its scope (in the write's own transaction); read here.
import type { Database } from '../../db/connection';
import { listAudit, type AuditPage, type AuditRecord } from '../../db/repositories/audit';
import type { AccountScope } from '../scope';

export class AuditService {
  constructor(private readonly db: Database) {}

  async list(scope: AccountScope, page: AuditPage): Promise<AuditRecord[]> {
    return listAudit(this.db, scope.accountId, page);
  }
}
