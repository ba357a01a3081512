// Wires the devices domain: the service reads registrations from the database and endpoint states from ARI.
import type { DomainPlugin } from '../domain';
import { deviceRoutes } from './routes';
import { createDeviceService } from './service';

export const devicesPlugin: DomainPlugin = (deps) => deviceRoutes(createDeviceService(deps));
