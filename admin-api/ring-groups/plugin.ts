// Wires the ring-groups domain.
import type { DomainPlugin } from '../domain';
import { ringGroupRoutes } from './routes';
import { RingGroupService } from './service';

export const ringGroupsPlugin: DomainPlugin = ({ db, notifier }) => ringGroupRoutes(new RingGroupService(db, notifier));
