/**
 * The `StreamSource` port: a message stream consumed at least once (NATS JetStream, Redis Streams). Each
 * message has a position that orders it within the stream; the ingester commits the last position with
 * the dataset version it wrote and skips anything at or below it after a restart, which turns the
 * stream's at-least-once delivery into exactly-once versions. Adapters: `nats/`, `redis/`.
 */

/** One delivered message. */
export interface StreamMessage {
  /** Position in the stream (JetStream stream sequence, Redis stream id), ordered by `compare`. */
  readonly position: string;
  /** The payload; null when the stream no longer holds the message's body (e.g. a deleted Redis entry). */
  readonly data: Uint8Array | null;
}

/** How to start consuming. */
export interface StreamOpenOptions {
  /** Durable consumer (JetStream) / consumer group (Redis) name; stable across restarts. */
  readonly consumer: string;
  /** The committed position: delivery may start after it (messages at or before it are skipped anyway). */
  readonly after: string | null;
  /** How long a delivered, unacknowledged message waits before redelivery, in ms. */
  readonly ackWaitMs: number;
}

/** A stream consumed with explicit acknowledgement. */
export interface StreamSource {
  /** `nats:SUBJECT` or `redis-stream:STREAM`, as the user wrote it; the key of committed offsets. */
  readonly id: string;
  /** Negative, zero or positive as position `a` is before, equal to or after `b`. */
  compare(a: string, b: string): number;
  /** Connects and creates (or reuses) the durable consumer. */
  open(options: StreamOpenOptions): Promise<void>;
  /** Up to `max` messages in stream order, waiting at most `waitMs` for the first; empty when idle. */
  fetch(max: number, waitMs: number): Promise<StreamMessage[]>;
  /** Acknowledges delivered messages, so the stream never delivers them again. */
  ack(messages: readonly StreamMessage[]): Promise<void>;
  /** Disconnects (unacknowledged messages are redelivered to the next consumer). */
  close(): Promise<void>;
}
