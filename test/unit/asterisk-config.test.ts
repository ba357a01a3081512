import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { renderAll, renderTemplate } from '../../asterisk-config/render';
import { loadConfig } from '../../core/config';

describe('asterisk-config rendering', () => {
  it('given a template with an unknown placeholder, when rendered, then it fails naming file and placeholder', () => {
    expect(() => renderTemplate('bind = {{NOPE}}', {}, 'pjsip.conf')).to.throw(/pjsip.conf: unknown placeholder \{\{NOPE\}\}/);
  });

  it('given the project templates, when rendered twice, then no placeholder is left and the second run writes nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-'));
    const config = loadConfig();
    const first = renderAll(config, { etcDir: path.join(dir, 'etc'), odbcDir: path.join(dir, 'odbc') });
    expect(first.length).to.be.greaterThan(10);
    for (const file of first) expect(fs.readFileSync(file, 'utf8'), file).not.to.match(/\{\{[A-Z_]+\}\}/);
    expect(fs.readFileSync(path.join(dir, 'etc', 'ari.conf'), 'utf8')).to.include(`password = ${config.ari.password}`);
    // Secrets stay from other users; the DSN files must be readable by Asterisk's user through unixODBC.
    expect(fs.statSync(path.join(dir, 'etc', 'ari.conf')).mode & 0o777).to.equal(0o640);
    expect(fs.statSync(path.join(dir, 'odbc', 'odbc.ini')).mode & 0o777).to.equal(0o644);
    expect(renderAll(config, { etcDir: path.join(dir, 'etc'), odbcDir: path.join(dir, 'odbc') })).to.deep.equal([]);
    // A file with the right text but the wrong mode is corrected, and counts as a change.
    fs.chmodSync(path.join(dir, 'odbc', 'odbc.ini'), 0o600);
    expect(renderAll(config, { etcDir: path.join(dir, 'etc'), odbcDir: path.join(dir, 'odbc') })).to.deep.equal([path.join(dir, 'odbc', 'odbc.ini')]);
  });
});
