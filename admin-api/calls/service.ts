// Call records as people see them. Holders of calls.read_all see every call of the account; a group manager sees
// the calls of their groups' users; everyone else the calls they made or answered. Pages run newest first with an
// opaque cursor (the last row's start time and id), so rows written meanwhile neither repeat nor go missing.
import type { Database } from '../../db/connection';
import {
  listCallRecords, listLegs, usersManagedBy, type CallLegRecord, type CallRecord, type CallRecordFilter,
} from '../../db/repositories/call-records';
import type { AccountScope, UserScope } from '../scope';
import { callErrors } from './errors';
import type { CallListInput } from './schemas';

export interface CallView extends CallRecord {
  legs: CallLegRecord[];
}

export interface CallPage {
  calls: CallView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export class CallRecordService {
  constructor(private readonly db: Database) {}

  async listForAccount(scope: AccountScope, input: CallListInput): Promise<CallPage> {
    const visibleTo = await this.visibleUsers(scope);
    return this.page({ ...filterOf(input), accountId: scope.accountId, involvingAnyOf: visibleTo, involving: input.userId }, input);
  }

  /** The user's own calls in every account they are an active member of. */
  async listOwn(scope: UserScope, input: CallListInput): Promise<CallPage> {
    const userId = scope.actor.user.id;
    return this.page({ ...filterOf(input), activeMemberUserId: userId, involvingAnyOf: [userId] }, input);
  }

  /** undefined: every call of the account. */
  private async visibleUsers(scope: AccountScope): Promise<number[] | undefined> {
    if (scope.membership.permissions.includes('calls.read_all')) return undefined;
    const self = scope.actor.user.id;
    return [self, ...(await usersManagedBy(this.db, scope.accountId, self)).filter((userId) => userId !== self)];
  }

  private async page(filter: CallRecordFilter, input: CallListInput): Promise<CallPage> {
    const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
    // One more than asked: whether a next page exists, without a count.
    const rows = await listCallRecords(this.db, filter, { after, limit: input.limit + 1 });
    const calls = rows.slice(0, input.limit);
    const legs = await listLegs(this.db, calls.map((call) => call.id));
    const last = calls[calls.length - 1];
    return {
      calls: calls.map((call) => ({ ...call, legs: legs.get(call.id) ?? [] })),
      nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
    };
  }
}

function filterOf(input: CallListInput): CallRecordFilter {
  if (input.from && input.to && Date.parse(input.to) < Date.parse(input.from)) throw callErrors.invalidRange(input.from, input.to);
  return {
    from: input.from ? new Date(input.from) : undefined,
    to: input.to ? new Date(input.to) : undefined,
    number: input.number,
    direction: input.direction,
    outcome: input.outcome,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(call: Pick<CallRecord, 'startedAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([call.startedAt, call.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { startedAt: Date; id: string } {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2) {
      const [startedAt, id] = decoded as unknown[];
      if (typeof startedAt === 'string' && typeof id === 'string' && UUID.test(id) && !Number.isNaN(Date.parse(startedAt))) {
        return { startedAt: new Date(startedAt), id };
      }
    }
  } catch {
    // Not base64 JSON: reported below like any other foreign cursor.
  }
  throw callErrors.invalidCursor();
}
