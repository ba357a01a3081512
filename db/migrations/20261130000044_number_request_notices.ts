// Number requests (issue 10): when the requester was emailed the outcome. The email job marks it after sending,
// so a job that runs again (a retry, a duplicate enqueue once the first was removed) does not mail twice.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('number_requests', (table) => {
    table.timestamp('notified_at').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('number_requests', (table) => {
    table.dropColumn('notified_at');
  });
}
