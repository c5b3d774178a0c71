/**
 * Collects every problem of a definitions document before failing, so one `apply` reports them all,
 * each named by its path (`featureViews[0].features[1].type`).
 */
import { InputError } from '../core/errors.js';

/** One problem at one path. */
export interface DefinitionIssue {
  readonly path: string;
  readonly message: string;
}

/** An accumulator of issues; `throwIfAny` turns them into one InputError. */
export class DefinitionIssues {
  readonly list: DefinitionIssue[] = [];

  /** Record a problem at `path`. */
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  /** Throw an InputError naming every issue (field = the first path), or return when there are none. */
  throwIfAny(file: string | undefined): void {
    if (this.list.length === 0) return;
    const shown = this.list.slice(0, 20).map((i) => `${i.path}: ${i.message}`);
    const more = this.list.length > shown.length ? `; and ${this.list.length - shown.length} more` : '';
    throw new InputError(
      `feature definitions are invalid: ${shown.join('; ')}${more}`,
      { field: this.list[0].path, ...(file ? { file } : {}), issues: this.list.slice(0, 100) },
      'Fix the named fields of the definitions file and apply again.',
    );
  }
}
