// The static instance's configuration, derived from the project's own templates (asterisk-config/asterisk)
// so that both Asterisks differ only in where PJSIP objects live: no hand-kept copy of any setting.
import fs from 'node:fs';
import path from 'node:path';
import { renderTemplate } from '../../../asterisk-config/render';
import type { PjsipRows } from './devices';

const TEMPLATES = path.resolve(__dirname, '../../../asterisk-config/asterisk');

export function renderedTemplate(file: string, values: Record<string, string>): string {
  return renderTemplate(fs.readFileSync(path.join(TEMPLATES, file), 'utf8'), values, file);
}

interface Section {
  name: string;
  lines: string[];
}

/** Splits an Asterisk .conf text into its [sections] (comments and options kept as lines). */
function sections(text: string): Section[] {
  const found: Section[] = [];
  for (const line of text.split('\n')) {
    const header = /^\[([^\]]+)\]/.exec(line.trim());
    if (header?.[1]) found.push({ name: header[1], lines: [] });
    else found.at(-1)?.lines.push(line);
  }
  return found;
}

/**
 * pjsip.conf of the static instance: the template's [global] and [system] (identifier order, realm, thread
 * pool: the settings that shape REGISTER handling) and its UDP transport bound to loopback on `sipPort`,
 * then every device as the realtime rows hold it. TCP and WebSocket transports are left out: SIPp uses UDP
 * and there is no HTTP server here.
 */
export function staticPjsipConf(template: string, sipPort: number, rows: PjsipRows): string {
  const kept = sections(template).filter((section) => ['global', 'system', 'transport-udp'].includes(section.name));
  const settings = kept.map((section) => {
    const lines = section.lines
      .filter((line) => line.trim() !== '' && !line.trim().startsWith(';'))
      .map((line) => (/^\s*bind\s*=/.test(line) ? `bind = 127.0.0.1:${sipPort}` : line));
    return [`[${section.name}]`, ...lines].join('\n');
  });
  const objects = [
    ...rows.endpoints.map((row) => objectSection('endpoint', row)),
    ...rows.auths.map((row) => objectSection('auth', row)),
    ...rows.aors.map((row) => objectSection('aor', row)),
  ];
  return `; Written by scripts/bench/registrations: the benchmark devices held statically.\n${[...settings, ...objects].join('\n\n')}\n`;
}

/** One sorcery object: the row's non-null columns are its options (realtime column names are option names). */
function objectSection(type: 'endpoint' | 'auth' | 'aor', row: Record<string, unknown>): string {
  const options = Object.entries(row)
    .filter(([column, value]) => column !== 'id' && value !== null && value !== undefined)
    // A ';' starts a comment in a .conf file; realtime values carry it literally.
    .map(([column, value]) => `${column} = ${String(value).replace(/;/g, '\\;')}`);
  return [`[${String(row.id)}]`, `type = ${type}`, ...options].join('\n');
}

/**
 * modules.conf of the static instance: the template's PJSIP lines and the sorcery back ends they use
 * (config files for objects, astdb for contacts). Nothing of ODBC, ARI, dialplan or media, and no module that
 * needs one of those (the WebSocket transport needs the HTTP server, SDP/RTP needs the RTP engine; neither
 * takes part in a registration).
 */
export function staticModulesConf(template: string): string {
  const wanted = (module: string): boolean =>
    (/pjsip|pjproject/.test(module) && !['res_pjsip_transport_websocket', 'res_pjsip_sdp_rtp'].includes(module))
    || ['res_sorcery_config', 'res_sorcery_memory', 'res_sorcery_astdb'].includes(module);
  const loads = template.split('\n').filter((line) => {
    const match = /^\s*load\s*=>\s*([a-z0-9_]+)\.so/.exec(line);
    return match?.[1] !== undefined && wanted(match[1]);
  });
  return ['[modules]', 'autoload = no', ...loads, ''].join('\n');
}
