// Request shapes of the groups domain. Each schema is both what ajv validates and, through Static, the type the
// handler and the service receive: the two cannot drift.
import { Type, type Static } from '@sinclair/typebox';
import { ID_SCHEMA } from '../http/ids';
import { singleLineText } from '../http/text-safety';

const groupFields = {
  name: singleLineText(80),
  managerUserId: Type.Union([ID_SCHEMA, Type.Null()]),
  memberIds: Type.Array(ID_SCHEMA, { maxItems: 10000 }),
};

export const createGroupSchema = Type.Object(
  { name: groupFields.name, managerUserId: Type.Optional(groupFields.managerUserId), memberIds: Type.Optional(groupFields.memberIds) },
  { additionalProperties: false },
);
export type CreateGroupInput = Static<typeof createGroupSchema>;

export const updateGroupSchema = Type.Partial(Type.Object(groupFields), { additionalProperties: false, minProperties: 1 });
export type UpdateGroupInput = Static<typeof updateGroupSchema>;
