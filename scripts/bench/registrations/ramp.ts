// The rising-rate search run against each Asterisk: double the rate until a step is not clean, then bisect
// between the last clean rate and the first unclean one. Both instances get exactly the same procedure.
import type { StepResult } from './sipp-step';

export interface RampOptions {
  startRate: number;
  maxRate: number;
  /** Bisection steps after the doubling ramp: each halves the uncertainty on the highest clean rate. */
  refineSteps: number;
  devices: number;
  /** Each step lasts at least this long (devices register more than once at high rates): a short burst is
   *  absorbed by queues and says nothing about the rate a server sustains. */
  minStepSeconds: number;
  /** A clean step also answers 95 % of registrations within this: beyond SIP's T1 (500 ms) phones
   *  retransmit, adding load to a server that is already behind. */
  maxP95Ms: number;
}

export interface RampResult {
  steps: StepResult[];
  /** The highest clean rate measured; 0 when even the first step was not clean. */
  maxCleanRate: number;
  /** p95 registration time at that rate. */
  p95Ms: number | null;
}

export type Measure = (rate: number, count: number) => Promise<StepResult>;

export function isClean(step: StepResult, options: Pick<RampOptions, 'maxP95Ms'>): boolean {
  return step.failed === 0 && step.p95Ms < options.maxP95Ms;
}

export function stepCount(rate: number, options: Pick<RampOptions, 'devices' | 'minStepSeconds'>): number {
  return Math.max(options.devices, Math.ceil(rate * options.minStepSeconds));
}

export async function runRamp(measure: Measure, options: RampOptions): Promise<RampResult> {
  const steps: StepResult[] = [];
  const run = async (rate: number): Promise<StepResult> => {
    const step = await measure(rate, stepCount(rate, options));
    steps.push(step);
    return step;
  };
  let best: StepResult | undefined;
  let firstUnclean: number | undefined;
  for (let rate = options.startRate; rate <= options.maxRate; rate *= 2) {
    const step = await run(rate);
    if (!isClean(step, options)) {
      firstUnclean = rate;
      break;
    }
    best = step;
  }
  for (let i = 0; best && firstUnclean !== undefined && i < options.refineSteps; i += 1) {
    const rate = Math.round((best.rate + firstUnclean) / 2);
    // Closer than 5 % apart: run-to-run noise is larger than what another step would tell.
    if (rate - best.rate < Math.max(5, best.rate * 0.05)) break;
    const step = await run(rate);
    if (isClean(step, options)) best = step;
    else firstUnclean = rate;
  }
  return { steps, maxCleanRate: best?.rate ?? 0, p95Ms: best?.p95Ms ?? null };
}
