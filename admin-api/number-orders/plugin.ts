// Wires the number-orders domain (issue 10, being built).
import type { DomainPlugin } from '../domain';

export const numberOrdersPlugin: DomainPlugin = () => [];
