// Wires the users domain.
import type { DomainPlugin } from '../domain';
import { userRoutes } from './routes';
import { UserService } from './service';

export const usersPlugin: DomainPlugin = ({ db, notifier, access, config }) => userRoutes(new UserService(db, notifier, access, config.passwordPolicy));
