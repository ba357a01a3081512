import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { formatProblem, loadTrunkFile } from '../../admin-api/trunks/files';
import { diffTrunkState } from '../../admin-api/trunks/service';
import { apiTrunkSchema } from '../../admin-api/trunks/schemas';
import { trunkRows } from '../../db/repositories/trunk-rows';
import { addressProblems, hostProblem, inboundProblem } from '../../admin-api/trunks/address-policy';

describe('trunk files (YAML, ajv, secrets) and their PJSIP rows', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trunk-files-'));
  const write = (name: string, lines: string[]): string => {
    fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
    return name;
  };
  const minimal = ['provider: Acme', 'host: sip.acme.test', 'inbound:', '  addresses: [203.0.113.10]', 'accounts: [7]'];
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('given a minimal file, then the defaults are filled in and no auth or registration row is made', () => {
    const { trunk, problems } = loadTrunkFile(dir, write('acme.yaml', minimal), {});
    expect(problems).to.deep.equal([]);
    expect(trunk!.write.definition).to.include({ port: 5060, transport: 'udp', register: false, qualifySeconds: 60 });
    expect(trunk!.write.definition.codecs).to.deep.equal(['ulaw', 'alaw']);
    const rows = trunkRows('acme', trunk!.write.definition, trunk!.write.password);
    expect(rows.ps_endpoints).to.include({ id: 'trunk-acme', context: 'pbx-from-trunks', identify_by: 'ip', allow: 'ulaw,alaw', outbound_auth: null });
    expect(rows.ps_aors).to.include({ contact: 'sip:sip.acme.test:5060', qualify_frequency: 60 });
    expect(rows).to.not.have.property('ps_auths');
    expect(rows).to.not.have.property('ps_registrations');
    expect(rows.ps_endpoint_id_ips).to.include({ match: '203.0.113.10' });
  });

  it('given a secret in the environment or a secrets/ file, then it is resolved; unset or short, then the line says so', () => {
    const withEnv = [...minimal, 'register: true', 'credentials:', '  username: acme-1', '  secret: { env: ACME_SECRET }'];
    write('envsecret.yaml', withEnv);
    expect(loadTrunkFile(dir, 'envsecret.yaml', { ACME_SECRET: 'long-enough-secret' }).trunk!.write.password).to.equal('long-enough-secret');
    const unset = loadTrunkFile(dir, 'envsecret.yaml', {}).problems.map(formatProblem);
    expect(unset).to.deep.equal([`${path.join(dir, 'envsecret.yaml')}:9: /credentials/secret names environment variable ACME_SECRET, which is not set`]);
    expect(loadTrunkFile(dir, 'envsecret.yaml', { ACME_SECRET: 'short' }).problems[0]!.message).to.include('shorter than 12');
    fs.mkdirSync(path.join(dir, 'secrets'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'secrets', 'acme'), 'from-a-file-secret\n');
    write('filesecret.yaml', [...minimal, 'credentials:', '  username: acme-1', '  secret: { file: secrets/acme }']);
    expect(loadTrunkFile(dir, 'filesecret.yaml', {}).trunk!.write.password).to.equal('from-a-file-secret');
    write('inline.yaml', [...minimal, 'credentials:', '  username: acme-1', '  secret: hunter2hunter2']);
    expect(loadTrunkFile(dir, 'inline.yaml', {}).problems.map((problem) => problem.field)).to.include('/credentials/secret');
  });

  it('given broken YAML, an unknown field or a bad file name, then each is reported with its line', () => {
    const syntax = loadTrunkFile(dir, write('syntax.yaml', ['provider: Acme', 'host: [unclosed']), {});
    expect(syntax.problems[0]).to.include({ field: '(yaml)' });
    const unknown = loadTrunkFile(dir, write('extra.yaml', [...minimal, 'colour: blue']), {});
    expect(unknown.problems.map(formatProblem)).to.deep.equal([`${path.join(dir, 'extra.yaml')}:6: /colour is not a known field`]);
    expect(loadTrunkFile(dir, write('Bad_Name.yaml', minimal), {}).problems[0]).to.include({ field: '(file name)' });
  });

  it('given a change, then the diff names each changed field and never shows a secret', () => {
    const before = { rows: { ps_auths: { id: 't', password: 'old-secret-value' } }, accounts: [1], numbers: [] };
    const after = { rows: { ps_auths: { id: 't', password: 'new-secret-value' }, ps_aors: { id: 't' } }, accounts: [1, 2], numbers: [] };
    const changes = diffTrunkState(before, after);
    expect(changes).to.include('ps_auths.password: (secret) -> (secret)');
    expect(changes).to.include('ps_aors: add row');
    expect(changes).to.include('accounts: [1] -> [1,2]');
    expect(changes.join('\n')).to.not.include('secret-value');
    expect(diffTrunkState(after, after)).to.deep.equal([]);
  });

  it('given a file with allowPrivateAddresses, then it is read; the API schema has no such field', () => {
    const { trunk, problems } = loadTrunkFile(dir, write('lab.yaml', [...minimal, 'allowPrivateAddresses: true']), {});
    expect(problems).to.deep.equal([]);
    expect(trunk!.write.definition.allowPrivateAddresses).to.equal(true);
    expect(Object.keys((apiTrunkSchema as { properties: object }).properties)).to.not.include('allowPrivateAddresses');
  });
});

describe('trunk address policy: public hosts and inbound addresses, narrow ranges', () => {
  it('given loopback, private, shared, link-local, multicast, unspecified or ULA hosts, then each is refused and says why', async () => {
    const refused: Record<string, string> = {
      '127.0.0.1': 'loopback', '10.1.2.3': 'private', '172.20.0.1': 'private', '192.168.1.10': 'private', '100.64.0.1': 'shared',
      '169.254.169.254': 'link-local', '224.0.0.1': 'multicast', '0.0.0.0': 'unspecified', '255.255.255.255': 'broadcast',
      '::1': 'loopback', '::': 'unspecified', 'fd00::1': 'unique local', 'fe80::1': 'link-local', 'ff02::1': 'multicast', '::ffff:127.0.0.1': 'IPv4-mapped',
    };
    for (const [host, kind] of Object.entries(refused)) expect(await hostProblem(host, false), host).to.include(kind);
    for (const host of ['203.0.113.10', '8.8.8.8', '2001:db8::5', 'sip.provider.test']) expect(await hostProblem(host, false), host).to.equal(undefined);
  });

  it('given a host name that can only be local or resolves inside, then it is refused', async () => {
    for (const host of ['localhost', 'mariadb', 'pbx.local', 'db.internal', 'router.home.arpa', 'x.localhost']) expect(await hostProblem(host, false), host).to.include('local machine');
    expect(await hostProblem('localhost.localdomain.', false)).to.include('local machine');
  });

  it('given inbound addresses, then private ones and ranges broader than /16 (IPv4) or /32 (IPv6) are refused', () => {
    expect(inboundProblem('203.0.113.10', false)).to.equal(undefined);
    expect(inboundProblem('198.51.100.0/24', false)).to.equal(undefined);
    expect(inboundProblem('0.0.0.0/0', false)).to.include('too broad');
    expect(inboundProblem('0.0.0.0/0', true), 'never allowed, even by ops').to.include('too broad');
    expect(inboundProblem('44.0.0.0/8', false)).to.include('too broad');
    expect(inboundProblem('2001:db8::/16', false)).to.include('too broad');
    expect(inboundProblem('127.0.0.1', false)).to.include('loopback');
    expect(inboundProblem('10.0.0.0/16', false)).to.include('private');
    // A range that merely contains a private block is refused too.
    expect(inboundProblem('172.16.0.0/16', false)).to.include('private');
    expect(inboundProblem('fd12:3456::/32', false)).to.include('unique local');
    expect(inboundProblem('127.0.0.5', true)).to.equal(undefined);
  });

  it('given a definition, then every problem is a JSON pointer; allowPrivateAddresses lets ops use loopback providers', async () => {
    const definition = { host: '127.0.0.5', inbound: { addresses: ['203.0.113.1', '192.168.0.0/24', '0.0.0.0/0'] } };
    expect((await addressProblems(definition)).map((problem) => problem.path)).to.deep.equal(['/host', '/inbound/addresses/1', '/inbound/addresses/2']);
    expect((await addressProblems({ ...definition, allowPrivateAddresses: true })).map((problem) => problem.path)).to.deep.equal(['/inbound/addresses/2']);
  });
});
