/**
 * `kiln predict --model FILE.onnx`: scores a file or dataset version with an ONNX model through ONNX
 * Runtime, chunk by chunk, and writes the inputs (unless --only-predictions) plus every model output
 * (`[N]`/`[N,1]` outputs as one column, `[N,k]` as `<output>_<j>`) to CSV or Parquet, atomically.
 * `--columns a,b,c` names the columns of a model that reads one `[batch, features]` tensor.
 */
import { open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, NotFoundError, UsageError } from '../core/errors.js';
import { Frame } from '../core/frame.js';
import type { CliContext } from './main.js';
import { checkOutputs } from './output-guard.js';
import { printJson } from './output.js';
import { createProgress } from './progress.js';
import { readOptionsFrom } from './read-options.js';
import type { RawReadFlags } from './read-options.js';
import { resolveSource, withLazyKiln } from './with-kiln.js';

/** The predict flags the ONNX path reads. */
export interface OnnxPredictFlags extends RawReadFlags {
  model: string;
  data: string;
  out: string;
  onlyPredictions?: boolean;
  columns?: string;
  json?: boolean;
}

/**
 * Whether `kiln predict` should take the ONNX path for this model file: an `.onnx` name, or content
 * that starts like a ModelProto (field 1, `ir_version`, a varint: byte 0x08) — registry artifacts are
 * stored under their hash, without an extension. Kiln bundles start with `{`.
 */
export async function isOnnxModelFile(path: string): Promise<boolean> {
  if (path.toLowerCase().endsWith('.onnx')) return true;
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const head = new Uint8Array(1);
    const { bytesRead } = await handle.read(head, 0, 1, 0);
    return bytesRead === 1 && head[0] === 0x08;
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

/** Score `flags.data` with the ONNX model `flags.model` and write `flags.out`. */
export async function predictWithOnnx(ctx: CliContext, flags: OnnxPredictFlags): Promise<void> {
  const { io } = ctx;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(flags.model));
  } catch {
    throw new NotFoundError(`model file not found: ${flags.model}`, { file: flags.model }, 'Pass the path of an .onnx file.');
  }
  const columnMapping = flags.columns === undefined ? undefined : flags.columns.split(',').map((c) => c.trim());
  if (columnMapping && columnMapping.some((c) => c === '')) throw new UsageError('--columns must be a comma-separated list of non-empty column names', { field: 'columns' });
  const { loadOnnxModel, onnxOutputColumns } = await import('../ml/interop/onnx-model.js');
  const { detectFormat } = await import('../data/io/file-format.js');
  const { readFrameChunks } = await import('../data/io/read-frame.js');
  const { createFrameWriter } = await import('../data/io/write-frame.js');
  const model = await loadOnnxModel(bytes, { columnMapping });
  const format = detectFormat(flags.out);
  if (format !== 'csv' && format !== 'parquet') throw new UsageError(`--out must end in .csv or .parquet (got "${flags.out}")`, { field: 'out' });
  const readOptions = readOptionsFrom(flags);
  const progress = createProgress(io, 'scoring');
  const summary = await withLazyKiln(async (kiln) => {
    const resolved = await resolveSource(kiln, flags.data, readOptions);
    await checkOutputs([resolved.path, flags.model], [{ path: flags.out, flag: '--out' }]);
    const writer = await createFrameWriter(flags.out, { format });
    let rows = 0;
    let columns: string[] = [];
    let ok = false;
    try {
      for await (const chunk of readFrameChunks(resolved.path, resolved.readOptions)) {
        const predicted = onnxOutputColumns(await model.predict(chunk));
        if (!flags.onlyPredictions) {
          const clash = predicted.find((c) => chunk.has(c.name));
          if (clash) throw new InputError(`the input has a column named "${clash.name}", which is also an output of this model`, { column: clash.name }, `Rename the "${clash.name}" column, or pass --only-predictions.`);
        }
        const frame = new Frame(flags.onlyPredictions ? predicted : [...chunk.columns, ...predicted], chunk.rowCount);
        columns = frame.names;
        await writer.write(frame);
        rows += chunk.rowCount;
        progress.update(rows);
      }
      ok = true;
    } finally {
      if (ok) await writer.close();
      else await writer.abort();
      await model.close();
    }
    return { rows, out: resolve(flags.out), columns, model: { format: 'onnx', inputs: model.signature.columns.map((c) => c.name), outputs: model.signature.outputs.map((o) => o.name) } };
  }).finally(() => progress.stop());
  if (flags.json) return printJson(io, summary);
  io.out(`scored ${summary.rows} rows -> ${summary.out}\n`);
}
