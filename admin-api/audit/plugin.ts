// Wires the audit domain.
import type { DomainPlugin } from '../domain';
import { auditRoutes } from './routes';
import { AuditService } from './service';

export const auditPlugin: DomainPlugin = ({ db }) => auditRoutes(new AuditService(db));
