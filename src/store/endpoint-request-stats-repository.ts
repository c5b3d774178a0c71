/**
 * Request outcome counters of every endpoint (`metadata.requestStats`): each serving process sums its
 * answered requests, client errors (4xx) and server errors (5xx) per endpoint variant per minute in memory
 * and adds them to its own row of that minute every flush (an upsert, so a process writes at most one row per
 * variant per minute however often it flushes). Readers sum the writers' rows of a bucket. What the
 * monitors' `operational` check reads for `error_rate`. Held to its semantics by
 * `endpoint-request-stats-repository.contract.ts`.
 */

/** Width of a bucket (epoch ms); a bucket starts at a multiple of it. */
export const REQUEST_STATS_BUCKET_MS = 60_000;

/** One process's counts of one variant in one bucket. */
export interface EndpointRequestStatsRow {
  readonly endpoint: string;
  /** The variant that answered or failed; empty when the request named a version the endpoint does not serve. */
  readonly variant: string;
  /** The writing process (rows of several writers are summed by readers). */
  readonly writer: string;
  /** Start of the bucket (epoch ms, a multiple of `REQUEST_STATS_BUCKET_MS`). */
  readonly bucket: number;
  /** Requests answered (2xx, a circuit breaker's default answer included). */
  readonly answered: number;
  /** Requests refused as the caller's mistake (4xx: bad input, unknown fields, an unknown version). */
  readonly clientErrors: number;
  /** Requests the server failed (5xx: the model threw, unavailable, circuit open without a fallback). */
  readonly serverErrors: number;
}

/** One variant's counts in one bucket, summed over writers. */
export interface RequestStatsBucket {
  readonly endpoint: string;
  readonly variant: string;
  readonly bucket: number;
  readonly answered: number;
  readonly clientErrors: number;
  readonly serverErrors: number;
  /** How many processes wrote counts for it. */
  readonly writers: number;
}

/** Counters of the store's project. */
export interface EndpointRequestStatsRepository {
  /** Adds each row's counts to the stored row of its (endpoint, variant, writer, bucket), creating it (one transaction). */
  add(rows: readonly EndpointRequestStatsRow[]): Promise<void>;
  /** Buckets of an endpoint with `from <= bucket < to`, summed over writers, by bucket then variant. */
  window(endpoint: string, from: number, to: number): Promise<RequestStatsBucket[]>;
  /** Deletes rows of buckets that start before `before` (epoch ms) in every project; returns how many. */
  prune(before: number): Promise<number>;
}
