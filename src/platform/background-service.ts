import type { Config } from './config.ts';

export type Role = Config['ROLES'][number];

/** A long-running part of a role (a mail receiver, a mailbox poller), started and stopped with the process. */
export interface BackgroundService {
  readonly name: string;
  /** Runs in a process that has any of these roles. */
  readonly roles: readonly Role[];
  start(): Promise<void>;
  stop(): Promise<void>;
}
