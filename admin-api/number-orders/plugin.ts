// Wires the number-orders domain. Other domains that buy numbers build their own NumberOrderService the same way.
import type { DomainPlugin } from '../domain';
import { NumberOffers } from './offers';
import { numberOrderRoutes } from './routes';
import { NumberOrderService } from './service';

export const numberOrdersPlugin: DomainPlugin = ({ db, jobs, redis }) => numberOrderRoutes(new NumberOrderService(db, jobs, new NumberOffers(redis)));
