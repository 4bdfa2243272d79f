import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const PROMISED = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).engines.node as string;
const OLDEST_NODE = semver.minVersion(PROMISED)?.version ?? '';

/** Every package.json below node_modules, nested ones included (npm warns about each of them). */
function installedPackages(directory: string): string[] {
  const found: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@')
      ? readdirSync(path.join(directory, entry)).map((name) => path.join(entry, name))
      : [entry];
    for (const name of names) {
      const packageDirectory = path.join(directory, name);
      found.push(path.join(packageDirectory, 'package.json'));
      found.push(...installedPackages(path.join(packageDirectory, 'node_modules')));
    }
  }
  return found;
}

describe('installed packages', () => {
  it('all accept the oldest Node.js the README promises, so a fresh install prints no engine warning', () => {
    expect(semver.valid(OLDEST_NODE)).toBeTruthy();
    const refusing: string[] = [];
    for (const file of installedPackages(path.join(root, 'node_modules'))) {
      let manifest: { name?: string; version?: string; engines?: { node?: string } };
      try {
        manifest = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        continue;
      }
      const range = manifest.engines?.node;
      if (range && !semver.satisfies(OLDEST_NODE, range)) {
        refusing.push(`${manifest.name}@${manifest.version} wants node ${range}`);
      }
    }
    expect(refusing).toEqual([]);
  });
});
