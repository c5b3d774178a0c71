/**
 * Model cards, generated from the bundle and the registry: intended use (the descriptions given at
 * registration), data (training and evaluation dataset versions), metrics with the dataset they were
 * measured on, parameters, feature importance, lineage, limitations Kiln can state from the facts it has,
 * and the approval history. The same document as JSON and as Markdown.
 */
import type { ModelBundle } from '../runtime/bundle-types.js';
import type { ModelApprovalRecord, ModelDatasetRef, ModelVersionRecord, RegisteredModelRecord } from '../store/model-registry-repository.js';
import type { VersionLineage } from './lineage.js';

/** The card as data (`kiln models card REF --format json`). */
export interface ModelCard {
  readonly model: { name: string; project: string; description: string | null; tags: Record<string, string> };
  readonly version: { ref: string; version: number; format: string; status: string; stage: string; aliases: readonly string[]; createdAt: string; createdBy: string; checksum: string; artifactHash: string; tags: Record<string, string> };
  readonly intendedUse: string | null;
  readonly task: string | null;
  readonly algorithm: string | null;
  readonly target: string | null;
  readonly inputs: { name: string; type: string; nullable: boolean }[];
  readonly data: { training: VersionLineage['trainingDatasets']; evaluation: ModelDatasetRef | null };
  readonly metrics: { split: string | null; values: Record<string, number> };
  readonly params: Record<string, unknown>;
  readonly featureImportance: { feature: string; importance: number }[];
  readonly lineage: VersionLineage;
  readonly limitations: string[];
  readonly approvals: ModelApprovalRecord[];
}

/** Builds the card of one version. */
export function buildModelCard(model: RegisteredModelRecord, v: ModelVersionRecord, aliases: readonly string[], bundle: ModelBundle | null, lineage: VersionLineage, approvals: ModelApprovalRecord[]): ModelCard {
  const importance = Object.entries(bundle?.metadata.featureImportance ?? {})
    .map(([feature, value]) => ({ feature, importance: value }))
    .sort((a, b) => b.importance - a.importance || (a.feature < b.feature ? -1 : 1))
    .slice(0, 20);
  const limitations: string[] = [];
  if (!v.evaluation || Object.keys(v.evaluation.metrics).length === 0) limitations.push('No evaluation metrics are recorded for this version.');
  else if (v.evaluation.dataset === null) limitations.push('The metrics are the training report of the bundle; the data they were measured on is not recorded.');
  else if (v.evaluation.split !== 'full') limitations.push(`The metrics come from a held-out split (${v.evaluation.split}) of the training dataset ${v.evaluation.dataset.name}@${v.evaluation.dataset.version}, not from independent data.`);
  if (v.trainingDatasets.length === 0) limitations.push('The training data is not a registered dataset version, so the model cannot be reproduced from the registry alone.');
  if (lineage.runMissing) limitations.push(`The run ${v.source.runId ?? ''} that trained this version has been deleted.`);
  if (bundle && bundle.signature.inputs.some((i) => i.type === 'categorical')) limitations.push('Categories never seen in training are scored as missing values (use --strict-categories to refuse them).');
  if (bundle && bundle.baseline.rows < 1000) limitations.push(`Trained on ${bundle.baseline.rows} rows: estimates may be unstable.`);
  if (v.status !== 'approved') limitations.push(`This version is ${v.status}, not approved.`);
  return {
    model: { name: model.name, project: model.project, description: model.description, tags: model.tags },
    version: { ref: `${v.name}@${v.version}`, version: v.version, format: v.format, status: v.status, stage: v.stage, aliases, createdAt: v.createdAt, createdBy: v.createdBy, checksum: v.checksum, artifactHash: v.artifactHash, tags: v.tags },
    intendedUse: v.description ?? model.description,
    task: v.task,
    algorithm: v.algorithm,
    target: bundle?.signature.target ?? null,
    inputs: (bundle?.signature.inputs ?? []).map((i) => ({ name: i.name, type: i.type, nullable: i.nullable })),
    data: { training: v.trainingDatasets, evaluation: v.evaluation?.dataset ?? null },
    metrics: { split: v.evaluation?.split ?? null, values: v.evaluation?.metrics ?? {} },
    params: { ...(bundle?.metadata.params ?? {}) },
    featureImportance: importance,
    lineage,
    limitations,
    approvals,
  };
}

const cell = (s: unknown): string => String(s ?? '').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');

/** The card as Markdown. */
export function renderModelCardMarkdown(card: ModelCard): string {
  const lines: string[] = [];
  const v = card.version;
  lines.push(`# Model card: ${card.model.name} version ${v.version}`, '');
  lines.push(`- Reference: \`${v.ref}\` (format ${v.format}, status **${v.status}**, stage **${v.stage}**${v.aliases.length ? `, aliases ${v.aliases.map((a) => `\`${a}\``).join(', ')}` : ''})`);
  lines.push(`- Registered ${v.createdAt} by ${v.createdBy}; bundle checksum \`${v.checksum}\``);
  lines.push(`- Task: ${card.task ?? 'unknown'}; algorithm: ${card.algorithm ?? 'unknown'}; target: ${card.target ?? 'unknown'}`, '');
  lines.push('## Intended use', '', card.intendedUse ?? '_No description was given at registration._', '');
  lines.push('## Data', '');
  lines.push(`- Training: ${card.data.training.length ? card.data.training.map((d) => `\`${d.name}@${d.version}\` (sha256 ${d.hash.slice(0, 12)}…)`).join(', ') : '_not a registered dataset_'}`);
  lines.push(`- Evaluation: ${card.data.evaluation ? `\`${card.data.evaluation.name}@${card.data.evaluation.version}\` (${card.metrics.split ?? ''})` : '_not recorded_'}`, '');
  lines.push('## Metrics', '');
  const metrics = Object.entries(card.metrics.values);
  if (metrics.length) lines.push('| metric | value |', '| --- | --- |', ...metrics.map(([k, val]) => `| ${cell(k)} | ${val} |`), '');
  else lines.push('_None recorded._', '');
  lines.push('## Inputs', '');
  if (card.inputs.length) lines.push('| column | type | nullable |', '| --- | --- | --- |', ...card.inputs.map((i) => `| ${cell(i.name)} | ${i.type} | ${i.nullable} |`), '');
  else lines.push('_Not described (not a Kiln bundle)._', '');
  lines.push('## Parameters', '');
  const params = Object.entries(card.params);
  if (params.length) lines.push('| parameter | value |', '| --- | --- |', ...params.map(([k, val]) => `| ${cell(k)} | ${cell(typeof val === 'object' ? JSON.stringify(val) : val)} |`), '');
  else lines.push('_None recorded._', '');
  if (card.featureImportance.length) {
    lines.push('## Feature importance', '', '| feature | importance |', '| --- | --- |', ...card.featureImportance.map((f) => `| ${cell(f.feature)} | ${f.importance} |`), '');
  }
  lines.push('## Lineage', '');
  const l = card.lineage;
  if (l.run) lines.push(`- Run \`${l.run.id}\` (experiment ${cell(l.run.experiment)}, ${l.run.status}, started ${l.run.startedAt}); code commit ${l.run.gitCommit ? `\`${l.run.gitCommit}\`` : 'unknown'}`);
  else lines.push(`- Source: ${l.source.kind}${l.source.file ? ` \`${cell(l.source.file)}\`` : ''}${l.runMissing ? ' (its run was deleted)' : ''}`);
  lines.push(`- Parent version: ${l.parent ? `\`${l.parent.ref}\`` : 'none'}`, '');
  lines.push('## Limitations', '', ...(card.limitations.length ? card.limitations.map((s) => `- ${s}`) : ['_None identified from the recorded facts._']), '');
  lines.push('## Approval history', '');
  if (card.approvals.length) lines.push('| at | decision | actor | comment |', '| --- | --- | --- | --- |', ...card.approvals.map((a) => `| ${a.at} | ${a.decision} | ${cell(a.actor)} | ${cell(a.comment)} |`), '');
  else lines.push('_No decisions yet._', '');
  return `${lines.join('\n')}\n`;
}
