/**
 * Profile a file by streaming it through the readers into the profiler (bounded memory).
 */
import { readFrameChunks } from '../io/read-frame.js';
import type { ReadOptions } from '../io/read-options.js';
import { profileFrames } from '../profile/profile-frames.js';
import type { Profile, ProfileOptions } from '../profile/profile-types.js';

/** Profile the file at `path`. */
export function profileSource(path: string, readOptions: ReadOptions, opts: ProfileOptions = {}): Promise<Profile> {
  return profileFrames(readFrameChunks(path, readOptions), opts);
}
