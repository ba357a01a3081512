// Wires the auth domain: logins and password changes share one Redis throttle. The route table's token and
// membership lookups are resolver.ts's, built beside it in app.ts.
import type { DomainPlugin } from '../domain';
import { authRoutes } from './routes';
import { AuthService } from './service';
import { LoginThrottle } from './throttle';

export const authPlugin: DomainPlugin = ({ db, redis, access, config }) => authRoutes(new AuthService(db, new LoginThrottle(redis), access, config));
