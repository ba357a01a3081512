// Wires the dialer-access domain (issue 10, being built).
import type { DomainPlugin } from '../domain';

export const dialerAccessPlugin: DomainPlugin = () => [];
