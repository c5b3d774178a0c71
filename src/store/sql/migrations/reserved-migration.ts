/**
 * Placeholder for migration ids taken by branches developed in parallel: keeps the list contiguous on
 * this branch. The lead replaces each with the real migration at merge; it changes nothing.
 */
import type { Migration } from '../migration.js';

/** A migration that does nothing, holding `id`'s place. */
export function reservedMigration(id: number): Migration {
  return { id, name: `${String(id).padStart(3, '0')}-reserved`, async up() {} };
}
