import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../core/config';

const valid: Record<string, string> = {
  DB_HOST: '127.0.0.1', DB_PORT: '3306', DB_NAME: 'pbx', DB_ADMIN_USER: 'root', DB_ADMIN_PASSWORD: '',
  DB_APP_USER: 'pbx_app', DB_APP_PASSWORD: 'a'.repeat(20), DB_ASTERISK_USER: 'pbx_asterisk',
  DB_ASTERISK_PASSWORD: 'b'.repeat(20), REDIS_HOST: '127.0.0.1', REDIS_PORT: '6379', ARI_PORT: '8088',
  ARI_USERNAME: 'pbx', ARI_PASSWORD: 'c'.repeat(20), ARI_APP: 'pbx', AMI_PORT: '5038', AMI_USERNAME: 'pbx', AMI_PASSWORD: 'd'.repeat(20), SIP_PORT: '5060', SIP_PUBLIC_HOST: 'pbx.example.com', SIP_WEBSOCKET_URL: 'wss://pbx.example.com/ws',
  RTP_PORT_START: '10000', RTP_PORT_END: '20000', ADMIN_API_HOST: '127.0.0.1', ADMIN_API_PORT: '8080',
  RING_TIMEOUT_SECONDS: '30', MAX_ACTIVE_CALLS: '400', LOG_LEVEL: 'info', SMTP_HOST: '127.0.0.1', SMTP_PORT: '2525',
  MAIL_FROM: 'PBX <no-reply@pbx.local>', PUBLIC_URL: 'https://pbx.example.com/', PASSWORD_MIN_LENGTH: '12',
};

describe('config', () => {
  it('given a complete environment, when loaded, then values are typed and grouped', () => {
    const config = loadConfig(valid);
    expect(config.db.port).to.equal(3306);
    expect(config.ari.url).to.equal('http://127.0.0.1:8088');
    expect(config.calls).to.deep.equal({ ringTimeoutSeconds: 30, maxActiveCalls: 400 });
  });

  it('given a missing variable, when loaded, then the error names it', () => {
    const { ARI_PASSWORD: _omitted, ...rest } = valid;
    expect(() => loadConfig(rest)).to.throw(ConfigError, /ARI_PASSWORD is not set/);
  });

  it('given a malformed port and a short secret, when loaded, then every bad variable is named', () => {
    const load = () => loadConfig({ ...valid, SIP_PORT: 'five', DB_APP_PASSWORD: 'short' });
    expect(load).to.throw(ConfigError, /SIP_PORT must be integer/);
    expect(load).to.throw(ConfigError, /DB_APP_PASSWORD must NOT have fewer than 16 characters/);
  });

  it('given an inverted RTP range, when loaded, then it is refused', () => {
    expect(() => loadConfig({ ...valid, RTP_PORT_START: '20000', RTP_PORT_END: '10000' })).to.throw(ConfigError, /RTP_PORT_END/);
  });
});
