/**
 * NATS JetStream adapter of the `StreamSource` port: a durable pull consumer on the stream that captures
 * the subject, acknowledging with AckAll (one ack per flush covers every earlier message). The position
 * is the JetStream stream sequence. On open, a durable consumer whose acknowledged floor is not the
 * committed position (a crash left deliveries unacknowledged, or the consumer was created elsewhere) is
 * recreated to start right after the committed position, so a restart replays at once instead of
 * waiting out the ack timeout.
 */
import { AckPolicy, DeliverPolicy, connect } from 'nats';
import type { Consumer, JetStreamManager, JsMsg, NatsConnection } from 'nats';
import { UsageError } from '../../core/errors.js';
import type { StreamMessage, StreamOpenOptions, StreamSource } from '../stream-source.js';

const NS_PER_MS = 1_000_000;

/** Consumes `subject` from the JetStream server at `servers` (e.g. `nats://127.0.0.1:4222`). */
export class NatsStreamSource implements StreamSource {
  readonly id: string;
  private nc: NatsConnection | null = null;
  private consumer: Consumer | null = null;
  private readonly delivered = new Map<string, JsMsg>();

  constructor(
    private readonly servers: string,
    private readonly subject: string,
  ) {
    this.id = `nats:${subject}`;
  }

  compare(a: string, b: string): number {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  async open(options: StreamOpenOptions): Promise<void> {
    try {
      this.nc = await connect({ servers: this.servers, name: `kiln-ingest ${options.consumer}` });
    } catch (err) {
      throw new UsageError(`cannot connect to NATS at ${this.servers}: ${(err as Error).message}`, { field: 'KILN_NATS_URL' }, 'check KILN_NATS_URL and that the server runs with JetStream enabled (-js)');
    }
    const jsm = await this.nc.jetstreamManager();
    const stream = await findStream(jsm, this.subject);
    const durable = options.consumer;
    const after = options.after === null ? 0 : Number(options.after);
    const existing = await jsm.consumers.info(stream, durable).catch(() => null);
    const current = existing !== null && existing.ack_floor.stream_seq === after && existing.num_ack_pending === 0 && existing.config.filter_subject === this.subject;
    if (existing !== null && !current) await jsm.consumers.delete(stream, durable);
    if (!current) {
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.All,
        ack_wait: options.ackWaitMs * NS_PER_MS,
        max_ack_pending: -1,
        filter_subject: this.subject,
        ...(after === 0 ? { deliver_policy: DeliverPolicy.All } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 }),
      });
    }
    this.consumer = await this.nc.jetstream().consumers.get(stream, durable);
  }

  async fetch(max: number, waitMs: number): Promise<StreamMessage[]> {
    if (!this.consumer) throw new Error('fetch() before open()');
    const out: StreamMessage[] = [];
    // JetStream refuses pull requests that expire in under a second.
    const batch = await this.consumer.fetch({ max_messages: max, expires: Math.max(1000, waitMs) });
    for await (const m of batch) {
      const position = String(m.seq);
      this.delivered.set(position, m);
      out.push({ position, data: m.data });
    }
    return out;
  }

  async ack(messages: readonly StreamMessage[]): Promise<void> {
    let last: JsMsg | undefined;
    for (const m of messages) {
      const msg = this.delivered.get(m.position);
      this.delivered.delete(m.position);
      if (msg && (!last || msg.seq > last.seq)) last = msg;
    }
    // AckAll: acknowledging the highest sequence acknowledges every earlier delivery too.
    if (last) await last.ackAck();
  }

  async close(): Promise<void> {
    this.delivered.clear();
    await this.nc?.drain().catch(() => undefined);
    this.nc = null;
  }
}

async function findStream(jsm: JetStreamManager, subject: string): Promise<string> {
  try {
    return await jsm.streams.find(subject);
  } catch (err) {
    throw new UsageError(
      `no JetStream stream captures the subject '${subject}' (${(err as Error).message})`,
      { field: 'from' },
      'create a stream for it first, e.g. `nats stream add ORDERS --subjects orders`',
    );
  }
}
