/**
 * Migration 3 is assigned to another change that is developed in parallel (the trained-models table). This
 * branch holds its place with a no-op so that migration 4 can keep its assigned id; at merge the real
 * migration 3 replaces this file (same id, its own name).
 */
import type { Migration } from '../migration.js';

/** Placeholder for the parallel migration 3; changes nothing. */
export const migration003Reserved: Migration = {
  id: 3,
  name: '003-reserved',
  async up() {
    // Intentionally empty: see the module comment.
  },
};
