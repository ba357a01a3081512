import type { JSONSchemaType } from 'ajv';
import type { DeviceKind } from '../../db/repositories/pjsip';

// Internal extensions: 2 to 6 digits, not starting with 0 (reserved for the outside line).
export const EXTENSION_PATTERN = '^[1-9][0-9]{1,5}$';

export interface CreateDeviceInput {
  extension: string;
  label: string;
  kind: DeviceKind;
  userId?: number;
}

export const createDeviceSchema: JSONSchemaType<CreateDeviceInput> = {
  type: 'object',
  properties: {
    extension: { type: 'string', pattern: EXTENSION_PATTERN },
    label: { type: 'string', minLength: 1, maxLength: 120 },
    kind: { type: 'string', enum: ['desk_phone', 'softphone', 'webrtc'] },
    // The user whose device this is; removing the user from the account disables it.
    userId: { type: 'integer', minimum: 1, nullable: true },
  },
  required: ['extension', 'label', 'kind'],
  additionalProperties: false,
};

export interface UpdateDeviceInput {
  label?: string;
  enabled?: boolean;
}

export const updateDeviceSchema: JSONSchemaType<UpdateDeviceInput> = {
  type: 'object',
  properties: {
    label: { type: 'string', minLength: 1, maxLength: 120, nullable: true },
    // A disabled device is refused at once (its registration is dropped); enabling lets it register again.
    enabled: { type: 'boolean', nullable: true },
  },
  additionalProperties: false,
  minProperties: 1,
};
