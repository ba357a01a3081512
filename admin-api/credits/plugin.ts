// Wires the credits domain.
import type { DomainPlugin } from '../domain';
import { creditRoutes } from './routes';
import { CreditService } from './service';

export const creditsPlugin: DomainPlugin = ({ db }) => creditRoutes(new CreditService(db));
