// Endpoints written before media time-outs and codec preferences existed get them: a call whose phone
// vanished (no BYE) on such an endpoint would otherwise stay up for ever, and a PCMA-first phone would be
// answered with PCMU and transcoded. Only rows that never had the options are touched (the values are the
// documented defaults; rows written from now on follow config.sip.endpointMedia). Asterisk picks the change up
// when its cached copy expires (the ARI app expires every cached endpoint when it connects to AMI).
import type { Knex } from 'knex';

const OPTIONS = {
  rtp_timeout: 60,
  rtp_timeout_hold: 300,
  timers: 'yes',
  timers_sess_expires: 1800,
  incoming_call_offer_pref: 'remote',
  outgoing_call_offer_pref: 'remote_merge',
};

/** Device endpoints (named by devices.endpoint_id) and trunk endpoints ("trunk-<name>"); nothing else. */
function ours(knex: Knex): Knex.QueryBuilder {
  return knex('ps_endpoints')
    .whereNull('rtp_timeout')
    .andWhere((where) => where.whereIn('id', knex('devices').select('endpoint_id')).orWhere('id', 'like', 'trunk-%'));
}

export async function up(knex: Knex): Promise<void> {
  await ours(knex).update(OPTIONS);
}

export async function down(knex: Knex): Promise<void> {
  const cleared = Object.fromEntries(Object.keys(OPTIONS).map((column) => [column, null]));
  await knex('ps_endpoints')
    .where({ rtp_timeout: OPTIONS.rtp_timeout, incoming_call_offer_pref: OPTIONS.incoming_call_offer_pref })
    .update(cleared);
}
