// Wires the trunks domain (trunks:apply builds the same service: admin-api/trunks/apply.ts).
import type { DomainPlugin } from '../domain';
import { trunkRoutes } from './routes';
import { TrunkService } from './service';

export const trunksPlugin: DomainPlugin = ({ db, notifier }) => trunkRoutes(new TrunkService(db, notifier));
