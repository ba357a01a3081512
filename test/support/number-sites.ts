// Trunks that sell numbers from the provider emulators (provider-emulators/): a trunk file per site with its
// `purchasing:` section pointing at an emulator, written to a directory and applied one file at a time through
// the loader and the service trunks:apply uses. The secrets are environment variables the file names, set here
// for this process and handed to the worker (`env`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChangeNotifier } from '../../admin-api/notifier';
import type { PublicScope } from '../../admin-api/scope';
import { systemScope } from '../../admin-api/system-scope';
import { loadTrunkFile } from '../../admin-api/trunks/files';
import { TrunkService } from '../../admin-api/trunks/service';
import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import type { Database } from '../../db/connection';
import type { Redis } from 'ioredis';
import type { TelnyxEmulator, TwilioEmulator } from './provider-emulators';

export const TELNYX_SECRET_VARIABLE = 'PBX_TEST_SITES_TELNYX_KEY';
export const TWILIO_SECRET_VARIABLE = 'PBX_TEST_SITES_TWILIO_TOKEN';

export type EmulatedSite =
  | { api: 'telnyx'; emulator: TelnyxEmulator }
  | { api: 'twilio'; emulator: TwilioEmulator }
  | { api: 'static-pool'; numbers: string[] };

export interface SiteOptions {
  accounts: number[];
  /** The trunk's SIP host and inbound address. */
  ip: string;
  setupPriceCents: number;
  monthlyPriceCents: number;
}

function purchasingLines(site: EmulatedSite): string[] {
  switch (site.api) {
    case 'telnyx':
      return ['  api: telnyx', `  baseUrl: ${site.emulator.url}`, '  secret:', `    env: ${TELNYX_SECRET_VARIABLE}`, '  routeTo: "1293384261075731499"'];
    case 'twilio':
      return ['  api: twilio', `  baseUrl: ${site.emulator.url}`, `  accountSid: ${site.emulator.accountSid}`, '  secret:', `    env: ${TWILIO_SECRET_VARIABLE}`,
        '  routeTo: TK0123456789abcdef0123456789abcdef'];
    case 'static-pool':
      return ['  api: static-pool'];
  }
}

function trunkYaml(site: EmulatedSite, options: SiteOptions): string {
  const numbers = site.api === 'static-pool' ? site.numbers : [];
  return [
    'provider: Number emulator', 'allowPrivateAddresses: true', `host: ${options.ip}`, 'port: 5060', 'transport: udp', 'register: false',
    'inbound:', `  addresses: [${options.ip}]`, 'codecs: [alaw, ulaw]', 'qualifySeconds: 0', `accounts: [${options.accounts.join(', ')}]`,
    ...(numbers.length > 0 ? ['numbers:', ...numbers.map((number) => `  - number: "${number}"`)] : ['numbers: []']),
    'purchasing:', ...purchasingLines(site),
    `  setupPriceCents: ${options.setupPriceCents}`, `  monthlyPriceCents: ${options.monthlyPriceCents}`, '',
  ].join('\n');
}

export class NumberSites {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'number-sites-'));
  private readonly names: string[] = [];
  private readonly trunks: TrunkService;
  private readonly scope: PublicScope;
  /** What the worker's environment needs to reach the emulators. */
  readonly env: Record<string, string> = {};

  constructor(private readonly deps: { config: Config; db: Database; redis: Redis; logger: Logger }) {
    this.trunks = new TrunkService(deps.db, new ChangeNotifier(deps.redis, deps.logger), deps.config.sip.endpointMedia);
    this.scope = systemScope('test-number-sites', deps.logger);
  }

  /** Writes the site's trunk file and applies it (again, after a change). */
  async put(name: string, site: EmulatedSite, options: SiteOptions): Promise<void> {
    if (site.api === 'telnyx') this.secret(TELNYX_SECRET_VARIABLE, site.emulator.apiKey);
    if (site.api === 'twilio') this.secret(TWILIO_SECRET_VARIABLE, site.emulator.authToken);
    fs.writeFileSync(path.join(this.dir, `${name}.yaml`), trunkYaml(site, options));
    const loaded = loadTrunkFile(this.dir, `${name}.yaml`);
    if (!loaded.trunk) throw new Error(`trunk file ${name} refused: ${JSON.stringify(loaded.problems)}`);
    if (!this.names.includes(name)) this.names.push(name);
    await this.trunks.put(this.scope, loaded.trunk.write);
  }

  async trunkId(name: string): Promise<number> {
    return Number((await this.deps.db('trunks').where({ name }).first('id')).id);
  }

  /** Removes the trunks (and the numbers bought on them: they outlive a trunk otherwise) and the files. */
  async remove(): Promise<void> {
    const ids = (await this.deps.db('trunks').whereIn('name', this.names).pluck('id')).map(Number);
    if (ids.length > 0) await this.deps.db('phone_numbers').whereIn('trunk_id', ids).delete();
    for (const name of this.names) {
      const trunk = await this.trunks.find(this.scope, name);
      if (trunk) await this.trunks.remove(this.scope, name, trunk.source);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private secret(variable: string, value: string): void {
    process.env[variable] = value;
    this.env[variable] = value;
  }
}
