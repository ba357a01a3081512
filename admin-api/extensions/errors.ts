// Every error the extension plan raises, with its stable code. Users, ring groups and (later) queues, menus and
// voicemail boxes take extensions from the same plan, so they raise the same error.
import type { ExtensionOwner } from '../../db/repositories/extensions';
import { createError, type ApiError } from '../http/errors';

const OWNER_WORDS: Record<ExtensionOwner['type'], string> = {
  user: 'user', ring_group: 'ring group', queue: 'queue', ivr: 'auto-receptionist', voicemail: 'voicemail box',
};

export const extensionErrors = {
  /** The extension is another owner's in this account: named, so the admin knows whom to change. */
  taken: (extension: string, owner: ExtensionOwner, name: string | null): ApiError =>
    createError('EXTENSION_TAKEN', 409, `Extension ${extension} belongs to ${OWNER_WORDS[owner.type]} ${owner.id}${name ? ` (${name})` : ''} in this account.`, {
      extension, owner: { type: owner.type, id: owner.id, name }, fields: [{ path: '/extension', message: 'is taken' }],
    }),
};
