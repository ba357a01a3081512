// Asterisk's realtime tables, with Asterisk 22's own column names (its option names: `config show help
// res_pjsip endpoint`). Values travel as text through ODBC, so options are VARCHAR unless Asterisk treats them
// as numbers; `type` is omitted because sorcery realtime infers it from the table.
import type { Knex } from 'knex';

type Columns = Record<string, 'id' | 'short' | 'text' | 'long' | 'int' | 'float' | 'bigint'>;

const endpoint: Columns = {
  id: 'id', transport: 'short', aors: 'long', auth: 'short', context: 'short', disallow: 'text', allow: 'text',
  direct_media: 'short', connected_line_method: 'short', direct_media_method: 'short',
  direct_media_glare_mitigation: 'short', disable_direct_media_on_nat: 'short', dtmf_mode: 'short',
  external_media_address: 'short', force_rport: 'short', ice_support: 'short', identify_by: 'short',
  mailboxes: 'text', moh_suggest: 'short', outbound_auth: 'short', outbound_proxy: 'text', rewrite_contact: 'short',
  rtp_ipv6: 'short', rtp_symmetric: 'short', send_diversion: 'short', send_pai: 'short', send_rpid: 'short',
  timers_min_se: 'int', timers: 'short', timers_sess_expires: 'int', callerid: 'text', callerid_privacy: 'short',
  callerid_tag: 'short', '100rel': 'short', aggregate_mwi: 'short', trust_id_inbound: 'short',
  trust_id_outbound: 'short', use_ptime: 'short', use_avpf: 'short', media_encryption: 'short',
  inband_progress: 'short', call_group: 'short', pickup_group: 'short', named_call_group: 'text',
  named_pickup_group: 'text', device_state_busy_at: 'int', fax_detect: 'short', fax_detect_timeout: 'int',
  t38_udptl: 'short', t38_udptl_ec: 'short', t38_udptl_maxdatagram: 'int', t38_udptl_nat: 'short',
  t38_udptl_ipv6: 'short', t38_bind_udptl_to_media_address: 'short', tone_zone: 'short', language: 'short',
  one_touch_recording: 'short', record_on_feature: 'short', record_off_feature: 'short', rtp_engine: 'short',
  allow_transfer: 'short', allow_subscribe: 'short', sdp_owner: 'short', sdp_session: 'short', tos_audio: 'short',
  tos_video: 'short', cos_audio: 'int', cos_video: 'int', sub_min_expiry: 'int', from_domain: 'text',
  from_user: 'text', mwi_from_user: 'text', dtls_verify: 'short', dtls_rekey: 'int', dtls_auto_generate_cert: 'short',
  dtls_cert_file: 'text', dtls_private_key: 'text', dtls_cipher: 'text', dtls_ca_file: 'text', dtls_ca_path: 'text',
  dtls_setup: 'short', dtls_fingerprint: 'short', srtp_tag_32: 'short', media_address: 'short',
  bind_rtp_to_media_address: 'short', redirect_method: 'short', follow_redirect_methods: 'text', set_var: 'long',
  message_context: 'short', force_avp: 'short', media_use_received_transport: 'short', accountcode: 'short',
  user_eq_phone: 'short', moh_passthrough: 'short', media_encryption_optimistic: 'short', rpid_immediate: 'short',
  g726_non_standard: 'short', rtp_keepalive: 'int', rtp_timeout: 'int', rtp_timeout_hold: 'int',
  rtp_port_start: 'int', rtp_port_end: 'int', voicemail_extension: 'short',
  mwi_subscribe_replaces_unsolicited: 'short', deny: 'text', permit: 'text', acl: 'text', contact_deny: 'text',
  contact_permit: 'text', contact_acl: 'text', subscribe_context: 'short', contact_user: 'short',
  preferred_codec_only: 'short', asymmetric_rtp_codec: 'short', rtcp_mux: 'short', allow_overlap: 'short',
  overlap_context: 'short', refer_blind_progress: 'short', notify_early_inuse_ringing: 'short',
  max_audio_streams: 'int', max_video_streams: 'int', webrtc: 'short', incoming_mwi_mailbox: 'short',
  bundle: 'short', follow_early_media_fork: 'short', accept_multiple_sdp_answers: 'short',
  suppress_q850_reason_headers: 'short', trust_connected_line: 'short', send_connected_line: 'short',
  ignore_183_without_sdp: 'short', codec_prefs_incoming_offer: 'text', codec_prefs_outgoing_offer: 'text',
  codec_prefs_incoming_answer: 'text', codec_prefs_outgoing_answer: 'text', incoming_call_offer_pref: 'short',
  outgoing_call_offer_pref: 'short', stir_shaken: 'short', stir_shaken_profile: 'short', send_history_info: 'short',
  allow_unauthenticated_options: 'short', security_negotiation: 'short', security_mechanisms: 'text',
  geoloc_incoming_call_profile: 'short', geoloc_outgoing_call_profile: 'short', send_aoc: 'short',
  suppress_moh_on_sendonly: 'short', tenantid: 'short',
};

const auth: Columns = {
  id: 'id', auth_type: 'short', nonce_lifetime: 'int', md5_cred: 'short', password: 'text', password_digest: 'text',
  realm: 'short', username: 'text', refresh_token: 'long', oauth_clientid: 'text', oauth_secret: 'text',
  supported_algorithms_uac: 'text', supported_algorithms_uas: 'text',
};

const aor: Columns = {
  id: 'id', contact: 'long', default_expiration: 'int', mailboxes: 'text', max_contacts: 'int',
  minimum_expiration: 'int', remove_existing: 'short', remove_unavailable: 'short', qualify_frequency: 'int',
  authenticate_qualify: 'short', maximum_expiration: 'int', outbound_proxy: 'text', support_path: 'short',
  qualify_timeout: 'float', qualify_2xx_only: 'short', voicemail_extension: 'short',
};

const contact: Columns = {
  id: 'id', uri: 'long', expiration_time: 'bigint', qualify_frequency: 'int', outbound_proxy: 'text', path: 'long',
  user_agent: 'long', qualify_timeout: 'float', reg_server: 'text', authenticate_qualify: 'short', via_addr: 'text',
  via_port: 'int', call_id: 'text', endpoint: 'short', prune_on_boot: 'short', qualify_2xx_only: 'short',
};

const identify: Columns = {
  id: 'id', endpoint: 'short', match: 'long', srv_lookups: 'short', match_header: 'text', match_request_uri: 'text',
};

const registration: Columns = {
  id: 'id', auth_rejection_permanent: 'short', client_uri: 'text', contact_user: 'short',
  contact_header_params: 'text', expiration: 'int', max_retries: 'int', outbound_auth: 'short',
  outbound_proxy: 'text', retry_interval: 'int', forbidden_retry_interval: 'int', fatal_retry_interval: 'int',
  server_uri: 'text', transport: 'short', support_path: 'short', support_outbound: 'short', line: 'short',
  endpoint: 'short', user_agent: 'text', max_random_initial_delay: 'int', security_negotiation: 'short',
  security_mechanisms: 'text',
};

function addColumns(table: Knex.CreateTableBuilder, columns: Columns): void {
  for (const [name, kind] of Object.entries(columns)) {
    switch (kind) {
      case 'id': table.string(name, 255).primary(); break;
      case 'short': table.string(name, 64).nullable(); break;
      case 'text': table.string(name, 255).nullable(); break;
      case 'long': table.text(name).nullable(); break;
      case 'int': table.integer(name).nullable(); break;
      case 'bigint': table.bigInteger(name).nullable(); break;
      case 'float': table.float(name).nullable(); break;
    }
  }
}

const PJSIP_TABLES: Record<string, Columns> = {
  ps_endpoints: endpoint,
  ps_auths: auth,
  ps_aors: aor,
  ps_contacts: contact,
  ps_endpoint_id_ips: identify,
  ps_registrations: registration,
};

export async function up(knex: Knex): Promise<void> {
  for (const [tableName, columns] of Object.entries(PJSIP_TABLES)) {
    await knex.schema.createTable(tableName, (table) => addColumns(table, columns));
  }
  await knex.schema.alterTable('ps_contacts', (table) => table.index(['endpoint']));
  await knex.schema.alterTable('ps_endpoint_id_ips', (table) => table.index(['endpoint']));

  // Dialplan rows read by each account context's realtime switch.
  await knex.schema.createTable('extensions', (table) => {
    table.bigIncrements('id');
    table.string('context', 40).notNullable();
    table.string('exten', 40).notNullable();
    table.integer('priority').notNullable();
    table.string('app', 40).notNullable();
    table.string('appdata', 256).notNullable().defaultTo('');
    table.unique(['context', 'exten', 'priority']);
  });

  // Static realtime: config "files" stored as rows (here: the account contexts extensions.conf includes).
  await knex.schema.createTable('ast_config', (table) => {
    table.increments('id');
    table.integer('cat_metric').notNullable().defaultTo(0);
    table.integer('var_metric').notNullable().defaultTo(0);
    table.integer('commented').notNullable().defaultTo(0);
    table.string('filename', 128).notNullable();
    table.string('category', 128).notNullable();
    table.string('var_name', 128).notNullable();
    table.string('var_val', 1024).notNullable();
    table.index(['filename', 'commented']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const tableName of ['ast_config', 'extensions', ...Object.keys(PJSIP_TABLES).reverse()]) {
    await knex.schema.dropTableIfExists(tableName);
  }
}
