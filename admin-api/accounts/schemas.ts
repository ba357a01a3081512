import { singleLineText } from '../http/text-safety';
const settingsProperties = {
  defaultAreaCode: { type: ['string', 'null'], pattern: '^[2-9][0-9]{2}$' },
  callingHours: {
    type: ['object', 'null'],
    properties: {
      start: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
      end: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
      timezone: { type: 'string', format: 'iana-timezone', maxLength: 64 },
    },
    required: ['start', 'end', 'timezone'],
    additionalProperties: false,
  },
  callbackNumber: { type: ['string', 'null'], pattern: '^\\+[1-9][0-9]{6,14}$' },
} as const;

export const updateAccountSchema = {
  type: 'object',
  properties: {
    name: singleLineText(120),
    ...settingsProperties,
    exportTargets: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['s3', 'bigquery'] },
          destination: { type: 'string', minLength: 1, maxLength: 500 },
        },
        required: ['kind', 'destination'],
        additionalProperties: false,
      },
      maxItems: 10,
    },
  },
  additionalProperties: false,
  minProperties: 1,
} as const;

export const createChildAccountSchema = {
  type: 'object',
  properties: { name: singleLineText(120), ...settingsProperties },
  required: ['name'],
  additionalProperties: false,
} as const;

export interface AccountSettingsInput {
  name?: string;
  defaultAreaCode?: string | null;
  callingHours?: { start: string; end: string; timezone: string } | null;
  callbackNumber?: string | null;
  exportTargets?: { kind: 's3' | 'bigquery'; destination: string }[] | null;
}
