/**
 * `EndpointService`: create, list, show, update and delete serving endpoints — the one implementation
 * behind `kiln endpoints ...` and `/v1/endpoints`. A model reference is resolved before it is stored (an
 * unknown model is a 404 at creation, not a broken endpoint later); bundle-file references are accepted
 * only from the command line (`allowFiles`), never over HTTP, which must not read server paths. Every
 * change is audited; inference servers see it through the store's change counter.
 */
import { NotFoundError, UsageError } from '../core/errors.js';
import type { Principal } from '../security/permissions.js';
import type { AuditContext, SecurityService } from '../security/security-service.js';
import { localPrincipal } from '../security/security-service.js';
import type { EndpointRecord, EndpointRepository, EndpointSettings, EndpointVariant } from '../store/endpoint-repository.js';
import { checkEndpointName, checkSettings, checkVariants } from '../store/endpoint-spec-check.js';
import type { MetadataStore } from '../store/metadata-store.js';
import type { Page, PageRequest } from '../store/page.js';
import { checkCaptureAttributionModels } from './capture/capture-attributions-setting.js';
import { checkCaptureMasking } from './capture-masking-setting.js';
import { checkFeatureServiceSetting } from './feature-service-setting.js';
import type { ModelSource } from './model-source.js';
import { referenceKind } from './model-source.js';

/** Settings a new endpoint gets unless told otherwise: capture off, batching off, unseen categories as missing. */
export const DEFAULT_ENDPOINT_SETTINGS: EndpointSettings = { unseenCategories: 'missing', batching: null, captureSampleRate: 0 };

/** Settings a caller may change; `captureMasking` is a masking-policy document (null clears it). */
export type EndpointSettingsPatch = Partial<Omit<EndpointSettings, 'captureMasking' | 'featureService'>> & { readonly captureMasking?: unknown; readonly featureService?: string | null };

/** What a caller passes to create an endpoint. */
export interface CreateEndpointInput {
  readonly name: string;
  /** One model reference (a single variant), or `variants`. */
  readonly model?: string;
  /** Variant name for `model` (default `main`). */
  readonly variant?: string;
  readonly variants?: readonly EndpointVariant[];
  readonly settings?: EndpointSettingsPatch;
}

/** A change: the fields given replace the stored ones. */
export interface UpdateEndpointInput {
  /** Re-point a variant (`variant`, default the only one) at this model. */
  readonly model?: string;
  readonly variant?: string;
  readonly variants?: readonly EndpointVariant[];
  readonly settings?: EndpointSettingsPatch;
  /** Fail with a conflict unless the endpoint is still at this revision. */
  readonly expectedRevision?: number;
}

/** Who asks, from where, and whether bundle files may be named. */
export interface EndpointCallContext {
  readonly project?: string;
  readonly actor?: Principal;
  readonly audit?: AuditContext;
  /** Bundle file references (command line only). */
  readonly allowFiles?: boolean;
}

/** Endpoint CRUD. */
export class EndpointService {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly security: SecurityService,
    private readonly models: ModelSource,
  ) {}

  /** Create an endpoint (ConflictError when the name is taken in the project). */
  async create(input: CreateEndpointInput, ctx: EndpointCallContext = {}): Promise<EndpointRecord> {
    const project = ctx.project ?? 'default';
    const name = checkEndpointName(input.name);
    const variants = checkVariants(input.variants ?? [{ name: input.variant ?? 'main', model: input.model, weight: 1 }]);
    const settings = checkSettings({ ...DEFAULT_ENDPOINT_SETTINGS, ...withCheckedMasking(input.settings) });
    await this.checkModels(variants, project, ctx);
    if (settings.captureAttributions) await checkCaptureAttributionModels(this.models, variants, project);
    await checkFeatureServiceSetting(this.metadata.inProject(project), settings.featureService);
    const created = await this.repo(project).create({ name, variants, settings, createdAt: new Date().toISOString() });
    await this.audit('endpoint.create', created, null, ctx);
    return created;
  }

  /** One endpoint (NotFoundError when absent). */
  async get(name: string, project = 'default'): Promise<EndpointRecord> {
    const e = await this.repo(project).get(name);
    if (!e) throw new NotFoundError(`endpoint "${name.slice(0, 100)}" not found in project "${project}"`, { field: 'name', name: name.slice(0, 100) }, 'List endpoints with `kiln endpoints list`.');
    return e;
  }

  /** Endpoints of a project by name, paged. */
  list(page: PageRequest = {}, project = 'default'): Promise<Page<EndpointRecord>> {
    return this.repo(project).list(page);
  }

  /** Change variants or settings. */
  async update(name: string, input: UpdateEndpointInput, ctx: EndpointCallContext = {}): Promise<EndpointRecord> {
    const project = ctx.project ?? 'default';
    const current = await this.get(name, project);
    let variants: EndpointVariant[] = current.variants;
    if (input.variants) variants = checkVariants(input.variants);
    else if (input.model === undefined && input.settings?.circuitBreaker === null && current.settings.circuitBreaker?.addedVariant) {
      // Closing a circuit removes the variant the breaker added to serve the previous version.
      const added = current.settings.circuitBreaker.addedVariant;
      variants = checkVariants(current.variants.filter((v) => v.name !== added));
    } else if (input.model !== undefined) {
      const target = input.variant ?? (current.variants.length === 1 ? current.variants[0].name : undefined);
      const found = current.variants.some((v) => v.name === target);
      if (target === undefined || !found) {
        throw new NotFoundError(`endpoint "${name}" has no variant ${JSON.stringify(input.variant ?? '(unnamed)')}`, { field: 'variant' }, `Its variants: ${current.variants.map((v) => v.name).join(', ')}.`);
      }
      variants = checkVariants(current.variants.map((v) => (v.name === target ? { ...v, model: input.model as string } : v)));
    }
    const settings = checkSettings({ ...current.settings, ...withCheckedMasking(input.settings) });
    const changedRefs = variants.filter((v) => !current.variants.some((c) => c.model === v.model));
    await this.checkModels(changedRefs, project, ctx);
    // Turning attributions on checks every variant; with them on already, only re-pointed ones.
    if (settings.captureAttributions) await checkCaptureAttributionModels(this.models, current.settings.captureAttributions ? changedRefs : variants, project);
    await checkFeatureServiceSetting(this.metadata.inProject(project), input.settings?.featureService);
    const updated = await this.repo(project).update(name, { variants, settings, updatedAt: new Date().toISOString(), expectedRevision: input.expectedRevision ?? current.revision });
    await this.audit('endpoint.update', updated, current, ctx);
    return updated;
  }

  /** Delete an endpoint (NotFoundError when absent). */
  async delete(name: string, ctx: EndpointCallContext = {}): Promise<{ deleted: string }> {
    const project = ctx.project ?? 'default';
    const current = await this.get(name, project);
    if (!(await this.repo(project).delete(name))) throw new NotFoundError(`endpoint "${name}" not found in project "${project}"`, { field: 'name' });
    await this.audit('endpoint.delete', null, current, ctx);
    return { deleted: name };
  }

  private repo(project: string): EndpointRepository {
    return this.metadata.inProject(project).endpoints;
  }

  private async checkModels(variants: readonly EndpointVariant[], project: string, ctx: EndpointCallContext): Promise<void> {
    for (const v of variants) {
      if (!ctx.allowFiles && referenceKind(v.model) === 'file') {
        throw new UsageError(`variant "${v.name}": bundle files cannot be named over HTTP (${v.model.slice(0, 100)})`, { field: 'model' }, 'Register the model, use trained:ID, or create the endpoint with the kiln CLI on the serving machine.');
      }
      await this.models.resolve(v.model, project);
    }
  }

  private async audit(action: string, after: EndpointRecord | null, before: EndpointRecord | null, ctx: EndpointCallContext): Promise<void> {
    const e = after ?? before;
    if (!e) return;
    await this.security.audit({ actor: (ctx.actor ?? localPrincipal()).actor, action, resourceType: 'endpoints', resourceId: e.name, project: e.project, before, after }, ctx.audit);
  }
}

/** The patch with its capture masking document checked (InputError naming the field). */
function withCheckedMasking(patch: EndpointSettingsPatch | undefined): EndpointSettingsPatch {
  if (!patch || patch.captureMasking === undefined) return patch ?? {};
  return { ...patch, captureMasking: checkCaptureMasking(patch.captureMasking) };
}
