// Wires the trunks domain (trunks:apply builds the same service: admin-api/trunks/apply.ts).
import type { DomainPlugin } from '../domain';
import { trunkRoutes } from './routes';
import { TrunkService } from './service';

export const trunksPlugin: DomainPlugin = ({ db, notifier, config }) => trunkRoutes(new TrunkService(db, notifier, config.sip.endpointMedia));
