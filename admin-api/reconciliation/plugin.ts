// Wires number reconciliation.
import type { DomainPlugin } from '../domain';
import { reconciliationRoutes } from './routes';
import { ReconciliationService } from './service';

export const reconciliationPlugin: DomainPlugin = ({ db, jobs }) => reconciliationRoutes(new ReconciliationService(db, jobs));
