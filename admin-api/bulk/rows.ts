// Bulk provisioning input: CSV (header: username, full_name, email[, role, phone_mode, extension]) or a JSON
// list, normalised to rows that remember their line so every problem can be reported where it is.
import { parse } from 'csv-parse/sync';
import { bulkErrors } from './errors';
import type { BulkUserInput } from './schemas';

export interface BulkRow {
  line: number;
  username: string;
  fullName: string;
  email: string;
  role?: string;
  phoneMode?: string;
  extension?: string;
}

export interface RowProblem {
  line: number;
  field: string;
  message: string;
}

const COLUMN_ALIASES: Record<string, keyof Omit<BulkRow, 'line'>> = {
  username: 'username', full_name: 'fullName', fullname: 'fullName', name: 'fullName', email: 'email',
  role: 'role', phone_mode: 'phoneMode', phonemode: 'phoneMode', extension: 'extension',
};

export const MAX_ROWS = 5000;

export function rowsFromCsv(text: string): BulkRow[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((column) => {
        const key = COLUMN_ALIASES[column.trim().toLowerCase().replace(/\s+/g, '_')];
        if (!key) throw new Error(`unknown column "${column}" (expected username, full_name, email, role, phone_mode, extension)`);
        return key;
      }),
      skip_empty_lines: true,
      trim: true,
      info: true,
      bom: true,
    });
  } catch (error) {
    throw bulkErrors.csvInvalid((error as Error).message);
  }
  return records.map(({ record, info }) => ({
    line: info.lines,
    username: record.username ?? '',
    fullName: record.fullName ?? '',
    email: record.email ?? '',
    role: record.role || undefined,
    phoneMode: record.phoneMode || undefined,
    extension: record.extension || undefined,
  }));
}

export function rowsFromJson(users: BulkUserInput[]): BulkRow[] {
  // JSON entries are numbered from 1, as lines would be.
  return users.map((user, index) => ({
    line: index + 1,
    username: String(user.username ?? ''),
    fullName: String(user.fullName ?? ''),
    email: String(user.email ?? ''),
    role: user.role === undefined ? undefined : String(user.role),
    phoneMode: user.phoneMode === undefined ? undefined : String(user.phoneMode),
    extension: user.extension === undefined ? undefined : String(user.extension),
  }));
}
