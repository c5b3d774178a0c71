/** The NATS probe of the e2e suites that stream through JetStream (`KILN_TEST_NATS_URL`). */
import { connect } from 'nats';

/** Why JetStream at `url` cannot be used, or null when it answers. */
export async function probeNats(url: string): Promise<string | null> {
  try {
    const nc = await connect({ servers: url, timeout: 3000 });
    await (await nc.jetstreamManager()).getAccountInfo();
    await nc.close();
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  }
}
