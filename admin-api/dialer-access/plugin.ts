// Wires the dialer-access domain, with its own NumberOrderService for grants that buy their number.
import type { DomainPlugin } from '../domain';
import { NumberOffers } from '../number-orders/offers';
import { NumberOrderService } from '../number-orders/service';
import { dialerAccessRoutes } from './routes';
import { DialerAccessService } from './service';

export const dialerAccessPlugin: DomainPlugin = ({ db, jobs, notifier, redis }) =>
  dialerAccessRoutes(new DialerAccessService(db, notifier, new NumberOrderService(db, jobs, new NumberOffers(redis))));
