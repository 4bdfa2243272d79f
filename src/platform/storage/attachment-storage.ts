import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where attachment bytes live; the database keeps only metadata and the key. */
export interface AttachmentStorage {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
}

export class FileSystemStorage implements AttachmentStorage {
  constructor(private readonly root: string) {}

  private resolve(key: string): string {
    const target = path.resolve(this.root, key);
    if (!target.startsWith(path.resolve(this.root) + path.sep)) throw new Error(`invalid storage key ${key}`);
    return target;
  }

  async put(key: string, data: Buffer): Promise<void> {
    const target = this.resolve(key);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, data);
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.resolve(key));
  }
}
