// throwaway: provision N devices, write /tmp/benchproto/users.csv, print account id, wait for SIGTERM, clean up
import fs from 'node:fs';
import { Redis } from 'ioredis';
import { AccountService } from '../../../admin-api/accounts/service';
import { ChangeNotifier } from '../../../admin-api/notifier';
import { loadConfig } from '../../../core/config';
import { createLogger } from '../../../core/logger';
import { openDatabase } from '../../../db/connection';
import { provisionDevices, readPjsipRows, sippInjectionFile } from './devices';
import { StaticAsterisk } from './static-asterisk';
async function main() {
  const config = loadConfig();
  const db = openDatabase(config.db);
  const redis = new Redis({ host: config.redis.host, port: config.redis.port });
  const accounts = new AccountService(db, new ChangeNotifier(redis, createLogger('bench', 'error')));
  const d = await provisionDevices(db, accounts, Number(process.argv[2]));
  fs.writeFileSync('/tmp/benchproto/users.csv', sippInjectionFile(d.devices));
  let st: StaticAsterisk | undefined;
  if (process.argv[3]) { st = new StaticAsterisk('/var/cache/pbx-control-plane/asterisk-root', Number(process.argv[3])); await st.start(config, await readPjsipRows(db, d.devices.map((x) => x.endpointId))); console.log('static pid', st.pid()); }
  console.log('account', d.accountId);
  process.on('SIGTERM', async () => { await st?.stop(); await accounts.remove(d.accountId); redis.disconnect(); await db.destroy(); console.log('cleaned'); process.exit(0); });
  setInterval(() => {}, 1000);
}
main();
