// Wires the numbers domain: the inventory, and the caller ID users pick for their calls.
import type { DomainPlugin } from '../domain';
import { numberRoutes } from './routes';
import { NumberService } from './service';

export const numbersPlugin: DomainPlugin = ({ db, notifier }) => numberRoutes(new NumberService(db, notifier));
