// Wires the call-settings domain.
import type { DomainPlugin } from '../domain';
import { callSettingsRoutes } from './routes';
import { CallSettingsService } from './service';

export const callSettingsPlugin: DomainPlugin = ({ db, notifier }) => callSettingsRoutes(new CallSettingsService(db, notifier));
