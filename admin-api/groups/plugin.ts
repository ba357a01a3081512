// Wires the groups domain.
import type { DomainPlugin } from '../domain';
import { groupRoutes } from './routes';
import { GroupService } from './service';

export const groupsPlugin: DomainPlugin = ({ db }) => groupRoutes(new GroupService(db));
