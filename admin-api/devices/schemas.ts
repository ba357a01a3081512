// Request shapes of the devices domain. Each schema is both what ajv validates and, through Static, the type the
// handler and the service receive: the two cannot drift.
import { Type, type Static } from '@sinclair/typebox';
import type { DeviceKind } from '../../db/repositories/pjsip';
import { ID_QUERY_SCHEMA, ID_SCHEMA } from '../http/ids';
import { singleLineText } from '../http/text-safety';

// Internal extensions: 2 to 6 digits, not starting with 0 (reserved for the outside line).
export const EXTENSION_PATTERN = '^[1-9][0-9]{1,5}$';

const label = singleLineText(120);

export const createDeviceSchema = Type.Object({
  label,
  // A plain enum (ajv then lists the allowed values), typed as the repository's union.
  kind: Type.Unsafe<DeviceKind>({ type: 'string', enum: ['desk_phone', 'softphone', 'webrtc'] }),
  // The user whose device this is: it rings when the user's extension is called and presents the user's name
  // and extension; removing the user from the account disables it.
  userId: ID_SCHEMA,
  // Devices used to carry their own extension. Declared only to be refused with a message that says where
  // extensions went (the service's EXTENSION_ON_USER), rather than as an unknown field.
  extension: Type.Optional(Type.Unknown({ description: 'Not accepted: a device rings on its user\'s extension; set `extension` on the user.' })),
}, { additionalProperties: false });
export type CreateDeviceInput = Static<typeof createDeviceSchema>;

export const updateDeviceSchema = Type.Object({
  label: Type.Optional(label),
  // A disabled device is refused at once (its registration is dropped); enabling lets it register again.
  enabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, minProperties: 1 });
export type UpdateDeviceInput = Static<typeof updateDeviceSchema>;

export const deviceListQuery = Type.Object({ userId: Type.Optional(ID_QUERY_SCHEMA) }, { additionalProperties: false });

// Device passwords are always generated: a chosen one is refused rather than silently ignored.
export const noFieldsSchema = Type.Object({}, { additionalProperties: false });
