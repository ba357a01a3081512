// Request shapes of the roles domain: each schema is what ajv validates and, through Static, the type the
// handler and the service receive. The role itself is core/access.ts's Role; these are the fields a request sets.
import { Type, type Static } from '@sinclair/typebox';
import { ALL_PERMISSIONS, type Permission, type RoleType } from '../../core/access';
import { singleLineText } from '../http/text-safety';

const ROLE_TYPES: RoleType[] = ['reseller', 'customer', 'unit'];

// Type.Unsafe keeps the plain `enum` (ajv then lists the allowed values) while typing the value as core's union.
const roleFields = {
  name: singleLineText(80),
  type: Type.Unsafe<RoleType>({ type: 'string', enum: ROLE_TYPES }),
  rank: Type.Integer({ minimum: 1, maximum: 99 }),
  permissions: Type.Array(Type.Unsafe<Permission>({ type: 'string', enum: ALL_PERMISSIONS }), { uniqueItems: true }),
};

export const createRoleSchema = Type.Object(roleFields, { additionalProperties: false });
export type CreateRoleInput = Static<typeof createRoleSchema>;

// A role's type is fixed at creation: who may hold it depends on it.
export const updateRoleSchema = Type.Partial(
  Type.Object({ name: roleFields.name, rank: roleFields.rank, permissions: roleFields.permissions }),
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateRoleInput = Static<typeof updateRoleSchema>;
