import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'dotenv';
import { ConfigError, loadConfig } from '../../core/config';

// The documented defaults, with a value for every secret .env.example leaves to be generated.
const example = Object.fromEntries(Object.entries(parse(fs.readFileSync(path.resolve(__dirname, '../../.env.example'))))
  .map(([name, value]) => [name, value === 'generate' ? 'x'.repeat(24) : value]));

describe('TRUST_PROXY', () => {
  it('given the documented default (empty), when loaded, then no proxy is trusted', () => {
    expect(loadConfig(example).trustProxy).to.deep.equal([]);
  });

  it('given addresses, a CIDR range and loopback, when loaded, then each entry is kept', () => {
    expect(loadConfig({ ...example, TRUST_PROXY: '10.0.0.5, 192.168.0.0/16,loopback, ::1' }).trustProxy).to.deep.equal(['10.0.0.5', '192.168.0.0/16', 'loopback', '::1']);
  });

  it('given an entry that is no address, when loaded, then start-up stops naming it', () => {
    expect(() => loadConfig({ ...example, TRUST_PROXY: '10.0.0.5, proxy.local' })).to.throw(ConfigError, /TRUST_PROXY entry "proxy.local"/);
    expect(() => loadConfig({ ...example, TRUST_PROXY: '10.0.0.0/33' })).to.throw(ConfigError, /TRUST_PROXY entry "10.0.0.0\/33"/);
  });
});
