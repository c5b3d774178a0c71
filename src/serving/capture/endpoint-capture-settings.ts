/**
 * Capture settings of every endpoint, kept in memory for the capture buffer's per-offer lookup: loaded
 * from the endpoint repository (`listAll`, all projects) and reloaded when its change counter moves
 * (polled every `pollMs`, as the inference server's router does), never read per request. An endpoint's
 * `settings.captureSampleRate` is its sampling rate, `settings.captureAttributions` turns on stored
 * TreeSHAP attributions; `masking` comes from `maskingFor`, which gets the
 * endpoint record (its `settings.captureMasking`, see `captureMaskingOf`).
 */
import type { EndpointRecord, EndpointRepository } from '../../store/endpoint-repository.js';
import type { MaskingPolicy } from '../../security/pii/masking-policy.js';
import type { EndpointCaptureSettings } from './capture-settings.js';

/** Options of the cache. */
export interface EndpointCaptureSettingsOptions {
  /** How often the change counter is polled (default 2,000 ms; 0 = only `refresh()`). */
  readonly pollMs?: number;
  /** Masking policy per endpoint (none by default). */
  readonly maskingFor?: (project: string, endpoint: string, record: EndpointRecord) => MaskingPolicy | null;
  /** Told about failed reloads (the previous settings stay in force). */
  readonly onError?: (err: unknown) => void;
}

/** A polled, in-memory map (project, endpoint) -> capture settings. */
export class EndpointCaptureSettingsCache {
  private settings = new Map<string, EndpointCaptureSettings>();
  private seen = -1;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly endpoints: Pick<EndpointRepository, 'listAll' | 'changeVersion'>,
    private readonly opts: EndpointCaptureSettingsOptions = {},
  ) {}

  /** Load now, then keep polling (the timer does not keep the process alive). */
  async start(): Promise<void> {
    await this.refresh();
    const every = this.opts.pollMs ?? 2000;
    if (every > 0 && !this.timer) {
      this.timer = setInterval(() => void this.refresh().catch((err: unknown) => this.opts.onError?.(err)), every);
      this.timer.unref();
    }
  }

  /** Reload when the change counter moved. */
  async refresh(): Promise<void> {
    const version = await this.endpoints.changeVersion();
    if (version === this.seen) return;
    const next = new Map<string, EndpointCaptureSettings>();
    for (const e of await this.endpoints.listAll()) {
      next.set(key(e.project, e.name), Object.freeze({ sampleRate: e.settings.captureSampleRate, masking: this.opts.maskingFor?.(e.project, e.name, e) ?? null, attributions: e.settings.captureAttributions === true }));
    }
    this.settings = next;
    this.seen = version;
  }

  /** The capture buffer's lookup (`CaptureBufferOptions.settings`); unknown endpoints capture nothing. */
  readonly lookup = (project: string, endpoint: string): EndpointCaptureSettings | undefined => this.settings.get(key(project, endpoint));

  /** Stop polling. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

function key(project: string, endpoint: string): string {
  return `${project}\u0000${endpoint}`;
}
