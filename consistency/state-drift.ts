// What Asterisk holds beyond PJSIP's object definitions: outbound registrations it runs, the contacts its
// registrar holds, and the account contexts of its loaded dialplan.
import { ACCOUNTS_DIALPLAN_FILE } from '../db/repositories/dialplan';
import { difference, quoted, type Difference } from './difference';
import type { AsteriskSnapshot, DatabaseSnapshot, LoadedContext } from './snapshots';

const RELOAD_DIALPLAN = 'reload the dialplan (pbx_config.so)';

/** Rows Asterisk cannot load are missing from its list (it reads the rows on every listing, which also starts
 *  a registration it had not seen); a listed registration without a state was never started. */
export function registrationDifferences(database: DatabaseSnapshot, asterisk: AsteriskSnapshot): Difference[] {
  const differences: Difference[] = [];
  for (const id of database.registrations.keys()) {
    const loaded = asterisk.registrations.get(id);
    if (!loaded) {
      differences.push(difference('missing-in-asterisk', 'registration', id, "the row exists but Asterisk cannot load it, so it never registers (Asterisk's log names the option it rejected)"));
    } else if (loaded.status === undefined) {
      differences.push(difference('missing-in-asterisk', 'registration', id, 'Asterisk lists it but runs no registration for it: reload res_pjsip_outbound_registration.so',
        { field: 'status', database: 'row present', asterisk: '(no state)' }));
    }
  }
  for (const id of asterisk.registrations.keys()) {
    if (!database.registrations.has(id)) differences.push(difference('unexpected-in-asterisk', 'registration', id, 'Asterisk lists it but it has no row'));
  }
  return differences;
}

/** Live registrations Asterisk holds for endpoints the database no longer has, or for disabled devices. */
export function contactDifferences(database: DatabaseSnapshot, asterisk: AsteriskSnapshot, nowSeconds: number): Difference[] {
  const disabled = new Set(database.devices.filter((device) => !device.enabled).map((device) => device.endpointId));
  return asterisk.contacts.filter((contact) => contact.expiresAt > nowSeconds).flatMap((contact) => {
    if (!database.endpoints.has(contact.endpoint)) {
      return [difference('unexpected-in-asterisk', 'contact', contact.id, `Asterisk holds a registration of endpoint ${contact.endpoint}, which has no row`, { field: 'endpoint', asterisk: contact.endpoint })];
    }
    if (disabled.has(contact.endpoint)) {
      return [difference('unexpected-in-asterisk', 'contact', contact.id, `Asterisk holds a registration of disabled device ${contact.endpoint}`, { field: 'endpoint', database: 'device disabled', asterisk: contact.endpoint })];
    }
    return [];
  });
}

/** A loaded context is an account's when it is what addAccountContext writes: a realtime switch over the
 *  extensions table (or an account context's name, should its switch have been lost). */
export function isAccountContext(name: string, context: LoadedContext): boolean {
  return context.switches.some((value) => value.startsWith('Realtime/')) || /^acct-\d+$/.test(name);
}

function sameSwitches(database: readonly string[], loaded: readonly string[]): boolean {
  return [...database].sort().join('\n') === [...loaded].sort().join('\n');
}

export function contextDifferences(database: DatabaseSnapshot, asterisk: AsteriskSnapshot): Difference[] {
  const differences: Difference[] = [];
  for (const [name, switches] of database.contexts) {
    const loaded = asterisk.contexts.get(name);
    if (!loaded) {
      differences.push(difference('missing-in-asterisk', 'context', name, `its row is in ${ACCOUNTS_DIALPLAN_FILE} but the loaded dialplan lacks it, so its devices' calls fail: ${RELOAD_DIALPLAN}`));
    } else if (!sameSwitches(switches, loaded.switches)) {
      const [expected, actual] = [switches.join(', '), loaded.switches.join(', ')];
      differences.push(difference('value-mismatch', 'context', name, `its switch is ${quoted(expected)} in the database but ${quoted(actual)} in Asterisk: ${RELOAD_DIALPLAN}`, { field: 'switch', database: expected, asterisk: actual }));
    }
  }
  for (const [name, loaded] of asterisk.contexts) {
    if (!database.contexts.has(name) && isAccountContext(name, loaded)) {
      differences.push(difference('unexpected-in-asterisk', 'context', name, `loaded in Asterisk but no longer in ${ACCOUNTS_DIALPLAN_FILE}: ${RELOAD_DIALPLAN}`));
    }
  }
  return differences;
}
