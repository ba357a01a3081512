// Wires the invitations domain: the account's side, the invited user's side and the emailed links.
import type { DomainPlugin } from '../domain';
import { invitationRoutes } from './routes';
import { InvitationService } from './service';

export const invitationsPlugin: DomainPlugin = ({ db, jobs, access, config }) => invitationRoutes(new InvitationService(db, jobs, access, config.passwordPolicy));
