// Wires the number-requests domain (issue 10, being built).
import type { DomainPlugin } from '../domain';

export const numberRequestsPlugin: DomainPlugin = () => [];
