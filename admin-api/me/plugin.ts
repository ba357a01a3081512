// Wires the /v1/me domain.
import type { DomainPlugin } from '../domain';
import { meRoutes } from './routes';
import { MeService } from './service';

export const mePlugin: DomainPlugin = ({ db, access, notifier }) => meRoutes(new MeService(db, access, notifier));
