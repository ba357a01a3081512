// Renders asterisk-config/ templates into the directories an Asterisk reads. The same renderer serves the
// local stack (chroot or host Asterisk) and the production image, so no hand-edited copy ever drifts.
//   tsx asterisk-config/render.ts --etc DIR --odbc DIR [--layout chroot|host --state DIR]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigOrExit, type Config } from '../core/config';

const TEMPLATE_DIRS = { asterisk: path.join(__dirname, 'asterisk'), odbc: path.join(__dirname, 'odbc') };
const PLACEHOLDER = /\{\{([A-Z0-9_]+)\}\}/g;

export interface RenderTarget {
  etcDir: string;
  odbcDir: string;
  /** Where Asterisk keeps its state. A chroot uses the standard paths; a host Asterisk gets private ones. */
  stateDir?: string;
}

export function templateValues(config: Config, target: RenderTarget): Record<string, string> {
  const state = (name: string, standard: string): string => (target.stateDir ? path.join(target.stateDir, name) : standard);
  return {
    ASTERISK_ETC_DIR: target.stateDir ? target.etcDir : '/etc/asterisk',
    ASTERISK_VARLIB_DIR: state('lib', '/var/lib/asterisk'),
    ASTERISK_SPOOL_DIR: state('spool', '/var/spool/asterisk'),
    ASTERISK_RUN_DIR: state('run', '/var/run/asterisk'),
    ASTERISK_LOG_DIR: state('log', '/var/log/asterisk'),
    ODBC_DRIVER: '/usr/lib/x86_64-linux-gnu/odbc/libmaodbc.so',
    ARI_PORT: String(new URL(config.ari.url).port),
    ARI_USERNAME: config.ari.username,
    ARI_PASSWORD: config.ari.password,
    ARI_APP: config.ari.app,
    AMI_PORT: String(config.ami.port),
    AMI_USERNAME: config.ami.username,
    AMI_PASSWORD: config.ami.password,
    SIP_PORT: String(config.sip.port),
    RTP_PORT_START: String(config.sip.rtpPortStart),
    RTP_PORT_END: String(config.sip.rtpPortEnd),
    DB_HOST: config.db.host,
    DB_PORT: String(config.db.port),
    DB_NAME: config.db.name,
    DB_ASTERISK_USER: config.db.asterisk.user,
    DB_ASTERISK_PASSWORD: config.db.asterisk.password,
  };
}

export function renderTemplate(text: string, values: Record<string, string>, file: string): string {
  return text.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${file}: unknown placeholder {{${name}}}`);
    return value;
  });
}

/** Writes each rendered file whose content changed; returns the names written. */
export function renderAll(config: Config, target: RenderTarget): string[] {
  const values = templateValues(config, target);
  const written: string[] = [];
  const destinations = { asterisk: target.etcDir, odbc: target.odbcDir };
  for (const [kind, sourceDir] of Object.entries(TEMPLATE_DIRS) as [keyof typeof destinations, string][]) {
    fs.mkdirSync(destinations[kind], { recursive: true });
    // Explicit, whatever the caller's umask: Asterisk runs as its own user and must enter the directory.
    if (kind === 'asterisk') fs.chmodSync(destinations[kind], 0o755);
    for (const file of fs.readdirSync(sourceDir).sort()) {
      const rendered = renderTemplate(fs.readFileSync(path.join(sourceDir, file), 'utf8'), values, file);
      const destination = path.join(destinations[kind], file);
      // Asterisk's own files hold secrets: owner and Asterisk's group only. The ODBC DSN files hold none (the
      // password is in res_odbc.conf) and unixODBC reads them as Asterisk's user.
      const mode = kind === 'asterisk' ? 0o640 : 0o644;
      const current = fs.existsSync(destination) ? fs.statSync(destination) : undefined;
      const sameText = current !== undefined && fs.readFileSync(destination, 'utf8') === rendered;
      if (sameText && (current.mode & 0o777) === mode) continue;
      if (!sameText) fs.writeFileSync(destination, rendered, { mode });
      fs.chmodSync(destination, mode);
      written.push(destination);
    }
  }
  return written;
}

if (require.main === module) {
  const { values } = parseArgs({
    options: { etc: { type: 'string' }, odbc: { type: 'string' }, state: { type: 'string' } },
  });
  if (!values.etc || !values.odbc) {
    process.stderr.write('usage: render.ts --etc DIR --odbc DIR [--state DIR]\n');
    process.exit(64);
  }
  const written = renderAll(loadConfigOrExit(), { etcDir: values.etc, odbcDir: values.odbc, stateDir: values.state });
  process.stdout.write(written.map((file) => `rendered ${file}\n`).join(''));
}
