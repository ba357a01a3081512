// Giving an owner an extension of the account's plan, or freeing it: the one place that turns a taken
// extension into 409 EXTENSION_TAKEN naming its holder. Runs in the caller's transaction.
import type { Queryable } from '../../db/connection';
import { claimExtension, findOwnerExtension, freeExtension, ownerName, type ExtensionOwner } from '../../db/repositories/extensions';
import { extensionErrors } from './errors';

export interface ExtensionChange {
  before: string | undefined;
  after: string | undefined;
}

/** `extension` null frees the owner's extension; a string gives it (replacing the one held). */
export async function assignExtension(db: Queryable, accountId: number, owner: ExtensionOwner, extension: string | null): Promise<ExtensionChange> {
  const before = await findOwnerExtension(db, accountId, owner);
  if (extension === null) {
    await freeExtension(db, accountId, owner);
    return { before, after: undefined };
  }
  const holder = await claimExtension(db, accountId, owner, extension);
  if (holder) throw extensionErrors.taken(extension, holder, await ownerName(db, holder));
  return { before, after: extension };
}

export const changed = (change: ExtensionChange): boolean => change.before !== change.after;
