// Reads for `npm run asterisk:verify`: every row Asterisk reads through ODBC and the domain rows they derive
// from, in one read-only pass. Nothing here writes.
import type { Database, Queryable } from '../connection';
import { ACCOUNTS_DIALPLAN_FILE } from './dialplan';

type RawRow = Record<string, unknown>;

/** The realtime tables Asterisk builds PJSIP objects from, keyed as the verifier names them. */
export const PJSIP_TABLES = {
  endpoints: 'ps_endpoints',
  auths: 'ps_auths',
  aors: 'ps_aors',
  identifies: 'ps_endpoint_id_ips',
  registrations: 'ps_registrations',
} as const;

export type PjsipKind = keyof typeof PJSIP_TABLES;

export interface ExpectationRows {
  pjsip: Record<PjsipKind, RawRow[]>;
  devices: { endpoint_id: string; account_id: number | string; enabled: number | boolean }[];
  accounts: { id: number | string; dialplan_context: string }[];
  trunkNames: string[];
  /** ast_config rows of the account contexts' "file" that Asterisk does not skip (commented = 0). */
  contextRows: { category: string; var_name: string; var_val: string }[];
  routeContexts: string[];
}

async function readAll(db: Queryable): Promise<ExpectationRows> {
  const pjsip = {} as Record<PjsipKind, RawRow[]>;
  for (const [kind, table] of Object.entries(PJSIP_TABLES) as [PjsipKind, string][]) {
    pjsip[kind] = (await db(table).select('*')) as RawRow[];
  }
  return {
    pjsip,
    devices: await db('devices').select('endpoint_id', 'account_id', 'enabled'),
    accounts: await db('accounts').select('id', 'dialplan_context'),
    trunkNames: (await db('trunks').pluck('name')) as string[],
    contextRows: await db('ast_config')
      .where({ filename: ACCOUNTS_DIALPLAN_FILE, commented: 0 })
      .orderBy(['cat_metric', 'var_metric'])
      .select('category', 'var_name', 'var_val'),
    routeContexts: (await db('extensions').distinct('context').pluck('context')) as string[],
  };
}

/** One consistent view: a device created half-way through the reads must not look like a missing row. */
export async function readExpectationRows(db: Database): Promise<ExpectationRows> {
  return db.transaction((trx) => readAll(trx), { isolationLevel: 'repeatable read' });
}
