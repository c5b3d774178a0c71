/**
 * A worker's cache of distributed studies' data: the first trial of a study that a process runs loads the
 * table and starts a trial thread pool over it; later trials of the same study reuse both (loading a table
 * and a cold thread cost more than a small trial). An entry nobody uses is dropped after `idleMs`.
 */
import type { LoadedTrainingData } from '../training-service.js';
import { TrialWorkerPool } from './trial-worker-pool.js';

/** A study's loaded data and its trial threads. */
export interface StudyData {
  readonly loaded: LoadedTrainingData;
  readonly pool: TrialWorkerPool;
}

interface Entry {
  readonly ready: Promise<StudyData>;
  users: number;
  timer: NodeJS.Timeout | null;
}

/** Loaded studies by key, shared by the trials running in this process. */
export class StudyDataCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly idleMs = 30_000) {}

  /** The data of `key`, loaded with `load` on first use; pair with `release(key)`. */
  async acquire(key: string, load: () => Promise<LoadedTrainingData>): Promise<StudyData> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { ready: load().then((loaded) => ({ loaded, pool: new TrialWorkerPool(loaded.frame) })), users: 0, timer: null };
      this.entries.set(key, entry);
      // A failed load is not cached: the next trial tries again.
      entry.ready.catch(() => this.entries.delete(key));
    }
    entry.users++;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    try {
      return await entry.ready;
    } catch (err) {
      entry.users--;
      throw err;
    }
  }

  /** One user of `key` is done; the last one starts the idle countdown. */
  release(key: string): void {
    const entry = this.entries.get(key);
    if (!entry || --entry.users > 0) return;
    entry.timer = setTimeout(() => void this.drop(key, entry), this.idleMs);
    entry.timer.unref();
  }

  /** Drops every entry (their threads end). */
  async close(): Promise<void> {
    await Promise.all([...this.entries.entries()].map(([key, entry]) => this.drop(key, entry)));
  }

  private async drop(key: string, entry: Entry): Promise<void> {
    if (this.entries.get(key) !== entry) return;
    this.entries.delete(key);
    if (entry.timer) clearTimeout(entry.timer);
    const data = await entry.ready.catch(() => null);
    await data?.pool.close();
  }
}
