// Ops' view of the SIP guessing guard's blocks:
//   npm run sip:blocks                  lists the blocked addresses and when each block ends
//   npm run sip:unblock -- ADDRESS      lifts one block now
// The database alone is enough: Asterisk reads the ACL rows on every request (no cache in front of them, see
// asterisk-config/asterisk/sorcery.conf), so a deleted row is lifted for the next request, with or without
// an ARI app running.
import { loadConfigOrExit } from '../../core/config';
import { createLogger } from '../../core/logger';
import { openDatabase, type Database } from '../../db/connection';
import { liftAddressBlock, listAddressBlocks, type AddressBlock } from '../../db/repositories/sip-address-blocks';
import { normaliseAddress } from './address-rules';

const USAGE = 'usage: blocks-cli.ts list | unblock ADDRESS';

function describe(block: AddressBlock, now: number): string {
  const minutesLeft = Math.max(0, Math.ceil((block.blockedUntil.getTime() - now) / 60_000));
  return [
    block.address.padEnd(39),
    `until ${block.blockedUntil.toISOString()} (${minutesLeft} min left)`,
    `since ${block.blockedAt.toISOString()}`,
    `${block.failures} failures, last ${block.lastEvent}`,
  ].join('  ');
}

async function list(db: Database): Promise<number> {
  const blocks = await listAddressBlocks(db);
  if (blocks.length === 0) process.stdout.write('No SIP address is blocked.\n');
  for (const block of blocks) process.stdout.write(`${describe(block, Date.now())}\n`);
  return 0;
}

async function unblock(db: Database, text: string | undefined): Promise<number> {
  const address = normaliseAddress(text ?? '');
  if (!address) {
    process.stderr.write(`${USAGE}\n(ADDRESS is an IPv4 or IPv6 address, as sip:blocks lists it)\n`);
    return 64;
  }
  if (!(await liftAddressBlock(db, address))) {
    process.stderr.write(`${address} is not blocked.\n`);
    return 1;
  }
  createLogger('sip-blocks', 'info').info('SIP address block lifted', { address, reason: 'manual' });
  return 0;
}

async function main(): Promise<number> {
  const [command, argument] = process.argv.slice(2);
  if (command !== 'list' && command !== 'unblock') {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  const db = openDatabase(loadConfigOrExit().db);
  try {
    return command === 'list' ? await list(db) : await unblock(db, argument);
  } finally {
    await db.destroy();
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`sip blocks: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
