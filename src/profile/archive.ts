// Packing a capture's files: a zip for the service route (one response body,
// opens with any unzip tool) and plain files for the CLI's --out folder.
// fflate (0.8, no dependencies, pure JS) builds the zip in memory: a 10 s
// capture is a few MB of JSON that deflates about 10x.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import type { CaptureResult } from './capture.js';

export interface PackedProfile {
  body: Buffer;
  contentType: 'application/zip';
  /** For Content-Disposition: hotpath-profile-<ISO time>.zip */
  fileName: string;
}

/** A capture's files as one zip (what `POST /debug/profile` sends back). */
export function packProfile(result: Pick<CaptureResult, 'files'>): PackedProfile {
  const entries: Zippable = {};
  for (const [name, text] of result.files) entries[name] = strToU8(text);
  // Level 6: a 5 s two-worker capture (about 1.5 MB) packs in tens of ms; level 9 saves little more.
  const body = Buffer.from(zipSync(entries, { level: 6 }));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return { body, contentType: 'application/zip', fileName: `hotpath-profile-${stamp}.zip` };
}

/** The files of a zip made by packProfile (the CLI's --url mode unpacks the service's answer). */
export function unpackProfile(zip: Uint8Array): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const [name, data] of Object.entries(unzipSync(zip))) files.set(name, Buffer.from(data));
  return files;
}

/** Writes files into `dir` (created); names with a path separator are refused. */
export function writeProfileFiles(dir: string, files: Map<string, string | Uint8Array>): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, data] of files) {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.')) throw new Error(`refusing to write ${JSON.stringify(name)}: not a plain file name`);
    const path = join(dir, name);
    writeFileSync(path, data);
    written.push(path);
  }
  return written;
}
