// Wires the number-requests domain. A request resolved by buying places its order through its own
// NumberOrderService, built as the number-orders domain builds one.
import type { DomainPlugin } from '../domain';
import { NumberOffers } from '../number-orders/offers';
import { NumberOrderService } from '../number-orders/service';
import { numberRequestRoutes } from './routes';
import { NumberRequestService } from './service';

export const numberRequestsPlugin: DomainPlugin = ({ db, jobs, logger, redis }) =>
  numberRequestRoutes(new NumberRequestService({ db, jobs, logger, orders: new NumberOrderService(db, jobs, new NumberOffers(redis)) }));
