// Request shapes of the audit domain: the page of the log a reader asks for.
import { Type, type Static } from '@sinclair/typebox';
import { ID_QUERY_SCHEMA } from '../http/ids';

export const AUDIT_PAGE_DEFAULT_LIMIT = 50;

export const auditQuerySchema = Type.Object(
  {
    /** Entries older than this id (the previous page's last id); parsed by the route table's id parser. */
    before: Type.Optional(ID_QUERY_SCHEMA),
    /** 1 to 200 entries, written plainly (a query string carries text). */
    limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|1[0-9][0-9]|200)$' })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof auditQuerySchema>;
