// Wires bulk provisioning.
import type { DomainPlugin } from '../domain';
import { bulkRoutes } from './routes';
import { BulkProvisioningService } from './service';

export const bulkPlugin: DomainPlugin = ({ db, notifier, jobs, config }) => bulkRoutes(new BulkProvisioningService(db, notifier, jobs, config.passwordPolicy, config.sip.endpointMedia));
