import { expect } from 'chai';
import { createDeviceSchema } from '../../admin-api/devices/schemas';
import { ApiError } from '../../admin-api/http/errors';
import { compileValidator } from '../../admin-api/http/validation';
import { generateIdentifier, generatePassword } from '../../core/secrets';
import { stasisRows } from '../../db/repositories/dialplan';
import { endpointRow } from '../../db/repositories/pjsip';

describe('generated credentials', () => {
  it('given many generated passwords, then each is 24 unambiguous symbols and none repeats', () => {
    const passwords = Array.from({ length: 2000 }, () => generatePassword());
    for (const password of passwords) expect(password).to.match(/^[A-HJ-NP-Za-km-z2-9]{24}$/);
    expect(new Set(passwords).size).to.equal(passwords.length);
  });

  it('given a device identifier, then it is never a bare extension number', () => {
    expect(generateIdentifier('d')).to.match(/^d[a-km-np-z2-9]{12}$/);
  });
});

describe('device endpoint rows', () => {
  it('given a desk phone, then media is anchored, identity is by username and the caller id is quoted safely', () => {
    const row = endpointRow({ endpointId: 'dabc', password: 'x', context: 'acct-1', kind: 'desk_phone', callerIdName: 'Eve "<x>"', callerIdNumber: '201' });
    expect(row).to.include({ context: 'acct-1', identify_by: 'username', direct_media: 'no', callerid: '"Eve x" <201>', disallow: 'all' });
  });

  it('given a WebRTC phone, then the endpoint is fit for browsers', () => {
    const row = endpointRow({ endpointId: 'dabc', password: 'x', context: 'acct-1', kind: 'webrtc', callerIdName: 'W', callerIdNumber: '202' });
    expect(row).to.include({ webrtc: 'yes', transport: 'transport-ws', allow: 'opus,ulaw,alaw' });
  });
});

describe('dialplan rows', () => {
  it('given an internal route, then it enters Stasis under TryExec with [flow, accountId, extension] and falls back after', () => {
    expect(stasisRows({ context: 'acct-7', exten: '201', flow: 'internal', args: [7, '201'] })).to.deep.equal([
      { context: 'acct-7', exten: '201', priority: 1, app: 'TryExec', appdata: 'Stasis(${PBX_APP},internal,7,201)' },
      { context: 'acct-7', exten: '201', priority: 2, app: 'Goto', appdata: 'pbx-after-stasis,s,1' },
    ]);
  });
});

describe('request validation', () => {
  // As the route table compiles it (http/routes.ts): a TypeBox schema is plain JSON Schema to ajv.
  const validate = compileValidator(createDeviceSchema as never);

  it('given bad fields, when validated, then a 400 lists every field by path', () => {
    try {
      validate({ userId: 'x', kind: 'fax', surprise: 1 });
      expect.fail('accepted bad input');
    } catch (error) {
      expect(error).to.be.instanceOf(ApiError);
      const apiError = error as ApiError;
      expect(apiError.status).to.equal(400);
      expect(apiError.code).to.equal('VALIDATION_FAILED');
      const paths = (apiError.details.fields as { path: string }[]).map((field) => field.path);
      expect(paths).to.include.members(['/userId', '/kind', '/label', '/surprise']);
    }
  });
});
