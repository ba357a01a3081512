// PJSIP's endpoints, auths and aors sit in named sorcery memory caches (asterisk-config/asterisk/sorcery.conf).
// A changed row reaches Asterisk when its cached object is expired: the next REGISTER or call reads the row
// again. No module reload, so nothing else is disturbed.
type AmiActions = { action(action: string, fields?: Record<string, string>): Promise<unknown> };

/** Cache names as sorcery.conf declares them; every object of ours is named the same in all three. */
export const PJSIP_CACHES = ['pbx_endpoints', 'pbx_auths', 'pbx_aors'] as const;

/** Expires the named objects from every PJSIP cache. An object that is not cached is not an error. */
export async function expireCachedObjects(ami: AmiActions, objectIds: string[]): Promise<void> {
  await Promise.all(objectIds.flatMap((object) => PJSIP_CACHES.map((cache) =>
    ami.action('SorceryMemoryCacheExpireObject', { Cache: cache, Object: object }).catch((error: unknown) => {
      // Asterisk answers "Error" when the object is not in the cache: it will be read fresh anyway.
      if (!/not.*(found|cached)|could not be/i.test((error as Error).message)) throw error;
    }),
  )));
}

/** Expires everything: after a (re)connection, changes made while nobody was listening are picked up. */
export async function expireAllCachedObjects(ami: AmiActions): Promise<void> {
  await Promise.all(PJSIP_CACHES.map((cache) => ami.action('SorceryMemoryCacheExpire', { Cache: cache })));
}
