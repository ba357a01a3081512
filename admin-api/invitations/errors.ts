// Every error the invitations domain raises, with its stable code.
import { createError, type ApiError } from '../http/errors';

export const invitationErrors = {
  notFoundInAccount: (invitationId: number): ApiError => createError('INVITATION_NOT_FOUND', 404, `No invitation ${invitationId} in this account.`, { invitationId }),
  notFoundForYou: (invitationId: number): ApiError => createError('INVITATION_NOT_FOUND', 404, `No open invitation ${invitationId} for you.`, { invitationId }),
  linkNotValid: (): ApiError => createError('INVITATION_NOT_FOUND', 404, 'This invitation link is not valid (already used or never issued).'),
  expired: (): ApiError => createError('INVITATION_EXPIRED', 410, 'This invitation has expired: ask for a new one.'),
  closed: (state: string): ApiError => createError('INVITATION_CLOSED', 409, `This invitation is already ${state}.`, { state }),
  alreadyInvited: (username: string): ApiError => createError('ALREADY_INVITED', 409, `${username} already has an open invitation to this account.`),
  alreadyMember: (username: string): ApiError => createError('ALREADY_MEMBER', 409, `${username} already belongs to this account.`),
  youAreAlreadyMember: (): ApiError => createError('ALREADY_MEMBER', 409, 'You already belong to this account.'),
  passwordRequired: (): ApiError =>
    createError('VALIDATION_FAILED', 400, 'Choose a password: /password is required.', { fields: [{ path: '/password', message: 'is required' }] }),
  /** Accepting an invitation that would no longer be allowed now; the reason is a code of its own. */
  noLongerValid: (reason: 'ROLE_REMOVED' | 'ROLE_NOT_OFFERED' | 'INVITER_NO_LONGER_ALLOWED', message: string): ApiError =>
    createError('INVITATION_NO_LONGER_VALID', 409, `${message} Ask for a new invitation.`, { reason }),
};
