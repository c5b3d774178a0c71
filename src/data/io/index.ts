/** Data readers and writers on DuckDB (CSV, Parquet, JSON, NDJSON files) and PostgreSQL queries. */
export { detectFormat, FILE_FORMATS } from './file-format.js';
export type { FileFormat } from './file-format.js';
export { DEFAULT_CHUNK_ROWS, DEFAULT_MEMORY_BUDGET_BYTES, DEFAULT_NULL_VALUES } from './read-options.js';
export type { ReadOptions } from './read-options.js';
export type { CsvDialect } from './describe-source.js';
export { readFrame, readFrameChunks } from './read-frame.js';
export { inspectSource } from './inspect-source.js';
export type { SourceInspection } from './inspect-source.js';
export { createFrameWriter, writeFrame } from './write-frame.js';
export type { FrameWriter, WriteFormat, WriteOptions } from './write-frame.js';
export { readPostgresFrame, readPostgresQuery } from './postgres-reader.js';
export type { PostgresReadOptions } from './postgres-reader.js';
