/**
 * The anchor of bench/jobs: a bare BullMQ worker process with a no-op processor, the same connection
 * settings and concurrency as `kiln worker`. Args: REDIS_URL QUEUE CONCURRENCY. Prints "ready" once
 * connected; stops on SIGTERM.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const [url, queue, concurrency] = process.argv.slice(2);
const connection = new Redis(url, { maxRetriesPerRequest: null });
const worker = new Worker(queue, async () => ({ pong: true }), { connection, concurrency: Number(concurrency), drainDelay: 1 });
await worker.waitUntilReady();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker.close().then(() => {
    connection.disconnect();
    process.exit(0);
  });
});
