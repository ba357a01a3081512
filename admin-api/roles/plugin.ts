// Wires the roles domain.
import type { DomainPlugin } from '../domain';
import { roleRoutes } from './routes';
import { RoleService } from './service';

export const rolesPlugin: DomainPlugin = ({ db, access }) => roleRoutes(new RoleService(db, access));
