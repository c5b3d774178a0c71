/** Registry from objective name to factory: adding a loss is one entry and one file. */
import type { GbdtObjective } from '../gbdt-params.js';
import { createBinaryObjective } from './binary-objective.js';
import { createLambdarankObjective } from './lambdarank-objective.js';
import { createMulticlassObjective } from './multiclass-objective.js';
import type { ObjectiveFactory } from './objective.js';
import { createHuberObjective, createL1Objective, createL2Objective } from './regression-objectives.js';

/** Every training objective by name. */
export const OBJECTIVES: Readonly<Record<GbdtObjective, ObjectiveFactory>> = {
  binary: createBinaryObjective,
  multiclass: createMulticlassObjective,
  regression: createL2Objective,
  regression_l1: createL1Objective,
  huber: createHuberObjective,
  lambdarank: createLambdarankObjective,
};
