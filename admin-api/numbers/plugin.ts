// Wires the numbers domain (issue 10, being built).
import type { DomainPlugin } from '../domain';

export const numbersPlugin: DomainPlugin = () => [];
