// Where calls to a trunk's numbers go: each number assigned to an account routes to a destination (a user, a
// ring group, an external number, ...), stored as a `destinations` row owned by ('number', its id), slot
// 'route'. A number gives either `destination` or, as trunk files always could, `extension`: that one is
// resolved to the extension's owner when the trunk is written (a later change of the plan needs a re-apply; an
// extension nobody holds yet routes nowhere until then, and the number keeps its extension column meanwhile).
// An entry with neither keeps the route the number has (set through the numbers API): static-pool.ts.
import type { Destination } from '../../core/destinations';
import type { Queryable, Transaction } from '../../db/connection';
import { setTrunkNumberRoutes, trunkNumberRoutes } from '../../db/repositories/destinations';
import { findExtensionOwner, type ExtensionOwner } from '../../db/repositories/extensions';
import type { TrunkDefinition, TrunkNumber } from '../../db/repositories/trunk-rows';
import type { TrunkState } from '../../db/repositories/trunks';
import { DestinationService } from '../destinations/service';
import type { FieldProblem } from '../http/errors';
import { changedRoutes } from './static-pool';

function destinationOfOwner(owner: ExtensionOwner): Destination {
  switch (owner.type) {
    case 'user': return { type: 'user', userId: owner.id };
    case 'ring_group': return { type: 'ring_group', ringGroupId: owner.id };
    case 'queue': return { type: 'queue', queueId: owner.id };
    case 'ivr': return { type: 'ivr', ivrId: owner.id };
    case 'voicemail': return { type: 'voicemail', voicemailBoxId: owner.id };
  }
}

export class TrunkNumberRoutes {
  constructor(private readonly destinations = new DestinationService()) {}

  /** What is wrong with the numbers' destinations, as JSON pointers into the definition. */
  async problems(db: Queryable, definition: Pick<TrunkDefinition, 'accounts' | 'numbers'>): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    for (const [index, entry] of definition.numbers.entries()) {
      if (!entry.destination) continue;
      const path = `/numbers/${index}/destination`;
      if (entry.extension !== undefined) problems.push({ path, message: 'and extension both given: route the number with one of them' });
      else if (entry.account === undefined) problems.push({ path, message: 'needs the account the number routes in' });
      else if (definition.accounts.includes(entry.account)) {
        const refused = await this.destinations.problem(db, entry.account, entry.destination, path);
        if (refused) problems.push({ path, message: `${refused.message} (account ${entry.account})` });
      }
    }
    return problems;
  }

  /** The state to write, each assigned number with its route: its destination, or its extension's owner now. */
  async resolve<S extends Pick<TrunkState, 'numbers'>>(db: Queryable, state: S): Promise<S> {
    const numbers: TrunkNumber[] = [];
    for (const entry of state.numbers) {
      const owner = !entry.destination && entry.extension !== undefined && entry.account !== undefined
        ? await findExtensionOwner(db, entry.account, entry.extension) : undefined;
      numbers.push(owner ? { ...entry, destination: destinationOfOwner(owner) } : entry);
    }
    return { ...state, numbers };
  }

  /** The stored state with each number's stored route, to compare with what resolve() gives. */
  async withStored(db: Queryable, trunkId: number, state: TrunkState): Promise<TrunkState> {
    const routes = await trunkNumberRoutes(db, trunkId);
    return { ...state, numbers: state.numbers.map((entry) => { const route = routes.get(entry.number); return route ? { ...entry, destination: route } : entry; }) };
  }

  /** After writeTrunk: the routes that differ from the stored ones (a route set through the numbers API and
   *  kept by the merge is not rewritten). */
  async write(trx: Transaction, trunkId: number, current: TrunkNumber[], desired: TrunkNumber[]): Promise<void> {
    await setTrunkNumberRoutes(trx, trunkId, changedRoutes(current, desired));
  }
}
