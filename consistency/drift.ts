// The comparison as a whole: pure, from the two snapshots to the list of differences and what was compared.
import { databaseDifferences } from './database-drift';
import type { Difference, DifferenceKind } from './difference';
import { pjsipDifferences } from './pjsip-drift';
import type { AsteriskSnapshot, DatabaseSnapshot } from './snapshots';
import { contactDifferences, contextDifferences, registrationDifferences } from './state-drift';

export type { Difference, DifferenceKind, ObjectType } from './difference';

export interface ComparedCounts {
  endpoints: number;
  auths: number;
  aors: number;
  identifies: number;
  registrations: number;
  contexts: number;
  devices: number;
  liveContacts: number;
  /** Endpoint names asked of Asterisk one by one: the database's and those ARI tracks. */
  probedEndpoints: number;
  trackedByAri: number;
  /** Outbound registrations by the state Asterisk reports (Registered, Unregistered, Rejected...). */
  registrationStates: Record<string, number>;
}

export interface DriftReport {
  consistent: boolean;
  differences: Difference[];
  compared: ComparedCounts;
}

function registrationStates(asterisk: AsteriskSnapshot): Record<string, number> {
  const states: Record<string, number> = {};
  for (const { status } of asterisk.registrations.values()) states[status ?? 'none'] = (states[status ?? 'none'] ?? 0) + 1;
  return states;
}

export function countByKind(differences: readonly Difference[]): Partial<Record<DifferenceKind, number>> {
  const counts: Partial<Record<DifferenceKind, number>> = {};
  for (const { kind } of differences) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

export function findDrift(database: DatabaseSnapshot, asterisk: AsteriskSnapshot, nowSeconds = Math.floor(Date.now() / 1000)): DriftReport {
  const differences = [
    ...pjsipDifferences(database, asterisk),
    ...registrationDifferences(database, asterisk),
    ...contactDifferences(database, asterisk, nowSeconds),
    ...contextDifferences(database, asterisk),
    ...databaseDifferences(database),
  ];
  return {
    consistent: differences.length === 0,
    differences,
    compared: {
      endpoints: database.endpoints.size,
      auths: database.auths.size,
      aors: database.aors.size,
      identifies: database.identifies.size,
      registrations: database.registrations.size,
      contexts: database.contexts.size,
      devices: database.devices.length,
      liveContacts: asterisk.contacts.filter((contact) => contact.expiresAt > nowSeconds).length,
      probedEndpoints: asterisk.probedEndpoints,
      trackedByAri: asterisk.tracked.size,
      registrationStates: registrationStates(asterisk),
    },
  };
}
