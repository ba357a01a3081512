import { ID_QUERY_SCHEMA, ID_SCHEMA } from '../http/ids';
import { singleLineText } from '../http/text-safety';
export const USERNAME_PATTERN = '^[A-Za-z0-9._@+-]{3,120}$';

const profileProperties = {
  fullName: singleLineText(120),
  email: { type: 'string', format: 'email', maxLength: 254 },
  phoneMode: { type: 'string', enum: ['sip', 'webrtc'] },
  language: { type: 'string', pattern: '^[a-z]{2}(-[A-Z]{2})?$' },
  theme: { type: 'string', enum: ['light', 'dark'] },
  timezone: { type: 'string', format: 'iana-timezone', maxLength: 64 },
} as const;

export const createUserSchema = {
  type: 'object',
  properties: {
    username: { type: 'string', pattern: USERNAME_PATTERN },
    roleId: ID_SCHEMA,
    password: { type: 'string', minLength: 1, maxLength: 256 },
    ...profileProperties,
  },
  required: ['username', 'fullName', 'email', 'roleId'],
  additionalProperties: false,
} as const;

export const updateUserSchema = {
  type: 'object',
  properties: profileProperties,
  additionalProperties: false,
  minProperties: 1,
} as const;

export const changeRoleSchema = {
  type: 'object',
  properties: { roleId: ID_SCHEMA },
  required: ['roleId'],
  additionalProperties: false,
} as const;

export const removeUserSchema = {
  type: 'object',
  properties: {
    // Asked when removing an Organization Owner: also deactivate them on every subaccount, or leave them
    // there as Owner.
    deactivateOnSubaccounts: { type: 'boolean' },
  },
  additionalProperties: false,
} as const;

export const listUsersQuery = {
  type: 'object',
  properties: {
    groupId: ID_QUERY_SCHEMA,
    status: { type: 'string', enum: ['invited', 'active', 'deactivated'] },
  },
  additionalProperties: false,
} as const;

export interface CreateUserInput {
  username: string;
  roleId: number;
  password?: string;
  fullName: string;
  email: string;
  phoneMode?: 'sip' | 'webrtc';
  language?: string;
  theme?: 'light' | 'dark';
  timezone?: string;
}

export type UpdateUserInput = Partial<Omit<CreateUserInput, 'username' | 'roleId' | 'password'>>;
