// Wires the credits domain (issue 10, being built).
import type { DomainPlugin } from '../domain';

export const creditsPlugin: DomainPlugin = () => [];
