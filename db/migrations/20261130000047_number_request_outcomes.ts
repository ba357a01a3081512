// Number requests resolved by a purchase (issue 10) wait in 'purchasing' until the purchase job settles them:
// 'fulfilled' when the number is bought, back to 'open' when the provider refused it for good. Two additions:
// - number_requests.last_failure*: why the last purchase for the request failed and which number it was, so the
//   requester and the admins see why an open request is open again (kept after a later resolution: "last").
// - number_request_notices: the outcome emails still to send, written in the purchase job's final transaction
//   (an outbox). A worker that dies between that commit and enqueueing the email finds the notice unsent and
//   enqueues it again; sent_at, set after the email went out, keeps a retried email job from mailing twice.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('number_requests', (table) => {
    table.string('last_failure', 500).nullable();
    table.string('last_failure_number', 16).nullable();
    table.timestamp('last_failure_at').nullable();
  });
  await knex.schema.createTable('number_request_notices', (table) => {
    table.bigIncrements('id');
    table.bigInteger('request_id').unsigned().notNullable().references('number_requests.id').onDelete('CASCADE');
    table.bigInteger('order_id').unsigned().notNullable().references('number_orders.id').onDelete('CASCADE');
    table.enu('outcome', ['live', 'failed']).notNullable();
    table.string('number', 16).notNullable();
    table.timestamp('created_at').notNullable().defaultTo(knex.fn.now());
    table.timestamp('sent_at').nullable();
    // An order settles once, so it has one outcome to tell.
    table.unique(['order_id'], { indexName: 'number_request_notices_order_unique' });
    table.index(['sent_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('number_request_notices');
  await knex.schema.alterTable('number_requests', (table) => {
    table.dropColumn('last_failure');
    table.dropColumn('last_failure_number');
    table.dropColumn('last_failure_at');
  });
}
