// Wires the calls domain.
import type { DomainPlugin } from '../domain';
import { callRoutes } from './routes';
import { CallRecordService } from './service';

export const callsPlugin: DomainPlugin = ({ db }) => callRoutes(new CallRecordService(db));
