import { expect } from 'chai';
import { destinationColumns, destinationFromColumns, extensionOwnerOf, type Destination } from '../../core/destinations';

describe('destinations as stored rows', () => {
  const all: Destination[] = [
    { type: 'user', userId: 7 }, { type: 'ring_group', ringGroupId: 3 }, { type: 'queue', queueId: 4 }, { type: 'ivr', ivrId: 5 },
    { type: 'voicemail', voicemailBoxId: 6 }, { type: 'external', number: '+15550100199' }, { type: 'hangup' },
  ];

  it('given every kind of destination, when stored and read back, then it is the same destination', () => {
    for (const destination of all) expect(destinationFromColumns(destinationColumns(destination))).to.deep.equal(destination);
  });

  it('given a row whose target id is missing or whose type is unknown, then no destination is made up', () => {
    expect(destinationFromColumns({ target_type: 'user', target_id: null, external_number: null })).to.equal(undefined);
    expect(destinationFromColumns({ target_type: 'external', target_id: null, external_number: null })).to.equal(undefined);
    expect(destinationFromColumns({ target_type: 'fax', target_id: 1, external_number: null })).to.equal(undefined);
  });

  it('given a destination, then its extension-plan owner is named only for what can hold an extension', () => {
    expect(extensionOwnerOf({ type: 'ring_group', ringGroupId: 3 })).to.deep.equal({ ownerType: 'ring_group', ownerId: 3 });
    expect(extensionOwnerOf({ type: 'external', number: '+15550100199' })).to.equal(undefined);
    expect(extensionOwnerOf({ type: 'hangup' })).to.equal(undefined);
  });
});
