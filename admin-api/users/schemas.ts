export const USERNAME_PATTERN = '^[A-Za-z0-9._@+-]{3,120}$';

const profileProperties = {
  fullName: { type: 'string', minLength: 1, maxLength: 120 },
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
    roleId: { type: 'integer', minimum: 1 },
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
  properties: { roleId: { type: 'integer', minimum: 1 } },
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
    groupId: { type: 'string', pattern: '^[1-9][0-9]*$' },
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
