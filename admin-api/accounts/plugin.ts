// Wires the accounts domain.
import type { DomainPlugin } from '../domain';
import { accountRoutes } from './routes';
import { AccountService } from './service';

export const accountsPlugin: DomainPlugin = ({ db, notifier, access }) => accountRoutes(new AccountService(db, notifier, access));
