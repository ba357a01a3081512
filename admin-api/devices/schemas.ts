import type { JSONSchemaType } from 'ajv';
import type { DeviceKind } from '../../db/repositories/pjsip';
import { SINGLE_LINE_PATTERN } from '../http/text-safety';

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
    label: { type: 'string', minLength: 1, maxLength: 120, pattern: SINGLE_LINE_PATTERN },
    kind: { type: 'string', enum: ['desk_phone', 'softphone', 'webrtc'] },
    // The user whose device this is; removing the user from the account disables it.
    userId: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, nullable: true },
  },
  required: ['extension', 'label', 'kind'],
  additionalProperties: false,
};

export interface UpdateDeviceInput {
  label?: string;
  enabled?: boolean;
}

// Not JSONSchemaType: it demands `nullable` on optional fields, and a null label or state is no change we take.
export const updateDeviceSchema = {
  type: 'object',
  properties: {
    label: { type: 'string', minLength: 1, maxLength: 120, pattern: SINGLE_LINE_PATTERN },
    // A disabled device is refused at once (its registration is dropped); enabling lets it register again.
    enabled: { type: 'boolean' },
  },
  additionalProperties: false,
  minProperties: 1,
} as const;
