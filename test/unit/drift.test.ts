import { expect } from 'chai';
import { onSessions } from '../../consistency/asterisk-snapshot';
import { realtimeRow } from '../../consistency/database-snapshot';
import { findDrift, type Difference } from '../../consistency/drift';
import { codecList, sameOptionValue } from '../../consistency/pjsip-drift';
import { formatReport, summaryLine } from '../../consistency/report';
import { secretDigest, type AmiFields, type AsteriskSnapshot, type DatabaseSnapshot, type RealtimeRow } from '../../consistency/snapshots';
import { endpointRow } from '../../db/repositories/pjsip';

const NOW = 1_800_000_000;
const ACCOUNT = 7;
const CONTEXT = 'acct-7';

/** A device's rows as the admin API writes them. */
function deviceRows(id: string, password = 'secret-password-1') {
  return {
    endpoint: realtimeRow(endpointRow({ endpointId: id, password, context: CONTEXT, kind: 'desk_phone', callerIdName: 'Desk', callerIdNumber: '201' })),
    auth: realtimeRow({ id, auth_type: 'digest', username: id, password }),
    aor: realtimeRow({ id, max_contacts: 1, remove_existing: 'yes', default_expiration: 600, contact: null }),
  };
}

/** The same device as Asterisk 22's PJSIPShowEndpoint shows it (values as observed on the real stack). */
function asteriskShows(id: string, password = 'secret-password-1') {
  return {
    endpoint: {
      ObjectName: id, Context: CONTEXT, Aors: id, Auth: id, OutboundAuth: '', Transport: '', IdentifyBy: 'username', Allow: '(ulaw|alaw|gsm)',
      DirectMedia: 'false', RtpSymmetric: 'true', ForceRport: 'true', RewriteContact: 'true', Callerid: '"Desk" <201>', SendPai: 'true',
      ConnectedLineMethod: 'update', TrustIdOutbound: 'true', Language: 'en', AllowTransfer: 'true', AllowSubscribe: 'true', DtmfMode: 'rfc4733',
      FromUser: '', FromDomain: '', Acl: '', ContactAcl: '',
    } as AmiFields,
    auth: { ObjectName: id, AuthType: 'digest', Username: id, Password: secretDigest(password), Realm: '', Md5Cred: '' } as AmiFields,
    aor: { ObjectName: id, MaxContacts: '1', RemoveExisting: 'true', DefaultExpiration: '600', QualifyTimeout: '3.000000', Contacts: '' } as AmiFields,
  };
}

/** A snapshot whose collections a test may change, to bend one side away from the other. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] extends ReadonlyMap<infer A, infer B> ? Map<A, B> : T[K] extends ReadonlySet<infer C> ? Set<C> : T[K] };

interface Fixture {
  database: Mutable<DatabaseSnapshot>;
  asterisk: Mutable<AsteriskSnapshot>;
}

/** One account with its context loaded and one enabled device, identical on both sides. */
function consistentFixture(): Fixture {
  const id = 'dabc123';
  const rows = deviceRows(id);
  const shown = asteriskShows(id);
  return {
    database: {
      endpoints: new Map([[id, rows.endpoint]]), auths: new Map([[id, rows.auth]]), aors: new Map([[id, rows.aor]]),
      identifies: new Map(), registrations: new Map(),
      devices: [{ endpointId: id, accountId: ACCOUNT, enabled: true }],
      accountContexts: new Map([[ACCOUNT, CONTEXT]]),
      trunkNames: new Set(),
      contexts: new Map([[CONTEXT, ['Realtime/@extensions']]]),
      routeContexts: new Set([CONTEXT]),
    },
    asterisk: {
      loadable: { endpoints: new Set([id]), auths: new Set([id]), aors: new Set([id]) },
      endpoints: new Map([[id, shown.endpoint]]), auths: new Map([[id, shown.auth]]), aors: new Map([[id, shown.aor]]), identifies: new Map(),
      probedEndpoints: 1,
      tracked: new Map([[id, 'offline']]),
      registrations: new Map(),
      contacts: [],
      contexts: new Map([
        [CONTEXT, { registrar: 'pbx_config', switches: ['Realtime/@extensions'] }],
        ['pbx-after-stasis', { registrar: 'pbx_config', switches: [] }],
      ]),
    },
  };
}

function drift(fixture: Fixture): Difference[] {
  return findDrift(fixture.database, fixture.asterisk, NOW).differences;
}

function set<T extends object>(map: Map<string, T>, id: string, change: Partial<T>): void {
  map.set(id, { ...map.get(id)!, ...change });
}

describe('drift between the database and Asterisk', () => {
  it('given the same device on both sides, then it is consistent although Asterisk spells booleans, numbers and codecs its own way', () => {
    const fixture = consistentFixture();
    const report = findDrift(fixture.database, fixture.asterisk, NOW);
    expect(report.differences).to.deep.equal([]);
    expect(report.consistent).to.equal(true);
    expect(report.compared).to.include({ endpoints: 1, auths: 1, aors: 1, contexts: 1, devices: 1, trackedByAri: 1 });
  });

  it('given a context changed in the row but not expired from the cache, then a value mismatch names both values and the cache', () => {
    const fixture = consistentFixture();
    set(fixture.database.endpoints, 'dabc123', { context: 'acct-8' } as RealtimeRow);
    fixture.database.accountContexts.set(ACCOUNT, 'acct-8');
    const [mismatch] = drift(fixture).filter((item) => item.kind === 'value-mismatch');
    expect(mismatch).to.deep.include({ object: { type: 'endpoint', id: 'dabc123' }, field: 'context', database: 'acct-8', asterisk: CONTEXT });
    expect(mismatch!.message).to.equal('endpoint dabc123: context is "acct-8" in the database but "acct-7" in Asterisk (Asterisk uses a stale copy: expire it from the pbx_endpoints cache)');
  });

  it('given a rotated password Asterisk has not reloaded, then the auth differs and neither secret is shown', () => {
    const fixture = consistentFixture();
    fixture.database.auths.set('dabc123', deviceRows('dabc123', 'new-password-22').auth);
    const differences = drift(fixture);
    expect(differences).to.have.length(1);
    expect(differences[0]).to.deep.include({ kind: 'value-mismatch', object: { type: 'auth', id: 'dabc123' }, field: 'password', database: '(hidden)', asterisk: '(hidden)' });
    expect(JSON.stringify(differences)).to.not.match(/password-1|new-password|sha256/);
  });

  it('given a disabled device whose cached endpoint has no ACL, then Asterisk accepting it is named', () => {
    const fixture = consistentFixture();
    set(fixture.database.endpoints, 'dabc123', { deny: '0.0.0.0/0.0.0.0' } as RealtimeRow);
    fixture.database.devices = [{ endpointId: 'dabc123', accountId: ACCOUNT, enabled: false }];
    expect(drift(fixture)).to.deep.equal([{
      kind: 'value-mismatch', object: { type: 'endpoint', id: 'dabc123' }, field: 'deny/permit/acl', database: 'deny=0.0.0.0/0.0.0.0', asterisk: '(none)',
      message: 'endpoint dabc123: deny/permit/acl is "deny=0.0.0.0/0.0.0.0" in the database but Asterisk applies no ACL, so it accepts requests the database refuses (expire it from the pbx_endpoints cache)',
    }]);
    set(fixture.asterisk.endpoints, 'dabc123', { Acl: 'deny/permit' });
    expect(drift(fixture)).to.deep.equal([]);
  });

  it('given codecs reordered or a reference removed from the row, then both are mismatches; a NULL default is not', () => {
    const fixture = consistentFixture();
    set(fixture.database.endpoints, 'dabc123', { allow: 'alaw,ulaw,gsm', aors: null, language: null } as RealtimeRow);
    expect(drift(fixture).map((item) => [item.field, item.database, item.asterisk])).to.deep.equal([
      ['aors', '', 'dabc123'],
      ['allow', 'alaw,ulaw,gsm', 'ulaw,alaw,gsm'],
    ]);
  });

  it('given rows Asterisk cannot load, then each is missing in Asterisk; an untracked endpoint is named too', () => {
    const fixture = consistentFixture();
    fixture.asterisk.endpoints.clear();
    fixture.asterisk.auths.clear();
    fixture.asterisk.loadable.auths = new Set();
    fixture.asterisk.tracked.clear();
    const differences = drift(fixture);
    expect(differences.map((item) => [item.kind, item.object.type, item.field])).to.deep.equal([
      ['missing-in-asterisk', 'endpoint', null],
      ['missing-in-asterisk', 'endpoint', 'ari'],
      ['missing-in-asterisk', 'auth', null],
    ]);
  });

  it('given an endpoint deleted from the database but still cached, then Asterisk having it is unexpected', () => {
    const fixture = consistentFixture();
    fixture.asterisk.endpoints.set('dgone', { ...asteriskShows('dgone').endpoint });
    const [leftover] = drift(fixture);
    expect(leftover).to.deep.include({ kind: 'unexpected-in-asterisk', object: { type: 'endpoint', id: 'dgone' }, asterisk: `context ${CONTEXT}` });
    expect(leftover!.message).to.include('accepts its registrations and calls');
  });

  it('given context rows and the loaded dialplan apart, then an unloaded row and a loaded context without row are named, static contexts are not', () => {
    const fixture = consistentFixture();
    fixture.database.contexts.set('acct-9', ['Realtime/@extensions']);
    fixture.database.accountContexts.set(9, 'acct-9');
    fixture.asterisk.contexts.set('acct-4', { registrar: 'pbx_config', switches: ['Realtime/@extensions'] });
    const differences = drift(fixture);
    expect(differences.map((item) => [item.kind, item.object.id])).to.deep.equal([
      ['missing-in-asterisk', 'acct-9'],
      ['unexpected-in-asterisk', 'acct-4'],
    ]);
    expect(differences[0]!.message).to.include('reload the dialplan (pbx_config.so)');
  });

  it('given outbound registrations, then a row Asterisk cannot load and one without a running state are missing', () => {
    const fixture = consistentFixture();
    fixture.database.trunkNames.add('acme');
    fixture.database.registrations.set('trunk-acme', realtimeRow({ id: 'trunk-acme', server_uri: 'sip:acme.test' }));
    expect(drift(fixture).map((item) => [item.kind, item.object.id, item.field])).to.deep.equal([['missing-in-asterisk', 'trunk-acme', null]]);
    fixture.asterisk.registrations.set('trunk-acme', { fields: { ObjectName: 'trunk-acme' }, status: undefined });
    expect(drift(fixture).map((item) => [item.kind, item.field, item.asterisk])).to.deep.equal([['missing-in-asterisk', 'status', '(no state)']]);
    fixture.asterisk.registrations.set('trunk-acme', { fields: { ObjectName: 'trunk-acme' }, status: 'Rejected' });
    const report = findDrift(fixture.database, fixture.asterisk, NOW);
    expect(report.differences).to.deep.equal([]);
    expect(report.compared.registrationStates).to.deep.equal({ Rejected: 1 });
  });

  it('given live registrations of a disabled device and of an unknown endpoint, then both are named; expired ones are not', () => {
    const fixture = consistentFixture();
    set(fixture.database.endpoints, 'dabc123', { deny: '0.0.0.0/0.0.0.0' } as RealtimeRow);
    set(fixture.asterisk.endpoints, 'dabc123', { Acl: 'deny/permit' });
    fixture.database.devices = [{ endpointId: 'dabc123', accountId: ACCOUNT, enabled: false }];
    fixture.asterisk.contacts = [
      { id: 'dabc123;@1', endpoint: 'dabc123', expiresAt: NOW + 60 },
      { id: 'dnone;@2', endpoint: 'dnone', expiresAt: NOW + 60 },
      { id: 'dnone;@3', endpoint: 'dnone', expiresAt: NOW - 1 },
    ];
    expect(drift(fixture).map((item) => item.message)).to.deep.equal([
      'contact dabc123;@1: Asterisk holds a registration of disabled device dabc123',
      'contact dnone;@2: Asterisk holds a registration of endpoint dnone, which has no row',
    ]);
  });

  it('given rows that do not follow from the domain, then each inconsistency of the database is named', () => {
    const fixture = consistentFixture();
    fixture.database.devices = [{ endpointId: 'dabc123', accountId: ACCOUNT, enabled: false }, { endpointId: 'dlost', accountId: ACCOUNT, enabled: true }];
    fixture.database.aors.set('trunk-old', realtimeRow({ id: 'trunk-old' }));
    fixture.database.accountContexts.set(8, 'acct-8');
    fixture.asterisk.loadable.aors = new Set(['dabc123', 'trunk-old']);
    const messages = drift(fixture).filter((item) => item.kind === 'database-inconsistent').map((item) => item.message);
    expect(messages).to.deep.equal([
      'device dabc123: it is disabled but its endpoint denies no address, so it can still register and call',
      'device dlost: it has no ps_endpoints row, so it cannot register',
      'device dlost: it has no ps_auths row, so it cannot register',
      'device dlost: it has no ps_aors row, so it cannot register',
      'account 8: its context acct-8 has no row in pbx-accounts.conf, so its devices cannot call',
      'aor trunk-old: its ps_aors row belongs to no device and no trunk',
    ]);
    fixture.database.trunkNames.add('old');
    expect(drift(fixture).map((item) => item.object.id)).to.not.include('trunk-old');
  });
});

describe('option values as Asterisk shows them', () => {
  it('given booleans, numbers and codec lists, then equal meanings compare equal and different ones do not', () => {
    expect(sameOptionValue('yes', 'true')).to.equal(true);
    expect(sameOptionValue('yes', 'Yes')).to.equal(true);
    expect(sameOptionValue('no', 'false')).to.equal(true);
    expect(sameOptionValue('3', '3.000000')).to.equal(true);
    expect(sameOptionValue('yes', 'false')).to.equal(false);
    expect(sameOptionValue('acct-1', 'acct-10')).to.equal(false);
    expect(sameOptionValue('', 'no')).to.equal(false);
    expect(codecList('(opus|ulaw|alaw)')).to.deep.equal(codecList('opus,ulaw,alaw'));
  });
});

describe('the verifier report', () => {
  it('given no difference, then the summary says consistent and what was compared; given drift, each difference is a line', () => {
    const fixture = consistentFixture();
    expect(summaryLine(findDrift(fixture.database, fixture.asterisk, NOW), 1500)).to.equal(
      'consistent: the database and Asterisk agree on 1 endpoint (1 auth, 1 aor, 0 identifies), 0 outbound registrations, 1 account context, 1 device, 0 live contacts; 1 endpoint name asked of Asterisk, 1 tracked by ARI (1.5 s)');
    fixture.asterisk.tracked.clear();
    const lines = formatReport(findDrift(fixture.database, fixture.asterisk, NOW), 1500).trim().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.equal('missing-in-asterisk: endpoint dabc123: ARI does not list it, so its state reads offline until res_pjsip is reloaded');
    expect(lines[1]).to.match(/^drift: 1 difference \(1 missing-in-asterisk\) comparing 1 endpoint/);
  });
});

describe('reading many objects over a few AMI sessions', () => {
  it('given many items, then no session has more than its share in flight and every item is done once', async () => {
    const inFlight = new Map<string, number>();
    let peak = 0;
    const done: number[] = [];
    await onSessions(['a', 'b'], 3, Array.from({ length: 40 }, (_, index) => index), async (session, item) => {
      inFlight.set(session, (inFlight.get(session) ?? 0) + 1);
      peak = Math.max(peak, inFlight.get(session)!);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight.set(session, inFlight.get(session)! - 1);
      done.push(item);
    });
    expect(peak).to.equal(3);
    expect([...done].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 40 }, (_, index) => index));
  });

  it('given a failure, then it is thrown and no further item is started', async () => {
    const started: number[] = [];
    const run = onSessions(['a'], 1, [1, 2, 3], async (_session, item) => {
      started.push(item);
      if (item === 1) throw new Error('AMI connection closed');
    });
    const failure = await run.then(() => undefined, (error: Error) => error);
    expect(failure?.message).to.equal('AMI connection closed');
    expect(started).to.deep.equal([1]);
  });
});
